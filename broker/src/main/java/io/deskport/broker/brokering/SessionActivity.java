package io.deskport.broker.brokering;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

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
        return jdbc.sql("select pool_id, state, count(*) from session where state in " + SessionState.LIVE_LIST
                        + " and tenant_id = ? group by pool_id, state")
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
     * start so that an hour without a start or end still counts the sessions open through it. Starts and ends at
     * one instant are netted (an end counts before a start). A pool without a session in the last day has no line.
     * In a transaction of the caller's, the window is its {@code now()}.
     *
     * <p>An hour that has ended keeps its peaks: every session that overlapped it is known by then (one that ends
     * later was open through it, one that starts later cannot touch it). So the 23 hours before the current one are
     * read once per hour per tenant and kept ({@link #PAST_HOURS_SETTLE} after the hour ended, so that a session
     * whose transaction began before the hour's end has committed); each reading then sweeps the current hour only:
     * the live sessions and the sessions ended since it began.
     */
    @Transactional(readOnly = true)
    public LastDay hourlyPeaks(UUID tenantId) {
        // the transaction's now(): the same instant in every statement
        Instant[] window = jdbc.sql("select date_trunc('hour', now()) - make_interval(hours => ?), now()")
                .param(HOURS - 1)
                .query((rs, n) -> new Instant[] {rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant()}).single();
        Instant firstHour = window[0];
        Instant now = window[1];
        Instant currentHour = firstHour.plus(Duration.ofHours(HOURS - 1));
        PastHours past = pastHours.get(tenantId);
        if (past == null || !past.firstHour().equals(firstHour)) {
            past = new PastHours(firstHour, sweep(tenantId, firstHour, currentHour));
            if (Duration.between(currentHour, now).compareTo(PAST_HOURS_SETTLE) >= 0) {
                if (pastHours.size() >= MAX_TENANTS_KEPT) {
                    pastHours.clear();
                }
                pastHours.put(tenantId, past);
            }
        }
        List<HourlyPeak> peaks = new ArrayList<>(past.peaks());
        peaks.addAll(sweep(tenantId, currentHour, now));
        return new LastDay(firstHour, now, peaks);
    }

    /** How long after an hour's end its peaks are kept (before, a session begun in it may not have committed yet). */
    static final Duration PAST_HOURS_SETTLE = Duration.ofMinutes(1);
    private static final int MAX_TENANTS_KEPT = 10_000;

    /** The peaks of the hours that ended, as read for the day that begins at {@code firstHour}. */
    private record PastHours(Instant firstHour, List<HourlyPeak> peaks) {
    }

    private final Map<UUID, PastHours> pastHours = new ConcurrentHashMap<>();

    /**
     * The sweep of {@link #hourlyPeaks} (its parameters: the window's bounds {@code lo} and {@code hi}, the tenant
     * twice): per hour of the window and pool, the peak of sessions open at once in the pool and in the tenant. Public
     * for the measurement that explains its plan at scale (DashboardSnapshotMeasurement).
     */
    public static final String HOURLY_PEAKS_SQL = "with win as (select cast(? as timestamptz) as lo, cast(? as timestamptz) as hi), "
        + "spans as ("
        + " select s.pool_id, greatest(s.created_at, win.lo) as a, s.ended_at as b from session s, win"
        + " where s.state in " + SessionState.LIVE_LIST + " and s.tenant_id = ? and s.created_at < win.hi"
        + " union all"
        + " select s.pool_id, greatest(s.created_at, win.lo), s.ended_at from session s, win"
        + " where s.state = 'ENDED' and s.tenant_id = ? and s.ended_at > win.lo and s.created_at < win.hi), "
        // one step per pool and instant: starts and ends netted, and an empty step at each hour's start
        + "steps as ("
        + " select pool_id, at, sum(d) as d from ("
        + "  select pool_id, a as at, 1 as d from spans"
        + "  union all select pool_id, b, -1 from spans, win where b < win.hi"
        + "  union all select p.pool_id, h, 0 from (select distinct pool_id from spans) p, win,"
        + "  generate_series(win.lo, win.hi - interval '1 microsecond', interval '1 hour') h"
        + " ) e group by pool_id, at), "
        // across pools, at one instant the decreases first: the running count never passes the true one
        + "counted as ("
        + " select pool_id, at,"
        + " sum(d) over (partition by pool_id order by at rows unbounded preceding) as in_pool,"
        + " sum(d) over (order by at, d rows unbounded preceding) as in_tenant"
        + " from steps) "
        + "select date_bin(interval '1 hour', at, win.lo) as hour, pool_id, max(in_pool), max(in_tenant) "
        + "from counted, win group by 1, 2 order by 1, 2";

    /** The peaks of the hours from {@code lo} (a whole hour) up to {@code hi}, from the sessions overlapping them. */
    private List<HourlyPeak> sweep(UUID tenantId, Instant lo, Instant hi) {
        if (!hi.isAfter(lo)) {
            return List.of();
        }
        return jdbc.sql(HOURLY_PEAKS_SQL)
                .params(Timestamp.from(lo), Timestamp.from(hi), tenantId, tenantId)
                .query((rs, n) -> new HourlyPeak(rs.getTimestamp(1).toInstant(), rs.getObject(2, UUID.class), rs.getInt(3),
                        rs.getInt(4)))
                .list();
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
