package io.deskport.provisioning.planner;

/**
 * What the broker should do to a desktop. The planner plans the first six; the snapshot operations come from
 * people and the snapshot schedule, migrations from a host's drain, and they share the task journal (one open
 * operation per desktop) with them.
 */
public enum ActionType {
    /** Clone a new desktop on the chosen host and power it on. */
    CREATE,
    /** Power a stopped desktop on. */
    START,
    /** Shut a desktop down (gracefully, then power off). */
    STOP,
    /** Revert a desktop to its image version (throw away what users wrote). */
    REFRESH,
    /** Rebuild a desktop from another image version (rollout or rollback). */
    REPLACE,
    /** Remove a desktop and its storage. */
    DELETE,
    /** Save the state of a desktop's disk as a snapshot. */
    SNAPSHOT,
    /** Put a desktop's disk back to a snapshot (the desktop is powered off and left off). */
    RESTORE_SNAPSHOT,
    /** Remove a snapshot and free its storage. */
    DELETE_SNAPSHOT,
    /**
     * Move a desktop to another host (live while it runs, cold while it is stopped): how a host in maintenance is
     * drained ({@link DrainPlanner}). Never planned by {@link ReconcilePlanner}.
     */
    MIGRATE;

    /** True for the snapshot operations, which the planner never plans. */
    public boolean isSnapshotOperation() {
        return this == SNAPSHOT || this == RESTORE_SNAPSHOT || this == DELETE_SNAPSHOT;
    }
}
