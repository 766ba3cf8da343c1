package io.deskport.broker.provisioning;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import io.deskport.provisioning.console.ConsoleProbe;
import io.deskport.provisioning.driver.PowerState;

import static io.deskport.broker.provisioning.ProvisioningApi.connect;
import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The broker provisioning real desktops: libvirtd with QEMU in software emulation, the tiny image
 * (Debian kernel + busybox initramfs), at most three VMs at once. The reconciler loop runs as in
 * production.
 */
@BrokerTest
@TestPropertySource(properties = {
        // the tiny image's cache: its kernel and initrd lie in the image root, each tenant's golden disk below it
        "deskport.provisioning.image-root=/var/lib/deskport-test-images",
        "deskport.provisioning.simulate-when-empty=false",
        "deskport.provisioning.interval=200ms",
        "deskport.provisioning.inventory-interval=1s",
        "deskport.provisioning.shutdown-grace=5s",
        "deskport.provisioning.console-timeout=30s"})
class LibvirtProvisioningTest {

    private static final String TINY = "\"vcpus\":1,\"memoryMiB\":256,\"diskMiB\":64";
    private static RealLibvirt libvirt;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SnapshotSchedule schedule;
    @Autowired
    TaskJournal journal;

    TestTenant tenant;
    ProvisioningApi api;
    UUID host;

    @BeforeAll
    static void libvirt() throws Exception {
        libvirt = new RealLibvirt();
    }

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 100, 100);
        api = new ProvisioningApi(tenant, tenant.platformAdmin(context, "operator"), ProvisioningApi.imageRoot(context));
        host = api.host("libvirt-" + tenant.slug, "libvirt", RealLibvirt.hostSettings());
    }

    @AfterEach
    void removeEverything() {
        try {
            check(tenant.admin.get("/api/v1/admin/pools"), 200).body()
                    .forEach(p -> check(tenant.admin.delete("/api/v1/admin/pools/" + p.get("id").asString()), 204));
            await().atMost(Duration.ofSeconds(60)).until(() -> libvirt.vmsOf(tenant.id.toString()).isEmpty());
            await().atMost(Duration.ofSeconds(10)).until(() -> api.host(host).get("desktops").asInt() == 0);
            check(api.platform.delete("/api/v1/admin/hypervisor-hosts/" + host), 204);
        } finally {
            libvirt.removeAllOf(tenant.id.toString());
            api.removeImageFiles();
        }
    }

    /**
     * A pool on the tiny image: its golden disk (linked into the tenant's image directory) from the tenant
     * admin's point of view, its kernel, initrd and command line set by the platform admin, whose choice
     * they are.
     */
    private UUID pool(String name, String kind, String sizing) throws IOException {
        UUID pool = tenant.pool(name, kind, null);
        check(tenant.admin.replace("/api/v1/admin/pools/" + pool + "/provisioning", "{" + sizing + "," + TINY + "}"), 200);
        Path golden = Path.of(api.imageFile("golden.qcow2"));
        Files.delete(golden);
        Files.createLink(golden, libvirt.image.goldenDisk());
        check(api.platform.inTenant(tenant.id).post("/api/v1/admin/pools/" + pool + "/images", json("label", "tiny-1",
                "goldenDiskPath", golden.toString(), "kernelPath", libvirt.image.kernel().toString(),
                "initrdPath", libvirt.image.initrd().toString(), "kernelCmdline", libvirt.image.cmdline())), 201);
        return pool;
    }

    /** The console the broker recorded for a desktop (address and password as the gateway reads them). */
    private boolean consoleAnswers(String desktopId) {
        record Console(String host, int port, String password) {
        }
        Console c = jdbc.sql("select console_host, console_port, console_password from desktop where id = ?")
                .param(UUID.fromString(desktopId))
                .query((rs, n) -> new Console(rs.getString(1), rs.getInt(2), rs.getString(3))).single();
        return new ConsoleProbe(Duration.ofSeconds(5)).answers(
                new io.deskport.provisioning.driver.ConsoleEndpoint("vnc", c.host(), c.port(), c.password(), false));
    }

    @Test
    void aPooledPoolOfThreeFillsItselfAndAConnectGetsADesktopWhoseConsoleAnswers() throws IOException {
        UUID pool = pool("lab", "POOLED", "\"minSize\":3,\"maxSize\":3,\"spareTarget\":3");

        await().atMost(Duration.ofSeconds(90)).until(() -> api.free(pool, "READY") == 3);
        assertThat(libvirt.vmsOf(tenant.id.toString())).hasSize(3)
                .allSatisfy(vm -> assertThat(vm.powerState()).isEqualTo(PowerState.RUNNING));
        assertThat(api.poolStatus(pool).get("simulated").asBoolean()).isFalse();

        Api alice = api.user("alice", pool);
        Api.Response r = check(connect(alice, pool), 201);
        assertThat(r.body().get("state").asString()).isEqualTo("READY");
        String desktop = r.body().get("session").get("desktopId").asString();
        assertThat(consoleAnswers(desktop)).isTrue();
        assertThat(api.provisioning(UUID.fromString(desktop)).get("consoleCheckedAt").isString()).isTrue();
    }

    @Test
    void theDailyScheduleKeepsExactlyTheNewestNSnapshotsInLibvirtAndARestoreBringsTheDesktopBackPoweredOff()
            throws IOException {
        UUID pool = pool("mine", "PERSISTENT", "\"minSize\":1,\"maxSize\":1,\"spareTarget\":0");
        await().atMost(Duration.ofSeconds(60)).until(() -> api.free(pool, "READY") == 1);
        Api alice = api.user("alice", pool);
        Api.Response c = check(connect(alice, pool), 201);
        String desktop = c.body().get("session").get("desktopId").asString();
        check(alice.post("/api/v1/sessions/" + ProvisioningApi.session(c) + "/logoff"), 200);
        check(tenant.admin.replace("/api/v1/admin/pools/" + pool + "/snapshot-policy",
                json("dailyAt", "02:00", "keep", 2)), 200);
        java.time.LocalDate day = java.time.LocalDate.now(java.time.ZoneOffset.UTC).plusDays(1);
        DesktopSnapshotsOnTheSimulatedDriverTest.FixedClock clock = new DesktopSnapshotsOnTheSimulatedDriverTest.FixedClock(
                day.atTime(3, 0).toInstant(java.time.ZoneOffset.UTC));
        schedule.useClock(clock);
        UUID id = UUID.fromString(desktop);
        try {
            for (int i = 0; i < 4; i++) {
                schedule.run();
                await().atMost(Duration.ofSeconds(90)).until(() -> !journal.open().containsKey(id) && !busySnapshots(desktop));
                schedule.run(); // the keep policy, if a deletion was still to come
                await().atMost(Duration.ofSeconds(90)).until(() -> !journal.open().containsKey(id) && !busySnapshots(desktop));
                clock.advance(Duration.ofDays(1));
            }
        } finally {
            schedule.useClock(java.time.Clock.systemUTC());
        }

        java.util.List<tools.jackson.databind.JsonNode> kept = check(tenant.admin.get("/api/v1/admin/desktops/" + desktop
                + "/snapshots"), 200).body().get("snapshots").valueStream().toList();
        assertThat(kept).hasSize(2).allSatisfy(s -> assertThat(s.get("state").asString()).isEqualTo("READY"));
        assertThat(kept).extracting(s -> java.time.Instant.parse(s.get("scheduledFor").asString())).containsExactly(
                day.plusDays(2).atTime(2, 0).toInstant(java.time.ZoneOffset.UTC),
                day.plusDays(3).atTime(2, 0).toInstant(java.time.ZoneOffset.UTC));
        assertThat(libvirt.driver.listSnapshots(desktop)).extracting(io.deskport.provisioning.driver.DesktopSnapshot::snapshotId)
                .containsExactlyInAnyOrderElementsOf(kept.stream().map(s -> s.get("id").asString()).toList());
        assertThat(kept.getFirst().get("withMemory").asBoolean()).as("taken of the running desktop").isTrue();

        String first = kept.getFirst().get("id").asString();
        check(tenant.admin.post("/api/v1/admin/desktops/" + desktop + "/snapshots/" + first + "/restore",
                json("confirm", true)), 202);
        await().atMost(Duration.ofSeconds(90)).until(() -> api.count(pool, "STOPPED") == 1);
        assertThat(libvirt.driver.powerState(desktop)).isEqualTo(PowerState.STOPPED);
        assertThat(api.tasks(pool)).anyMatch(t -> t.get("type").asString().equals("RESTORE_SNAPSHOT")
                && t.get("state").asString().equals("SUCCEEDED"));
    }

    /** A snapshot of the desktop is being taken, restored or deleted. */
    private boolean busySnapshots(String desktop) {
        return jdbc.sql("select count(*) from desktop_snapshot where desktop_id = ? and state in ('CREATING', 'RESTORING', "
                + "'DELETING')").param(UUID.fromString(desktop)).query(Integer.class).single() > 0;
    }

    @Test
    void aPersistentDesktopIsPoweredOffWhenIdleAndPoweredOnByTheNextConnect() throws IOException {
        UUID pool = pool("mine", "PERSISTENT", "\"minSize\":1,\"maxSize\":1,\"spareTarget\":0,"
                + "\"stopAfterDisconnectedSeconds\":2");
        await().atMost(Duration.ofSeconds(60)).until(() -> api.free(pool, "READY") == 1);
        Api alice = api.user("alice", pool);
        Api.Response first = check(connect(alice, pool), 201);
        String desktop = first.body().get("session").get("desktopId").asString();
        check(alice.post("/api/v1/sessions/" + ProvisioningApi.session(first) + "/disconnect"), 200);
        check(alice.post("/api/v1/sessions/" + ProvisioningApi.session(first) + "/logoff"), 200);

        await().atMost(Duration.ofSeconds(60)).until(() -> api.count(pool, "STOPPED") == 1);
        assertThat(libvirt.driver.powerState(desktop)).isEqualTo(PowerState.STOPPED);
        assertThat(consoleAnswers(desktop)).as("nothing answers while it is off").isFalse();

        Api.Response again = check(connect(alice, pool), 201);
        assertThat(again.body().get("state").asString()).isEqualTo("PREPARING");
        assertThat(again.body().get("session").get("preparing").get("phase").asString()).isEqualTo("STARTING");
        assertThat(again.body().get("session").get("desktopId").asString()).isEqualTo(desktop);
        String session = ProvisioningApi.session(again);
        await().atMost(Duration.ofSeconds(60)).until(() -> ProvisioningApi.sessionState(alice, session).equals("READY"));
        assertThat(libvirt.driver.powerState(desktop)).isEqualTo(PowerState.RUNNING);
        assertThat(consoleAnswers(desktop)).isTrue();
    }
}
