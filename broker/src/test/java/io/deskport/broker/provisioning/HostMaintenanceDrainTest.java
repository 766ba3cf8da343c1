package io.deskport.broker.provisioning;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.BrowserTunnel;
import io.deskport.broker.support.TestTenant;
import io.deskport.provisioning.driver.ManagedDesktop;
import io.deskport.provisioning.simulated.SimulatedDriver;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.provisioning.ProvisioningApi.connect;
import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A hypervisor host put into maintenance is drained through the broker: its users' desktops move to other hosts as
 * MIGRATE tasks (live while running, cold while stopped) and the broker's records follow them; what cannot move says
 * why ({@code GET …/hypervisor-hosts/{id}/drain}); a failed move leaves the desktop running where it was. On the
 * simulated driver, one instance per host as the broker makes them; the last test gives the desktops real Xvnc screens
 * and keeps a browser's tunnel open across the move. The reconciler loop is off: each test drives its passes.
 */
@BrokerTest
@TestPropertySource(properties = {
        "deskport.provisioning.enabled=false",
        "deskport.provisioning.simulate-when-empty=false",
        "deskport.provisioning.max-attempts=2",
        "deskport.provisioning.retry-backoff=50ms",
        "deskport.provisioning.max-retry-backoff=200ms",
        "deskport.provisioning.console-timeout=20s",
        "deskport.provisioning.inventory-interval=500ms",
        "deskport.provisioning.scan-interval=1h",
        "deskport.provisioning.failed-migration-cooldown=3s",
        "deskport.provisioning.max-migrations-per-host=2"})
class HostMaintenanceDrainTest {

    private static final String SIM = "{\"cpusPerHost\":\"16\",\"memoryMiBPerHost\":\"65536\"}";
    /** A host with room for one running 1 vCPU / 4 GiB desktop. */
    private static final String SMALL = "{\"cpusPerHost\":\"1\",\"cpuOvercommit\":\"1\",\"memoryMiBPerHost\":\"4096\"}";
    private static final String IMAGE = "office.qcow2";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    Reconciler reconciler;
    @Autowired
    HypervisorHosts hosts;
    @Autowired
    TaskJournal journal;
    @Autowired
    JdbcClient jdbc;

    @TempDir(cleanup = CleanupMode.ALWAYS)
    Path dir;

    TestTenant tenant;
    ProvisioningApi api;
    final List<UUID> testHosts = new ArrayList<>();

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 100, 100);
        api = new ProvisioningApi(tenant, tenant.platformAdmin(context, "operator"), ProvisioningApi.imageRoot(context));
    }

    @AfterEach
    void removeEverything() {
        testHosts.forEach(h -> api.maintenance(h, false));
        check(tenant.admin.get("/api/v1/admin/pools"), 200).body()
                .forEach(p -> check(tenant.admin.delete("/api/v1/admin/pools/" + p.get("id").asString()), 204));
        reconcileUntil(() -> journal.open().isEmpty() && reconciler.tasksRunning() == 0);
        testHosts.forEach(h -> check(api.platform.delete("/api/v1/admin/hypervisor-hosts/" + h), 204));
        api.removeImageFiles();
    }

    private UUID host(String name, String settings, boolean maintenance) {
        UUID id = check(api.platform.post("/api/v1/admin/hypervisor-hosts", json("name", name + "-" + tenant.slug,
                "driverId", "simulated", "settings", new Api.RawJson(settings), "maintenance", maintenance)), 201).id();
        testHosts.add(id);
        return id;
    }

    private SimulatedDriver driverOf(UUID host) {
        return (SimulatedDriver) hosts.driver(hosts.require(host));
    }

    private void reconcileUntil(Callable<Boolean> condition) {
        reconcileUntil(Duration.ofSeconds(30), condition);
    }

    private void reconcileUntil(Duration atMost, Callable<Boolean> condition) {
        await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
            reconciler.tick();
            return condition.call();
        });
    }

    private String hostOf(String desktop) {
        return api.provisioning(UUID.fromString(desktop)).get("hostId").asString();
    }

    private Set<String> onDriver(UUID host) {
        return driverOf(host).listDesktops().stream().map(ManagedDesktop::desktopId).collect(Collectors.toSet());
    }

    private JsonNode drain(UUID host) {
        return check(api.platform.get("/api/v1/admin/hypervisor-hosts/" + host + "/drain"), 200).body();
    }

    private String state(String desktop) {
        return api.desktops(UUID.fromString(jdbc.sql("select pool_id::text from desktop where id = ?::uuid")
                        .param(desktop).query(String.class).single())).stream()
                .filter(d -> d.get("id").asString().equals(desktop)).findFirst().orElseThrow().get("state").asString();
    }

    private List<JsonNode> migrations(String desktop) {
        List<JsonNode> out = new ArrayList<>();
        check(tenant.admin.get("/api/v1/admin/audit?action=DESKTOP_MIGRATED&objectId=" + desktop), 200).body()
                .forEach(out::add);
        return out;
    }

    @Test
    void aHostInMaintenanceMovesItsUsersDesktopsRunningOnesLiveStoppedOnesColdAndTheRecordsFollow() {
        UUID a = host("sim-a", SIM, false);
        UUID b = host("sim-b", SIM, true);
        UUID pool = api.pool("office", "PERSISTENT", "{\"minSize\":3,\"maxSize\":4,\"spareTarget\":1,\"vcpus\":1,"
                + "\"memoryMiB\":1024,\"diskMiB\":64,\"stopAfterDisconnectedSeconds\":1}", IMAGE);
        reconcileUntil(() -> api.count(pool, "READY") == 3);
        Api alice = api.user("alice", pool);
        Api bob = api.user("bob", pool);
        Api.Response aliceConnected = check(connect(alice, pool), 201);
        String aliceSession = ProvisioningApi.session(aliceConnected);
        String aliceDesktop = aliceConnected.body().get("session").get("desktopId").asString();
        Api.Response bobConnected = check(connect(bob, pool), 201);
        String bobSession = ProvisioningApi.session(bobConnected);
        String bobDesktop = bobConnected.body().get("session").get("desktopId").asString();
        // bob leaves: the power policy stops his desktop a second later
        check(bob.post("/api/v1/sessions/" + bobSession + "/logoff"), 200);
        reconcileUntil(() -> state(bobDesktop).equals("STOPPED"));
        assertThat(hostOf(aliceDesktop)).isEqualTo(a.toString());

        api.maintenance(b, false);
        api.maintenance(a, true);
        reconcileUntil(() -> hostOf(aliceDesktop).equals(b.toString()) && hostOf(bobDesktop).equals(b.toString())
                && api.desktops(pool).stream().noneMatch(d -> hostOf(d.get("id").asString()).equals(a.toString()))
                && drain(a).get("moves").findValuesAsString("state").equals(List.of("SUCCEEDED", "SUCCEEDED")));

        // the hypervisors agree with the records
        assertThat(onDriver(b)).contains(aliceDesktop, bobDesktop);
        assertThat(onDriver(a)).doesNotContain(aliceDesktop, bobDesktop);
        assertThat(driverOf(b).powerState(aliceDesktop).name()).isEqualTo("RUNNING");
        assertThat(driverOf(b).powerState(bobDesktop).name()).isEqualTo("STOPPED");
        // alice went on working: her session and desktop as they were
        assertThat(ProvisioningApi.sessionState(alice, aliceSession)).isIn("READY", "CONNECTED");
        assertThat(state(aliceDesktop)).isEqualTo("IN_USE");
        assertThat(state(bobDesktop)).isEqualTo("STOPPED");
        // audited, live for the running desktop and cold for the stopped one
        assertThat(migrations(aliceDesktop)).singleElement().satisfies(e -> {
            assertThat(e.get("details").get("live").asBoolean()).isTrue();
            assertThat(e.get("details").get("fromHostId").asString()).isEqualTo(a.toString());
            assertThat(e.get("details").get("toHostId").asString()).isEqualTo(b.toString());
        });
        assertThat(migrations(bobDesktop)).singleElement()
                .satisfies(e -> assertThat(e.get("details").get("live").asBoolean()).isFalse());
        // the drain's account: two moves done, nothing left, nothing blocked
        JsonNode drained = drain(a);
        assertThat(drained.get("desktopsOnHost").asInt()).isZero();
        assertThat(drained.get("blocked")).isEmpty();
        assertThat(drained.get("moves")).hasSize(2).allSatisfy(m -> {
            assertThat(m.get("state").asString()).isEqualTo("SUCCEEDED");
            assertThat(m.get("targetHostName").asString()).startsWith("sim-b-");
        });

        // bob comes back: his desktop starts where it is now
        String again = ProvisioningApi.session(check(connect(bob, pool), 201));
        reconcileUntil(() -> ProvisioningApi.sessionState(bob, again).equals("READY"));
        assertThat(driverOf(b).powerState(bobDesktop).name()).isEqualTo("RUNNING");

        // the drain is for platform admins: a tenant admin may not read it
        check(tenant.admin.get("/api/v1/admin/hypervisor-hosts/" + a + "/drain"), 403);
        check(api.platform.get("/api/v1/admin/hypervisor-hosts/" + UUID.randomUUID() + "/drain"), 404);
    }

    @Test
    void aDesktopThatCannotMoveStaysAndTheDrainSaysWhyUntilRoomAppears() {
        UUID a = host("sim-a", SIM, false);
        UUID pool = api.pool("kiosk", "PERSISTENT", "{\"minSize\":2,\"maxSize\":2,\"spareTarget\":0,\"vcpus\":1,"
                + "\"memoryMiB\":4096,\"diskMiB\":64,\"antiAffinity\":true}", IMAGE);
        reconcileUntil(() -> api.count(pool, "READY") == 2);
        assertThat(check(tenant.admin.get("/api/v1/admin/pools/" + pool + "/provisioning"), 200).body()
                .get("antiAffinity").asBoolean()).isTrue();
        Api alice = api.user("alice", pool);
        Api bob = api.user("bob", pool);
        String aliceDesktop = check(connect(alice, pool), 201).body().get("session").get("desktopId").asString();
        String bobDesktop = check(connect(bob, pool), 201).body().get("session").get("desktopId").asString();

        // nowhere to go
        api.maintenance(a, true);
        reconcileUntil(() -> drain(a).get("blocked").size() == 2);
        assertThat(drain(a).get("blocked")).allSatisfy(x -> {
            assertThat(x.get("reason").asString()).isEqualTo("NO_TARGET_HOST");
            assertThat(x.get("desktopName").isString()).isTrue();
        });
        assertThat(List.of(hostOf(aliceDesktop), hostOf(bobDesktop))).containsOnly(a.toString());

        // a host with room for one: the anti-affinity pool's second desktop may not join the first there
        UUID b = host("sim-b", SMALL, false);
        reconcileUntil(() -> List.of(hostOf(aliceDesktop), hostOf(bobDesktop)).contains(b.toString())
                && drain(a).get("blocked").size() == 1);
        JsonNode stuck = drain(a).get("blocked").get(0);
        assertThat(stuck.get("reason").asString()).isIn("NO_HOST_WITH_ROOM", "ANTI_AFFINITY");

        // a second roomy host, whose moves fail: the desktop stays running where it is, and the drain says so
        UUID c = host("sim-c", SIM, false);
        driverOf(a).faults().failNextMigrations(2);
        String left = stuck.get("desktopId").asString();
        reconcileUntil(() -> drain(a).get("blocked").size() == 1
                && drain(a).get("blocked").get(0).get("reason").asString().equals("MIGRATION_FAILED"));
        assertThat(drain(a).get("blocked").get(0).get("detail").asString()).contains("simulated migration failure");
        assertThat(hostOf(left)).isEqualTo(a.toString());
        assertThat(state(left)).isEqualTo("IN_USE");
        assertThat(driverOf(a).powerState(left).name()).isEqualTo("RUNNING");

        // after the cool-down it is tried again, and moves
        reconcileUntil(() -> hostOf(left).equals(c.toString()) && drain(a).get("blocked").isEmpty());
        assertThat(List.of(hostOf(aliceDesktop), hostOf(bobDesktop))).containsExactlyInAnyOrder(b.toString(), c.toString());
        assertThat(drain(a).get("moves")).anyMatch(m -> m.get("state").asString().equals("FAILED")
                && m.get("errorReason").asString().equals("HYPERVISOR_ERROR"));
        assertThat(state(aliceDesktop)).isEqualTo("IN_USE");
        assertThat(state(bobDesktop)).isEqualTo("IN_USE");
    }

    @Test
    void aBrowsersTunnelFollowsItsDesktopToItsNewHostWithoutClosing() throws Exception {
        UUID a = host("xvnc-a", xvnc("a", "190-194"), false);
        UUID b = host("xvnc-b", xvnc("b", "195-199"), true);
        UUID pool = api.pool("office", "PERSISTENT", "{\"minSize\":1,\"maxSize\":1,\"spareTarget\":0,\"vcpus\":1,"
                + "\"memoryMiB\":512,\"diskMiB\":64}", IMAGE);
        reconcileUntil(() -> api.count(pool, "READY") == 1);
        Api alice = api.user("alice", pool);
        Api.Response connected = check(connect(alice, pool), 201);
        String session = ProvisioningApi.session(connected);
        String desktop = connected.body().get("session").get("desktopId").asString();
        try (BrowserTunnel tunnel = BrowserTunnel.open(port, connected.body().get("tunnel").get("token").asString(),
                640, 480)) {
            tunnel.awaitOpcode("sync");
            await().atMost(Duration.ofSeconds(10)).until(() -> ProvisioningApi.sessionState(alice, session)
                    .equals("CONNECTED"));
            String tunnelId = tunnelOf(session);
            assertThat(tunnelId).isNotNull();
            long sizesBefore = tunnel.received().stream().filter(i -> i.getOpcode().equals("size")).count();

            api.maintenance(b, false);
            api.maintenance(a, true);
            reconcileUntil(Duration.ofSeconds(60), () -> drain(a).get("moves").findValuesAsString("state")
                    .contains("SUCCEEDED"));
            assertThat(hostOf(desktop)).isEqualTo(b.toString());

            // the same tunnel shows the desktop on its new host: a new screen and frames, no error, no close
            await().atMost(Duration.ofSeconds(30)).until(() -> frameAfterNewScreen(tunnel, sizesBefore)
                    || tunnel.closedAt() != 0);
            assertThat(tunnel.closedAt()).as("the tunnel stayed open").isZero();
            assertThat(tunnel.received().stream().filter(i -> i.getOpcode().equals("error")).map(Object::toString))
                    .as("errors the browser was sent").isEmpty();
            assertThat(ProvisioningApi.sessionState(alice, session)).isEqualTo("CONNECTED");
            // the session's tunnel is the new gateway connection now: help desk's shadow joins it
            assertThat(tunnelOf(session)).isNotNull().isNotEqualTo(tunnelId);
            assertThat(onDriver(b)).contains(desktop);
            assertThat(driverOf(b).console(desktop).port()).isBetween(5900 + 195, 5900 + 199);
            JsonNode ticket = check(tenant.admin.post("/api/v1/admin/sessions/" + session + "/shadow"), 201).body();
            try (BrowserTunnel shadow = BrowserTunnel.open(port, ticket.get("path").asString(),
                    ticket.get("token").asString(), 640, 480)) {
                shadow.awaitOpcode("sync");
            }
            assertThat(tunnel.closedAt()).as("the user's tunnel is still open").isZero();
        }
    }

    /** A screen beyond the first {@code sizesBefore} was announced (a new gateway connection), and drawn (a sync after it). */
    private static boolean frameAfterNewScreen(BrowserTunnel tunnel, long sizesBefore) {
        List<org.apache.guacamole.protocol.GuacamoleInstruction> got = List.copyOf(tunnel.received());
        long sizes = 0;
        boolean newScreen = false;
        for (var i : got) {
            if (i.getOpcode().equals("size") && ++sizes > sizesBefore) {
                newScreen = true;
            } else if (newScreen && i.getOpcode().equals("sync")) {
                return true;
            }
        }
        return false;
    }

    private String tunnelOf(String session) {
        return jdbc.sql("select tunnel_id::text from session where id = ?::uuid").param(session).query(String.class)
                .single();
    }

    /** A simulated host whose desktops are real Xvnc displays, each host with its own displays and state directory. */
    private String xvnc(String name, String displays) throws IOException {
        Path state = dir.resolve(name);
        Files.createDirectories(state);
        // the desktops' accounts reach their own files below the state directory
        for (Path p = state; p != null && p.startsWith(dir); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx--x--x"));
        }
        return json("cpusPerHost", "16", "memoryMiBPerHost", "65536", "consoles", "xvnc", "stateDir", state.toString(),
                "displays", displays, "geometry", "640x480", "accountPrefix", "dpm-", "desktopCommand", "sleep 600");
    }
}
