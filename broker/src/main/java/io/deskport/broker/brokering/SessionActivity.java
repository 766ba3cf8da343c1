package io.deskport.broker.brokering;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * A tenant's sessions in figures, for the admin console's dashboard: the live sessions per pool and state, the
 * peak of concurrent sessions per pool in each hour of the last day, and the connects and refusals of the last
 * hour. Each is one aggregate over indexed rows: the live sessions, the sessions that ended in the last day
 * ({@code session_ended_by_tenant}), the last hour's minutes of the connect tally — never the sessions' history.
 */
@Service
public class SessionActivity {

    /** The hours of {@link #hourlyPeaks}: the current one and the 23 before it. */
    public static final int HOURS = 24;

    private final JdbcClient jdbc;
    private final ConnectTally tally;

    SessionActivity(JdbcClient jdbc, ConnectTally tally) {
        this.jdbc = jdbc;
        this.tally = tally;
    }

    /** How many live sessions of a pool are in one state. */
    public record LiveCount(UUID poolId, SessionState state, int count) {
    }

    /** The tenant's sessions that have not ended, counted per pool and state. */
    @Transactional(readOnly = true)
    public List<LiveCount> live(UUID tenantId) {
        return jdbc.sql("select pool_id, state, count(*) from session where state <> 'ENDED' and tenant_id = ? "
                        + "group by pool_id, state")
                .param(tenantId)
                .query((rs, n) -> new LiveCount(rs.getObject(1, UUID.class), SessionState.valueOf(rs.getString(2)),
                        rs.getInt(3)))
                .list();
    }

    /**
     * The most sessions open at one instant in an hour: of one pool, and of all the tenant's pools together (not the
     * sum of the pools' peaks, which may fall at different instants).
     *
     * @param hourStart the hour's start (UTC, whole hours)
     * @param poolPeak the pool's peak in that hour
     * @param tenantPeak the peak of all the tenant's sessions in that hour
     */
    public record HourlyPeak(Instant hourStart, UUID poolId, int poolPeak, int tenantPeak) {
    }

    /**
     * The peak of concurrent sessions per pool in each of the last {@value #HOURS} hours (the current hour up to
     * now), from the sessions that overlap them: a sweep over their starts and ends, with a step at each hour's
     * start so that an hour without a start or end still counts the sessions open through it. At one instant ends
     * are counted before starts. A pool without a session in the last day has no line. In a transaction of the
     * caller's, the window is its {@code now()}.
     */
    @Transactional(readOnly = true)
    public LastDay hourlyPeaks(UUID tenantId) {
        // the transaction's now(): the same instant in both statements
        Instant[] window = jdbc.sql("select date_trunc('hour', now()) - make_interval(hours => ?), now()")
                .param(HOURS - 1)
                .query((rs, n) -> new Instant[] {rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant()}).single();
        List<HourlyPeak> peaks = jdbc.sql("with win as (select date_trunc('hour', now()) - make_interval(hours => ?) as lo, now() as hi), "
                        + "spans as ("
                        + " select s.pool_id, greatest(s.created_at, win.lo) as a, s.ended_at as b from session s, win"
                        + " where s.state <> 'ENDED' and s.tenant_id = ?"
                        + " union all"
                        + " select s.pool_id, greatest(s.created_at, win.lo), s.ended_at from session s, win"
                        + " where s.state = 'ENDED' and s.tenant_id = ? and s.ended_at > win.lo), "
                        + "steps as ("
                        + " select pool_id, a as at, 1 as d from spans"
                        + " union all select pool_id, b, -1 from spans where b is not null"
                        + " union all select p.pool_id, h, 0 from (select distinct pool_id from spans) p, win,"
                        + " generate_series(win.lo, win.hi, interval '1 hour') h), "
                        + "counted as ("
                        + " select pool_id, at,"
                        + " sum(d) over (partition by pool_id order by at, d rows unbounded preceding) as in_pool,"
                        + " sum(d) over (order by at, d rows unbounded preceding) as in_tenant"
                        + " from steps) "
                        + "select date_trunc('hour', at) as hour, pool_id, max(in_pool), max(in_tenant) from counted "
                        + "group by 1, 2 order by 1, 2")
                .params(HOURS - 1, tenantId, tenantId)
                .query((rs, n) -> new HourlyPeak(rs.getTimestamp(1).toInstant(), rs.getObject(2, UUID.class), rs.getInt(3),
                        rs.getInt(4)))
                .list();
        return new LastDay(window[0], window[1], peaks);
    }

    /**
     * The last {@value #HOURS} hours of a tenant's sessions.
     *
     * @param firstHour the start of the first hour (UTC, a whole hour)
     * @param until now (the last hour ends here)
     * @param peaks a line per pool and hour with sessions (the hours and pools without any are left out)
     */
    public record LastDay(Instant firstHour, Instant until, List<HourlyPeak> peaks) {
    }

    /**
     * Connects of the last hour with one outcome.
     *
     * @param poolId the pool asked for; null when the refusal came before the pool was known to be the tenant's
     * @param outcome {@code CREATED} (a new session), {@code RECONNECTED} (the user's live session), or the reason
     *                of a refusal ({@code POOL_EXHAUSTED}, {@code TENANT_QUOTA}, …)
     */
    public record ConnectCount(UUID poolId, String outcome, long count) {

        /** True when the connect was refused. */
        public boolean refused() {
            return !ConnectTally.CREATED.equals(outcome) && !ConnectTally.RECONNECTED.equals(outcome);
        }
    }

    /**
     * The tenant's connects of the current minute and the 59 before it, per pool and outcome: every broker's counts
     * up to its last flush (every {@value ConnectTally#FLUSH_MILLIS} ms) and this broker's since.
     */
    @Transactional(readOnly = true)
    public List<ConnectCount> lastHour(UUID tenantId) {
        return tally.lastHour(tenantId).stream().map(o -> new ConnectCount(o.poolId(), o.outcome(), o.count())).toList();
    }
}
