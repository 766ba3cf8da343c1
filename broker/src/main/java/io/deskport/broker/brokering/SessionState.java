package io.deskport.broker.brokering;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/** The life of a session, and every legal move, in one place (the SQL updates use the same rules). */
public enum SessionState {
    /** Its desktop is being started or provisioned. */
    PREPARING,
    /** Its desktop is up; waiting for the client's tunnel. */
    READY,
    /** A client is attached through the tunnel. */
    CONNECTED,
    /** No client attached; the desktop session keeps running until the disconnect timeout. */
    DISCONNECTED,
    /** Over; see the end reason. */
    ENDED;

    private static final Map<SessionState, Set<SessionState>> MOVES = Map.of(
            PREPARING, EnumSet.of(READY, ENDED),
            READY, EnumSet.of(CONNECTED, DISCONNECTED, ENDED),
            CONNECTED, EnumSet.of(DISCONNECTED, ENDED),
            DISCONNECTED, EnumSet.of(CONNECTED, ENDED),
            ENDED, EnumSet.noneOf(SessionState.class));

    public boolean canMoveTo(SessionState next) {
        return MOVES.get(this).contains(next);
    }

    public boolean isLive() {
        return this != ENDED;
    }
}
