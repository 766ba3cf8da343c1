package io.deskport.provisioning.simulated;

import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.HypervisorDriver;
import io.deskport.provisioning.driver.HypervisorDriverFactory;

/** Factory of the {@code simulated} driver: in-process desktops for demos, tests and benchmarks. */
public final class SimulatedDriverFactory implements HypervisorDriverFactory {

    /** The driver id. */
    public static final String ID = "simulated";

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String description() {
        return "Simulated hypervisor (no real VMs; for demos and tests)";
    }

    @Override
    public HypervisorDriver create(DriverConfig config) {
        return new SimulatedDriver(SimulatedDriverConfig.from(config));
    }
}
