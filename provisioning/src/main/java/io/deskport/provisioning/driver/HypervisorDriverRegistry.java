package io.deskport.provisioning.driver;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The driver factories found on the class path, by id.
 *
 * <pre>{@code
 * HypervisorDriverRegistry registry = HypervisorDriverRegistry.discover();
 * HypervisorDriver driver = registry.create("libvirt",
 *         new DriverConfig("rack-1", Map.of("uri", "qemu:///system")));
 * }</pre>
 */
public final class HypervisorDriverRegistry {

    private final Map<String, HypervisorDriverFactory> factories;

    private HypervisorDriverRegistry(Map<String, HypervisorDriverFactory> factories) {
        this.factories = Collections.unmodifiableMap(factories);
    }

    /** Discovers the factories with the class loader of this class. */
    public static HypervisorDriverRegistry discover() {
        return discover(HypervisorDriverRegistry.class.getClassLoader());
    }

    /**
     * Discovers the factories visible to a class loader.
     *
     * @throws IllegalStateException if two factories claim the same id
     */
    public static HypervisorDriverRegistry discover(ClassLoader classLoader) {
        Map<String, HypervisorDriverFactory> found = new LinkedHashMap<>();
        for (HypervisorDriverFactory factory : ServiceLoader.load(HypervisorDriverFactory.class, classLoader)) {
            HypervisorDriverFactory previous = found.putIfAbsent(factory.id(), factory);
            if (previous != null && previous.getClass() != factory.getClass()) {
                throw new IllegalStateException("two hypervisor drivers claim the id '" + factory.id() + "': "
                        + previous.getClass().getName() + " and " + factory.getClass().getName());
            }
        }
        return new HypervisorDriverRegistry(found);
    }

    /** Returns the ids of all discovered drivers. */
    public Collection<String> ids() {
        return factories.keySet();
    }

    /** Returns the factory with an id, if discovered. */
    public Optional<HypervisorDriverFactory> factory(String id) {
        return Optional.ofNullable(factories.get(id));
    }

    /**
     * Creates a driver instance.
     *
     * @throws DriverException with {@link DriverFailureReason#CONFIGURATION} if no driver has this id
     */
    public HypervisorDriver create(String driverId, DriverConfig config) {
        return factory(driverId)
                .orElseThrow(() -> new DriverException(DriverFailureReason.CONFIGURATION,
                        "no hypervisor driver with id '" + driverId + "'; known: " + ids()))
                .create(config);
    }
}
