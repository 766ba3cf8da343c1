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
}
