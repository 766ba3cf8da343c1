package io.deskport.provisioning.planner;

/** What the broker should do to a desktop. */
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
    DELETE
}
