package io.deskport.sessionhost.desktop;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UnixAccountsTest {

    final UnixAccounts accounts = new UnixAccounts("dp-", false);

    @Test
    void aPlainBrokerNameMapsToThePrefixedName() {
        assertThat(accounts.nameFor("alice")).isEqualTo("dp-alice");
    }

    @Test
    void namesThatHadToChangeGetAHashSoTwoUsersNeverShareAnAccount() {
        String a = accounts.nameFor("Alice");
        String b = accounts.nameFor("alice@example.com");

        assertThat(a).matches("dp-alice-[0-9a-f]{6}").isNotEqualTo(accounts.nameFor("alice"));
        assertThat(b).matches("[a-z0-9_-]+").hasSizeLessThanOrEqualTo(32);
        assertThat(accounts.nameFor("x".repeat(100))).hasSizeLessThanOrEqualTo(32);
    }
}
