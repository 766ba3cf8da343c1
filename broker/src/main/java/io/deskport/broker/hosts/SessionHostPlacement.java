package io.deskport.broker.hosts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.LoadBalancing;
import io.deskport.broker.shared.CallerTransaction;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

/**
 * Places a new session of a SHARED pool on a host, inside the connect transaction.
 *
 * <p>The host is chosen from the committed state and its seat taken in the same statement, by a
 * conditional update of the host row (the room re-checked on its latest version), so no host ever exceeds
 * its max sessions whatever the number of brokers; the host row is then held until the connect commits.
 * Breadth-first takes the emptiest host, depth-first the fullest one with room.
 */
@Service
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
     * Places a new session: chooses the host from the committed state and takes a seat on it, in one
     * statement. Breadth-first takes the emptiest host (one at random when several are equally empty, so
     * that a burst of logons spreads over them), depth-first the fullest one with room. The seat is a
     * conditional update of the host row: it waits for the row if a concurrent connect holds it (until that
     * connect commits: its session row, the agent's command and the tenant seat come after its host seat),
     * so a burst of logons onto one host queues in order, and the room is re-checked on the row's latest
     * version, so no host ever exceeds its max sessions whatever the number of brokers. Waiting cannot
     * deadlock: after this a connect locks only the tenant seat, which never waits (it skips locked seat
     * rows), and takes share locks on the pool and user rows through the session row's foreign keys, which
     * connects never hold exclusively; an end gives the host seat back before it updates its session row,
     * whose one-live-session key the connect's insert would otherwise wait for.
     *
     * @return the host with the seat taken, or empty when the chosen host filled up (or was drained or lost)
     *         meanwhile: place again
     * @throws ProblemException HOST_CAPACITY with the pool's host figures when no host has room
     */
    public Optional<Placement> place(DesktopPool pool) {
        CallerTransaction.require();
        boolean depthFirst = pool.loadBalancing() == LoadBalancing.DEPTH_FIRST;
        String best = best(depthFirst ? "max" : "min");
        Optional<Placement> placed = jdbc.sql("update session_host h set active_sessions = h.active_sessions + 1 "
                        + "from (" + best + (depthFirst ? "order by id" : "order by random()") + " limit 1) c "
                        + "where h.id = c.id and h.state = 'AVAILABLE' and not h.draining "
                        + "and h.active_sessions < h.max_sessions returning h.id, h.name, h.agent_managed")
                .params(pool.id(), pool.id())
                .query((rs, n) -> new Placement(rs.getObject(1, UUID.class), rs.getString(2), rs.getBoolean(3)))
                .optional();
        if (placed.isEmpty() && !jdbc.sql("select exists (" + best + ")").params(pool.id(), pool.id())
                .query(Boolean.class).single()) {
            throw noCapacity(pool);
        }
        return placed;
    }

    /** The placeable hosts of a pool ({@code ?} twice) with room, at the lowest (breadth-first) or highest count. */
    private static String best(String aggregate) {
        return "select id from session_host where pool_id = ? and state = 'AVAILABLE' and not draining "
                + "and active_sessions < max_sessions and active_sessions = (select " + aggregate + "(active_sessions) "
                + "from session_host where pool_id = ? and state = 'AVAILABLE' and not draining "
                + "and active_sessions < max_sessions) ";
    }

    /** Frees the seat of a session that ended on the host. */
    public void release(UUID hostId) {
        CallerTransaction.require();
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
                        + "count(*) filter (where state = 'POWERED_OFF') as powered_off, "
                        + "coalesce(sum(max_sessions) filter (where state = 'AVAILABLE' and not draining), 0) as capacity, "
                        + "coalesce(sum(active_sessions), 0) as in_use "
                        + "from session_host where pool_id = ? and state <> 'REMOVED'")
                .param(pool.id())
                .query(rs -> {
                    figures.put("sessionHosts", rs.getInt("hosts"));
                    figures.put("placeableHosts", rs.getInt("placeable"));
                    figures.put("drainingHosts", rs.getInt("draining"));
                    figures.put("unreachableHosts", rs.getInt("unreachable"));
                    figures.put("poweredOffHosts", rs.getInt("powered_off"));
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
