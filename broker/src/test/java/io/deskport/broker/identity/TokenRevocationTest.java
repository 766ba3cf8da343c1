package io.deskport.broker.identity;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.shared.Role;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.SecondBroker;
import io.deskport.broker.support.TestTenant;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Signing out, disabling, demoting, removing a user or resetting their password takes effect at once
 * on the broker that did it and within 5 seconds on every other replica: the old token is refused
 * everywhere, and a disabled user's live sessions are disconnected. Two broker instances on one database.
 */
@BrokerTest
class TokenRevocationTest {

    private static final Duration EVERY_REPLICA = Duration.ofSeconds(5);
    static SecondBroker secondBroker;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    UUID pool;

    @BeforeAll
    static void startSecondBroker(@Autowired Environment env) {
        secondBroker = SecondBroker.on(env);
    }

    @AfterAll
    static void stopSecondBroker() {
        if (secondBroker != null) {
            secondBroker.close();
        }
    }

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 10, 10);
        pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 2, "READY");
    }

    private int secondPort() {
        return secondBroker.port();
    }

    private UUID user(String name, Role... roles) {
        UUID id = tenant.user(name, roles);
        tenant.entitle(pool, id);
        return id;
    }

    /** The same signed-in user, calling the second broker. */
    private Api onSecond(Api signedIn) {
        return new Api(secondPort()).withToken(signedIn.token());
    }

    private void refusedEverywhere(Api signedIn, String path) {
        assertThat(signedIn.get(path).status()).as("refused at once on the broker that revoked").isEqualTo(401);
        await("refused on the other broker").atMost(EVERY_REPLICA).pollInterval(Duration.ofMillis(100))
                .until(() -> onSecond(signedIn).get(path).status() == 401);
    }

    @Test
    void aSignedOutTokenIsRefusedByEveryBroker() {
        user("alice");
        Api alice = tenant.login("alice");
        check(onSecond(alice).get("/api/v1/me"), 200);

        assertThat(alice.post("/api/v1/auth/logout").status()).isEqualTo(204);

        refusedEverywhere(alice, "/api/v1/me");
        check(tenant.login("alice").get("/api/v1/me"), 200); // signing in again works
    }

    @Test
    void aDisabledUserLosesEveryTokenAndIsDisconnected() {
        UUID id = user("alice");
        Api alice = tenant.login("alice");
        String session = check(alice.post("/api/v1/pools/" + pool + "/connect"), 201).body().get("session").get("id")
                .asString();

        check(tenant.admin.edit("/api/v1/admin/users/" + id, json("enabled", false)), 200);

        refusedEverywhere(alice, "/api/v1/sessions");
        assertThat(onSecond(alice).post("/api/v1/sessions/" + session + "/tunnel").status()).isEqualTo(401);
        assertThat(check(tenant.admin.get("/api/v1/admin/sessions"), 200).body().get(0).get("state").asString())
                .isEqualTo("DISCONNECTED");
    }

    @Test
    void aDemotedAdminKeepsNoAdminRightsOnAnyBroker() {
        UUID id = user("boss", Role.TENANT_ADMIN);
        Api boss = tenant.login("boss");
        check(onSecond(boss).get("/api/v1/admin/users"), 200);

        check(tenant.admin.edit("/api/v1/admin/users/" + id, json("roles", new Api.RawJson("[\"USER\"]"))), 200);

        refusedEverywhere(boss, "/api/v1/admin/users");
        assertThat(onSecond(boss).post("/api/v1/admin/users", json("username", "sneaky", "password",
                TestTenant.PASSWORD, "roles", new Api.RawJson("[\"TENANT_ADMIN\"]"))).status()).isEqualTo(401);
        // signed in again, with what the admin left them
        assertThat(tenant.login("boss").get("/api/v1/admin/users").status()).isEqualTo(403);
    }

    @Test
    void aRemovedUsersAndAResetPasswordsTokensAreRefused() {
        UUID gone = user("gone");
        Api goneApi = tenant.login("gone");
        UUID reset = user("reset");
        Api resetApi = tenant.login("reset");

        check(tenant.admin.delete("/api/v1/admin/users/" + gone), 204);
        check(tenant.admin.edit("/api/v1/admin/users/" + reset, json("password", "a-brand-new-password")), 200);

        refusedEverywhere(goneApi, "/api/v1/me");
        refusedEverywhere(resetApi, "/api/v1/me");
    }

    @Test
    void removingATenantVoidsEveryTokenOfItsUsersPlatformAdminsIncludedAndEndsTheirSessions() {
        user("alice");
        Api alice = tenant.login("alice");
        check(alice.post("/api/v1/pools/" + pool + "/connect"), 201);
        // a platform admin account that belongs to the tenant: its token must not outlive the tenant
        Api insider = tenant.platformAdmin(context, "insider");
        check(onSecond(insider).get("/api/v1/admin/tenants"), 200);
        Api operator = TestTenant.create(context, port, 1, 1).platformAdmin(context, "operator");

        check(operator.delete("/api/v1/admin/tenants/" + tenant.id), 204);

        refusedEverywhere(insider, "/api/v1/admin/tenants");
        refusedEverywhere(alice, "/api/v1/me");
        assertThat(onSecond(insider).post("/api/v1/admin/tenants", json("slug", "comeback", "name", "Comeback"))
                .status()).isEqualTo(401);
    }
}
