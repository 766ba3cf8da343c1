package io.deskport.bench.provisioning;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.deskport.provisioning.driver.CloneRequest;
import io.deskport.provisioning.driver.DesktopTag;
import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.HardwareProfile;
import io.deskport.provisioning.driver.ImageVersion;
import io.deskport.provisioning.image.TinyImage;
import io.deskport.provisioning.image.TinyImageBuilder;
import io.deskport.provisioning.libvirt.LibvirtDriver;
import io.deskport.provisioning.libvirt.LibvirtDriverConfig;

/**
 * Linked clones per second on the real libvirtd: qcow2 overlay on the tiny golden image (a storage
 * pool volume) + domain define, one after another, through the libvirt driver the broker uses. The
 * desktops are not started; all are deleted afterwards.
 */
final class LibvirtCloneBench {

    static final String URI = "qemu:///system";
    static final String STORAGE_POOL = "deskport-test";
    static final String STORAGE_POOL_PATH = "/var/lib/deskport-test-pool";

    private final int clones;

    LibvirtCloneBench(int clones) {
        this.clones = clones;
    }

    double run() throws Exception {
        TinyImage tiny = new TinyImageBuilder(TinyImageBuilder.DEFAULT_CACHE).build();
        ImageVersion image = tiny.toImageVersion("bench", "1");
        String run = "bench" + UUID.randomUUID().toString().substring(0, 6);
        List<String> ids = new ArrayList<>();
        try (LibvirtDriver driver = new LibvirtDriver(LibvirtDriverConfig.from(new DriverConfig("bench", Map.of(
                "uri", URI, "storagePool", STORAGE_POOL, "storagePoolPath", STORAGE_POOL_PATH))))) {
            driver.hosts(); // connect and make sure the storage pool exists before timing
            try {
                // one untimed clone warms the connection and the JIT
                String warm = run + "-warm";
                ids.add(warm);
                driver.cloneDesktop(new CloneRequest(new DesktopTag("bench", "bench", warm), null, image, HardwareProfile.TINY));
                long t0 = System.nanoTime();
                for (int i = 0; i < clones; i++) {
                    String id = run + "-" + i;
                    ids.add(id);
                    driver.cloneDesktop(new CloneRequest(new DesktopTag("bench", "bench", id), null, image,
                            HardwareProfile.TINY));
                }
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.err.printf("libvirt: %d linked clones + defines in %.3f s%n", clones, seconds);
                return clones / seconds;
            } finally {
                for (String id : ids) {
                    driver.delete(id);
                }
            }
        }
    }
}
