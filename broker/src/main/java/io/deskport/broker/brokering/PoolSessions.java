package io.deskport.broker.brokering;

import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** A pool's sessions counted: what disabling the pool leaves running, and what removing it ends. */
@Service
public class PoolSessions {

    private final JdbcClient jdbc;

    PoolSessions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The pool's sessions now.
     *
     * @param starting live sessions not attached yet (PREPARING or READY)
     * @param connected live sessions with a tunnel open now
     * @param disconnected live sessions waiting for their user to come back
     * @param users the people with a live session, each counted once
     * @param ended sessions that have ended (the pool's session history)
     * @param live the ids of the live sessions
     */
    public record Figures(int starting, int connected, int disconnected, int users, int ended, List<UUID> live) {

        /** @return the live sessions, in all */
        public int liveSessions() {
            return starting + connected + disconnected;
        }
    }

    /** @return the pool's sessions counted */
    @Transactional(readOnly = true)
    public Figures of(UUID tenantId, UUID poolId) {
        record Live(UUID id, UUID userId, SessionState state) {
        }
        List<Live> live = jdbc.sql("select id, user_id, state from session where tenant_id = ? and pool_id = ? "
                        + "and state in " + SessionState.LIVE_LIST).params(tenantId, poolId)
                .query((rs, n) -> new Live(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        SessionState.valueOf(rs.getString(3)))).list();
        int ended = jdbc.sql("select count(*) from session where tenant_id = ? and pool_id = ? and state = 'ENDED'")
                .params(tenantId, poolId).query(Integer.class).single();
        int connected = (int) live.stream().filter(l -> l.state() == SessionState.CONNECTED).count();
        int disconnected = (int) live.stream().filter(l -> l.state() == SessionState.DISCONNECTED).count();
        return new Figures(live.size() - connected - disconnected, connected, disconnected,
                (int) live.stream().map(Live::userId).distinct().count(), ended, live.stream().map(Live::id).toList());
    }
}
