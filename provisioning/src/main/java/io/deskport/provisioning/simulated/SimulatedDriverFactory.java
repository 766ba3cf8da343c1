package io.deskport.provisioning.simulated;

import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.HypervisorDriver;
import io.deskport.provisioning.driver.HypervisorDriverFactory;

import java.util.HashMap;
import java.util.Map;

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

    /** One registered host is one simulated host, named after it ({@code <name>-1}). */
    @Override
    public DriverConfig forRegisteredHost(String hostName, Map<String, String> settings) {
        Map<String, String> effective = new HashMap<>(settings);
        effective.put("hosts", "1");
        effective.putIfAbsent("hostIdPrefix", hostName + "-");
        return new DriverConfig(hostName, effective);
    }
}
