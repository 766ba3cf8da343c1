package io.deskport.broker.admin;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.shared.Role;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

/**
 * Bulk actions answer a result per object: a bad object in the middle is reported with its reason and the others
 * are done; a request that is malformed anywhere does nothing at all.
 */
@BrokerTest
class BulkActionsTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    TestTenant other;

    @BeforeEach
    void tenants() {
        tenant = TestTenant.create(context, port, 100, 100);
        other = TestTenant.create(context, port, 10, 10);
    }

    @Test
    void logOffSelectedSessionsWithABadOneInTheMiddle() {
        List<String> sessions = sessions(tenant, 3);
        String theirs = sessions(other, 1).getFirst();
        String unknown = UUID.randomUUID().toString();

        Api.Response r = check(tenant.admin.post("/api/v1/admin/sessions/bulk", "{\"action\": \"LOGOFF\", \"ids\": [\""
                + sessions.get(0) + "\", \"" + unknown + "\", \"" + sessions.get(1) + "\", \"" + theirs + "\", \""
                + sessions.get(2) + "\", \"" + sessions.get(0) + "\"]}"), 200);

        assertThat(r.body().get("succeeded").asInt()).isEqualTo(3);
        assertThat(r.body().get("failed").asInt()).isEqualTo(2);
        assertThat(statuses(r)).as("in the order asked, a repeated id once")
                .containsExactly(200, 404, 200, 404, 200);
        assertThat(r.body().get("results").get(1).get("reason").asString()).isEqualTo("NOT_FOUND");
        for (String s : sessions) {
            assertThat(check(tenant.admin.get("/api/v1/admin/sessions/" + s), 200).body().get("state").asString())
                    .isEqualTo("ENDED");
        }
        assertThat(check(other.admin.get("/api/v1/admin/sessions/" + theirs), 200).body().get("state").asString())
                .as("another tenant's session is untouched").isNotEqualTo("ENDED");
    }

    @Test
    void aMalformedIdOrAnUnknownActionAnywhereDoesNothing() {
        List<String> sessions = sessions(tenant, 2);
        Api.Response malformed = tenant.admin.post("/api/v1/admin/sessions/bulk", "{\"action\": \"LOGOFF\", \"ids\": [\""
                + sessions.get(0) + "\", \"not-an-id\", \"" + sessions.get(1) + "\"]}");
        Api.Response unknownAction = tenant.admin.post("/api/v1/admin/sessions/bulk", "{\"action\": \"REBOOT\", \"ids\": [\""
                + sessions.get(0) + "\"]}");
        Api.Response empty = tenant.admin.post("/api/v1/admin/sessions/bulk", "{\"action\": \"LOGOFF\", \"ids\": []}");

        for (Api.Response r : List.of(malformed, unknownAction, empty)) {
            assertThat(r.status()).as(r.raw()).isEqualTo(400);
            assertThat(r.reason()).isEqualTo("VALIDATION_FAILED");
        }
        assertThat(unknownAction.body().get("errors").findValuesAsString("field")).containsExactly("action");
        for (String s : sessions) {
            assertThat(check(tenant.admin.get("/api/v1/admin/sessions/" + s), 200).body().get("state").asString())
                    .isNotEqualTo("ENDED");
        }
    }

    @Test
    void drainAndResumeSelectedHosts() {
        UUID pool = tenant.pool("Shared", "SHARED", "BREADTH_FIRST");
        UUID a = tenant.host(pool, "a", 5);
        UUID b = tenant.host(pool, "b", 5);
        Api.Response drained = check(tenant.admin.post("/api/v1/admin/session-hosts/bulk", "{\"action\": \"DRAIN\", "
                + "\"ids\": [\"" + a + "\", \"" + UUID.randomUUID() + "\", \"" + b + "\"]}"), 200);
        assertThat(statuses(drained)).containsExactly(200, 404, 200);
        assertThat(check(tenant.admin.get("/api/v1/admin/session-hosts?draining=true"), 200).body().size()).isEqualTo(2);
        check(tenant.admin.post("/api/v1/admin/session-hosts/bulk", json("action", "RESUME", "ids",
                new Api.RawJson("[\"" + a + "\"]"))), 200);
        assertThat(check(tenant.admin.get("/api/v1/admin/session-hosts?draining=true"), 200).body().size()).isEqualTo(1);
    }

    @Test
    void deleteAndRefreshSelectedDesktops() {
        UUID pool = tenant.pool("Office", "PERSISTENT", "BREADTH_FIRST");
        List<UUID> desktops = tenant.desktops(pool, 3, "READY");
        Api.Response refused = check(tenant.admin.post("/api/v1/admin/desktops/bulk", json("action", "REFRESH", "ids",
                new Api.RawJson("[\"" + desktops.get(0) + "\"]"))), 200);
        assertThat(statuses(refused)).containsExactly(409);
        assertThat(refused.body().get("results").get(0).get("reason").asString()).isEqualTo("INVALID_STATE");
        assertThat(refused.body().get("results").get(0).get("detail").asString()).contains("keeps its disk");

        Api.Response deleted = check(tenant.admin.post("/api/v1/admin/desktops/bulk", "{\"action\": \"DELETE\", \"ids\": [\""
                + desktops.get(0) + "\", \"" + UUID.randomUUID() + "\", \"" + desktops.get(2) + "\"]}"), 200);
        assertThat(statuses(deleted)).containsExactly(200, 404, 200);
        List<String> left = new ArrayList<>();
        check(tenant.admin.get("/api/v1/admin/desktops?poolId=" + pool), 200).body()
                .forEach(d -> left.add(d.get("id").asString()));
        assertThat(left).containsExactly(desktops.get(1).toString());
    }

    @Test
    void addManyUsersToAGroup() {
        UUID group = check(tenant.admin.post("/api/v1/admin/groups", json("name", "staff")), 201).id();
        UUID alice = tenant.user("alice", Role.USER);
        UUID bob = tenant.user("bob", Role.USER);
        UUID theirs = other.user("carol", Role.USER);
        Api.Response r = check(tenant.admin.post("/api/v1/admin/groups/" + group + "/members", "{\"userIds\": [\""
                + alice + "\", \"" + theirs + "\", \"" + bob + "\"]}"), 200);
        assertThat(statuses(r)).containsExactly(200, 404, 200);
        JsonNode members = check(tenant.admin.get("/api/v1/admin/groups/" + group), 200).body().get("memberIds");
        List<String> ids = new ArrayList<>();
        members.forEach(m -> ids.add(m.asString()));
        assertThat(ids).containsExactlyInAnyOrder(alice.toString(), bob.toString());
        assertThat(tenant.admin.post("/api/v1/admin/groups/" + UUID.randomUUID() + "/members",
                "{\"userIds\": [\"" + alice + "\"]}").status()).isEqualTo(404);
    }

    /** Live sessions of as many users, each on a desktop of a pooled pool of the tenant. */
    private List<String> sessions(TestTenant t, int count) {
        UUID pool = t.pool("Pool " + UUID.randomUUID(), "POOLED", "BREADTH_FIRST");
        t.desktops(pool, count, "READY");
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = "u" + i + "-" + Long.toHexString(System.nanoTime());
            t.entitle(pool, t.user(name, Role.USER));
            ids.add(check(t.login(name).post("/api/v1/pools/" + pool + "/connect"), 201).body().get("session").get("id")
                    .asString());
        }
        return ids;
    }

    private static List<Integer> statuses(Api.Response r) {
        List<Integer> s = new ArrayList<>();
        r.body().get("results").forEach(x -> s.add(x.get("status").asInt()));
        return s;
    }
}
