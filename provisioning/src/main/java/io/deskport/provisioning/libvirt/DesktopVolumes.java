package io.deskport.provisioning.libvirt;

import io.deskport.provisioning.driver.DriverException;
import io.deskport.provisioning.driver.DriverFailureReason;
import io.deskport.provisioning.driver.HardwareProfile;
import io.deskport.provisioning.driver.ImageVersion;
import io.deskport.provisioning.driver.InsufficientCapacityException;
import org.libvirt.Connect;
import org.libvirt.Error;
import org.libvirt.LibvirtException;
import org.libvirt.StoragePool;
import org.libvirt.StoragePoolInfo;
import org.libvirt.StorageVol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The desktop disks in the configured libvirt storage pool: qcow2 overlays whose backing file is the
 * image's golden disk. Creates the pool (a directory pool) on first use if it is missing.
 */
final class DesktopVolumes {

    private static final Logger log = LoggerFactory.getLogger(DesktopVolumes.class);
    private static final int BUILD_NEW = 0;

    private final LibvirtDriverConfig config;
    private final LibvirtConnection connection;
    private volatile boolean poolReady;

    DesktopVolumes(LibvirtDriverConfig config, LibvirtConnection connection) {
        this.config = config;
        this.connection = connection;
    }

    static String volumeName(String vmName) {
        return vmName + ".qcow2";
    }

    /** Creates the overlay (replacing a leftover one, which has no domain and so holds no user data). */
    StorageVol create(String vmName, ImageVersion image, HardwareProfile hardware) {
        return connection.call("create disk of " + vmName, c -> {
            StoragePool pool = pool(c);
            delete(pool, volumeName(vmName));
            StoragePoolInfo info = pool.getInfo();
            long availableMiB = info.available / (1024 * 1024);
            if (availableMiB < hardware.diskMiB()) {
                throw new InsufficientCapacityException(config.hostId(), "storage", hardware.diskMiB(), availableMiB);
            }
            return pool.storageVolCreateXML(DesktopXml.linkedCloneVolume(volumeName(vmName), image, hardware), 0);
        });
    }

    /** Deletes the desktop's overlay; a missing one is fine. */
    void delete(String vmName) {
        connection.call("delete disk of " + vmName, c -> {
            delete(pool(c), volumeName(vmName));
            return null;
        });
    }

    /** Returns the pool's capacity and allocation. */
    StoragePoolInfo poolInfo() {
        return connection.call("read storage pool " + config.storagePool(), c -> {
            StoragePool pool = pool(c);
            pool.refresh(0);
            return pool.getInfo();
        });
    }

    private static void delete(StoragePool pool, String volumeName) throws LibvirtException {
        StorageVol vol;
        try {
            vol = pool.storageVolLookupByName(volumeName);
        } catch (LibvirtException e) {
            if (LibvirtConnection.code(e) == Error.ErrorNumber.VIR_ERR_NO_STORAGE_VOL) {
                return;
            }
            throw e;
        }
        vol.delete(0);
    }

    private StoragePool pool(Connect c) throws LibvirtException {
        if (poolReady) {
            return c.storagePoolLookupByName(config.storagePool());
        }
        synchronized (this) {
            StoragePool pool;
            try {
                pool = c.storagePoolLookupByName(config.storagePool());
            } catch (LibvirtException e) {
                if (LibvirtConnection.code(e) != Error.ErrorNumber.VIR_ERR_NO_STORAGE_POOL) {
                    throw e;
                }
                log.info("storage pool {} is missing on host {}; defining a directory pool at {}",
                        config.storagePool(), config.hostId(), config.storagePoolPath());
                pool = c.storagePoolDefineXML("""
                        <pool type='dir'><name>%s</name><target><path>%s</path></target></pool>
                        """.formatted(config.storagePool(), config.storagePoolPath()), 0);
                pool.setAutostart(1);
            }
            if (pool.isActive() == 0) {
                pool.build(BUILD_NEW); // For a directory pool: create the directory if it is missing.
                pool.create(0);
            }
            poolReady = true;
            return pool;
        }
    }

    /** Fails with {@link DriverFailureReason#IMAGE_UNAVAILABLE} if a local image file is missing. */
    void checkImageFiles(ImageVersion image) {
        if (!config.isLocal()) {
            return; // Remote hosts: libvirt reports missing files when the disk is created.
        }
        checkReadable(image.goldenDiskPath(), image);
        if (image.kernelPath() != null) {
            checkReadable(image.kernelPath(), image);
        }
        if (image.initrdPath() != null) {
            checkReadable(image.initrdPath(), image);
        }
    }

    private static void checkReadable(String path, ImageVersion image) {
        if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(path))) {
            throw new DriverException(DriverFailureReason.IMAGE_UNAVAILABLE,
                    "image " + image.imageId() + " version " + image.version() + ": " + path + " is not readable");
        }
    }
}
