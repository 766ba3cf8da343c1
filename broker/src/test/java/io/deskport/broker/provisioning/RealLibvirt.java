package io.deskport.broker.provisioning;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.libvirt.Connect;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;

import io.deskport.provisioning.driver.DesktopTag;
import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.ManagedDesktop;
import io.deskport.provisioning.image.TinyImage;
import io.deskport.provisioning.image.TinyImageBuilder;
import io.deskport.provisioning.libvirt.LibvirtDriver;
import io.deskport.provisioning.libvirt.LibvirtDriverConfig;

/**
 * The real libvirtd (QEMU in software emulation) for the broker's provisioning tests: started if
 * needed, the tiny image built once, and a way to see and remove every VM of one test tenant.
 */
final class RealLibvirt {

    static final String URI = "qemu:///system";
    static final String STORAGE_POOL = "deskport-test";
    static final String STORAGE_POOL_PATH = "/var/lib/deskport-test-pool";

    final TinyImage image;
    final LibvirtDriver driver;

    RealLibvirt() throws IOException, InterruptedException {
        ensureRunning();
        image = new TinyImageBuilder(TinyImageBuilder.DEFAULT_CACHE).build();
        driver = new LibvirtDriver(LibvirtDriverConfig.from(new DriverConfig("broker-test", Map.of("uri", URI,
                "storagePool", STORAGE_POOL, "storagePoolPath", STORAGE_POOL_PATH))));
    }

    /** The settings of a hypervisor host on this libvirtd. */
    static Map<String, String> hostSettingsMap() {
        return Map.of("uri", URI, "storagePool", STORAGE_POOL, "storagePoolPath", STORAGE_POOL_PATH,
                "vncListen", "127.0.0.1", "statePollInterval", "100ms");
    }

    /** The same settings as JSON, for the admin API. */
    static String hostSettings() {
        return json(hostSettingsMap());
    }

    /** Driver settings as the admin API's JSON object. */
    static String json(Map<String, String> settings) {
        StringBuilder sb = new StringBuilder("{");
        settings.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":\"")
                .append(v).append('"'));
        return sb.append('}').toString();
    }

    /**
     * Starts or stops a second libvirtd in {@code dir} ({@code provisioning/scripts/libvirt-peer.sh}, for live
     * migration); {@code start}'s last line is its URI.
     */
    static String peer(String action, Path dir) throws IOException, InterruptedException {
        Path script = Path.of("../provisioning/scripts/libvirt-peer.sh").toAbsolutePath().normalize();
        Process p = new ProcessBuilder(List.of("bash", script.toString(), action, dir.toString()))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(script + " " + action + " failed: " + output);
        }
        return action.equals("start") ? output.lines().reduce((first, last) -> last).orElseThrow().trim() : output;
    }

    /** The VMs whose tag names this tenant. */
    List<ManagedDesktop> vmsOf(String tenantId) {
        return driver.listDesktops().stream().filter(d -> d.tag().tenantId().equals(tenantId)).toList();
    }

    /** Desktop disks left in the storage pool for these desktop ids. */
    long volumesOf(List<String> desktopIds) throws LibvirtException {
        Connect c = new Connect(URI, false);
        try {
            StoragePool pool = c.storagePoolLookupByName(STORAGE_POOL);
            pool.refresh(0);
            return List.of(pool.listVolumes()).stream()
                    .filter(v -> desktopIds.stream().anyMatch(id -> v.equals(DesktopTag.vmName(id) + ".qcow2"))).count();
        } finally {
            c.close();
        }
    }

    /** Deletes every VM (and disk) of a tenant, whatever the broker left. */
    void removeAllOf(String tenantId) {
        for (ManagedDesktop d : vmsOf(tenantId)) {
            driver.delete(d.desktopId());
        }
    }

    private static void ensureRunning() throws IOException, InterruptedException {
        // a socket file a killed daemon left behind does not answer: then the script starts a new daemon
        try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of("/run/libvirt/libvirt-sock"))) {
            return;
        } catch (IOException e) {
            // not running
        }
        Path script = Path.of("../provisioning/scripts/start-libvirt.sh").toAbsolutePath().normalize();
        Process p = new ProcessBuilder(List.of("bash", script.toString())).inheritIO().start();
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("libvirtd is not running and " + script + " could not start it");
        }
    }
}
