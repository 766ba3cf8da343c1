package io.deskport.broker.hosts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.LoadBalancing;
import io.deskport.broker.shared.LockedRows;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

/**
 * Places a new session of a SHARED pool on a host, inside the connect transaction.
 *
 * <p>The pick and the seat are one conditional update of the host row (locked {@code SKIP LOCKED}, the
 * room re-checked on the latest row version), so no host ever exceeds its max sessions whatever the
 * number of brokers. Breadth-first takes the emptiest host, depth-first the fullest one with room.
 */
@Service
@Transactional(propagation = Propagation.MANDATORY)
public class SessionHostPlacement {

    private final JdbcClient jdbc;

    SessionHostPlacement(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The host a session was placed on.
     *
     * @param agentManaged true when an agent on the host creates the session's desktop (the session is
     *        PREPARING until the agent reports it ready); false for hosts registered by one console address
     */
    public record Placement(UUID hostId, String hostName, boolean agentManaged) {
    }

    /**
     * @throws ProblemException HOST_CAPACITY with the pool's host figures when no host has room
     */
    public Placement place(DesktopPool pool) {
        long deadline = System.nanoTime() + LOCKED_HOSTS_WAIT.toNanos();
        for (int attempt = 0; ; attempt++) {
            Optional<Placement> placed = tryPlace(pool);
            if (placed.isPresent()) {
                return placed.get();
            }
            // Hosts with room may be locked by concurrent placements: the committed state decides whether
            // to try again. Waiting on those locks instead could deadlock (rows are met in load order).
            if (!anyRoom(pool) || System.nanoTime() > deadline) {
                throw noCapacity(pool);
            }
            LockedRows.pause(attempt);
        }
    }

    /** How long a placement keeps trying while every host with room is locked by concurrent placements. */
    private static final java.time.Duration LOCKED_HOSTS_WAIT = java.time.Duration.ofSeconds(3);

    private boolean anyRoom(DesktopPool pool) {
        return jdbc.sql("select exists (select 1 from session_host where pool_id = ? and state = 'AVAILABLE' "
                + "and not draining and active_sessions < max_sessions)").param(pool.id()).query(Boolean.class).single();
    }

    private Optional<Placement> tryPlace(DesktopPool pool) {
        String order = pool.loadBalancing() == LoadBalancing.DEPTH_FIRST
                ? "active_sessions desc, id" : "active_sessions asc, id";
        return jdbc.sql("update session_host set active_sessions = active_sessions + 1 where id = ("
                        + "select id from session_host where pool_id = ? and state = 'AVAILABLE' and not draining "
                        + "and active_sessions < max_sessions order by " + order + " limit 1 for update skip locked) "
                        + "returning id, name, agent_managed")
                .param(pool.id())
                .query((rs, n) -> new Placement(rs.getObject(1, UUID.class), rs.getString(2), rs.getBoolean(3)))
                .optional();
    }

    /** Frees the seat of a session that ended on the host. */
    public void release(UUID hostId) {
        jdbc.sql("update session_host set active_sessions = active_sessions - 1 where id = ? and active_sessions > 0")
                .param(hostId).update();
    }

    private ProblemException noCapacity(DesktopPool pool) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("poolId", pool.id());
        figures.put("poolName", pool.name());
        jdbc.sql("select count(*) as hosts, "
                        + "count(*) filter (where state = 'AVAILABLE' and not draining) as placeable, "
                        + "count(*) filter (where draining) as draining, "
                        + "count(*) filter (where state = 'UNREACHABLE') as unreachable, "
                        + "coalesce(sum(max_sessions) filter (where state = 'AVAILABLE' and not draining), 0) as capacity, "
                        + "coalesce(sum(active_sessions), 0) as in_use "
                        + "from session_host where pool_id = ? and state <> 'REMOVED'")
                .param(pool.id())
                .query(rs -> {
                    figures.put("sessionHosts", rs.getInt("hosts"));
                    figures.put("placeableHosts", rs.getInt("placeable"));
                    figures.put("drainingHosts", rs.getInt("draining"));
                    figures.put("unreachableHosts", rs.getInt("unreachable"));
                    figures.put("sessionCapacity", rs.getInt("capacity"));
                    figures.put("sessionsInUse", rs.getInt("in_use"));
                });
        String detail = (int) figures.get("placeableHosts") == 0
                ? "No session host of the pool '" + pool.name() + "' accepts new sessions right now"
                : "Every session host of the pool '" + pool.name() + "' is full (" + figures.get("sessionsInUse")
                        + " sessions on " + figures.get("sessionCapacity") + " seats); try again later";
        return new ProblemException(Reason.HOST_CAPACITY, detail, figures);
    }
}
