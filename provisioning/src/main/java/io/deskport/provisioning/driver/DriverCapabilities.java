package io.deskport.provisioning.driver;

/**
 * What a driver can do, so the broker offers only what works.
 *
 * @param suspend            {@link HypervisorDriver#suspend} / {@link HypervisorDriver#resume} work
 * @param suspendToDisk      suspend saves memory to disk (frees host memory) rather than pausing
 * @param gracefulShutdown   the guest is asked to shut down before power is cut
 * @param consolePassword    console endpoints carry a per-desktop password
 * @param simulated          nothing real happens: desktops are simulated (label it in the UI and API)
 */
public record DriverCapabilities(boolean suspend, boolean suspendToDisk, boolean gracefulShutdown,
                                 boolean consolePassword, boolean simulated) {
}
