package io.deskport.broker.brokering;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

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

    /**
     * The live states as an SQL list, {@code ('PREPARING', 'READY', 'CONNECTED', 'DISCONNECTED')}: a query that reads
     * live sessions by scanning them ({@code state in LIVE_LIST}) can use the live sessions' index
     * {@code session_live_by_state}, whose predicate is this list (V42). The connect's lookup of the user's live
     * session by pool and user says {@code state <> 'ENDED'} instead, which that index's predicate does not follow
     * from: after an ANALYZE that found no live session (a quiet night), every live-only index looks empty to the
     * planner, and the lookup was planned as a scan of that keyless index, i.e. of every live session (seen in
     * bench/metering on 2026-12-07: the connect's first read at 3–4 ms of PostgreSQL instead of ~0.1 for a whole
     * phase, until the next ANALYZE; {@code ConnectReadPlanTest}).
     */
    static final String LIVE_LIST = Arrays.stream(values()).filter(SessionState::isLive)
            .map(s -> "'" + s.name() + "'").collect(Collectors.joining(", ", "(", ")"));
}
