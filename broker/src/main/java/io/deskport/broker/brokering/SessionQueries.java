package io.deskport.broker.brokering;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.pools.ClipboardPolicy;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.Listing;
import io.deskport.broker.shared.Page;
import io.deskport.broker.shared.PageParams;
import io.deskport.broker.shared.ProblemException;

/** Reads sessions for users (their own) and admins (their tenant's). */
@Service
class SessionQueries {

    private static final String COLUMNS = "s.id, s.tenant_id, s.pool_id, p.name as pool_name, p.kind as pool_kind, "
            + "s.user_id, u.username, s.state, s.end_reason, s.desktop_id, s.session_host_id, "
            + "coalesce(d.name, h.name) as machine_name, s.created_at, s.state_changed_at, s.connected_at, "
            + "s.last_activity_at, s.ended_at, d.state as desktop_state, d.state_changed_at as desktop_since, "
            + "s.disconnected_by, s.console_failure, s.console_failures, s.console_failure_at, "
            + "a.display_name as changed_by_name, p.clipboard_policy";
    private static final String FROM = "session s "
            + "join pools_pools p on p.id = s.pool_id join tenancy_users u on u.id = s.user_id "
            + "left join pools_desktops d on d.id = s.desktop_id left join hosts_session_hosts h on h.id = s.session_host_id "
            + "left join tenancy_users a on a.id = s.changed_by_admin";
    private static final String SELECT = "select " + COLUMNS + " from " + FROM + " ";
    /** {@link #liveInPools}. */
    static final String LIVE_IN_POOLS = SELECT
            + "where s.tenant_id = ? and s.pool_id = any(?) and s.user_id = ? and s.state <> 'ENDED'";

    private static final Listing<Session> LISTING = Listing.of(COLUMNS, FROM, "s.id", Listing.Kind.UUID,
                    SessionQueries::map)
            .sort("createdAt", "s.created_at", Listing.Kind.TIME).sort("stateChangedAt", "s.state_changed_at",
                    Listing.Kind.TIME).defaultSort("-createdAt").build();

    private final JdbcClient jdbc;

    SessionQueries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** @return the user's live session in the pool (reconnect target), if any */
    @Transactional(readOnly = true)
    Optional<Session> liveSession(UUID poolId, UUID userId) {
        return jdbc.sql(SELECT + "where s.pool_id = ? and s.user_id = ? and s.state <> 'ENDED'")
                .params(poolId, userId).query(SessionQueries::map).optional();
    }

    /**
     * The user's live sessions in these pools (one at most in each), looked up by their key, pool and user, as the
     * connect's read does: a lookup by the user alone would be served by a scan, and after an ANALYZE that saw no
     * live session the planner takes the live sessions' unique index by pool and user as empty and scans all of it
     * for the user (every live session of every tenant, on the portal's first page, in a logon storm).
     * {@code ConnectReadPlanTest} reads its plan.
     */
    @Transactional(readOnly = true)
    List<Session> liveInPools(UUID tenantId, UUID userId, Collection<UUID> poolIds) {
        if (poolIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql(LIVE_IN_POOLS).params(tenantId, poolIds.toArray(UUID[]::new), userId)
                .query(SessionQueries::map).list();
    }

    @Transactional(readOnly = true)
    List<Session> ofUser(UUID tenantId, UUID userId, boolean includeEnded, int limit) {
        return jdbc.sql(SELECT + "where s.tenant_id = ? and s.user_id = ? "
                        + (includeEnded ? "" : "and s.state <> 'ENDED' ") + "order by s.created_at desc limit ?")
                .params(tenantId, userId, limit).query(SessionQueries::map).list();
    }

    @Transactional(readOnly = true)
    Session get(UUID tenantId, UUID sessionId) {
        return jdbc.sql(SELECT + "where s.tenant_id = ? and s.id = ?").params(tenantId, sessionId)
                .query(SessionQueries::map).optional().orElseThrow(() -> ProblemException.notFound("Session", sessionId));
    }

    /** A user's own session; other users' sessions are reported as not found. */
    @Transactional(readOnly = true)
    Session getOwn(UUID tenantId, UUID userId, UUID sessionId) {
        Session s = get(tenantId, sessionId);
        if (!s.userId().equals(userId)) {
            throw ProblemException.notFound("Session", sessionId);
        }
        return s;
    }

    /**
     * Filters of the admin session list; null members do not filter.
     *
     * @param liveOnly only sessions that have not ended (unless {@code state} names one)
     * @param hostId the session host (SHARED pools)
     * @param desktopId the desktop (PERSISTENT and POOLED pools)
     * @param since created at or after; {@code until}: created before
     * @param q words in the username or the machine's name
     */
    record Filter(SessionState state, UUID poolId, UUID userId, UUID hostId, UUID desktopId, boolean liveOnly,
                  Instant since, Instant until, String q) {
    }

    /** A page of the tenant's sessions (sort keys: {@code createdAt} (default, newest first), {@code stateChangedAt}). */
    @Transactional(readOnly = true)
    Page<Session> page(UUID tenantId, Filter f, PageParams page) {
        Listing.Where where = Listing.Where.of("s.tenant_id = ?", tenantId).and("s.state = ?", f.state())
                .andIf(f.state() == null && f.liveOnly(), "s.state in " + SessionState.LIVE_LIST)
                .and("s.user_id = ?", f.userId()).and("s.desktop_id = ?", f.desktopId())
                .between("s.created_at", f.since(), f.until());
        boolean history = f.state() == null && !f.liveOnly();
        ofPoolOrHost(where, "s.pool_id", f.poolId(), history);
        ofPoolOrHost(where, "s.session_host_id", f.hostId(), history);
        if (f.q() != null && !f.q().isBlank()) {
            // the words name users, desktops or hosts: find those first (a few small reads), then the sessions by
            // their ids — an ilike on the joined names would be tried against every session of the tenant
            String pattern = Listing.contains(f.q());
            where.andAll("s.user_id = any(?) or s.desktop_id = any(?) or s.session_host_id = any(?)",
                    ids("select id from tenancy_users where tenant_id = ? and username ilike ?", tenantId, pattern),
                    ids("select id from pools_desktops where tenant_id = ? and name ilike ?", tenantId, pattern),
                    ids("select id from hosts_session_hosts where tenant_id = ? and name ilike ?", tenantId, pattern));
        }
        return LISTING.page(jdbc, where, page);
    }

    /**
     * A filter on a pool or a session host. Over a history (ended sessions too) the ended sessions are found by their
     * own index (V28: ended ones only, an entry written once, at the session's end) and the live ones by the live
     * sessions' index: the two halves are asked for as such, so that the planner ORs two index ranges.
     */
    private static void ofPoolOrHost(Listing.Where where, String column, UUID value, boolean history) {
        if (value != null && history) {
            where.andAll("(s.state = 'ENDED' and " + column + " = ?) or (s.state in " + SessionState.LIVE_LIST
                    + " and " + column + " = ?)", value, value);
        } else {
            where.and(column + " = ?", value);
        }
    }

    private UUID[] ids(String sql, UUID tenantId, String pattern) {
        return jdbc.sql(sql).params(tenantId, pattern).query(UUID.class).list().toArray(UUID[]::new);
    }

    static Session map(ResultSet rs, int row) throws SQLException {
        String endReason = rs.getString("end_reason");
        return new Session(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getObject("pool_id", UUID.class), rs.getString("pool_name"), PoolKind.valueOf(rs.getString("pool_kind")),
                rs.getObject("user_id", UUID.class), rs.getString("username"), SessionState.valueOf(rs.getString("state")),
                endReason == null ? null : EndReason.valueOf(endReason), rs.getObject("desktop_id", UUID.class),
                rs.getObject("session_host_id", UUID.class), rs.getString("machine_name"),
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("state_changed_at")),
                instant(rs.getTimestamp("connected_at")), instant(rs.getTimestamp("last_activity_at")),
                instant(rs.getTimestamp("ended_at")), preparing(rs),
                rs.getString("disconnected_by") == null || !"DISCONNECTED".equals(rs.getString("state")) ? null
                        : Session.DisconnectedBy.valueOf(rs.getString("disconnected_by")),
                consoleProblem(rs), changedBy(rs), ClipboardPolicy.valueOf(rs.getString("clipboard_policy")));
    }

    private static Session.ConsoleProblem consoleProblem(ResultSet rs) throws SQLException {
        String failure = rs.getString("console_failure");
        if (failure == null || rs.getInt("console_failures") == 0) {
            return null;
        }
        ConsoleFailure f = ConsoleFailure.valueOf(failure);
        return new Session.ConsoleProblem(f, rs.getInt("console_failures"), f.attemptsBeforeEnd(),
                instant(rs.getTimestamp("console_failure_at")));
    }

    private static Session.ChangedBy changedBy(ResultSet rs) throws SQLException {
        String name = rs.getString("changed_by_name");
        return name == null ? null : new Session.ChangedBy(name);
    }

    /** The phase of a PREPARING session on a session host: its agent is starting the user's desktop. */
    static final String AGENT_STARTING_PHASE = "SESSION_STARTING";

    private static Session.Preparing preparing(ResultSet rs) throws SQLException {
        if (!SessionState.PREPARING.name().equals(rs.getString("state"))) {
            return null;
        }
        String desktopState = rs.getString("desktop_state");
        if (desktopState == null) {
            return new Session.Preparing(AGENT_STARTING_PHASE, instant(rs.getTimestamp("state_changed_at")));
        }
        return new Session.Preparing(desktopState, instant(rs.getTimestamp("desktop_since")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
