package io.deskport.broker.identity;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Password guessing is slowed down: wrong passwords lock the account for a moment (longer each time, but
 * never for long), and many wrong passwords lock the guessing address; a locked attempt is answered 429
 * with Retry-After before any password is checked. Every sign-in, failure, lock-out and sign-out is in
 * the audit trail with the client's address.
 */
@BrokerTest
@TestPropertySource(properties = {"deskport.identity.sign-in-free-failures=3",
        "deskport.identity.sign-in-max-account-lock=2s", "deskport.identity.sign-in-free-failures-per-address=8",
        "deskport.identity.sign-in-max-address-lock=2s"})
class SignInThrottleTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    TestTenant tenant;

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 10, 10);
        tenant.user("alice");
    }

    private Api.Response signIn(String username, String password) {
        return new Api(port).post("/api/v1/auth/login", Api.json("tenant", tenant.slug, "username", username,
                "password", password));
    }

    @Test
    void wrongPasswordsLockTheAccountForAMomentAndThenTheRightOneWorks() {
        for (int i = 0; i < 3; i++) {
            assertThat(signIn("alice", "wrong-" + i).status()).isEqualTo(401);
        }
        assertThat(signIn("alice", "wrong-again").status()).as("the failure that locks").isEqualTo(401);
        Api.Response locked = signIn("alice", TestTenant.PASSWORD);
        assertThat(locked.status()).as("even the right password waits").isEqualTo(429);
        assertThat(locked.reason()).isEqualTo("TOO_MANY_ATTEMPTS");
        assertThat(locked.header("Retry-After")).isNotNull();

        await("the lock passes").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> signIn("alice", TestTenant.PASSWORD).status() == 200);
        assertThat(actions()).contains("SIGN_IN_FAILED", "SIGN_IN_LOCKED_OUT", "SIGNED_IN");
    }

    @Test
    void anAddressGuessingAcrossAccountsIsLockedToo() {
        for (int i = 0; i < 8; i++) {
            signIn("nobody-" + i, "guess");
        }
        assertThat(signIn("nobody-8", "guess").status()).isEqualTo(401);
        assertThat(signIn("someone-else", "guess").status()).as("a new account from the same address").isEqualTo(429);
        await("the lock passes").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250))
                .until(() -> signIn("alice", TestTenant.PASSWORD).status() == 200);
    }

    @Test
    void signInsAndSignOutsAreAuditedWithTheClientAddress() {
        Api alice = tenant.login("alice");
        assertThat(alice.post("/api/v1/auth/logout").status()).isEqualTo(204);
        var line = jdbc.sql("select details->>'clientAddress' from audit_event where tenant_id = ? and action = 'SIGNED_OUT'")
                .param(tenant.id).query(String.class).single();
        assertThat(line).isEqualTo("127.0.0.1");
        assertThat(actions()).contains("SIGNED_IN", "SIGNED_OUT");
    }

    private java.util.List<String> actions() {
        return jdbc.sql("select action from audit_event where tenant_id = ? order by id").param(tenant.id)
                .query(String.class).list();
    }
}
