package io.deskport.provisioning.libvirt;

import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.HypervisorDriver;
import io.deskport.provisioning.driver.HypervisorDriverFactory;

/** Factory of the {@code libvirt} driver: real QEMU/KVM desktops on one libvirt host per instance. */
public final class LibvirtDriverFactory implements HypervisorDriverFactory {

    /** The driver id. */
    public static final String ID = "libvirt";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "libvirt (QEMU/KVM) with qcow2 linked clones";
    }

    /** Creates the driver; it connects lazily, so an unreachable host shows up on first use. */
    @Override
    public HypervisorDriver create(DriverConfig config) {
        return new LibvirtDriver(LibvirtDriverConfig.from(config));
    }
}
