package io.deskport.broker.identity;

import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Onboarding and offboarding of tenants through the platform admin API on local accounts (no Keycloak configured):
 * the tenant comes with its first admin, who signs in with the temporary password from the answer; offboarding
 * refuses sign-in, voids every token and disconnects the tenant's sessions; reactivation lets them back in.
 */
@BrokerTest
class TenantOnboardingTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    private TestTenant home;
    private Api operator;

    @BeforeEach
    void setUp() {
        home = TestTenant.create(context, port, 10, 10);
        operator = home.platformAdmin(context, "platform-" + home.slug);
    }

    private static String newSlug() {
        return "ob" + Long.toHexString(System.nanoTime());
    }

    private Api.Response onboard(String slug, Object firstAdmin) {
        return operator.post("/api/v1/admin/tenants/onboard", json("slug", slug, "name", "Onboarded " + slug,
                "maxConcurrentSessions", 5, "maxDesktops", 5, "domains", new Api.RawJson("[\"Example.org\"]"),
                "firstAdmin", firstAdmin));
    }

    @Test
    void anOnboardedTenantsFirstAdminSignsInWithTheTemporaryPasswordShownOnce() {
        String slug = newSlug();
        Api.Response created = check(onboard(slug, new Api.RawJson(json("username", "first", "email",
                "first@example.org", "displayName", "First Admin"))), 201);

        JsonNode body = created.body();
        assertThat(body.get("identityProvider").asString()).isEqualTo("local");
        assertThat(body.get("tenant").get("slug").asString()).isEqualTo(slug);
        assertThat(body.get("domains").get(0).asString()).isEqualTo("example.org");
        String password = body.get("firstAdmin").get("temporaryPassword").asString();
        assertThat(password).hasSizeGreaterThanOrEqualTo(12);
        assertThat(created.header("Cache-Control")).isEqualTo("no-store");

        Api first = new Api(port).login(slug, "first", password);
        JsonNode me = check(first.get("/api/v1/me"), 200).body();
        assertThat(me.get("roles").toString()).contains("TENANT_ADMIN");
        check(first.get("/api/v1/admin/users"), 200);
        UUID tenantId = UUID.fromString(body.get("tenant").get("id").asString());
        assertThat(jdbc.sql("select count(*) from audit_event where tenant_id = ? and action = 'TENANT_ONBOARDED'")
                .param(tenantId).query(Integer.class).single()).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from audit_event where details::text like ?").param("%" + password + "%")
                .query(Integer.class).single()).as("the password is in no audit line").isZero();
        assertThat(jdbc.sql("select domains[1] from identity_organization where tenant_id = ?").param(tenantId)
                .query(String.class).single()).isEqualTo("example.org");
    }

    @Test
    void onboardingATakenSlugIsAConflictAndChangesNothing() {
        Api.Response taken = onboard(home.slug, new Api.RawJson(json("username", "first")));
        assertThat(taken.status()).isEqualTo(409);
        assertThat(jdbc.sql("select count(*) from app_user where username = 'first' and tenant_id = ?").param(home.id)
                .query(Integer.class).single()).isZero();
    }

    @Test
    void anInvitationOrADedicatedRealmNeedKeycloak() {
        Api.Response invite = onboard(newSlug(), new Api.RawJson(json("username", "first", "email", "f@example.org",
                "invite", true)));
        assertThat(invite.status()).isEqualTo(422);
        assertThat(invite.body().get("reason").asString()).isEqualTo("INVITATION_UNAVAILABLE");

        String slug = newSlug();
        Api.Response realm = operator.post("/api/v1/admin/tenants/onboard", json("slug", slug, "name", "R",
                "maxConcurrentSessions", 1, "maxDesktops", 1, "dedicatedRealm", true));
        assertThat(realm.status()).isEqualTo(400);
        assertThat(realm.body().get("errors").get(0).get("field").asString()).isEqualTo("dedicatedRealm");
        assertThat(jdbc.sql("select count(*) from tenant where slug = ?").param(slug).query(Integer.class).single()).isZero();
    }

    @Test
    void onlyPlatformAdminsOnboardOrOffboard() {
        assertThat(home.admin.post("/api/v1/admin/tenants/onboard", json("slug", newSlug(), "name", "x",
                "maxConcurrentSessions", 1, "maxDesktops", 1)).status()).isEqualTo(403);
        assertThat(home.admin.post("/api/v1/admin/tenants/" + home.id + "/offboard").status()).isEqualTo(403);
    }

    @Test
    void anOffboardedTenantCannotSignInLosesItsTokensAndSessionsUntilReactivated() {
        TestTenant leaving = TestTenant.create(context, port, 10, 10);
        UUID pool = leaving.pool("office", "POOLED", null);
        leaving.desktops(pool, 1, "READY");
        UUID alice = leaving.user("alice");
        leaving.entitle(pool, alice);
        Api aliceApi = leaving.login("alice");
        check(aliceApi.post("/api/v1/pools/" + pool + "/connect"), 201);

        JsonNode offboarded = check(operator.post("/api/v1/admin/tenants/" + leaving.id + "/offboard"), 200).body();

        assertThat(offboarded.get("offboardedAt").isNull()).isFalse();
        assertThat(aliceApi.get("/api/v1/me").status()).as("alice's token is void").isEqualTo(401);
        assertThat(leaving.admin.get("/api/v1/admin/users").status()).as("the admin's token is void").isEqualTo(401);
        assertThat(leaving.anonymous.post("/api/v1/auth/login", json("tenant", leaving.slug, "username", "alice",
                "password", TestTenant.PASSWORD)).status()).as("sign-in refused").isEqualTo(401);
        assertThat(jdbc.sql("select state from session where tenant_id = ?").param(leaving.id).query(String.class)
                .single()).isEqualTo("DISCONNECTED");
        assertThat(context.getBean(io.deskport.broker.tenancy.Tenants.class).isActive(leaving.id)).isFalse();
        // again: nothing more happens, and it stays offboarded
        check(operator.post("/api/v1/admin/tenants/" + leaving.id + "/offboard"), 200);
        assertThat(jdbc.sql("select count(*) from audit_event where tenant_id = ? and action = 'TENANT_OFFBOARDED'")
                .param(leaving.id).query(Integer.class).single()).isEqualTo(1);

        JsonNode back = check(operator.post("/api/v1/admin/tenants/" + leaving.id + "/reactivate"), 200).body();

        assertThat(back.get("offboardedAt").isNull()).isTrue();
        check(leaving.login("alice").get("/api/v1/me"), 200);
        assertThat(jdbc.sql("select count(*) from audit_event where tenant_id = ? and action = 'TENANT_REACTIVATED'")
                .param(leaving.id).query(Integer.class).single()).isEqualTo(1);
    }

    @Test
    void aPlatformAdminCannotOffboardTheirOwnTenant() {
        Api.Response own = operator.post("/api/v1/admin/tenants/" + home.id + "/offboard");
        assertThat(own.status()).isEqualTo(409);
        check(operator.get("/api/v1/me"), 200);
    }

    @Test
    void aStaleOnboardingLeftByADeadBrokerIsUndone() {
        String slug = newSlug();
        jdbc.sql("insert into identity_onboarding (slug, dedicated_realm, first_admin, started_at) "
                + "values (?, false, 'first', now() - interval '1 hour')").param(slug).update();
        String fresh = newSlug();
        jdbc.sql("insert into identity_onboarding (slug, dedicated_realm) values (?, false)").param(fresh).update();

        context.getBean(OnboardingReconciler.class).reconcile(OnboardingReconciler.STALE);

        assertThat(jdbc.sql("select slug from identity_onboarding where slug in (?, ?)").params(slug, fresh)
                .query(String.class).list()).as("the stale one is gone, the live one stays").containsExactly(fresh);
        jdbc.sql("delete from identity_onboarding where slug = ?").param(fresh).update();
    }
}
