package io.deskport.broker.identity;

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

/** A signed-in user changes their own password with the current one ({@code POST /api/v1/auth/me/password}). */
@BrokerTest
class OwnPasswordChangeTest {

    private static final String NEW_PASSWORD = "a-brand-new-password";
    private static final String PATH = "/api/v1/auth/me/password";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 10, 10);
        tenant.user("alice");
    }

    private Api.Response change(Api who, String current, String next) {
        return who.post(PATH, json("currentPassword", current, "newPassword", next));
    }

    @Test
    void theNewPasswordSignsInAndTheOldOneNoLonger() {
        Api alice = tenant.login("alice");

        Api.Response r = check(change(alice, TestTenant.PASSWORD, NEW_PASSWORD), 200);

        assertThat(r.body().get("accessToken").asString()).isNotBlank();
        check(new Api(port).withToken(r.body().get("accessToken").asString()).get("/api/v1/me"), 200);
        check(new Api(port).login(tenant.slug, "alice", NEW_PASSWORD).get("/api/v1/me"), 200);
        assertThatThrownBy(() -> tenant.login("alice")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aWrongCurrentPasswordIsRefusedAndChangesNothing() {
        Api alice = tenant.login("alice");

        Api.Response r = change(alice, "not-the-password", NEW_PASSWORD);

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.reason()).isEqualTo("BAD_CREDENTIALS");
        check(alice.get("/api/v1/me"), 200);
        check(tenant.login("alice").get("/api/v1/me"), 200);
        assertThatThrownBy(() -> new Api(port).login(tenant.slug, "alice", NEW_PASSWORD))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aShortNewPasswordIsRefusedNamingTheField() {
        Api alice = tenant.login("alice");

        Api.Response r = change(alice, TestTenant.PASSWORD, "short");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(r.body().get("errors").get(0).get("field").asString()).isEqualTo("newPassword");
        check(tenant.login("alice").get("/api/v1/me"), 200);
    }

    @Test
    void theUsersOtherTokensStopWorking() {
        Api thisBrowser = tenant.login("alice");
        Api otherBrowser = tenant.login("alice");

        check(change(thisBrowser, TestTenant.PASSWORD, NEW_PASSWORD), 200);

        assertThat(otherBrowser.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(thisBrowser.get("/api/v1/me").status()).as("replaced by the fresh token").isEqualTo(401);
    }

    @Test
    void aUserOfAnotherTenantIsNotAffected() {
        TestTenant other = TestTenant.create(context, port, 10, 10);
        other.user("alice");
        Api alice = tenant.login("alice");

        check(change(alice, TestTenant.PASSWORD, NEW_PASSWORD), 200);

        check(other.login("alice").get("/api/v1/me"), 200);
        assertThatThrownBy(() -> new Api(port).login(other.slug, "alice", NEW_PASSWORD))
                .isInstanceOf(IllegalStateException.class);
    }
}
