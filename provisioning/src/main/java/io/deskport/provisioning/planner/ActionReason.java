package io.deskport.provisioning.planner;

/** Why the planner wants an action; stable codes for logs, audit and the admin console. */
public enum ActionReason {
    /** A user is waiting for their own powered-off desktop. */
    USER_WAITING,
    /** Connects are waiting for a free desktop. */
    DEMAND,
    /** The pool is below its minimum size. */
    MIN_SIZE,
    /** The pool has fewer ready spares than its spare target. */
    SPARE_TARGET,
    /** A pooled desktop was used and must be reverted before the next user. */
    DIRTY_AFTER_LOGOFF,
    /** The pool's desktops move to the current image version. */
    IMAGE_ROLLOUT,
    /** The pool's desktops move back to the previous image version. */
    ROLLBACK,
    /** A persistent desktop has been disconnected longer than the power policy allows. */
    IDLE_POWER_OFF,
    /** A desktop failed and is removed (it will be replaced). */
    FAILED_CLEANUP,
    /** A free desktop is removed from a host in maintenance. */
    HOST_DRAIN,
    /** The pool has more desktops than its maximum size. */
    OVER_MAX,
    /** The pool has more ready spares than it needs. */
    EXCESS_SPARE,
    /**
     * A pool whose capacity follows its demand model: a spare is started or created ahead of the logons the
     * model forecasts (see {@link SpareForecast}).
     */
    FORECAST,
    /**
     * A pool whose capacity follows its demand model: a ready spare beyond the forecast is powered off (kept, to
     * be started again before the next peak) rather than deleted.
     */
    FORECAST_LOW
}
