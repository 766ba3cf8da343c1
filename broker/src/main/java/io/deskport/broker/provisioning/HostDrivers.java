package io.deskport.broker.provisioning;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.HypervisorDriver;
import io.deskport.provisioning.driver.HypervisorDriverRegistry;

/**
 * One driver instance per hypervisor host row, created from the host's driver id and settings on
 * first use and re-created when they change. A {@code simulated} host is one simulated host.
 */
@Component
class HostDrivers implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(HostDrivers.class);

    private final HypervisorDriverRegistry registry;
    private final Map<UUID, Instance> instances = new ConcurrentHashMap<>();

    private record Instance(String fingerprint, HypervisorDriver driver) {
    }

    HostDrivers(HypervisorDriverRegistry registry) {
        this.registry = registry;
    }

    /** The driver ids found on the class path. */
    java.util.Collection<String> driverIds() {
        return registry.ids();
    }

    /** The driver of a host, created (or re-created after a settings change) as needed. */
    HypervisorDriver driver(UUID hostId, String name, String driverId, Map<String, String> settings) {
        String fingerprint = driverId + settings;
        Instance current = instances.get(hostId);
        if (current != null && current.fingerprint().equals(fingerprint)) {
            return current.driver();
        }
        synchronized (this) {
            current = instances.get(hostId);
            if (current != null && current.fingerprint().equals(fingerprint)) {
                return current.driver();
            }
            HypervisorDriver created = create(name, driverId, settings);
            instances.put(hostId, new Instance(fingerprint, created));
            if (current != null) {
                log.info("Hypervisor host {} changed its settings; its driver was re-created", name);
                current.driver().close();
            }
            return created;
        }
    }

    /**
     * Creates a driver instance for one host; the caller closes it.
     *
     * @throws io.deskport.provisioning.driver.DriverException CONFIGURATION when the driver is unknown
     *         or its settings are invalid
     */
    HypervisorDriver create(String name, String driverId, Map<String, String> settings) {
        // one host row is one host: each driver narrows its settings to it (the simulated one simulates exactly one)
        DriverConfig config = registry.factory(driverId).map(f -> f.forRegisteredHost(name, settings))
                .orElseGet(() -> new DriverConfig(name, settings));
        return registry.create(driverId, config);
    }

    /** Closes and forgets the driver of a removed host. */
    void forget(UUID hostId) {
        Instance removed = instances.remove(hostId);
        if (removed != null) {
            removed.driver().close();
        }
    }

    @Override
    public void destroy() {
        instances.values().forEach(i -> {
            try {
                i.driver().close();
            } catch (RuntimeException e) {
                log.debug("closing a hypervisor driver failed", e);
            }
        });
        instances.clear();
    }
}
