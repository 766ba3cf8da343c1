package io.deskport.broker.identity;

import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Users change their own password with the current one: the old password stops working, every other
 * browser is signed out, the browser that changed it gets a fresh token, a wrong current password is
 * refused in words (and counts as a failed sign-in), and the audit trail has it.
 */
@BrokerTest
class PasswordChangeTest {

    private static final String NEW_PASSWORD = "a-brand-new-secret";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    UUID aliceId;

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 10, 10);
        aliceId = tenant.user("alice");
    }

    @Test
    void theNewPasswordWorksTheOldOneNoLongerAndOtherBrowsersAreSignedOut() {
        Api laptop = tenant.login("alice");
        Api phone = tenant.login("alice");

        Api.Response changed = check(laptop.post("/api/v1/me/password", json("currentPassword", TestTenant.PASSWORD,
                "newPassword", NEW_PASSWORD)), 200);
        Api fresh = new Api(port).withToken(changed.body().get("accessToken").asString());

        assertThat(fresh.get("/api/v1/me").status()).as("the browser that changed it stays signed in").isEqualTo(200);
        assertThat(phone.get("/api/v1/me").status()).as("other browsers are signed out").isEqualTo(401);
        assertThat(laptop.get("/api/v1/me").status()).as("the token it had before is void too").isEqualTo(401);
        assertThat(tenant.anonymous.post("/api/v1/auth/login", json("tenant", tenant.slug, "username", "alice",
                "password", TestTenant.PASSWORD)).status()).isEqualTo(401);
        check(tenant.anonymous.post("/api/v1/auth/login", json("tenant", tenant.slug, "username", "alice",
                "password", NEW_PASSWORD)), 200);

        Api.Response audit = check(tenant.admin.get("/api/v1/admin/audit?action=PASSWORD_CHANGED&objectId=" + aliceId), 200);
        assertThat(audit.body().size()).isEqualTo(1);
        assertThat(audit.raw()).doesNotContain(NEW_PASSWORD).doesNotContain(TestTenant.PASSWORD);
    }

    @Test
    void aWrongCurrentPasswordIsRefusedInWordsAndChangesNothing() {
        Api alice = tenant.login("alice");

        Api.Response refused = alice.post("/api/v1/me/password", json("currentPassword", "not-my-password",
                "newPassword", NEW_PASSWORD));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.body().get("reason").asString()).isEqualTo("VALIDATION_FAILED");
        assertThat(refused.body().get("errors").get(0).get("field").asString()).isEqualTo("currentPassword");
        assertThat(alice.get("/api/v1/me").status()).as("still signed in").isEqualTo(200);
        check(tenant.anonymous.post("/api/v1/auth/login", json("tenant", tenant.slug, "username", "alice",
                "password", TestTenant.PASSWORD)), 200);
    }

    @Test
    void wrongCurrentPasswordsAreThrottledLikeSignIns() {
        Api alice = tenant.login("alice");
        int status = 0;
        for (int i = 0; i < 8 && status != 429; i++) {
            status = alice.post("/api/v1/me/password", json("currentPassword", "guess-" + i, "newPassword", NEW_PASSWORD)).status();
        }
        assertThat(status).isEqualTo(429);
    }

    @Test
    void aTooShortOrUnchangedPasswordIsRefused() {
        Api alice = tenant.login("alice");
        Api.Response shortOne = alice.post("/api/v1/me/password", json("currentPassword", TestTenant.PASSWORD, "newPassword", "short"));
        assertThat(shortOne.status()).isEqualTo(400);
        assertThat(shortOne.body().get("errors").get(0).get("field").asString()).isEqualTo("newPassword");
        Api.Response same = alice.post("/api/v1/me/password", json("currentPassword", TestTenant.PASSWORD,
                "newPassword", TestTenant.PASSWORD));
        assertThat(same.status()).isEqualTo(400);
        assertThat(same.body().get("errors").get(0).get("field").asString()).isEqualTo("newPassword");
    }

    @Test
    void aUserOfAnotherTenantWithTheSameNameIsNotAffected() {
        TestTenant other = TestTenant.create(context, port, 10, 10);
        other.user("alice");
        Api alice = tenant.login("alice");

        check(alice.post("/api/v1/me/password", json("currentPassword", TestTenant.PASSWORD,
                "newPassword", NEW_PASSWORD)), 200);

        check(other.login("alice").get("/api/v1/me"), 200);
        assertThatThrownBy(() -> new Api(port).login(other.slug, "alice", NEW_PASSWORD))
                .isInstanceOf(IllegalStateException.class);
    }
}
