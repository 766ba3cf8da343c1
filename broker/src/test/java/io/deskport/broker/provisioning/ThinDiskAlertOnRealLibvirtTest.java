package io.deskport.broker.provisioning;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.TestTenant;
import io.deskport.provisioning.driver.CloneRequest;
import io.deskport.provisioning.driver.DesktopTag;
import io.deskport.provisioning.driver.HardwareProfile;
import io.deskport.provisioning.driver.HypervisorDriver;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The overcommit guard's disk alarm on real libvirt: a libvirt storage pool on a 64 MiB tmpfs, a desktop's thin
 * qcow2 overlay in it grown with {@code qemu-io} writes (as a guest filling its disk would), and the host's inventory
 * seeing the real use cross the alert threshold: the event, the metric the Prometheus alert fires on, and the admin
 * API say so; deleting the desktop brings it back under.
 */
@BrokerTest
@RecordApplicationEvents
@TestPropertySource(properties = {
        "deskport.provisioning.enabled=false",
        "deskport.provisioning.simulate-when-empty=false",
        "deskport.provisioning.storage-alert-threshold=0.5"})
class ThinDiskAlertOnRealLibvirtTest {

    private static final String POOL = "deskport-thin-test";
    private static final Path POOL_PATH = Path.of("/var/lib/deskport-thin-test");
    private static RealLibvirt libvirt;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    HypervisorHosts hosts;
    @Autowired
    ProvisioningMetrics metrics;
    @Autowired
    MeterRegistry registry;
    @Autowired
    ApplicationEvents events;

    @BeforeAll
    static void aSmallStoragePool() throws Exception {
        libvirt = new RealLibvirt();
        Files.createDirectories(POOL_PATH);
        run("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", POOL_PATH.toString());
    }

    @AfterAll
    static void removeThePool() throws Exception {
        try {
            Connect c = new Connect(RealLibvirt.URI, false);
            try {
                StoragePool p = c.storagePoolLookupByName(POOL);
                if (p.isActive() != 0) {
                    p.destroy();
                }
                p.undefine();
            } catch (LibvirtException notDefined) {
                // the test failed before the driver defined it
            } finally {
                c.close();
            }
        } finally {
            run("umount", POOL_PATH.toString());
        }
    }

    @Test
    void aThinDiskFillingItsHostsStorageRaisesTheAlertOnRealLibvirt() throws Exception {
        TestTenant tenant = TestTenant.create(context, port, 10, 10);
        ProvisioningApi api = new ProvisioningApi(tenant, tenant.platformAdmin(context, "operator"),
                ProvisioningApi.imageRoot(context));
        String name = "thin-" + tenant.slug;
        UUID host = api.host(name, "libvirt", "{\"uri\":\"" + RealLibvirt.URI + "\",\"storagePool\":\"" + POOL
                + "\",\"storagePoolPath\":\"" + POOL_PATH + "\"}");
        HypervisorDriver driver = hosts.driver(hosts.require(host));
        String desktop = "thin-" + UUID.randomUUID().toString().substring(0, 8);
        try {
            driver.cloneDesktop(new CloneRequest(new DesktopTag(tenant.id.toString(), "pool-thin", desktop), null,
                    libvirt.image.toImageVersion("tiny", "1"), new HardwareProfile(1, 256, 48, "vga")));
            inventory(host, driver);
            assertThat(storage(api, host).get("nearlyFull").asBoolean()).isFalse();
            assertThat(storage(api, host).get("usedRatio").asDouble()).isLessThan(0.5);

            // the guest fills its thin disk: 40 MiB of 64
            run("qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 40M", POOL_PATH.resolve("dp-" + desktop + ".qcow2")
                    .toString());
            inventory(host, driver);

            JsonNode storage = storage(api, host);
            assertThat(storage.get("nearlyFull").asBoolean()).isTrue();
            assertThat(storage.get("usedRatio").asDouble()).isGreaterThanOrEqualTo(0.5);
            assertThat(storage.get("alertThreshold").asDouble()).isEqualTo(0.5);
            List<HypervisorStorageNearlyFull> raised = events.stream(HypervisorStorageNearlyFull.class)
                    .filter(e -> e.hostId().equals(host)).toList();
            assertThat(raised).singleElement().satisfies(e -> {
                assertThat(e.nearlyFull()).isTrue();
                assertThat(e.hostName()).isEqualTo(name);
                assertThat(e.totalMiB()).isBetween(60L, 64L);
                assertThat(e.usedMiB()).isGreaterThanOrEqualTo(40);
            });
            metrics.read();
            assertThat(registry.get(ProvisioningMetrics.STORAGE_NEARLY_FULL).tag("host", name).gauge().value())
                    .isEqualTo(1.0);
            inventory(host, driver);
            assertThat(events.stream(HypervisorStorageNearlyFull.class).filter(e -> e.hostId().equals(host)).count())
                    .as("raised once, not at every inventory").isEqualTo(1);

            driver.delete(desktop);
            inventory(host, driver);

            assertThat(storage(api, host).get("nearlyFull").asBoolean()).isFalse();
            assertThat(events.stream(HypervisorStorageNearlyFull.class).filter(e -> e.hostId().equals(host))
                    .map(HypervisorStorageNearlyFull::nearlyFull).toList()).containsExactly(true, false);
            metrics.read();
            assertThat(registry.get(ProvisioningMetrics.STORAGE_NEARLY_FULL).tag("host", name).gauge().value())
                    .isZero();
        } finally {
            driver.delete(desktop);
            check(api.platform.delete("/api/v1/admin/hypervisor-hosts/" + host), 204);
        }
    }

    /** What the reconciler's inventory does for the host, on this thread (where the test records events). */
    private void inventory(UUID host, HypervisorDriver driver) {
        hosts.recordInventory(host, driver.hosts().getFirst());
    }

    private static JsonNode storage(ProvisioningApi api, UUID host) {
        return api.host(host).get("storage");
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
    }
}
