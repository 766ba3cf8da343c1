package io.deskport.broker.provisioning;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.shared.DedicatedConnections;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import io.deskport.provisioning.driver.ManagedDesktop;
import io.deskport.provisioning.simulated.SimulatedDriver;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.provisioning.ProvisioningApi.connect;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reconciler on the simulated driver: sizing, demand, failures, quarantine, image rollout and
 * rollback, power policy, orphans and ghosts, and two reconcilers racing. The loop is off: each test
 * drives the reconciler's passes itself, so that nothing happens behind its back.
 */
@BrokerTest
@TestPropertySource(properties = {
        "deskport.provisioning.enabled=false",
        "deskport.provisioning.simulate-when-empty=false",
        "deskport.provisioning.max-attempts=2",
        "deskport.provisioning.retry-backoff=50ms",
        "deskport.provisioning.max-retry-backoff=200ms",
        "deskport.provisioning.host-failure-threshold=3",
        "deskport.provisioning.host-quarantine=5s",
        "deskport.provisioning.failed-retention=1s",
        "deskport.provisioning.console-timeout=2s",
        "deskport.provisioning.inventory-interval=500ms",
        "deskport.provisioning.scan-interval=1h",
        "deskport.provisioning.ghosts.grace=0s",
        "deskport.provisioning.orphans.policy=DELETE",
        "deskport.provisioning.orphans.grace=0s"})
class ReconcilerOnTheSimulatedDriverTest {

    private static final String SIM = "{\"cpusPerHost\":\"16\",\"memoryMiBPerHost\":\"65536\"}";
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
        check(tenant.admin.get("/api/v1/admin/pools"), 200).body()
                .forEach(p -> check(tenant.admin.delete("/api/v1/admin/pools/" + p.get("id").asString()), 204));
        reconcileUntil(() -> journal.open().isEmpty() && reconciler.tasksRunning() == 0);
        testHosts.forEach(h -> check(api.platform.delete("/api/v1/admin/hypervisor-hosts/" + h), 204));
        api.removeImageFiles();
    }

    private UUID simulatedHost(String name) {
        UUID id = api.host(name + "-" + tenant.slug, "simulated", SIM);
        testHosts.add(id);
        return id;
    }

    private SimulatedDriver driverOf(UUID host) {
        return (SimulatedDriver) hosts.driver(hosts.require(host));
    }

    private void reconcileUntil(Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            reconciler.tick();
            return condition.call();
        });
    }

    /** Passes until nothing is planned, queued or running. */
    private void settle() {
        reconcileUntil(() -> reconciler.tasksRunning() == 0 && journal.open().isEmpty()
                && reconciler.tick().map(s -> s.actionsPlanned() == 0).orElse(false));
    }

    @Test
    void aPooledPoolFillsToItsSpareTargetAndRefillsWhenADesktopIsTaken() {
        simulatedHost("sim-a");
        UUID pool = api.pool("office", "POOLED", "{\"minSize\":2,\"maxSize\":6,\"spareTarget\":2,\"vcpus\":1,"
                + "\"memoryMiB\":256,\"diskMiB\":64}", IMAGE);

        reconcileUntil(() -> api.free(pool, "READY") == 2);
        Api alice = api.user("alice", pool);
        assertThat(check(connect(alice, pool), 201).body().get("state").asString()).isEqualTo("READY");

        reconcileUntil(() -> api.free(pool, "READY") == 2);
        settle();
        assertThat(api.desktops(pool)).hasSize(3);
        assertThat(api.count(pool, "IN_USE")).isEqualTo(1);
        JsonNode status = api.poolStatus(pool);
        assertThat(status.get("simulated").asBoolean()).isTrue();
        assertThat(status.get("desktopsOnTargetImage").asInt()).isEqualTo(3);
    }

    @Test
    void aReconcilerStoppedAndStartedAgainStillProvisions() {
        // Spring pauses a cached test context (stop) and resumes it (start); an operator's restart of the
        // lifecycle does the same: the task executor must come back with it
        reconciler.stop();
        reconciler.start();
        simulatedHost("sim-a");
        UUID pool = api.pool("restarted", "POOLED", "{\"minSize\":1,\"maxSize\":1,\"spareTarget\":1,\"vcpus\":1,"
                + "\"memoryMiB\":256,\"diskMiB\":64}", IMAGE);

        reconcileUntil(() -> api.free(pool, "READY") == 1);
    }

    @Test
    void refusedConnectsGrowThePoolUpToItsMaximumAndNoFurther() {
        simulatedHost("sim-a");
        UUID pool = api.pool("on-demand", "POOLED", "{\"minSize\":0,\"maxSize\":2,\"spareTarget\":0,\"vcpus\":1,"
                + "\"memoryMiB\":256,\"diskMiB\":64}", IMAGE);
        Api alice = api.user("alice", pool);
        Api bob = api.user("bob", pool);
        Api carol = api.user("carol", pool);
        settle();
        assertThat(api.desktops(pool)).isEmpty();

        assertThat(connect(alice, pool).reason()).isEqualTo("POOL_EXHAUSTED");
        reconcileUntil(() -> api.free(pool, "READY") == 1);
        check(connect(alice, pool), 201);

        assertThat(connect(bob, pool).reason()).isEqualTo("POOL_EXHAUSTED");
        reconcileUntil(() -> api.free(pool, "READY") >= 1);
        check(connect(bob, pool), 201);

        assertThat(connect(carol, pool).reason()).isEqualTo("POOL_EXHAUSTED");
        settle();
        assertThat(api.desktops(pool)).hasSize(2);
        assertThat(api.poolStatus(pool).get("notes").toString()).contains("POOL_AT_MAX");
    }

    @Test
    void aDesktopThatFailsToProvisionIsFailedWithItsReasonAndThenReplaced() {
        UUID host = simulatedHost("sim-a");
        reconciler.tick();
        driverOf(host).faults().failNextClones(2); // both attempts of one desktop
        UUID pool = api.pool("fragile", "POOLED", "{\"minSize\":1,\"maxSize\":1,\"spareTarget\":1,\"vcpus\":1,"
                + "\"memoryMiB\":256,\"diskMiB\":64}", IMAGE);

        reconcileUntil(() -> api.count(pool, "FAILED") == 1);
        JsonNode failed = api.desktops(pool).getFirst();
        JsonNode why = api.provisioning(UUID.fromString(failed.get("id").asString()));
        assertThat(why.get("failureReason").asString()).contains("CREATE failed", "HYPERVISOR_ERROR",
                "simulated clone failure", "after 2 attempts");
        assertThat(why.get("simulated").asBoolean()).isTrue();
        assertThat(why.get("tasks").get(0).get("state").asString()).isEqualTo("FAILED");
        assertThat(why.get("tasks").get(0).get("attempts").asInt()).isEqualTo(2);

        // after the retention the failed desktop is removed and a healthy one takes its place
        reconcileUntil(() -> api.count(pool, "READY") == 1 && api.desktops(pool).size() == 1);
        assertThat(api.desktops(pool).getFirst().get("id").asString()).isNotEqualTo(failed.get("id").asString());
    }

    @Test
    void aHostThatKeepsFailingIsQuarantinedAndUsedAgainOnceHealthy() {
        UUID bad = simulatedHost("sim-bad");
        UUID good = simulatedHost("sim-good");
        api.maintenance(good, true);
        reconciler.tick();
        driverOf(bad).faults().failNextClones(1000);
        UUID pool = api.pool("office", "POOLED", "{\"minSize\":3,\"maxSize\":3,\"spareTarget\":0,\"vcpus\":1,"
                + "\"memoryMiB\":256,\"diskMiB\":64}", IMAGE);

        reconcileUntil(() -> api.host(bad).get("health").get("quarantinedUntil").isString());
        JsonNode health = api.host(bad).get("health");
        assertThat(health.get("usable").asBoolean()).isFalse();
        assertThat(health.get("consecutiveFailures").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(health.get("lastError").asString()).contains("simulated clone failure");

        // the healthy host takes the pool while the bad one is quarantined
        api.maintenance(good, false);
        reconcileUntil(() -> api.count(pool, "READY") == 3);
        assertThat(api.desktops(pool).stream().filter(d -> d.get("state").asString().equals("READY"))
                .map(d -> api.provisioning(UUID.fromString(d.get("id").asString())).get("hostId").asString()))
                .containsOnly(good.toString());

        // healed and out of quarantine, the host is used again and counts as healthy after one success
        driverOf(bad).faults().failNextClones(0);
        api.maintenance(good, true);
        check(tenant.admin.replace("/api/v1/admin/pools/" + pool + "/provisioning", "{\"minSize\":4,\"maxSize\":4}"), 200);
        reconcileUntil(() -> api.host(bad).get("health").get("consecutiveFailures").asInt() == 0
                && api.host(bad).get("health").get("usable").asBoolean());
        reconcileUntil(() -> api.count(pool, "READY") == 4);
    }

    @Test
    void aNewImageReplacesFreePooledDesktopsAndARollbackBringsThePreviousBack() {
        simulatedHost("sim-a");
        UUID pool = api.pool("office", "POOLED", "{\"minSize\":2,\"maxSize\":3,\"spareTarget\":2,\"vcpus\":1,"
                + "\"memoryMiB\":256,\"diskMiB\":64}", IMAGE);
        reconcileUntil(() -> api.free(pool, "READY") == 2);
        String v1 = api.poolStatus(pool).get("currentImage").get("id").asString();
        Api alice = api.user("alice", pool);
        String aliceDesktop = check(connect(alice, pool), 201).body().get("session").get("desktopId").asString();
        reconcileUntil(() -> api.free(pool, "READY") == 2 && api.desktops(pool).size() == 3);

        String v2 = api.image(pool, "v2", "office-v2.qcow2").toString();
        reconcileUntil(() -> imagesOfFreeDesktops(pool).equals(Set.of(v2)) && api.free(pool, "READY") == 2);
        assertThat(imageOf(aliceDesktop)).as("a desktop in use is not touched").isEqualTo(v1);

        String session = check(alice.get("/api/v1/sessions"), 200).body().get(0).get("id").asString();
        check(alice.post("/api/v1/sessions/" + session + "/logoff"), 200);
        // refreshed to v2 after logoff; with three free desktops for a spare target of two, one goes
        reconcileUntil(() -> imageOf(aliceDesktop).equals(v2) && api.free(pool, "READY") == 2
                && api.desktops(pool).size() == 2);

        check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/provisioning/rollback"), 200);
        reconcileUntil(() -> imagesOfFreeDesktops(pool).equals(Set.of(v1)) && api.free(pool, "READY") == 2);
        assertThat(api.tasks(pool)).anyMatch(t -> t.get("reason").asString().equals("ROLLBACK"));
        assertThat(check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/provisioning/rollback"), 409).reason())
                .isEqualTo("INVALID_STATE");
    }

    @Test
    void persistentDesktopsMoveToANewImageOnlyOnTheAdminsCommand() {
        simulatedHost("sim-a");
        UUID pool = api.pool("personal", "PERSISTENT", "{\"minSize\":1,\"maxSize\":3,\"spareTarget\":1,\"vcpus\":1,"
                + "\"memoryMiB\":256,\"diskMiB\":64}", IMAGE);
        reconcileUntil(() -> api.free(pool, "READY") == 1);
        Api alice = api.user("alice", pool);
        String desktop = check(connect(alice, pool), 201).body().get("session").get("desktopId").asString();
        String session = check(alice.get("/api/v1/sessions"), 200).body().get(0).get("id").asString();
        check(alice.post("/api/v1/sessions/" + session + "/logoff"), 200);
        reconcileUntil(() -> api.free(pool, "READY") == 1);
        String v1 = imageOf(desktop);

        String v2 = api.image(pool, "v2", "personal-v2.qcow2").toString();
        reconcileUntil(() -> imagesOfFreeDesktops(pool).equals(Set.of(v2)));
        settle();
        assertThat(imageOf(desktop)).as("alice's own desktop waits for the admin").isEqualTo(v1);

        check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/provisioning/update-persistent-desktops"), 200);
        reconcileUntil(() -> imageOf(desktop).equals(v2) && stateOf(desktop).equals("READY"));
        assertThat(api.desktops(pool).stream().filter(d -> d.get("id").asString().equals(desktop)).findFirst()
                .orElseThrow().get("assignedUserId").isNull()).as("still alice's").isFalse();
    }

    @Test
    void anIdlePersistentDesktopIsStoppedAndTheNextConnectStartsIt() {
        simulatedHost("sim-a");
        UUID pool = api.pool("personal", "PERSISTENT", "{\"minSize\":1,\"maxSize\":2,\"spareTarget\":0,\"vcpus\":1,"
                + "\"memoryMiB\":256,\"diskMiB\":64,\"stopAfterDisconnectedSeconds\":1}", IMAGE);
        reconcileUntil(() -> api.free(pool, "READY") == 1);
        Api alice = api.user("alice", pool);
        Api.Response first = check(connect(alice, pool), 201);
        String desktop = first.body().get("session").get("desktopId").asString();
        check(alice.post("/api/v1/sessions/" + ProvisioningApi.session(first) + "/logoff"), 200);

        reconcileUntil(() -> stateOf(desktop).equals("STOPPED"));
        assertThat(api.tasks(pool)).anyMatch(t -> t.get("type").asString().equals("STOP")
                && t.get("reason").asString().equals("IDLE_POWER_OFF"));

        Api.Response again = check(connect(alice, pool), 201);
        assertThat(again.body().get("state").asString()).isEqualTo("PREPARING");
        assertThat(again.body().get("session").get("preparing").get("phase").asString()).isEqualTo("STARTING");
        String session = ProvisioningApi.session(again);
        reconcileUntil(() -> ProvisioningApi.sessionState(alice, session).equals("READY"));
        assertThat(stateOf(desktop)).isEqualTo("IN_USE");
    }

    @Test
    void orphansAreReportedAndCleanedUpAndGhostsAreFailedAndReplaced() {
        UUID host = simulatedHost("sim-a");
        UUID pool = api.pool("office", "POOLED", "{\"minSize\":2,\"maxSize\":2,\"spareTarget\":2,\"vcpus\":1,"
                + "\"memoryMiB\":256,\"diskMiB\":64}", IMAGE);
        reconcileUntil(() -> api.free(pool, "READY") == 2);
        settle();
        SimulatedDriver sim = driverOf(host);
        UUID stranger = UUID.randomUUID();
        sim.cloneDesktop(new io.deskport.provisioning.driver.CloneRequest(new io.deskport.provisioning.driver.DesktopTag(
                tenant.id.toString(), pool.toString(), stranger.toString()), null,
                io.deskport.provisioning.driver.ImageVersion.diskBoot("x", "1", IMAGE),
                io.deskport.provisioning.driver.HardwareProfile.TINY));
        String ghost = api.desktops(pool).getFirst().get("id").asString();
        sim.delete(ghost);

        reconciler.scanNow();
        JsonNode findings = check(tenant.admin.get("/api/v1/admin/provisioning/discrepancies"), 200).body();
        Map<String, String> byKind = new ConcurrentHashMap<>();
        findings.forEach(f -> byKind.put(f.get("kind").asString(), f.get("desktopId").asString()));
        assertThat(byKind).containsEntry("ORPHAN", stranger.toString()).containsEntry("GHOST", ghost);

        reconcileUntil(() -> sim.listDesktops().stream().noneMatch(d -> d.desktopId().equals(stranger.toString())));
        reconcileUntil(() -> api.desktops(pool).stream().noneMatch(d -> d.get("id").asString().equals(ghost))
                && api.free(pool, "READY") == 2);
        reconciler.scanNow();
        assertThat(check(tenant.admin.get("/api/v1/admin/provisioning/discrepancies"), 200).body()).isEmpty();
    }

    @Test
    void twoReconcilersRacingDoNoDuplicateWork() throws Exception {
        UUID host = simulatedHost("sim-a");
        UUID pool = api.pool("race", "POOLED", "{\"minSize\":6,\"maxSize\":6,\"spareTarget\":0,\"vcpus\":1,"
                + "\"memoryMiB\":256,\"diskMiB\":64}", IMAGE);
        Reconciler other = new Reconciler(context.getBean(ProvisioningProperties.class),
                context.getBean(ReconcileCycle.class), context.getBean(TaskRunner.class), journal, hosts,
                context.getBean(Discrepancies.class), context.getBean(DedicatedConnections.class),
                context.getBean(SnapshotSchedule.class));
        Map<String, Integer> cycles = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> racers = new ArrayList<>();
        for (Reconciler r : List.of(reconciler, other)) {
            racers.add(Thread.ofPlatform().start(() -> {
                try {
                    go.await();
                    while (!stop.get()) {
                        r.tick().ifPresent(s -> cycles.merge(r.instanceId(), 1, Integer::sum));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        go.countDown();
        await().atMost(Duration.ofSeconds(20)).until(() -> api.count(pool, "READY") == 6);
        // both keep racing on the filled pool: a few more passes of the leader, counted, not timed
        int passes = cycles.values().stream().mapToInt(Integer::intValue).sum();
        await().atMost(Duration.ofSeconds(20)).until(() -> cycles.values().stream().mapToInt(Integer::intValue).sum() >= passes + 5);
        stop.set(true);
        for (Thread t : racers) {
            t.join();
        }
        other.stop();

        assertThat(cycles).as("only one reconciler was elected").hasSize(1);
        assertThat(api.desktops(pool)).hasSize(6);
        List<ManagedDesktop> vms = driverOf(host).listDesktops().stream()
                .filter(d -> d.tag().poolId().equals(pool.toString())).toList();
        assertThat(vms).hasSize(6);
        Map<String, Long> createsPerDesktop = api.tasks(pool).stream().filter(t -> t.get("type").asString().equals("CREATE"))
                .collect(Collectors.groupingBy(t -> t.get("desktopId").asString(), Collectors.counting()));
        assertThat(createsPerDesktop).hasSize(6).allSatisfy((d, n) -> assertThat(n).isEqualTo(1));

        // the journal itself refuses a second writer's copy of the same intent
        UUID someDesktop = UUID.fromString(vms.getFirst().desktopId());
        TaskJournal.NewTask stopTask = new TaskJournal.NewTask(tenant.id, pool, someDesktop, host,
                io.deskport.provisioning.planner.ActionType.STOP, "TEST", null, false, "STOP:" + someDesktop + ":race", 1);
        assertThat(journal.enqueue(stopTask)).isTrue();
        assertThat(journal.enqueue(stopTask)).isFalse();
        assertThat(journal.enqueue(new TaskJournal.NewTask(tenant.id, pool, someDesktop, host,
                io.deskport.provisioning.planner.ActionType.DELETE, "TEST", null, false, "other-key", 1)))
                .as("one open task per desktop").isFalse();
        jdbc.sql("update provisioning_task set state = 'CANCELLED', finished_at = now() where idempotency_key = ?")
                .param("STOP:" + someDesktop + ":race").update();
    }

    @Test
    void theAdminApiRefusesWhatItCannotDoWithClearReasons() {
        Api.Response byTenantAdmin = tenant.admin.post("/api/v1/admin/hypervisor-hosts",
                Api.json("name", "mine", "driverId", "simulated"));
        assertThat(byTenantAdmin.status()).isEqualTo(403);
        assertThat(byTenantAdmin.reason()).isEqualTo("FORBIDDEN");
        assertThat(check(api.platform.post("/api/v1/admin/hypervisor-hosts", Api.json("name", "x-" + tenant.slug,
                "driverId", "vmware")), 400).body().get("detail").asString()).contains("Unknown hypervisor driver");
        assertThat(check(api.platform.post("/api/v1/admin/hypervisor-hosts", Api.json("name", "bad name!",
                "driverId", "simulated")), 400).reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(check(api.platform.post("/api/v1/admin/hypervisor-hosts", Api.json("name", "y-" + tenant.slug,
                "driverId", "simulated", "settings", new Api.RawJson("{\"cpusPerHost\":\"many\"}"))), 400).body()
                .get("detail").asString()).contains("invalid");

        UUID shared = tenant.pool("shared", "SHARED", "BREADTH_FIRST");
        assertThat(check(tenant.admin.replace("/api/v1/admin/pools/" + shared + "/provisioning", "{\"maxSize\":2}"), 409)
                .reason()).isEqualTo("INVALID_STATE");
        UUID pooled = tenant.pool("pooled", "POOLED", null);
        assertThat(check(tenant.admin.replace("/api/v1/admin/pools/" + pooled + "/provisioning",
                "{\"minSize\":5,\"maxSize\":2}"), 400).reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(check(tenant.admin.replace("/api/v1/admin/pools/" + pooled + "/provisioning",
                "{\"maxSize\":2,\"stopAfterDisconnectedSeconds\":60}"), 400).body().get("detail").asString())
                .contains("PERSISTENT");
        assertThat(check(tenant.admin.post("/api/v1/admin/pools/" + pooled + "/images", Api.json("label", "v1",
                "goldenDiskPath", api.imageFile(IMAGE))), 409).reason()).isEqualTo("INVALID_STATE");
        check(tenant.admin.replace("/api/v1/admin/pools/" + pooled + "/provisioning", "{\"maxSize\":2}"), 200);
        assertThat(check(tenant.admin.post("/api/v1/admin/pools/" + pooled + "/images", Api.json("label", "v 1",
                "goldenDiskPath", "relative/path")), 400).body().get("errors").size()).isEqualTo(2);
        assertThat(check(tenant.admin.post("/api/v1/admin/pools/" + pooled + "/provisioning/rollback"), 409).reason())
                .isEqualTo("INVALID_STATE");

        Api helpdesk = api.tenant.login(usernameWithRole("desk", io.deskport.broker.shared.Role.HELPDESK));
        assertThat(helpdesk.replace("/api/v1/admin/pools/" + pooled + "/provisioning", "{\"maxSize\":3}").status())
                .isEqualTo(403);
    }

    private String usernameWithRole(String name, io.deskport.broker.shared.Role role) {
        tenant.user(name, role);
        return name;
    }

    private String imageOf(String desktop) {
        return api.provisioning(UUID.fromString(desktop)).get("imageVersionId").asString();
    }

    private String stateOf(String desktop) {
        return api.provisioning(UUID.fromString(desktop)).get("state").asString();
    }

    private Set<String> imagesOfFreeDesktops(UUID pool) {
        return api.desktops(pool).stream().filter(d -> d.get("assignedUserId").isNull())
                .map(d -> imageOf(d.get("id").asString())).collect(Collectors.toSet());
    }
}
