package io.deskport.broker.identity;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The local password policy's rules, one at a time (the API's use of them: PasswordPolicyApiTest). */
class LocalPasswordPolicyTest {

    private final LocalPasswordPolicy policy = new LocalPasswordPolicy(new IdentityProperties(Duration.ofHours(8),
            "demo", false, 5, Duration.ofSeconds(60), 20, Duration.ofMinutes(15), 4, 12));

    private List<String> wrong(String username, String password) {
        return policy.violations(username, password);
    }

    @Test
    void aLongUnremarkablePasswordPasses() {
        assertThat(wrong("alice", "correct-horse-battery")).isEmpty();
        assertThat(wrong("alice", "Tq7mWx2pLk9z")).isEmpty();
    }

    @Test
    void tooShortAndTooLongAreRefused() {
        assertThat(wrong("alice", "Tq7mWx2pLk9")).containsExactly("must be at least 12 characters");
        assertThat(wrong("alice", "x".repeat(199) + "yz")).containsExactly("must be at most 200 characters");
        assertThat(wrong("alice", "Tq7mWx2pLk9zTq7mWx2pLk9z".repeat(9).substring(0, 200))).isEmpty();
    }

    @Test
    void thePasswordMayNotContainTheUsername() {
        assertThat(wrong("operator", "my-Operator-2026-x")).containsExactly("must not contain the username");
        assertThat(wrong("al", "correct-horse-battery-al")).as("too short a name to mean anything").isEmpty();
    }

    @Test
    void oneRepeatedCharacterIsRefused() {
        assertThat(wrong("alice", "zzzzzzzzzzzzzz")).containsExactly("must not be one character repeated");
    }

    @Test
    void walksAlongTheKeyboardOrTheDigitsAreRefused() {
        assertThat(wrong("alice", "qwertyuiop12")).hasSize(1).first().asString().contains("run along the keyboard");
        assertThat(wrong("alice", "123456789012")).hasSize(1);
        assertThat(wrong("alice", "0987654321ab")).hasSize(1);
        assertThat(wrong("alice", "1qaz2wsx3edc")).hasSize(1);
        assertThat(wrong("alice", "abcdefghijklm")).hasSize(1);
    }

    @Test
    void commonPasswordsWithDigitsOrSymbolsAroundThemAreRefused() {
        assertThat(wrong("alice", "Password1234")).containsExactly(
                "must not be a common password, even with digits or symbols added");
        assertThat(wrong("alice", "P@ssw0rd2026!")).hasSize(1);
        assertThat(wrong("alice", "Summer2026!!")).hasSize(1);
        assertThat(wrong("alice", "letmeinletmein")).hasSize(1);
        assertThat(wrong("alice", "!!welcome2026")).hasSize(1);
        assertThat(wrong("alice", "welcome-to-the-jungle")).as("a common word inside a passphrase is fine").isEmpty();
    }

    @Test
    void theMinimumLengthIsASetting() {
        LocalPasswordPolicy sixteen = new LocalPasswordPolicy(new IdentityProperties(Duration.ofHours(8), "demo", false,
                5, Duration.ofSeconds(60), 20, Duration.ofMinutes(15), 4, 16));
        assertThat(sixteen.violations("alice", "Tq7mWx2pLk9z")).containsExactly("must be at least 16 characters");
    }
}
