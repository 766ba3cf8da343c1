package io.deskport.provisioning.planner;

/** A desktop's state as the broker records it. */
public enum DesktopState {
    /** Being cloned. */
    PROVISIONING,
    /** Powering on. */
    STARTING,
    /** Running, not assigned to anyone: ready to be claimed. */
    READY,
    /** Running and assigned to a user, but no session is connected. */
    ASSIGNED,
    /** A user's session is connected. */
    IN_USE,
    /** Powering off. */
    STOPPING,
    /** Powered off. */
    STOPPED,
    /** Being reverted to (or rebuilt from) its image. */
    REFRESHING,
    /** The last operation failed; see the broker's failure reason. */
    FAILED,
    /** Being removed. */
    DELETING;

    /** True while an operation on the desktop is in flight; the planner leaves such desktops alone. */
    public boolean isTransitional() {
        return this == PROVISIONING || this == STARTING || this == STOPPING || this == REFRESHING || this == DELETING;
    }

    /** True if the desktop is on its way to becoming (or already is) ready for a new user. */
    public boolean becomesReady() {
        return this == READY || this == PROVISIONING || this == STARTING || this == REFRESHING;
    }
}
