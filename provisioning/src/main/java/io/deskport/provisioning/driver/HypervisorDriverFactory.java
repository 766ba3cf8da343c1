package io.deskport.provisioning.driver;

/**
 * Creates {@link HypervisorDriver} instances of one kind. Implementations are listed in
 * {@code META-INF/services/io.deskport.provisioning.driver.HypervisorDriverFactory} and found by
 * {@link HypervisorDriverRegistry} with {@link java.util.ServiceLoader}: adding a driver is adding a
 * jar, not changing the broker.
 */
public interface HypervisorDriverFactory {

    /** Returns the driver id used in configuration, e.g. {@code libvirt} or {@code simulated}. */
    String id();

    /** Returns a one-line description for the admin console. */
    String description();

    /**
     * Creates a driver instance.
     *
     * @throws DriverException with {@link DriverFailureReason#CONFIGURATION} if the settings are invalid,
     *                         or {@link HostUnavailableException} if the driver connects eagerly and fails
     */
    HypervisorDriver create(DriverConfig config);

    /**
     * The configuration of a driver instance for one registered host of the broker (one row of its host
     * registry), from the settings an admin gave it. By default the settings as they are; a driver that
     * could manage many hosts in one instance narrows them to the one host here.
     *
     * @param hostName the registered host's unique name (also the instance id)
     */
    default DriverConfig forRegisteredHost(String hostName, java.util.Map<String, String> settings) {
        return new DriverConfig(hostName, settings);
    }
}
