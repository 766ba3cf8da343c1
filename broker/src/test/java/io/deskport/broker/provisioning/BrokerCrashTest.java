package io.deskport.broker.provisioning;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.deskport.broker.DeskportBroker;
import io.deskport.broker.database.EmbeddedPostgres;
import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.ManagedDesktop;
import io.deskport.provisioning.driver.PowerState;
import io.deskport.provisioning.libvirt.LibvirtDriver;
import io.deskport.provisioning.libvirt.LibvirtDriverConfig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A broker process is killed (kill -9) in the middle of provisioning a pool on the real libvirtd, or of a live
 * migration between two real libvirt daemons, and a new one is started on the same database: the pool ends at its
 * target, every VM belongs to a desktop row, every desktop has its VM (on one host, the one its records name), no disk
 * is left over and no task is stuck or done twice.
 */
class BrokerCrashTest {

    private static EmbeddedPostgres postgres;
    private static RealLibvirt libvirt;
    private static String database;

    private final List<Process> brokers = new ArrayList<>();
    private final UUID tenant = UUID.randomUUID();
    private final UUID pool = UUID.randomUUID();

    @BeforeAll
    static void start() throws Exception {
        libvirt = new RealLibvirt();
        postgres = EmbeddedPostgres.start(Path.of("target/crash-test-postgres"), 0);
        database = "crash" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        postgres.ensureDatabase(database);
    }

    @AfterAll
    static void stop() {
        if (postgres != null) {
            postgres.stop();
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : brokers) {
            p.destroy();
            if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
        libvirt.removeAllOf(tenant.toString());
    }

    @Test
    void aBrokerKilledMidProvisioningLeavesNoOrphanNoDuplicateAndNoStuckTaskAfterRestart() throws Exception {
        // The first broker hands out a console address nothing listens on, so its CREATE tasks hold after
        // clone and start, waiting for the console: a deterministic "mid-provisioning" to kill it in.
        Process first = startBroker("a", "127.0.0.2");
        awaitHealthy(first);
        definePool();

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50))
                .until(() -> count("select count(*) from provisioning_task where tenant_id = ? and state = 'RUNNING' "
                        + "and type = 'CREATE'") == 2 && libvirt.vmsOf(tenant.toString()).size() == 2);
        first.destroyForcibly().waitFor();
        assertThat(count("select count(*) from desktop where tenant_id = ? and state = 'READY'")).isZero();
        assertThat(count("select count(*) from provisioning_task where tenant_id = ? and state = 'RUNNING'"))
                .as("the dead broker's tasks are left running").isEqualTo(2);

        Process second = startBroker("b", "127.0.0.1");
        awaitHealthy(second);
        await().atMost(Duration.ofSeconds(120)).until(() ->
                count("select count(*) from desktop where tenant_id = ? and state = 'READY'") == 3
                        && count("select count(*) from provisioning_task where tenant_id = ? "
                        + "and state in ('PENDING', 'RUNNING')") == 0);

        List<String> desktops = strings("select id::text from desktop where tenant_id = ? order by id");
        assertThat(desktops).hasSize(3);
        assertThat(strings("select state from desktop where tenant_id = ?")).containsOnly("READY");
        List<ManagedDesktop> vms = libvirt.vmsOf(tenant.toString());
        assertThat(vms).extracting(ManagedDesktop::desktopId).as("no orphan, no ghost")
                .containsExactlyInAnyOrderElementsOf(desktops);
        assertThat(vms).allSatisfy(vm -> assertThat(vm.powerState()).isEqualTo(PowerState.RUNNING));
        assertThat(libvirt.volumesOf(desktops)).as("one disk per desktop").isEqualTo(3);
        assertThat(strings("select state from provisioning_task where tenant_id = ? and type = 'CREATE'"))
                .as("one successful CREATE per desktop, none failed or repeated").hasSize(3).containsOnly("SUCCEEDED");
        assertThat(count("select count(*) from provisioning_task where tenant_id = ? and attempts > 1"))
                .as("the interrupted tasks were run again").isEqualTo(2);
    }

    /**
     * The broker running a host's drain is killed while it live-migrates a running desktop between two real libvirt
     * daemons; a new broker on the same database finishes the move: the desktop runs on exactly one daemon, the
     * other, its records (host, console) point there, and the task succeeded after being run again.
     */
    @Test
    void aBrokerKilledMidMigrationLeavesTheDesktopOnOneHostWithItsRecordsPointingThere() throws Exception {
        Path peerDir = Path.of("/run/deskport-libvirt-peer-crash-" + tenant.toString().substring(0, 8));
        String peerUri = RealLibvirt.peer("start", peerDir);
        try (LibvirtDriver peer = new LibvirtDriver(LibvirtDriverConfig.from(new DriverConfig("crash-peer-check",
                java.util.Map.of("uri", peerUri, "storagePool", RealLibvirt.STORAGE_POOL,
                        "storagePoolPath", RealLibvirt.STORAGE_POOL_PATH))))) {
            List<String> twoHosts = new ArrayList<>(List.of(
                    "--deskport.provisioning.hypervisors[0].settings.migrationPeerUri=qemu+unix:///system?socket=/run/libvirt/libvirt-sock",
                    "--deskport.provisioning.hypervisors[0].settings.migrationDataAddress=tcp://127.0.0.1",
                    "--deskport.provisioning.hypervisors[0].settings.migrationUnsafe=true",
                    "--deskport.provisioning.hypervisors[1].name=crash-peer",
                    "--deskport.provisioning.hypervisors[1].driver=libvirt",
                    "--deskport.provisioning.hypervisors[1].maintenance=true",
                    "--deskport.provisioning.hypervisors[1].settings.uri=" + peerUri,
                    "--deskport.provisioning.hypervisors[1].settings.migrationPeerUri=" + peerUri,
                    "--deskport.provisioning.hypervisors[1].settings.migrationDataAddress=tcp://127.0.0.1",
                    "--deskport.provisioning.hypervisors[1].settings.migrationUnsafe=true"));
            RealLibvirt.hostSettingsMap().forEach((k, v) -> {
                if (!k.equals("uri")) {
                    twoHosts.add("--deskport.provisioning.hypervisors[1].settings." + k + "=" + v);
                }
            });
            try (Connection c = connect()) {
                // what the other test left in the database (its VMs are gone) is not this test's to provision
                update(c, "update pool_provisioning set enabled = false where tenant_id <> ?", tenant);
            }
            Process first = startBroker("migrate-a", "127.0.0.1", twoHosts);
            awaitHealthy(first);
            definePool("PERSISTENT", 1);
            await().atMost(Duration.ofSeconds(90)).until(() ->
                    count("select count(*) from desktop where tenant_id = ? and state = 'READY'") == 1);
            // the desktop is its user's (a persistent desktop without one would be removed from the host, not moved)
            try (Connection c = connect()) {
                UUID user = UUID.randomUUID();
                update(c, "insert into app_user (id, tenant_id, username, display_name) values (?, ?, 'alice', 'Alice')",
                        user, tenant);
                update(c, "update desktop set assigned_user_id = ? where tenant_id = ?", user, tenant);
                update(c, "update hypervisor_host set maintenance = (name = 'crash-libvirt') "
                        + "where name in ('crash-libvirt', 'crash-peer')");
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() ->
                    count("select count(*) from provisioning_task where tenant_id = ? and type = 'MIGRATE' "
                            + "and state = 'RUNNING'") == 1);
            first.destroyForcibly().waitFor();

            Process second = startBroker("migrate-b", "127.0.0.1", twoHosts);
            awaitHealthy(second);
            await().atMost(Duration.ofSeconds(120)).until(() -> count("select count(*) from provisioning_task "
                    + "where tenant_id = ? and type = 'MIGRATE' and state = 'SUCCEEDED'") == 1);

            String desktop = strings("select id::text from desktop where tenant_id = ?").getFirst();
            assertThat(strings("select h.name from provisioned_desktop p join hypervisor_host h on h.id = p.host_id "
                    + "where p.tenant_id = ?")).containsExactly("crash-peer");
            assertThat(strings("select state || ' ' || console_port from desktop where tenant_id = ?")).singleElement()
                    .satisfies(s -> {
                        assertThat(s).startsWith("READY ");
                        assertThat(Integer.parseInt(s.substring(6))).as("a port of the peer daemon").isBetween(6900, 6999);
                    });
            assertThat(libvirt.vmsOf(tenant.toString())).as("nothing left on the home daemon").isEmpty();
            assertThat(peer.listDesktops()).filteredOn(d -> d.desktopId().equals(desktop)).singleElement()
                    .extracting(ManagedDesktop::powerState).isEqualTo(PowerState.RUNNING);
            assertThat(count("select count(*) from provisioning_task where tenant_id = ? and type = 'MIGRATE' "
                    + "and attempts > 1")).as("the interrupted move was run again").isEqualTo(1);
            assertThat(count("select count(*) from provisioning_task where tenant_id = ? and state in ('PENDING', 'RUNNING')"))
                    .isZero();
        } finally {
            // the other test's brokers know one host, in service: this test's hosts and desktops go
            // the peer daemon is stopped whatever fails before (its VMs are destroyed with it)
            try {
                for (Process p : brokers) {
                    p.destroyForcibly().waitFor();
                }
                try (Connection c = connect()) {
                    update(c, "delete from desktop where tenant_id = ? or id in (select desktop_id from provisioned_desktop "
                            + "p join hypervisor_host h on h.id = p.host_id where h.name = 'crash-peer')", tenant);
                    update(c, "delete from provisioning_task where tenant_id = ?", tenant);
                    update(c, "delete from host_drain_blocked where tenant_id = ?", tenant);
                    update(c, "update hypervisor_host set maintenance = false where name = 'crash-libvirt'");
                    update(c, "delete from hypervisor_host where name = 'crash-peer'");
                }
                try (LibvirtDriver peer = new LibvirtDriver(LibvirtDriverConfig.from(new DriverConfig("crash-peer-check",
                        java.util.Map.of("uri", peerUri, "storagePool", RealLibvirt.STORAGE_POOL,
                                "storagePoolPath", RealLibvirt.STORAGE_POOL_PATH))))) {
                    peer.listDesktops().stream().filter(d -> d.tag().tenantId().equals(tenant.toString()))
                            .forEach(d -> peer.delete(d.desktopId()));
                }
            } finally {
                RealLibvirt.peer("stop", peerDir);
            }
        }
    }

    private void definePool() throws SQLException {
        definePool("POOLED", 3);
    }

    private void definePool(String kind, int size) throws SQLException {
        UUID image = UUID.randomUUID();
        try (Connection c = connect()) {
            update(c, "insert into tenant (id, slug, name, max_concurrent_sessions, max_desktops) values (?, ?, ?, 10, 10)",
                    tenant, "crash-" + tenant.toString().substring(0, 8), "Crash test");
            update(c, "insert into desktop_pool (id, tenant_id, name, kind) values (?, ?, 'crash-pool', ?)", pool, tenant, kind);
            update(c, "insert into image_version (id, tenant_id, pool_id, label, golden_disk_path, kernel_path, initrd_path, "
                            + "kernel_cmdline, published_by) values (?, ?, ?, 'tiny-1', ?, ?, ?, ?, 'crash-test')", image, tenant,
                    pool, libvirt.image.goldenDisk().toString(), libvirt.image.kernel().toString(),
                    libvirt.image.initrd().toString(), libvirt.image.cmdline());
            update(c, "insert into pool_provisioning (pool_id, tenant_id, min_size, max_size, spare_target, vcpus, memory_mib, "
                    + "disk_mib, current_image_id) values (?, ?, ?, ?, ?, 1, 256, 64, ?)", pool, tenant, size, size,
                    kind.equals("POOLED") ? size : 0, image);
        }
    }

    private Process startBroker(String name, String consoleHost) throws IOException {
        return startBroker(name, consoleHost, List.of());
    }

    private Process startBroker(String name, String consoleHost, List<String> extra) throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx400m", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), DeskportBroker.class.getName(),
                "--server.port=" + port,
                "--spring.datasource.url=" + postgres.jdbcUrl(database),
                "--spring.datasource.username=" + postgres.username(),
                "--spring.datasource.password=" + postgres.password(),
                "--deskport.demo.enabled=false",
                "--deskport.provisioning.interval=200ms",
                "--deskport.provisioning.max-operations-per-pool=2",
                "--deskport.provisioning.hypervisors[0].settings.consoleHost=" + consoleHost,
                "--deskport.provisioning.task-lease=4s",
                "--deskport.provisioning.console-timeout=30s",
                "--deskport.provisioning.hypervisors[0].name=crash-libvirt",
                "--deskport.provisioning.hypervisors[0].driver=libvirt"));
        RealLibvirt.hostSettingsMap().forEach((k, v) -> cmd.add("--deskport.provisioning.hypervisors[0].settings." + k + "=" + v));
        cmd.addAll(extra);
        File log = new File("target/crash-broker-" + name + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log).start();
        brokers.add(p);
        ports.put(p, port);
        return p;
    }

    private final java.util.Map<Process, Integer> ports = new java.util.HashMap<>();

    private void awaitHealthy(Process broker) {
        HttpClient http = HttpClient.newHttpClient();
        URI health = URI.create("http://127.0.0.1:" + ports.get(broker) + "/actuator/health");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertThat(broker.isAlive()).as("broker process is alive (see target/crash-broker-*.log)").isTrue();
            try {
                return http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString())
                        .statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(database), postgres.username(), postgres.password());
    }

    private long count(String sql) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private List<String> strings(String sql) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenant);
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    private static void update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }
}
