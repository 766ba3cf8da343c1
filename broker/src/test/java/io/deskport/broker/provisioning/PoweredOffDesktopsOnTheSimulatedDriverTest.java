package io.deskport.broker.provisioning;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.provisioning.simulated.SimulatedDriver;
import io.deskport.broker.support.TestTenant;

import static io.deskport.broker.provisioning.ProvisioningApi.connect;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Machines that power off (or crash) by themselves while the broker has them running — a hypervisor host
 * restarted, a guest shut down from inside, the demo's broker restarted — on the simulated driver: the scan
 * finds them, the desktop is STOPPED (or FAILED when crashed), and a session on it ends as HOST_LOST at once
 * instead of pointing at a console that is gone. The reconciler's loop is off: each test drives its passes.
 */
@BrokerTest
@TestPropertySource(properties = {
        "deskport.provisioning.enabled=false",
        "deskport.provisioning.simulate-when-empty=false",
        "deskport.provisioning.console-timeout=2s",
        "deskport.provisioning.scan-interval=1h",
        "deskport.provisioning.failed-retention=1h"})
class PoweredOffDesktopsOnTheSimulatedDriverTest {

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

    private SimulatedDriver simulatedHost() {
        UUID id = api.host("sim-off-" + tenant.slug, "simulated", SIM);
        testHosts.add(id);
        return (SimulatedDriver) hosts.driver(hosts.require(id));
    }

    private void reconcileUntil(Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            reconciler.tick();
            return condition.call();
        });
    }

    /** Alice's session on the one desktop of a new pool of the kind, on a new simulated host. */
    private record InUse(SimulatedDriver sim, UUID pool, Api alice, String session, String desktop) {
    }

    private InUse inUse(String kind) {
        SimulatedDriver sim = simulatedHost();
        UUID pool = api.pool(kind.toLowerCase(), kind, "{\"minSize\":1,\"maxSize\":1,\"spareTarget\":1,\"vcpus\":1,"
                + "\"memoryMiB\":256,\"diskMiB\":64}", IMAGE);
        reconcileUntil(() -> api.free(pool, "READY") == 1);
        Api alice = api.user("alice", pool);
        Api.Response connected = check(connect(alice, pool), 201);
        return new InUse(sim, pool, alice, connected.body().get("session").get("id").asString(),
                connected.body().get("session").get("desktopId").asString());
    }

    private String desktopState(String desktopId) {
        return check(tenant.admin.get("/api/v1/admin/desktops/" + desktopId), 200).body().get("state").asString();
    }

    private int seatsInUse() {
        return jdbc.sql("select coalesce(sum(used), 0) from tenant_session_seats where tenant_id = ?").param(tenant.id)
                .query(Integer.class).single();
    }

    @Test
    void aDesktopInUseWhoseMachinePowersOffEndsItsSessionAsHostLostAndIsStartedAgain() {
        InUse u = inUse("POOLED");
        SimulatedDriver sim = u.sim();
        Api alice = u.alice();
        String session = u.session();
        String desktop = u.desktop();
        assertThat(seatsInUse()).isEqualTo(1);

        sim.powerOff(desktop);
        reconciler.scanNow();

        Api.Response ended = check(alice.get("/api/v1/sessions/" + session), 200);
        assertThat(ended.body().get("state").asString()).isEqualTo("ENDED");
        assertThat(ended.body().get("endReason").asString()).isEqualTo("HOST_LOST");
        assertThat(seatsInUse()).isZero();
        // pooled and in use: refreshed before anyone gets it again (alice's files must not reach the next user)
        assertThat(desktopState(desktop)).isEqualTo("REFRESHING");
        reconcileUntil(() -> desktopState(desktop).equals("READY"));
    }

    @Test
    void aPersistentDesktopWhoseMachinePowersOffKeepsItsOwnerWhoseNextConnectStartsIt() {
        InUse u = inUse("PERSISTENT");
        SimulatedDriver sim = u.sim();
        UUID pool = u.pool();
        Api alice = u.alice();
        String session = u.session();
        String desktop = u.desktop();

        sim.powerOff(desktop);
        reconciler.scanNow();

        assertThat(check(alice.get("/api/v1/sessions/" + session), 200).body().get("endReason").asString())
                .isEqualTo("HOST_LOST");
        assertThat(desktopState(desktop)).isEqualTo("STOPPED");
        // hers still: her next connect starts the same desktop (its disk kept)
        Api.Response again = check(connect(alice, pool), 201);
        assertThat(again.body().get("session").get("desktopId").asString()).isEqualTo(desktop);
        reconcileUntil(() -> desktopState(desktop).equals("IN_USE"));
    }

    @Test
    void aFreeDesktopWhoseMachinePowersOffIsNoLongerHandedOutAsReady() {
        SimulatedDriver sim = simulatedHost();
        UUID pool = api.pool("office", "POOLED", "{\"minSize\":1,\"maxSize\":1,\"spareTarget\":0,\"vcpus\":1,"
                + "\"memoryMiB\":256,\"diskMiB\":64}", IMAGE);
        reconcileUntil(() -> api.free(pool, "READY") == 1);
        String desktop = api.desktops(pool).getFirst().get("id").asString();

        sim.powerOff(desktop);
        reconciler.scanNow();

        assertThat(desktopState(desktop)).isEqualTo("STOPPED");
    }

    @Test
    void aDesktopWhoseMachineCrashedIsFailedWithTheReasonAndItsSessionEnds() {
        InUse u = inUse("POOLED");
        SimulatedDriver sim = u.sim();
        Api alice = u.alice();
        String session = u.session();
        String desktop = u.desktop();

        sim.crash(desktop);
        reconciler.scanNow();

        assertThat(check(alice.get("/api/v1/sessions/" + session), 200).body().get("endReason").asString())
                .isEqualTo("HOST_LOST");
        Api.Response d = check(tenant.admin.get("/api/v1/admin/desktops/" + desktop), 200);
        assertThat(d.body().get("state").asString()).isEqualTo("FAILED");
        assertThat(d.body().get("failureReason").asString()).startsWith("CRASHED");
    }
}
