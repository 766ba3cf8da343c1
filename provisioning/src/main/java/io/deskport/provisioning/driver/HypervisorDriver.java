package io.deskport.provisioning.driver;

import java.time.Duration;
import java.util.List;

/**
 * A connection to one or more hypervisor hosts that creates and runs desktops.
 *
 * <p>Every operation is keyed by the broker's desktop id and is idempotent: cloning a desktop that
 * already exists returns it, deleting a missing desktop succeeds, starting a running desktop does
 * nothing. The broker's task journal retries operations after a crash and relies on this.
 *
 * <p>Implementations are thread-safe. Failures are {@link DriverException}s with a stable
 * {@link DriverFailureReason}; the subclasses {@link HostUnavailableException},
 * {@link DesktopNotFoundException} and {@link InsufficientCapacityException} mark the common ones.
 */
public interface HypervisorDriver extends AutoCloseable {

    /** Returns the id of the factory that made this driver, e.g. {@code libvirt}. */
    String driverId();

    /** Returns what this driver supports; {@code capabilities().simulated()} marks simulated drivers. */
    DriverCapabilities capabilities();

    /** Convenience for {@code capabilities().simulated()}: true if nothing real happens. */
    default boolean isSimulated() {
        return capabilities().simulated();
    }

    /**
     * Returns the inventory and capacity of every host this driver manages.
     *
     * @throws HostUnavailableException if no host can be reached
     */
    List<HostInventory> hosts();

    /**
     * Creates a desktop as a linked clone of an image version and defines (but does not start) it.
     * If a desktop with the same desktop id already exists and carries the same tag, returns it.
     *
     * @return the desktop as the hypervisor now sees it
     * @throws InsufficientCapacityException if the host cannot fit it
     * @throws DriverException with {@link DriverFailureReason#NAME_CONFLICT} if a VM of that name
     *                         carries another tag, or {@link DriverFailureReason#IMAGE_UNAVAILABLE}
     */
    ManagedDesktop cloneDesktop(CloneRequest request);

    /**
     * Powers a desktop on (or resumes it from suspend/managed save). Starting a running desktop does nothing.
     *
     * @throws DesktopNotFoundException if the desktop does not exist
     */
    void start(String desktopId);

    /**
     * Asks the guest to shut down and waits up to {@code gracePeriod}; if it is still running then,
     * cuts the power. A stopped desktop stays stopped.
     *
     * @return true if the guest shut down by itself, false if power had to be cut
     * @throws DesktopNotFoundException if the desktop does not exist
     */
    boolean shutdown(String desktopId, Duration gracePeriod);

    /**
     * Cuts the power at once. A stopped desktop stays stopped.
     *
     * @throws DesktopNotFoundException if the desktop does not exist
     */
    void powerOff(String desktopId);

    /**
     * Suspends a running desktop (to disk if {@link DriverCapabilities#suspendToDisk()}).
     *
     * @throws DriverException with {@link DriverFailureReason#NOT_SUPPORTED} if the driver cannot suspend
     */
    void suspend(String desktopId);

    /**
     * Resumes a suspended desktop; a running desktop stays running.
     *
     * @throws DriverException with {@link DriverFailureReason#NOT_SUPPORTED} if the driver cannot suspend
     */
    void resume(String desktopId);

    /**
     * Throws away everything written since the clone and rebuilds the desktop from {@code image}
     * (the same version for a refresh after logoff, a newer or older one for a rollout or rollback).
     * The desktop keeps its id, tag and console password and is left stopped.
     *
     * @return the desktop as the hypervisor now sees it
     * @throws DesktopNotFoundException if the desktop does not exist
     */
    ManagedDesktop refresh(String desktopId, ImageVersion image, HardwareProfile hardware);

    /**
     * Powers off and removes a desktop with its storage. Deleting a missing desktop succeeds.
     */
    void delete(String desktopId);

    /**
     * Returns where the console of a running desktop can be reached.
     *
     * @throws DriverException with {@link DriverFailureReason#INVALID_STATE} if the desktop is not running
     * @throws DesktopNotFoundException if the desktop does not exist
     */
    ConsoleEndpoint console(String desktopId);

    /**
     * Returns a desktop's current power state.
     *
     * @throws DesktopNotFoundException if the desktop does not exist
     */
    PowerState powerState(String desktopId);

    /**
     * Lists every desktop this driver manages (VMs carrying a Deskport tag), for reconciliation
     * and orphan detection. VMs without a Deskport tag are never listed or touched.
     */
    List<ManagedDesktop> listDesktops();

    // --- Snapshots (capabilities().snapshots()) -----------------------------------------------------------------
    // Optional operations come in groups, each with a capability flag and defaults that refuse with NOT_SUPPORTED.

    /**
     * Saves the state of a desktop's disk as snapshot {@code snapshotId}. Works on a stopped or running desktop (a
     * running one is snapshotted crash-consistently, as if its power had been cut at that instant). Idempotent:
     * if the desktop has a snapshot of that id, returns it.
     *
     * @return the snapshot with the storage it holds
     * @throws DesktopNotFoundException if the desktop does not exist
     * @throws DriverException with {@link DriverFailureReason#NOT_SUPPORTED} if the driver has no snapshots, or
     *                         {@link DriverFailureReason#INVALID_STATE} (e.g. a suspended desktop)
     */
    default DesktopSnapshot createSnapshot(String desktopId, String snapshotId) {
        throw snapshotsNotSupported();
    }

    /**
     * Lists a desktop's snapshots, oldest first.
     *
     * @throws DesktopNotFoundException if the desktop does not exist
     */
    default java.util.List<DesktopSnapshot> listSnapshots(String desktopId) {
        throw snapshotsNotSupported();
    }

    /**
     * Puts a desktop's disk back to the state of one of its snapshots, throwing away what was written since. The
     * desktop is powered off first (cut, not shut down: the caller has ended its session) and is left powered off.
     * Restoring again to the same snapshot gives the same result, so a restore interrupted by a crash is simply
     * run again. The snapshot is kept (it can be restored to again).
     *
     * @throws DesktopNotFoundException if the desktop does not exist
     * @throws DriverException with {@link DriverFailureReason#INVALID_STATE} if the desktop has no such snapshot
     */
    default void restoreSnapshot(String desktopId, String snapshotId) {
        throw snapshotsNotSupported();
    }

    /**
     * Removes a snapshot and frees its storage. Deleting a missing snapshot (or one of a missing desktop) succeeds.
     */
    default void deleteSnapshot(String desktopId, String snapshotId) {
        throw snapshotsNotSupported();
    }

    private DriverException snapshotsNotSupported() {
        return new DriverException(DriverFailureReason.NOT_SUPPORTED, "driver " + driverId() + " has no snapshots");
    }

    // --- Live migration (capabilities().liveMigration()) ------------------------------------------------------

    /**
     * Moves a desktop to another host, keeping its id, tag, UUID, disk and console password. A running (or paused)
     * desktop is <b>live-migrated</b>: its memory is copied while it runs, then it is paused for the switch-over
     * (the {@link DesktopMigration#downtime()}) and goes on running on the target. A stopped desktop is moved
     * <b>cold</b> (its definition; the disk stays on the storage both hosts share). The console moves with the
     * desktop but its port may change: read {@link #console} again from the target's driver afterwards.
     *
     * <p>Idempotent: a desktop that is already on the target (a retried migration) is reported with
     * {@link DesktopMigration#alreadyThere()}. When the migration fails, the desktop is still on the source and,
     * if it ran, still running there.
     *
     * @param target where to, as {@link #migrationTarget(String)} of the target host's driver returns it
     * @return what moved and how long the guest was paused
     * @throws DesktopNotFoundException if the desktop is on neither host
     * @throws HostUnavailableException if the source or the target cannot be reached
     * @throws InsufficientCapacityException if the target cannot fit the desktop
     * @throws DriverException with {@link DriverFailureReason#NOT_SUPPORTED} if the driver cannot migrate,
     *                         {@link DriverFailureReason#INVALID_STATE} if the desktop cannot move in its state
     *                         (e.g. suspended to disk; the message says why), {@link DriverFailureReason#HYPERVISOR_ERROR}
     *                         if the hypervisor failed the migration
     */
    default DesktopMigration migrate(String desktopId, MigrationTarget target) {
        throw migrationNotSupported();
    }

    /**
     * Returns how the other hosts' hypervisors address host {@code hostId} of this driver as a migration target.
     *
     * @throws DriverException with {@link DriverFailureReason#NOT_SUPPORTED} if the driver cannot migrate, or
     *                         {@link DriverFailureReason#CONFIGURATION} if it does not manage that host
     */
    default MigrationTarget migrationTarget(String hostId) {
        throw migrationNotSupported();
    }

    private DriverException migrationNotSupported() {
        return new DriverException(DriverFailureReason.NOT_SUPPORTED, "driver " + driverId() + " has no live migration");
    }

    /** Releases connections and threads. */
    @Override
    void close();
}
