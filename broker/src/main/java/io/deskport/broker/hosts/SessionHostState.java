package io.deskport.broker.hosts;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The life of a session host; draining is a flag beside the state, not a state. */
public enum SessionHostState {
    /** Known to the broker, not yet reporting (an agent has not enrolled or sent a heartbeat). */
    REGISTERED,
    /** Reporting and placeable (unless draining). */
    AVAILABLE,
    /** Missed its heartbeats: nothing is placed on it. */
    UNREACHABLE,
    /** Powered off by the broker (its agent ran its power-off command): nothing is placed on it; woken when needed. */
    POWERED_OFF,
    /** Taken out for good. */
    REMOVED;

    private static final Map<SessionHostState, Set<SessionHostState>> MOVES = Map.of(
            REGISTERED, EnumSet.of(AVAILABLE, UNREACHABLE, REMOVED),
            AVAILABLE, EnumSet.of(UNREACHABLE, POWERED_OFF, REMOVED),
            UNREACHABLE, EnumSet.of(AVAILABLE, REMOVED),
            POWERED_OFF, EnumSet.of(AVAILABLE, REMOVED),
            REMOVED, EnumSet.noneOf(SessionHostState.class));

    public boolean canMoveTo(SessionHostState next) {
        return MOVES.get(this).contains(next);
    }
}
