package io.deskport.provisioning.libvirt;

import io.deskport.provisioning.driver.DesktopTag;
import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.ManagedDesktop;
import io.deskport.provisioning.image.TinyImage;
import io.deskport.provisioning.image.TinyImageBuilder;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real libvirt host the integration tests use: starts libvirtd if needed (scripts/start-libvirt.sh),
 * builds the tiny image once, and removes every domain and volume of this test run afterwards. All
 * names carry a per-run prefix so that parallel or crashed runs never touch each other's desktops.
 */
final class LibvirtTestHost {

    static final String URI = "qemu:///system";
    static final String POOL = "deskport-test";
    static final Path POOL_PATH = Path.of("/var/lib/deskport-test-pool");
    static final Path SERIAL_LOGS = Path.of("/var/log/deskport-test");

    final String runPrefix = "it" + UUID.randomUUID().toString().substring(0, 6);
    final TinyImage image;
    final LibvirtDriver driver;

    LibvirtTestHost() throws IOException, InterruptedException {
        ensureLibvirtRuns();
        image = new TinyImageBuilder(TinyImageBuilder.DEFAULT_CACHE).build();
        Files.createDirectories(SERIAL_LOGS);
        Files.setPosixFilePermissions(SERIAL_LOGS, PosixFilePermissions.fromString("rwxr-xr-x"));
        driver = new LibvirtDriver(LibvirtDriverConfig.from(new DriverConfig("local-test", Map.of(
                "uri", URI, "storagePool", POOL, "storagePoolPath", POOL_PATH.toString(),
                "serialLogDirectory", SERIAL_LOGS.toString(), "statePollInterval", "100ms"))));
    }

    /** A fresh desktop id of this run. */
    String desktopId(String name) {
        return runPrefix + "-" + name;
    }

    DesktopTag tag(String name) {
        return new DesktopTag("tenant-it", "pool-it", desktopId(name));
    }

    Path serialLog(String desktopId) {
        return SERIAL_LOGS.resolve(DesktopTag.vmName(desktopId) + ".serial.log");
    }

    Path overlay(String desktopId) {
        return POOL_PATH.resolve(DesktopVolumes.volumeName(DesktopTag.vmName(desktopId)));
    }

    /** Removes every domain, volume and serial log of this run, whatever state the tests left. */
    void cleanUp() throws LibvirtException, IOException {
        String namePrefix = DesktopTag.NAME_PREFIX + runPrefix;
        for (ManagedDesktop d : driver.listDesktops()) {
            if (d.desktopId().startsWith(runPrefix)) {
                driver.delete(d.desktopId());
            }
        }
        Connect c = new Connect(URI, false);
        try {
            for (String name : c.listDefinedDomains()) {
                if (name.startsWith(namePrefix)) {
                    c.domainLookupByName(name).undefine(3);
                }
            }
            for (int id : c.listDomains()) {
                Domain d = c.domainLookupByID(id);
                if (d.getName().startsWith(namePrefix)) {
                    d.destroy();
                    try {
                        d.undefine(3);
                    } catch (LibvirtException transientDomainIsGone) {
                        // A transient domain disappears when destroyed.
                    }
                }
            }
            StoragePool pool = c.storagePoolLookupByName(POOL);
            pool.refresh(0);
            for (String vol : pool.listVolumes()) {
                if (vol.startsWith(namePrefix)) {
                    pool.storageVolLookupByName(vol).delete(0);
                }
            }
        } finally {
            c.close();
        }
        try (var logs = Files.list(SERIAL_LOGS)) {
            for (Path log : logs.filter(p -> p.getFileName().toString().startsWith(namePrefix)).toList()) {
                Files.deleteIfExists(log);
            }
        }
    }

    private static void ensureLibvirtRuns() throws IOException, InterruptedException {
        // a socket file a killed daemon left behind does not answer: then the script starts a new daemon
        try (java.nio.channels.SocketChannel c = java.nio.channels.SocketChannel.open(
                java.net.UnixDomainSocketAddress.of("/run/libvirt/libvirt-sock"))) {
            return;
        } catch (IOException e) {
            // not running
        }
        Path script = Path.of("scripts/start-libvirt.sh").toAbsolutePath();
        Process p = new ProcessBuilder(List.of("bash", script.toString())).inheritIO().start();
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("libvirtd is not running and " + script + " could not start it");
        }
    }
}
