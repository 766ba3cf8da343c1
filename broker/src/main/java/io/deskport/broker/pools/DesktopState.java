package io.deskport.broker.pools;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The life of a desktop machine, and every legal move between states, in one place. */
public enum DesktopState {
    /** Being created on a hypervisor. */
    PROVISIONING,
    /** Exists, powered off. */
    STOPPED,
    /** Powering on (a session may be waiting for it). */
    STARTING,
    /** Powered on, console answers, free for a session. */
    READY,
    /** A session is on it. */
    IN_USE,
    /** Being reset to its image after pooled use. */
    REFRESHING,
    /** Taken out of service by an admin. */
    MAINTENANCE,
    /** Provisioning or a power operation failed; see the failure reason. */
    FAILED,
    /** Being removed. */
    DELETING,
    /** Powering off (the power policy stops persistent desktops left disconnected); a connect restarts it. */
    STOPPING;

    private static final Map<DesktopState, Set<DesktopState>> MOVES = Map.ofEntries(
            Map.entry(PROVISIONING, EnumSet.of(STOPPED, READY, FAILED, DELETING)),
            Map.entry(STOPPED, EnumSet.of(STARTING, REFRESHING, MAINTENANCE, DELETING, FAILED)),
            Map.entry(STARTING, EnumSet.of(READY, IN_USE, STOPPED, REFRESHING, FAILED, DELETING)),
            Map.entry(READY, EnumSet.of(IN_USE, STOPPED, STOPPING, REFRESHING, MAINTENANCE, DELETING, FAILED)),
            // IN_USE → STOPPED: its machine powered off under its session (which ends)
            Map.entry(IN_USE, EnumSet.of(READY, STOPPED, REFRESHING, FAILED, DELETING)),
            Map.entry(REFRESHING, EnumSet.of(READY, STOPPED, FAILED, DELETING)),
            Map.entry(MAINTENANCE, EnumSet.of(READY, STOPPED, DELETING, FAILED)),
            Map.entry(FAILED, EnumSet.of(PROVISIONING, STOPPED, READY, MAINTENANCE, DELETING)),
            Map.entry(STOPPING, EnumSet.of(STOPPED, STARTING, FAILED, DELETING)),
            Map.entry(DELETING, EnumSet.noneOf(DesktopState.class)));

    public boolean canMoveTo(DesktopState next) {
        return MOVES.get(this).contains(next);
    }
}
