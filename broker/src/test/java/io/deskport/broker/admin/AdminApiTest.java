package io.deskport.broker.admin;

import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.shared.Role;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@BrokerTest
class AdminApiTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    TestTenant tenant;

    @BeforeEach
    void newTenant() {
        tenant = TestTenant.create(context, port, 100, 100);
    }

    @Test
    void invalidInputGetsA400NamingEveryBadField() {
        Api.Response r = tenant.admin.post("/api/v1/admin/pools", json("name", "", "kind", "POOLED",
                "idleTimeoutSeconds", 5));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(r.body().get("errors").findValuesAsString("field")).contains("name", "idleTimeoutSeconds");
    }

    @Test
    void anUnknownEnumValueAndMalformedJsonAreClear400s() {
        Api.Response badKind = tenant.admin.post("/api/v1/admin/pools", json("name", "x", "kind", "FLOATING"));
        Api.Response garbage = tenant.admin.postRaw("/api/v1/admin/pools", "application/json", "{\"name\": ");
        Api.Response badId = tenant.admin.get("/api/v1/admin/pools/not-a-uuid");

        assertThat(badKind.status()).isEqualTo(400);
        assertThat(badKind.reason()).as("well-formed JSON with a value out of its set").isEqualTo("VALIDATION_FAILED");
        assertThat(badKind.body().get("errors").get(0).get("field").asString()).isEqualTo("kind");
        assertThat(garbage.status()).isEqualTo(400);
        assertThat(garbage.reason()).isEqualTo("MALFORMED_REQUEST");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.reason()).isEqualTo("VALIDATION_FAILED");
    }

    @Test
    void passwordsAreNeverEchoedBackInValidationErrors() {
        Api.Response r = tenant.admin.post("/api/v1/admin/users", json("username", "zed", "password", "short"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.raw()).doesNotContain("short");
    }

    @Test
    void aTenantAdminCannotActInAnotherTenantNorOnTenants() {
        TestTenant other = TestTenant.create(context, port, 10, 10);

        Api.Response crossTenant = tenant.admin.inTenant(other.id).get("/api/v1/admin/pools");
        Api.Response tenants = tenant.admin.get("/api/v1/admin/tenants");
        Api.Response promote = tenant.admin.post("/api/v1/admin/users", json("username", "root2",
                "password", TestTenant.PASSWORD, "roles", new Api.RawJson("[\"PLATFORM_ADMIN\"]")));

        assertThat(crossTenant.status()).isEqualTo(403);
        assertThat(tenants.status()).isEqualTo(403);
        assertThat(promote.status()).isEqualTo(403);
        assertThat(promote.reason()).isEqualTo("FORBIDDEN");
    }

    @Test
    void aPlatformAdminManagesTenantsAndActsInsideThem() {
        Api operator = tenant.platformAdmin(context, "operator");

        Api.Response created = check(operator.post("/api/v1/admin/tenants", json("slug", "acme-" + System.nanoTime() % 100000,
                "name", "Acme", "maxConcurrentSessions", 5, "maxDesktops", 5)), 201);
        UUID acme = created.id();
        check(operator.inTenant(acme).post("/api/v1/admin/pools", json("name", "acme pool", "kind", "POOLED")), 201);

        assertThat(operator.inTenant(acme).get("/api/v1/admin/pools").body().size()).isEqualTo(1);
        assertThat(tenant.admin.get("/api/v1/admin/pools").body().size()).isZero();
        Api.Response duplicate = operator.post("/api/v1/admin/tenants", json("slug", created.body().get("slug").asString(),
                "name", "Again", "maxConcurrentSessions", 5, "maxDesktops", 5));
        assertThat(duplicate.status()).isEqualTo(409);
        assertThat(duplicate.reason()).isEqualTo("CONFLICT");
    }

    @Test
    void aPlatformAdminsSwitchIntoATenantIsAuditedInThatTenantOnceAndAnUnknownTenantIsNotFound() {
        Api operator = tenant.platformAdmin(context, "operator");
        UUID acme = check(operator.post("/api/v1/admin/tenants", json("slug", "acme-" + System.nanoTime() % 100000,
                "name", "Acme", "maxConcurrentSessions", 5, "maxDesktops", 5)), 201).id();

        for (int i = 0; i < 3; i++) {
            check(operator.inTenant(acme).get("/api/v1/admin/pools"), 200);
        }
        check(tenant.admin.get("/api/v1/admin/pools"), 200);

        var entered = check(operator.inTenant(acme).get("/api/v1/admin/audit?action=TENANT_VIEW_ENTERED"), 200).body();
        assertThat(entered.size()).isEqualTo(1);
        assertThat(entered.get(0).get("actorName").asString()).isEqualTo("operator");
        assertThat(entered.get(0).get("objectId").asString()).isEqualTo(acme.toString());
        assertThat(entered.get(0).get("details").get("adminTenantId").asString()).isEqualTo(tenant.id.toString());
        assertThat(check(tenant.admin.get("/api/v1/admin/audit?action=TENANT_VIEW_ENTERED"), 200).body().size()).isZero();

        Api.Response unknown = operator.inTenant(UUID.randomUUID()).get("/api/v1/admin/pools");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.reason()).isEqualTo("NOT_FOUND");
    }

    @Test
    void aUsersPoolsAreListedFromTheirSideDirectAndThroughGroupsAndAGroupsPoolsFromItsSide() {
        UUID office = tenant.pool("office", "POOLED", null);
        UUID cad = tenant.pool("cad", "PERSISTENT", null);
        tenant.pool("lab", "POOLED", null);
        UUID alice = tenant.user("alice");
        UUID designers = check(tenant.admin.post("/api/v1/admin/groups", json("name", "designers")), 201).id();
        check(tenant.admin.post("/api/v1/admin/groups/" + designers + "/members",
                json("userIds", new Api.RawJson("[\"" + alice + "\"]"))), 200);
        tenant.entitle(office, alice);
        tenant.entitleGroup(cad, designers);
        tenant.entitleGroup(office, designers);

        var mine = check(tenant.admin.get("/api/v1/admin/users/" + alice + "/pools?sort=poolName"), 200).body();
        assertThat(mine.findValuesAsString("poolName")).containsExactly("cad", "office", "office");
        assertThat(mine.get(0).get("groupId").asString()).isEqualTo(designers.toString());
        assertThat(mine.findValuesAsString("poolKind")).containsExactly("PERSISTENT", "POOLED", "POOLED");
        long direct = 0;
        for (var e : mine) {
            direct += e.get("groupId").isNull() ? 1 : 0;
        }
        assertThat(direct).isEqualTo(1);

        tenant.user("desk", Role.HELPDESK);
        var groups = check(tenant.login("desk").get("/api/v1/admin/groups/" + designers + "/pools"), 200).body();
        assertThat(groups.findValuesAsString("poolName")).containsExactly("cad", "office");

        Api.Response unknown = tenant.admin.get("/api/v1/admin/users/" + UUID.randomUUID() + "/pools");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.reason()).isEqualTo("NOT_FOUND");
    }

    @Test
    void helpDeskSeesAndEndsSessionsButCannotChangePools() {
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 1, "READY");
        UUID alice = tenant.user("alice");
        tenant.entitle(pool, alice);
        String session = check(tenant.login("alice").post("/api/v1/pools/" + pool + "/connect"), 201)
                .body().get("session").get("id").asString();
        tenant.user("hd", Role.HELPDESK);
        Api helpdesk = tenant.login("hd");

        assertThat(helpdesk.get("/api/v1/admin/sessions").body().size()).isEqualTo(1);
        assertThat(helpdesk.post("/api/v1/admin/pools", json("name", "x", "kind", "POOLED")).status()).isEqualTo(403);
        Api.Response ended = check(helpdesk.post("/api/v1/admin/sessions/" + session + "/logoff"), 200);
        assertThat(ended.body().get("endReason").asString()).isEqualTo("ADMIN_LOGOFF");
        assertThat(helpdesk.get("/api/v1/admin/sessions").body().size()).isZero();
    }

    @Test
    void aPlainUserCannotReachTheAdminApi() {
        tenant.user("alice");
        Api alice = tenant.login("alice");

        assertThat(alice.get("/api/v1/admin/sessions").status()).isEqualTo(403);
        assertThat(alice.get("/api/v1/admin/audit").status()).isEqualTo(403);
    }

    @Test
    void theDesktopQuotaOfATenantIsEnforced() {
        TestTenant small = TestTenant.create(context, port, 10, 2);
        UUID pool = small.pool("office", "POOLED", null);
        small.desktops(pool, 2, "READY");

        Api.Response refused = small.admin.post("/api/v1/admin/pools/" + pool + "/desktops", json("name", "third",
                "consoleHost", "127.0.0.1", "consolePort", 5999));

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.reason()).isEqualTo("TENANT_QUOTA");
        assertThat(refused.body().get("maxDesktops").asInt()).isEqualTo(2);
    }

    @Test
    void removingAHostWithSessionsNeedsForceAndThenEndsThem() {
        UUID pool = tenant.pool("apps", "SHARED", null);
        UUID host = tenant.host(pool, "h1", 5);
        UUID alice = tenant.user("alice");
        tenant.entitle(pool, alice);
        Api aliceApi = tenant.login("alice");
        String session = check(aliceApi.post("/api/v1/pools/" + pool + "/connect"), 201)
                .body().get("session").get("id").asString();

        Api.Response refused = tenant.admin.delete("/api/v1/admin/session-hosts/" + host);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.reason()).isEqualTo("IN_USE");
        assertThat(refused.body().get("activeSessions").asInt()).isEqualTo(1);

        check(tenant.admin.delete("/api/v1/admin/session-hosts/" + host + "?force=true"), 204);
        Api.Response s = check(aliceApi.get("/api/v1/sessions/" + session), 200);
        assertThat(s.body().get("state").asString()).isEqualTo("ENDED");
        assertThat(s.body().get("endReason").asString()).isEqualTo("RESOURCE_REMOVED");
        assertThat(jdbc.sql("select coalesce(sum(used), 0)::int from tenant_session_seats where tenant_id = ?").param(tenant.id)
                .query(Integer.class).single()).isZero();
    }

    @Test
    void removingAUserEndsTheirSessionsAndFreesTheirDesktop() {
        UUID pool = tenant.pool("office", "POOLED", null);
        UUID desktop = tenant.desktops(pool, 1, "READY").getFirst();
        UUID alice = tenant.user("alice");
        tenant.entitle(pool, alice);
        check(tenant.login("alice").post("/api/v1/pools/" + pool + "/connect"), 201);

        check(tenant.admin.delete("/api/v1/admin/users/" + alice), 204);

        Api.Response d = check(tenant.admin.get("/api/v1/admin/desktops/" + desktop), 200);
        assertThat(d.body().get("state").asString()).isEqualTo("READY");
        assertThat(d.body().get("assignedUserId").isNull()).isTrue();
        assertThat(jdbc.sql("select coalesce(sum(used), 0)::int from tenant_session_seats where tenant_id = ?").param(tenant.id)
                .query(Integer.class).single()).isZero();
    }

    @Test
    void theAuditTrailRecordsAdminChangesAndSessionTransitions() {
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 1, "READY");
        UUID alice = tenant.user("alice");
        tenant.entitle(pool, alice);
        Api aliceApi = tenant.login("alice");
        String session = check(aliceApi.post("/api/v1/pools/" + pool + "/connect"), 201)
                .body().get("session").get("id").asString();
        check(aliceApi.post("/api/v1/sessions/" + session + "/disconnect"), 200);
        check(aliceApi.post("/api/v1/sessions/" + session + "/logoff"), 200);

        Api.Response poolTrail = check(tenant.admin.get("/api/v1/admin/audit?objectId=" + pool), 200);
        Api.Response sessionTrail = check(tenant.admin.get("/api/v1/admin/audit?objectType=SESSION&objectId=" + session), 200);

        assertThat(poolTrail.body().findValuesAsString("action")).contains("POOL_CREATED", "ENTITLEMENT_GRANTED");
        assertThat(poolTrail.body().get(poolTrail.body().size() - 1).get("actorName").asString()).isEqualTo("admin");
        assertThat(sessionTrail.body().findValuesAsString("action"))
                .containsExactly("SESSION_ENDED", "SESSION_DISCONNECTED", "SESSION_READY");
        assertThat(sessionTrail.body().get(0).get("details").get("endReason").asString()).isEqualTo("LOGOFF");
    }

    @Test
    void theAuditTrailCannotBeRewritten() {
        tenant.pool("office", "POOLED", null);

        assertThatThrownBy(() -> jdbc.sql("update audit_event set action = 'NOTHING' where tenant_id = ?")
                .param(tenant.id).update()).isInstanceOf(DataAccessException.class).rootCause().hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("delete from audit_event where tenant_id = ?").param(tenant.id).update())
                .isInstanceOf(DataAccessException.class);
    }

    @Test
    void signInWithAWrongPasswordIsRefusedLikeAnUnknownUser() {
        Api.Response wrong = tenant.anonymous.post("/api/v1/auth/login", json("tenant", tenant.slug,
                "username", "admin", "password", "wrong-password"));
        Api.Response unknown = tenant.anonymous.post("/api/v1/auth/login", json("tenant", tenant.slug,
                "username", "nobody", "password", "wrong-password"));

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.reason()).isEqualTo("BAD_CREDENTIALS");
        assertThat(unknown.raw()).isEqualTo(wrong.raw());
    }

    @Test
    void aDisabledUserCannotConnectWithAnOldToken() {
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 1, "READY");
        UUID alice = tenant.user("alice");
        tenant.entitle(pool, alice);
        Api aliceApi = tenant.login("alice");

        check(tenant.admin.edit("/api/v1/admin/users/" + alice, json("enabled", false)), 200);

        // the token itself is revoked (TokenRevocationTest): not even the entitlement is looked at
        Api.Response refused = aliceApi.post("/api/v1/pools/" + pool + "/connect");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.reason()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void theOpenApiDocumentDescribesTheConnectEndpoint() {
        Api.Response doc = check(tenant.anonymous.get("/v3/api-docs"), 200);

        assertThat(doc.body().get("paths").has("/api/v1/pools/{poolId}/connect")).isTrue();
        // its answers are written by hand (not returned), so their schema comes from the annotations
        var answers = doc.body().get("paths").get("/api/v1/pools/{poolId}/connect").get("post").get("responses");
        for (String status : new String[] {"200", "201"}) {
            assertThat(answers.get(status).get("content").get("application/json").get("schema").get("$ref").asString())
                    .endsWith("ConnectResponse");
        }
        assertThat(doc.body().get("components").get("schemas").get("ConnectResponse").get("properties").has("tunnel"))
                .isTrue();
        assertThat(doc.body().get("paths").has("/api/v1/admin/session-hosts/{id}/drain")).isTrue();
    }

    @Test
    void aTenantAdminCannotChangeAPlatformAdminAccountInAnyWay() {
        tenant.platformAdmin(context, "root");
        UUID root = null;
        for (var u : check(tenant.admin.get("/api/v1/admin/users"), 200).body()) {
            if ("root".equals(u.get("username").asString())) {
                root = UUID.fromString(u.get("id").asString());
            }
        }
        assertThat(root).isNotNull();
        for (String change : new String[] {json("password", "taken-over-password"), json("enabled", false),
                json("displayName", "Mallory"), json("email", "mallory@example.org")}) {
            Api.Response refused = tenant.admin.edit("/api/v1/admin/users/" + root, change);
            assertThat(refused.status()).as(change).isEqualTo(403);
            assertThat(refused.reason()).isEqualTo("FORBIDDEN");
        }
        assertThat(tenant.admin.delete("/api/v1/admin/users/" + root).status()).isEqualTo(403);
        // nothing changed: the platform admin still signs in with their own password, and is enabled
        Api stillRoot = tenant.login("root");
        assertThat(check(stillRoot.get("/api/v1/admin/tenants"), 200).body().size()).isPositive();
        assertThat(check(tenant.admin.get("/api/v1/admin/users/" + root), 200).body().get("enabled").asBoolean()).isTrue();
        // a platform admin may
        check(stillRoot.edit("/api/v1/admin/users/" + root, json("displayName", "Root")), 200);
    }
}
