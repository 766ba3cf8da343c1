package io.deskport.provisioning.driver;

/**
 * What a driver can do, so the broker offers only what works.
 *
 * @param suspend            {@link HypervisorDriver#suspend} / {@link HypervisorDriver#resume} work
 * @param suspendToDisk      suspend saves memory to disk (frees host memory) rather than pausing
 * @param gracefulShutdown   the guest is asked to shut down before power is cut
 * @param consolePassword    console endpoints carry a per-desktop password
 * @param simulated          nothing real happens: desktops are simulated (label it in the UI and API)
 * @param snapshots          {@link HypervisorDriver#createSnapshot} and the other snapshot operations work
 * @param liveMigration      {@link HypervisorDriver#migrate} moves running desktops between hosts without
 *                           stopping them (and stopped ones cold)
 *
 * <p>Each optional group of operations of {@link HypervisorDriver} has one flag here and default methods there that
 * fail with {@link DriverFailureReason#NOT_SUPPORTED}; a new group adds a flag and a constructor the same way
 * (live migration did), so drivers written before it keep compiling and simply do not offer it.
 */
public record DriverCapabilities(boolean suspend, boolean suspendToDisk, boolean gracefulShutdown,
                                 boolean consolePassword, boolean simulated, boolean snapshots,
                                 boolean liveMigration) {

    /** A driver without live migration. */
    public DriverCapabilities(boolean suspend, boolean suspendToDisk, boolean gracefulShutdown, boolean consolePassword,
                              boolean simulated, boolean snapshots) {
        this(suspend, suspendToDisk, gracefulShutdown, consolePassword, simulated, snapshots, false);
    }

    /** A driver without snapshots. */
    public DriverCapabilities(boolean suspend, boolean suspendToDisk, boolean gracefulShutdown, boolean consolePassword,
                              boolean simulated) {
        this(suspend, suspendToDisk, gracefulShutdown, consolePassword, simulated, false, false);
    }
}
