package io.deskport.broker.admin;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.shared.Role;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

/**
 * Every filter and every sort key of every admin list, each on rows made to tell them apart: a filter keeps
 * exactly the rows it names, a sort key orders the whole list ascending and, with {@code -}, descending (read
 * across pages of two rows, so the cursor carries each order).
 */
@BrokerTest
class AdminListFiltersTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    @Test
    void usersGroupsAndTenants() {
        TestTenant t = TestTenant.create(context, port, 10, 10);
        UUID ann = t.user("ann", Role.USER);
        UUID bob = t.user("bob", Role.HELPDESK);
        UUID cyd = t.user("cyd", Role.USER);
        check(t.admin.edit("/api/v1/admin/users/" + cyd, json("enabled", false, "displayName", "Aaron Cyd",
                "email", "cyd@corp.example")), 200);
        String users = "/api/v1/admin/users";
        assertThat(names(t.admin, users + "?q=CORP.EX", "username")).containsExactly("cyd");
        assertThat(names(t.admin, users + "?role=HELPDESK", "username")).containsExactly("bob");
        assertThat(names(t.admin, users + "?enabled=false", "username")).containsExactly("cyd");
        assertThat(names(t.admin, users, "username")).containsExactly("admin", "ann", "bob", "cyd");
        assertThat(names(t.admin, users + "?sort=-username", "username")).containsExactly("cyd", "bob", "ann", "admin");
        assertThat(names(t.admin, users + "?sort=displayName", "username").getFirst()).isEqualTo("cyd");
        assertTimeSorted(t.admin, users, "createdAt");

        UUID staff = check(t.admin.post("/api/v1/admin/groups", json("name", "staff", "description", "Everyone")), 201).id();
        check(t.admin.post("/api/v1/admin/groups", json("name", "admins", "description", "The few")), 201);
        check(t.admin.post("/api/v1/admin/groups/" + staff + "/members", "{\"userIds\": [\"" + ann + "\", \"" + bob + "\"]}"),
                200);
        String groups = "/api/v1/admin/groups";
        assertThat(names(t.admin, groups + "?q=few", "name")).containsExactly("admins");
        assertThat(names(t.admin, groups + "?memberId=" + ann, "name")).containsExactly("staff");
        assertThat(names(t.admin, groups, "name")).containsExactly("admins", "staff");
        assertThat(names(t.admin, groups + "?sort=-name", "name")).containsExactly("staff", "admins");
        assertTimeSorted(t.admin, groups, "createdAt");

        Api operator = t.platformAdmin(context, "operator");
        String tenants = "/api/v1/admin/tenants?q=" + t.slug.substring(0, 6);
        assertThat(names(operator, "/api/v1/admin/tenants?q=" + t.slug, "slug")).containsExactly(t.slug);
        assertSorted(operator, tenants, "slug", Function.identity());
        assertSorted(operator, tenants, "name", Function.identity());
        assertTimeSorted(operator, tenants, "createdAt");
    }

    @Test
    void poolsDesktopsAndEntitlements() {
        TestTenant t = TestTenant.create(context, port, 10, 10);
        UUID office = t.pool("office", "POOLED", "BREADTH_FIRST");
        UUID lab = t.pool("lab", "PERSISTENT", "BREADTH_FIRST");
        check(t.admin.edit("/api/v1/admin/pools/" + lab, json("enabled", false, "description", "GPU machines")), 200);
        String pools = "/api/v1/admin/pools";
        assertThat(names(t.admin, pools + "?kind=PERSISTENT", "name")).containsExactly("lab");
        assertThat(names(t.admin, pools + "?enabled=true", "name")).containsExactly("office");
        assertThat(names(t.admin, pools + "?q=gpu", "name")).containsExactly("lab");
        assertThat(names(t.admin, pools + "?sort=name", "name")).containsExactly("lab", "office");
        assertThat(names(t.admin, pools + "?sort=-name", "name")).containsExactly("office", "lab");
        assertTimeSorted(t.admin, pools, "createdAt");
        assertThat(names(t.admin, pools + "?sort=-updatedAt", "name").getFirst()).isEqualTo("lab");

        UUID owner = t.user("owner", Role.USER);
        check(t.admin.post("/api/v1/admin/pools/" + office + "/desktops", json("name", "o-ready", "consoleHost",
                "127.0.0.1", "consolePort", 5900, "state", "READY")), 201);
        check(t.admin.post("/api/v1/admin/pools/" + office + "/desktops", json("name", "o-stopped", "consoleHost",
                "127.0.0.2", "consolePort", 5900, "state", "STOPPED")), 201);
        UUID owned = check(t.admin.post("/api/v1/admin/pools/" + lab + "/desktops", json("name", "l-owned", "consoleHost",
                "127.0.0.3", "consolePort", 5900, "state", "READY", "assignedUserId", owner.toString())), 201).id();
        String desktops = "/api/v1/admin/desktops";
        assertThat(names(t.admin, desktops + "?poolId=" + office, "name")).containsExactly("o-ready", "o-stopped");
        assertThat(names(t.admin, desktops + "?state=STOPPED", "name")).containsExactly("o-stopped");
        assertThat(names(t.admin, desktops + "?userId=" + owner, "name")).containsExactly("l-owned");
        // a desktop's row names its user, so that a page needs no request per user
        assertThat(names(t.admin, desktops + "?userId=" + owner, "assignedUsername")).containsExactly("owner");
        assertThat(all(t.admin, desktops + "?poolId=" + office)).allMatch(d -> d.get("assignedUsername").isNull());
        assertThat(names(t.admin, desktops + "?managed=false", "name")).hasSize(3);
        assertThat(names(t.admin, desktops + "?managed=true", "name")).isEmpty();
        assertThat(names(t.admin, desktops + "?q=127.0.0.2", "name")).containsExactly("o-stopped");
        assertThat(names(t.admin, desktops + "?sort=-name", "name")).containsExactly("o-stopped", "o-ready", "l-owned");
        assertTimeSorted(t.admin, desktops, "createdAt");
        check(t.admin.post("/api/v1/admin/desktops/" + owned + "/state", json("state", "MAINTENANCE")), 200);
        assertThat(names(t.admin, desktops + "?sort=-stateChangedAt", "name").getFirst()).isEqualTo("l-owned");
        assertTimeSorted(t.admin, desktops, "stateChangedAt");

        UUID group = check(t.admin.post("/api/v1/admin/groups", json("name", "g")), 201).id();
        t.entitle(office, owner);
        t.entitleGroup(office, group);
        String entitlements = "/api/v1/admin/pools/" + office + "/entitlements";
        assertThat(all(t.admin, entitlements + "?userId=" + owner)).hasSize(1);
        assertThat(all(t.admin, entitlements + "?groupId=" + group).getFirst().get("groupId").asString())
                .isEqualTo(group.toString());
        // an entitlement's row names whom it entitles
        assertThat(names(t.admin, entitlements + "?userId=" + owner, "username")).containsExactly("owner");
        assertThat(names(t.admin, entitlements + "?groupId=" + group, "groupName")).containsExactly("g");
        assertTimeSorted(t.admin, entitlements, "createdAt");
    }

    @Test
    void sessionHostsAndHypervisorHosts() {
        TestTenant t = TestTenant.create(context, port, 10, 10);
        UUID a = t.pool("shared-a", "SHARED", "BREADTH_FIRST");
        UUID b = t.pool("shared-b", "SHARED", "BREADTH_FIRST");
        t.host(a, "h-one", 5);
        UUID two = t.host(a, "h-two", 5);
        t.host(b, "h-three", 5);
        check(t.admin.post("/api/v1/admin/session-hosts/" + two + "/drain"), 200);
        String hosts = "/api/v1/admin/session-hosts";
        assertThat(names(t.admin, hosts + "?poolId=" + a, "name")).containsExactly("h-one", "h-two");
        assertThat(names(t.admin, hosts + "?draining=true", "name")).containsExactly("h-two");
        assertThat(names(t.admin, hosts + "?state=AVAILABLE", "name")).hasSize(3);
        assertThat(names(t.admin, hosts + "?state=REMOVED", "name")).isEmpty();
        assertThat(names(t.admin, hosts + "?q=THREE", "name")).containsExactly("h-three");
        assertThat(names(t.admin, hosts + "?sort=-name", "name")).containsExactly("h-two", "h-three", "h-one");
        assertTimeSorted(t.admin, hosts, "createdAt");
        assertSorted(t.admin, hosts, "activeSessions", Integer::parseInt);

        Api operator = t.platformAdmin(context, "operator");
        String suffix = Long.toHexString(System.nanoTime());
        List<String> made = new ArrayList<>();
        for (String name : List.of("hv-b-" + suffix, "hv-a-" + suffix)) {
            UUID id = check(operator.post("/api/v1/admin/hypervisor-hosts", json("name", name, "driverId", "simulated")),
                    201).id();
            made.add(id.toString());
            if (name.startsWith("hv-a")) {
                check(operator.post("/api/v1/admin/hypervisor-hosts/" + id + "/maintenance"), 200);
            }
        }
        String hv = "/api/v1/admin/hypervisor-hosts?q=" + suffix;
        assertThat(names(operator, hv, "name")).containsExactly("hv-a-" + suffix, "hv-b-" + suffix);
        assertThat(names(operator, hv + "&sort=-name", "name")).containsExactly("hv-b-" + suffix, "hv-a-" + suffix);
        assertThat(names(operator, hv + "&maintenance=true", "name")).containsExactly("hv-a-" + suffix);
        assertThat(names(operator, hv + "&driverId=simulated&reachable=true", "name")).hasSize(2);
        assertThat(names(operator, hv + "&driverId=libvirt", "name")).isEmpty();
        assertTimeSorted(operator, hv, "createdAt");
        made.forEach(id -> check(operator.delete("/api/v1/admin/hypervisor-hosts/" + id), 204));
    }

    @Test
    void sessionsAuditAndProvisioningTasks() {
        TestTenant t = TestTenant.create(context, port, 10, 10);
        UUID pool = t.pool("p", "POOLED", "BREADTH_FIRST");
        List<UUID> desktops = t.desktops(pool, 3, "READY");
        List<String> sessions = new ArrayList<>();
        List<UUID> users = new ArrayList<>();
        for (String name : List.of("sue", "tom", "una")) {
            UUID u = t.user(name, Role.USER);
            users.add(u);
            t.entitle(pool, u);
            sessions.add(check(t.login(name).post("/api/v1/pools/" + pool + "/connect"), 201).body().get("session")
                    .get("id").asString());
        }
        Instant between = Instant.parse(check(t.admin.get("/api/v1/admin/sessions/" + sessions.get(1)), 200).body()
                .get("createdAt").asString());
        check(t.admin.post("/api/v1/admin/sessions/" + sessions.get(0) + "/logoff"), 200);
        String list = "/api/v1/admin/sessions";
        assertThat(ids(t.admin, list)).as("live only by default").containsExactlyInAnyOrder(sessions.get(1), sessions.get(2));
        assertThat(ids(t.admin, list + "?liveOnly=false")).hasSize(3);
        // a pool's history: its ended and its live sessions
        assertThat(ids(t.admin, list + "?liveOnly=false&poolId=" + pool)).containsExactlyInAnyOrderElementsOf(sessions);
        assertThat(ids(t.admin, list + "?liveOnly=false&poolId=" + UUID.randomUUID())).isEmpty();
        assertThat(ids(t.admin, list + "?state=ENDED&poolId=" + pool)).containsExactly(sessions.get(0));
        assertThat(ids(t.admin, list + "?state=ENDED")).containsExactly(sessions.get(0));
        assertThat(ids(t.admin, list + "?userId=" + users.get(2))).containsExactly(sessions.get(2));
        assertThat(ids(t.admin, list + "?poolId=" + pool + "&q=TOM")).containsExactly(sessions.get(1));
        String desktopOfTom = check(t.admin.get("/api/v1/admin/sessions/" + sessions.get(1)), 200).body().get("desktopId")
                .asString();
        assertThat(desktops.stream().map(UUID::toString)).contains(desktopOfTom);
        assertThat(ids(t.admin, list + "?desktopId=" + desktopOfTom)).containsExactly(sessions.get(1));
        assertThat(ids(t.admin, list + "?hostId=" + UUID.randomUUID())).isEmpty();
        assertThat(ids(t.admin, list + "?liveOnly=false&since=" + between)).containsExactly(sessions.get(2), sessions.get(1));
        assertThat(ids(t.admin, list + "?liveOnly=false&until=" + between)).containsExactly(sessions.get(0));
        assertThat(ids(t.admin, list + "?liveOnly=false")).as("newest first by default")
                .containsExactly(sessions.get(2), sessions.get(1), sessions.get(0));
        assertTimeSorted(t.admin, list + "?liveOnly=false", "createdAt");
        assertTimeSorted(t.admin, list + "?liveOnly=false", "stateChangedAt");

        String audit = "/api/v1/admin/audit";
        List<JsonNode> trail = all(t.admin, audit);
        assertThat(trail).isNotEmpty();
        assertSorted(t.admin, audit, "id", Long::parseLong);
        // by time too (the console's order), also within a filter and a range
        assertTimeSorted(t.admin, audit, "occurredAt");
        assertThat(all(t.admin, audit + "?sort=-occurredAt&limit=2")).extracting(e -> e.get("id").asLong())
                .containsExactlyInAnyOrderElementsOf(trail.stream().map(e -> e.get("id").asLong()).toList());
        assertTimeSorted(t.admin, audit + "?actorId=" + users.get(1), "occurredAt");
        assertThat(all(t.admin, audit + "?action=SESSION_ENDED&objectType=SESSION&objectId=" + sessions.get(0)))
                .hasSize(1);
        assertThat(all(t.admin, audit + "?action=SESSION_ENDED")).hasSize(1);
        assertThat(all(t.admin, audit + "?objectId=" + sessions.get(1))).isNotEmpty()
                .allMatch(e -> e.get("objectId").asString().equals(sessions.get(1)));
        assertThat(all(t.admin, audit + "?actorId=" + users.get(1))).isNotEmpty()
                .allMatch(e -> e.get("actorId").asString().equals(users.get(1).toString()));
        Instant last = Instant.parse(trail.getFirst().get("occurredAt").asString());
        assertThat(all(t.admin, audit + "?since=" + last.plusSeconds(1))).isEmpty();
        assertThat(all(t.admin, audit + "?until=" + last.plusSeconds(1))).hasSize(trail.size());
        assertThat(all(t.admin, audit + "?objectType=POOL_THAT_IS_NOT")).isEmpty();

        // finished tasks (the reconciler leaves them alone): two of the pool's desktops, one failed
        Instant now = Instant.now();
        for (int i = 0; i < 3; i++) {
            jdbc.sql("insert into provisioning_task (id, tenant_id, pool_id, desktop_id, type, reason, idempotency_key, "
                            + "state, max_attempts, created_at, finished_at) values (?, ?, ?, ?, ?, 'test', ?, ?, 3, ?, ?)")
                    .params(UUID.randomUUID(), t.id, pool, desktops.get(i % 2), i == 2 ? "DELETE" : "CREATE",
                            "filters-" + UUID.randomUUID(), i == 1 ? "FAILED" : "SUCCEEDED",
                            java.sql.Timestamp.from(now.minusSeconds(300 - i * 100L)), java.sql.Timestamp.from(now))
                    .update();
        }
        String tasks = "/api/v1/admin/provisioning/tasks";
        assertThat(all(t.admin, tasks)).hasSize(3);
        assertThat(all(t.admin, tasks + "?state=FAILED")).hasSize(1);
        assertThat(all(t.admin, tasks + "?type=DELETE")).hasSize(1);
        assertThat(all(t.admin, tasks + "?desktopId=" + desktops.get(0))).hasSize(2);
        assertThat(all(t.admin, tasks + "?poolId=" + pool)).hasSize(3);
        assertThat(all(t.admin, "/api/v1/admin/pools/" + pool + "/provisioning/tasks?state=SUCCEEDED")).hasSize(2);
        assertThat(all(t.admin, tasks + "?hostId=" + UUID.randomUUID())).isEmpty();
        assertThat(all(t.admin, tasks + "?since=" + now.minusSeconds(150))).hasSize(1);
        assertThat(all(t.admin, tasks + "?until=" + now.minusSeconds(150))).hasSize(2);
        assertTimeSorted(t.admin, tasks, "createdAt");
    }

    /** The list is in the key's order ascending, and with {@code -key} descending, across pages of two. */
    private static <C extends Comparable<C>> void assertSorted(Api api, String path, String key, Function<String, C> value) {
        String sep = path.contains("?") ? "&" : "?";
        List<C> up = new ArrayList<>();
        all(api, path + sep + "limit=2&sort=" + key).forEach(n -> up.add(value.apply(n.get(key).asString())));
        List<C> down = new ArrayList<>();
        all(api, path + sep + "limit=2&sort=-" + key).forEach(n -> down.add(value.apply(n.get(key).asString())));
        assertThat(up).as(path + " sort=" + key).isSortedAccordingTo(Comparator.naturalOrder()).hasSameSizeAs(down);
        assertThat(down).as(path + " sort=-" + key).isSortedAccordingTo(Comparator.reverseOrder());
    }

    private static void assertTimeSorted(Api api, String path, String key) {
        assertSorted(api, path, key, Instant::parse);
    }

    private static List<String> names(Api api, String path, String field) {
        List<String> names = new ArrayList<>();
        all(api, path).forEach(n -> names.add(n.get(field).asString()));
        return names;
    }

    private static List<String> ids(Api api, String path) {
        return names(api, path, "id");
    }

    private static List<JsonNode> all(Api api, String path) {
        return api.all(path);
    }
}
