package io.deskport.broker.provisioning;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.BrowserTunnel;
import io.deskport.broker.support.TestTenant;
import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.ManagedDesktop;
import io.deskport.provisioning.driver.PowerState;
import io.deskport.provisioning.libvirt.LibvirtDriver;
import io.deskport.provisioning.libvirt.LibvirtDriverConfig;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.provisioning.ProvisioningApi.connect;
import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Host maintenance on real libvirt: two libvirt daemons on this machine (the default one and a second one in its own
 * mount namespace, {@code provisioning/scripts/libvirt-peer.sh}), a running TCG desktop of a user with a browser's
 * tunnel open on it. The host goes into maintenance; the broker live-migrates the desktop to the other daemon, its
 * records point at the new host and console, and the tunnel goes on showing the desktop without closing. The
 * reconciler loop runs as in production.
 */
@BrokerTest
@TestPropertySource(properties = {
        "deskport.provisioning.image-root=/var/lib/deskport-test-images",
        "deskport.provisioning.simulate-when-empty=false",
        "deskport.provisioning.interval=200ms",
        "deskport.provisioning.inventory-interval=1s",
        "deskport.provisioning.shutdown-grace=5s",
        "deskport.provisioning.console-timeout=30s"})
class LiveMigrationOnRealLibvirtTest {

    private static final String TINY = "\"vcpus\":1,\"memoryMiB\":256,\"diskMiB\":64";
    /** The default daemon as the peer daemon reaches it (inside a daemon, qemu:///system is itself). */
    private static final String DEFAULT_DAEMON_PEER_URI = "qemu+unix:///system?socket=/run/libvirt/libvirt-sock";

    private static RealLibvirt libvirt;
    private static Path peerDir;
    private static String peerUri;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    TestTenant tenant;
    ProvisioningApi api;
    final List<UUID> testHosts = new ArrayList<>();

    @BeforeAll
    static void bothDaemons() throws Exception {
        libvirt = new RealLibvirt();
        peerDir = Path.of("/run/deskport-libvirt-peer-broker-" + UUID.randomUUID().toString().substring(0, 8));
        peerUri = RealLibvirt.peer("start", peerDir);
    }

    @AfterAll
    static void stopThePeer() throws Exception {
        if (peerDir != null) {
            RealLibvirt.peer("stop", peerDir);
        }
    }

    @AfterEach
    void removeEverything() {
        try {
            testHosts.forEach(h -> api.maintenance(h, false));
            check(tenant.admin.get("/api/v1/admin/pools"), 200).body()
                    .forEach(p -> check(tenant.admin.delete("/api/v1/admin/pools/" + p.get("id").asString()), 204));
            await().atMost(Duration.ofSeconds(60)).until(() -> testHosts.stream()
                    .allMatch(h -> api.host(h).get("desktops").asInt() == 0));
            testHosts.forEach(h -> check(api.platform.delete("/api/v1/admin/hypervisor-hosts/" + h), 204));
        } finally {
            libvirt.removeAllOf(tenant.id.toString());
            try (LibvirtDriver peer = peerDriver()) {
                peer.listDesktops().stream().filter(d -> d.tag().tenantId().equals(tenant.id.toString()))
                        .forEach(d -> peer.delete(d.desktopId()));
            }
            api.removeImageFiles();
        }
    }

    private static Map<String, String> settings(String uri, String reachedAs) {
        Map<String, String> s = new LinkedHashMap<>(RealLibvirt.hostSettingsMap());
        s.put("uri", uri);
        s.put("migrationPeerUri", reachedAs);
        s.put("migrationDataAddress", "tcp://127.0.0.1");
        // both daemons' disks lie in one directory of this machine: shared storage, but not a cluster file system
        s.put("migrationUnsafe", "true");
        return s;
    }

    private static LibvirtDriver peerDriver() {
        return new LibvirtDriver(LibvirtDriverConfig.from(new DriverConfig("peer-check", settings(peerUri, peerUri))));
    }

    private UUID host(String name, Map<String, String> settings, boolean maintenance) {
        UUID id = check(api.platform.post("/api/v1/admin/hypervisor-hosts", json("name", name + "-" + tenant.slug,
                "driverId", "libvirt", "settings", new Api.RawJson(RealLibvirt.json(settings)), "maintenance", maintenance)), 201)
                .id();
        testHosts.add(id);
        return id;
    }

    private UUID pool() throws IOException {
        UUID pool = tenant.pool("mine", "PERSISTENT", null);
        check(tenant.admin.replace("/api/v1/admin/pools/" + pool + "/provisioning",
                "{\"minSize\":1,\"maxSize\":1,\"spareTarget\":0," + TINY + "}"), 200);
        Path golden = Path.of(api.imageFile("golden.qcow2"));
        Files.delete(golden);
        Files.createLink(golden, libvirt.image.goldenDisk());
        check(api.platform.inTenant(tenant.id).post("/api/v1/admin/pools/" + pool + "/images", json("label", "tiny-1",
                "goldenDiskPath", golden.toString(), "kernelPath", libvirt.image.kernel().toString(),
                "initrdPath", libvirt.image.initrd().toString(), "kernelCmdline", libvirt.image.cmdline())), 201);
        return pool;
    }

    private record Console(String host, int port) {
    }

    private Console console(String desktop) {
        return jdbc.sql("select console_host, console_port from desktop where id = ?::uuid").param(desktop)
                .query((rs, n) -> new Console(rs.getString(1), rs.getInt(2))).single();
    }

    @Test
    void aRunningDesktopMovesLiveToTheOtherDaemonAndTheUsersTunnelFollowsIt() throws Exception {
        tenant = TestTenant.create(context, port, 100, 100);
        api = new ProvisioningApi(tenant, tenant.platformAdmin(context, "operator"), ProvisioningApi.imageRoot(context));
        UUID home = host("libvirt-home", settings(RealLibvirt.URI, DEFAULT_DAEMON_PEER_URI), false);
        UUID away = host("libvirt-away", settings(peerUri, peerUri), true);
        UUID pool = pool();
        await().atMost(Duration.ofSeconds(90)).until(() -> api.free(pool, "READY") == 1);

        Api alice = api.user("alice", pool);
        Api.Response connected = check(connect(alice, pool), 201);
        String session = ProvisioningApi.session(connected);
        String desktop = connected.body().get("session").get("desktopId").asString();
        Console before = console(desktop);
        try (BrowserTunnel tunnel = BrowserTunnel.open(port, connected.body().get("tunnel").get("token").asString(),
                640, 480)) {
            tunnel.awaitOpcode("sync");
            await().atMost(Duration.ofSeconds(10)).until(() -> ProvisioningApi.sessionState(alice, session)
                    .equals("CONNECTED"));
            long sizesBefore = tunnel.received().stream().filter(i -> i.getOpcode().equals("size")).count();

            api.maintenance(away, false);
            api.maintenance(home, true);
            // the move is done when its task is: the desktop's host, then its console on the new host, recorded
            await().atMost(Duration.ofSeconds(120)).until(() -> check(api.platform.get("/api/v1/admin/hypervisor-hosts/"
                    + home + "/drain"), 200).body().get("moves").findValuesAsString("state").contains("SUCCEEDED"));
            assertThat(api.provisioning(UUID.fromString(desktop)).get("hostId").asString()).isEqualTo(away.toString());

            // the broker's records point at the new host and its console
            Console after = console(desktop);
            assertThat(after.port()).as("the peer daemon's VNC ports").isBetween(6900, 6999).isNotEqualTo(before.port());
            try (LibvirtDriver peer = peerDriver()) {
                assertThat(peer.listDesktops()).filteredOn(d -> d.desktopId().equals(desktop))
                        .singleElement().extracting(ManagedDesktop::powerState).isEqualTo(PowerState.RUNNING);
            }
            assertThat(libvirt.vmsOf(tenant.id.toString())).as("nothing left on the home daemon").isEmpty();
            JsonNode moved = check(tenant.admin.get("/api/v1/admin/audit?action=DESKTOP_MIGRATED&objectId=" + desktop),
                    200).body().get(0).get("details");
            assertThat(moved.get("live").asBoolean()).isTrue();
            assertThat(moved.get("downtimeMs").isNumber()).isTrue();

            // the same tunnel shows the desktop again: a new screen, drawn, never an error or a close
            await().atMost(Duration.ofSeconds(60)).until(() -> drawnAgain(tunnel, sizesBefore) || tunnel.closedAt() != 0);
            assertThat(tunnel.closedAt()).as("the tunnel stayed open").isZero();
            assertThat(tunnel.received()).noneMatch(i -> i.getOpcode().equals("error"));
            assertThat(ProvisioningApi.sessionState(alice, session)).isEqualTo("CONNECTED");
            assertThat(api.desktops(pool)).singleElement()
                    .satisfies(d -> assertThat(d.get("state").asString()).isEqualTo("IN_USE"));
            JsonNode drain = check(api.platform.get("/api/v1/admin/hypervisor-hosts/" + home + "/drain"), 200).body();
            assertThat(drain.get("desktopsOnHost").asInt()).isZero();
            assertThat(drain.get("moves")).singleElement()
                    .satisfies(m -> assertThat(m.get("state").asString()).isEqualTo("SUCCEEDED"));
        }
    }

    /** A new screen was announced after the first {@code sizesBefore} (a new gateway connection), then drawn. */
    private static boolean drawnAgain(BrowserTunnel tunnel, long sizesBefore) {
        long sizes = 0;
        boolean newScreen = false;
        for (GuacamoleInstruction i : List.copyOf(tunnel.received())) {
            if (i.getOpcode().equals("size") && ++sizes > sizesBefore) {
                newScreen = true;
            } else if (newScreen && i.getOpcode().equals("sync")) {
                return true;
            }
        }
        return false;
    }
}
