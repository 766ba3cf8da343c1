package io.deskport.broker.admin;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.shared.Role;
import io.deskport.broker.support.Api;
import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.TestTenant;

/**
 * Safe concurrent edits of configuration resources: every answer carries the version as its ETag, a change
 * needs If-Match, a change made from an older version is refused with the current one, and JSON Merge Patch
 * removes with null and keeps what is absent.
 */
@BrokerTest
class ConfigurationVersionsTest {

    private static final String MERGE = "application/merge-patch+json";
    private static final String JSON = "application/json";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    UUID pool;
    String poolPath;

    @BeforeEach
    void tenantWithPool() {
        tenant = TestTenant.create(context, port, 10, 10);
        Api.Response created = check(tenant.admin.post("/api/v1/admin/pools", json("name", "Office", "kind", "POOLED",
                "description", "Everyday desktops", "idleTimeoutSeconds", 900, "disconnectTimeoutSeconds", 600)), 201);
        assertThat(created.header("ETag")).as("a created pool's version").isEqualTo("\"0\"");
        pool = created.id();
        poolPath = "/api/v1/admin/pools/" + pool;
    }

    @Test
    void twoAdminsRacingFromTheSameVersionOneWinsTheOtherIsToldTheCurrentVersion() {
        tenant.user("second-admin", Role.TENANT_ADMIN);
        Api other = tenant.login("second-admin");
        String seenByFirst = check(tenant.admin.get(poolPath), 200).header("ETag");
        String seenBySecond = check(other.get(poolPath), 200).header("ETag");
        assertThat(seenBySecond).isEqualTo(seenByFirst);

        Api.Response first = tenant.admin.patch(poolPath, JSON, seenByFirst, json("idleTimeoutSeconds", 1200));
        Api.Response second = other.patch(poolPath, JSON, seenBySecond, json("enabled", false));

        assertThat(first.status()).isEqualTo(200);
        assertThat(first.header("ETag")).isEqualTo("\"1\"");
        assertThat(second.status()).isEqualTo(412);
        assertThat(second.contentType()).startsWith("application/problem+json");
        assertThat(second.reason()).isEqualTo("STALE_VERSION");
        assertThat(second.body().get("currentVersion").asLong()).isEqualTo(1);
        assertThat(second.body().get("currentETag").asString()).isEqualTo("\"1\"");
        Api.Response now = check(tenant.admin.get(poolPath), 200);
        assertThat(now.body().get("enabled").asBoolean()).as("the refused change left nothing").isTrue();
        assertThat(now.body().get("idleTimeoutSeconds").asInt()).isEqualTo(1200);
        // the loser reads again and makes its change on what it is now
        check(other.patch(poolPath, JSON, now.header("ETag"), json("enabled", false)), 200);
    }

    @Test
    void manyAdminsAtOnceFromOneVersionExactlyOneWins() throws Exception {
        String etag = check(tenant.admin.get(poolPath), 200).header("ETag");
        int racers = 8;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Api.Response>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(racers)) {
            for (int i = 0; i < racers; i++) {
                String name = "Renamed " + i;
                answers.add(pool.submit(() -> {
                    start.await();
                    return tenant.admin.patch(poolPath, JSON, etag, json("name", name));
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            String winner = null;
            for (Future<Api.Response> f : answers) {
                Api.Response r = f.get();
                statuses.add(r.status());
                if (r.status() == 200) {
                    winner = r.body().get("name").asString();
                } else {
                    assertThat(r.reason()).isEqualTo("STALE_VERSION");
                }
            }
            assertThat(statuses).containsOnly(200, 412);
            assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(1);
            Api.Response now = check(tenant.admin.get(poolPath), 200);
            assertThat(now.body().get("name").asString()).isEqualTo(winner);
            assertThat(now.header("ETag")).isEqualTo("\"1\"");
        }
    }

    @Test
    void aChangeWithoutIfMatchIsRefusedWith428AndChangesNothing() {
        for (String type : new String[] {JSON, MERGE}) {
            Api.Response r = tenant.admin.patch(poolPath, type, null, json("enabled", false));
            assertThat(r.status()).as(type).isEqualTo(428);
            assertThat(r.reason()).isEqualTo("PRECONDITION_REQUIRED");
        }
        for (String path : new String[] {"/api/v1/admin/users/" + tenant.user("carol", Role.USER),
                "/api/v1/admin/groups/" + check(tenant.admin.post("/api/v1/admin/groups", json("name", "staff")), 201).id()}) {
            assertThat(tenant.admin.patch(path, JSON, null, json("description", "x").replace("description",
                    path.contains("users") ? "displayName" : "description")).status()).as(path).isEqualTo(428);
        }
        Api.Response now = check(tenant.admin.get(poolPath), 200);
        assertThat(now.body().get("enabled").asBoolean()).isTrue();
        assertThat(now.header("ETag")).isEqualTo("\"0\"");
        // RFC 9110's "any version" is a deliberate overwrite
        check(tenant.admin.patch(poolPath, JSON, "*", json("enabled", false)), 200);
        // another tenant's pool stays a plain 404, with or without the header
        TestTenant other = TestTenant.create(context, port, 1, 1);
        assertThat(other.admin.patch(poolPath, JSON, null, json("enabled", true)).status()).isEqualTo(404);
        assertThat(other.admin.patch(poolPath, JSON, "\"1\"", json("enabled", true)).status()).isEqualTo(404);
    }

    @Test
    void mergePatchRemovesWithNullAndKeepsWhatIsAbsent() {
        String etag = check(tenant.admin.get(poolPath), 200).header("ETag");
        Api.Response patched = check(tenant.admin.patch(poolPath, MERGE, etag,
                "{\"idleTimeoutSeconds\": null, \"description\": null, \"maxSessionSeconds\": 7200}"), 200);

        assertThat(patched.body().get("idleTimeoutSeconds").isNull()).as("null removes the timeout").isTrue();
        assertThat(patched.body().get("description").asString()).as("null empties the description").isEmpty();
        assertThat(patched.body().get("maxSessionSeconds").asInt()).isEqualTo(7200);
        assertThat(patched.body().get("disconnectTimeoutSeconds").asInt()).as("absent keeps").isEqualTo(600);
        assertThat(patched.body().get("name").asString()).isEqualTo("Office");
        assertThat(patched.header("ETag")).isEqualTo("\"1\"");

        // today's partial JSON: null keeps
        Api.Response partial = check(tenant.admin.patch(poolPath, JSON, patched.header("ETag"),
                "{\"disconnectTimeoutSeconds\": null, \"recordSessions\": true}"), 200);
        assertThat(partial.body().get("disconnectTimeoutSeconds").asInt()).isEqualTo(600);
        assertThat(partial.body().get("recordSessions").asBoolean()).isTrue();
    }

    @Test
    void aMergePatchThatRemovesWhatCannotBeRemovedOrBreaksARuleChangesNothing() {
        String etag = check(tenant.admin.get(poolPath), 200).header("ETag");
        Api.Response noName = tenant.admin.patch(poolPath, MERGE, etag, "{\"name\": null, \"description\": null}");
        Api.Response tooShort = tenant.admin.patch(poolPath, MERGE, etag, "{\"idleTimeoutSeconds\": 5}");
        Api.Response unknown = tenant.admin.patch(poolPath, MERGE, etag, "{\"maxSize\": 3}");
        Api.Response notAnObject = tenant.admin.patch(poolPath, MERGE, etag, "[1, 2]");

        for (Api.Response r : List.of(noName, tooShort, unknown, notAnObject)) {
            assertThat(r.status()).as(r.raw()).isEqualTo(400);
            assertThat(r.reason()).isEqualTo("VALIDATION_FAILED");
        }
        assertThat(noName.body().get("errors").findValuesAsString("field")).containsExactly("name");
        assertThat(tooShort.body().get("errors").findValuesAsString("field")).containsExactly("idleTimeoutSeconds");
        assertThat(unknown.body().get("errors").findValuesAsString("field")).containsExactly("maxSize");
        Api.Response now = check(tenant.admin.get(poolPath), 200);
        assertThat(now.header("ETag")).isEqualTo(etag);
        assertThat(now.body().get("description").asString()).isEqualTo("Everyday desktops");
    }

    @Test
    void aPoolAnnouncesShadowingUnlessItsAdminSaysOtherwise() {
        assertThat(check(tenant.admin.get(poolPath), 200).body().get("announceShadowing").asBoolean())
                .as("on by default").isTrue();
        Api.Response quiet = check(tenant.admin.post("/api/v1/admin/pools", json("name", "Quiet", "kind", "POOLED",
                "announceShadowing", false)), 201);
        assertThat(quiet.body().get("announceShadowing").asBoolean()).isFalse();

        String etag = check(tenant.admin.get(poolPath), 200).header("ETag");
        Api.Response off = check(tenant.admin.patch(poolPath, JSON, etag, json("announceShadowing", false)), 200);
        assertThat(off.body().get("announceShadowing").asBoolean()).isFalse();
        Api.Response on = check(tenant.admin.patch(poolPath, MERGE, off.header("ETag"), "{\"announceShadowing\": true}"), 200);
        assertThat(on.body().get("announceShadowing").asBoolean()).isTrue();
        Api.Response removed = tenant.admin.patch(poolPath, MERGE, on.header("ETag"), "{\"announceShadowing\": null}");
        assertThat(removed.status()).isEqualTo(400);
        assertThat(removed.body().get("errors").findValuesAsString("field")).containsExactly("announceShadowing");
        assertThat(tenant.admin.all("/api/v1/admin/audit?action=POOL_UPDATED&objectId=" + poolPath.replaceAll(".*/", "")))
                .anyMatch(line -> line.get("details").get("announceShadowing").asBoolean(true) == false);
    }

    @Test
    void usersGroupsAndTenantsCarryTheirVersionsToo() {
        String user = "/api/v1/admin/users/" + tenant.user("dave", Role.USER);
        String etag = check(tenant.admin.get(user), 200).header("ETag");
        Api.Response withEmail = check(tenant.admin.patch(user, MERGE, etag, json("email", "dave@example.org")), 200);
        assertThat(withEmail.body().get("email").asString()).isEqualTo("dave@example.org");
        Api.Response noEmail = check(tenant.admin.patch(user, MERGE, withEmail.header("ETag"), "{\"email\": null}"), 200);
        assertThat(noEmail.body().get("email").isNull()).as("null removes the address").isTrue();
        assertThat(tenant.admin.patch(user, JSON, "\"1\"", json("displayName", "Old")).reason()).isEqualTo("STALE_VERSION");

        Api.Response group = check(tenant.admin.post("/api/v1/admin/groups", json("name", "staff")), 201);
        String groupPath = "/api/v1/admin/groups/" + group.id();
        Api.Response joined = check(tenant.admin.put(groupPath + "/members/" + tenant.user("erin", Role.USER), null), 200);
        assertThat(joined.header("ETag")).as("a membership change moves the group's version")
                .isNotEqualTo(group.header("ETag"));
        assertThat(tenant.admin.patch(groupPath, JSON, group.header("ETag"), json("description", "x")).status())
                .isEqualTo(412);

        Api operator = tenant.platformAdmin(context, "operator");
        String tenantPath = "/api/v1/admin/tenants/" + tenant.id;
        Api.Response t = check(operator.get(tenantPath), 200);
        check(operator.patch(tenantPath, MERGE, t.header("ETag"), json("maxDesktops", 20)), 200);
        assertThat(operator.patch(tenantPath, MERGE, t.header("ETag"), json("maxDesktops", 30)).status()).isEqualTo(412);
        assertThat(check(operator.get(tenantPath), 200).body().get("maxDesktops").asInt()).isEqualTo(20);
    }

    @Test
    void sessionHostsAndHypervisorHostsCarryTheVersionOfTheirRegistration() {
        UUID shared = tenant.pool("Shared", "SHARED", "BREADTH_FIRST");
        String host = "/api/v1/admin/session-hosts/" + tenant.host(shared, "h1", 5);
        Api.Response read = check(tenant.admin.get(host), 200);
        Api.Response changed = check(tenant.admin.patch(host, JSON, read.header("ETag"), json("maxSessions", 9)), 200);
        assertThat(changed.body().get("maxSessions").asInt()).isEqualTo(9);
        assertThat(changed.header("ETag")).isNotEqualTo(read.header("ETag"));
        Api.Response stale = tenant.admin.patch(host, JSON, read.header("ETag"), json("maxSessions", 3));
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.body().get("currentETag").asString()).isEqualTo(changed.header("ETag"));
        assertThat(tenant.admin.patch(host, JSON, null, json("maxSessions", 3)).status()).isEqualTo(428);

        Api operator = tenant.platformAdmin(context, "operator");
        String hv = "/api/v1/admin/hypervisor-hosts/" + check(operator.post("/api/v1/admin/hypervisor-hosts", json("name",
                "hv-" + Long.toHexString(System.nanoTime()), "driverId", "simulated")), 201).id();
        String etag = check(operator.get(hv), 200).header("ETag");
        check(operator.patch(hv, JSON, etag, json("cpuTotal", 64)), 200);
        assertThat(operator.patch(hv, JSON, etag, json("cpuTotal", 32)).status()).isEqualTo(412);
        assertThat(check(operator.get(hv), 200).body().toString()).contains("64");
        check(operator.delete(hv), 204);
    }
}
