package io.deskport.broker.metering;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Computes a tenant's roll-up rows of some periods from the objects' intervals, replacing the rows the periods had
 * (delete, then insert: computing a period again gives the same rows). Seconds are summed exactly over the part of
 * each interval inside the period; an interval still open counts up to the period's end, or up to now in the
 * current period. A day that begins and ends on a UTC hour (every day of a zone whose offsets are whole hours, the
 * days of 23 and 25 hours included) is exactly its hours, so its seconds are its hours' summed (the same
 * microseconds, without reading the intervals again); a day of a half-hour zone is computed from the intervals. A
 * month's seconds are its days'. A day's peak of concurrent sessions is the highest count of open sessions over its
 * instants (a sweep over the instants sessions start and end, those of one instant netted); a month's is the highest
 * of its days'. Distinct users and devices are those with a session open during some part of the period.
 *
 * <p>Only the intervals of states a figure counts are read: an object's final change (a session ENDED, a desktop or
 * snapshot DELETED, a seat RELEASED) has no end, so it overlaps every period after it, and reading those made every
 * hour's computation grow with the tenant's whole history (the partial index {@code usage_interval_counted}).
 */
@Component
class UsageRollupFigures {

    /** The figures kept in seconds. */
    static final List<UsageMetric> SECONDS = List.of(UsageMetric.SESSION_SECONDS, UsageMetric.CONNECTED_SECONDS,
            UsageMetric.DESKTOP_RUNNING_SECONDS, UsageMetric.DESKTOP_STOPPED_SECONDS, UsageMetric.SEAT_SECONDS,
            UsageMetric.SNAPSHOT_SECONDS);

    /**
     * One period to compute.
     *
     * @param start its first instant
     * @param end   its end (exclusive)
     * @param localStart the tenant's wall clock at {@code start}
     * @param offsetSeconds the tenant's offset from UTC at {@code start}
     */
    record Period(UsageRollupGranularity granularity, Instant start, Instant end, LocalDateTime localStart,
                  int offsetSeconds) {

        static Period hour(Instant start, ZoneId zone) {
            return of(UsageRollupGranularity.HOUR, start, start.plus(Duration.ofHours(1)), zone);
        }

        static Period day(LocalDate day, ZoneId zone) {
            return of(UsageRollupGranularity.DAY, day.atStartOfDay(zone).toInstant(),
                    day.plusDays(1).atStartOfDay(zone).toInstant(), zone);
        }

        static Period month(YearMonth month, ZoneId zone) {
            return of(UsageRollupGranularity.MONTH, month.atDay(1).atStartOfDay(zone).toInstant(),
                    month.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant(), zone);
        }

        /** Whether the period begins and ends on a UTC hour: then it is exactly the UTC hours between. */
        boolean onUtcHours() {
            return start.getEpochSecond() % 3600 == 0 && start.getNano() == 0 && end.getEpochSecond() % 3600 == 0
                    && end.getNano() == 0;
        }

        private static Period of(UsageRollupGranularity g, Instant start, Instant end, ZoneId zone) {
            return new Period(g, start, end, LocalDateTime.ofInstant(start, zone),
                    zone.getRules().getOffset(start).getTotalSeconds());
        }
    }

    /** The periods as a relation {@code p(start_at, end_at, cap, local_start, utc_offset_seconds)}. */
    private static final String PERIODS = "with p as (select * from unnest(?::text[]::timestamptz[], ?::text[]::timestamptz[], "
            + "?::text[]::timestamptz[], ?::text[]::timestamp[], ?::text[]::integer[]) "
            + "as p(start_at, end_at, cap, local_start, utc_offset_seconds)) ";
    /**
     * Leaves out the states no figure counts (an object's final change, without an end). The predicate of the partial
     * index {@code usage_interval_counted}, word for word, so that the index is used.
     */
    static final String COUNTED_ONLY = "state not in ('ENDED', 'DELETED', 'RELEASED')";
    /** The intervals of the tenant that overlap a period (up to its cap), of the states a figure counts. */
    private static final String OVERLAPPING = "join usage_interval i on tstzrange(i.start_at, i.end_at) && tstzrange(p.start_at, p.cap) "
            + "and i.tenant_id = ? and i." + COUNTED_ONLY + " ";
    private static final String INSERT = "insert into usage_rollup (tenant_id, granularity, period_start, period_end, "
            + "local_start, utc_offset_seconds, time_zone, complete, metric, pool_id, user_id, product_id, vcpus, memory_mib, "
            + "disk_mib, value, reached_at) ";
    private static final String PERIOD_COLUMNS = "?, ?, p.start_at, p.end_at, p.local_start, p.utc_offset_seconds, ?, "
            + "p.cap = p.end_at, ";
    private static final String SPAN = "extract(epoch from least(coalesce(i.end_at, p.cap), p.cap) - greatest(i.start_at, p.start_at))";

    /**
     * Which state counts in which seconds figure (a connected session in two), and what that figure is broken down
     * by: pool, user, product, size (vCPUs and memory), disk. A join on the state: one row per interval and figure.
     */
    private static final String METRICS = "join (values "
            + "('OPEN', 'SESSION_SECONDS', true, true, false, false, false), "
            + "('CONNECTED', 'SESSION_SECONDS', true, true, false, false, false), "
            + "('CONNECTED', 'CONNECTED_SECONDS', true, true, false, false, false), "
            + "('RUNNING', 'DESKTOP_RUNNING_SECONDS', true, false, false, true, true), "
            + "('STOPPED', 'DESKTOP_STOPPED_SECONDS', true, false, false, true, true), "
            + "('HELD', 'SEAT_SECONDS', false, false, true, false, false), "
            + "('KEPT', 'SNAPSHOT_SECONDS', true, false, false, false, true)"
            + ") as m(state, metric, by_pool, by_user, by_product, by_size, by_disk) on m.state = i.state ";

    private static final String SECONDS_SQL = INSERT + PERIODS + "select " + PERIOD_COLUMNS
            + "m.metric, case when m.by_pool then i.pool_id end, case when m.by_user then i.user_id end, "
            + "case when m.by_product then i.product_id end, case when m.by_size then i.vcpus end, "
            + "case when m.by_size then i.memory_mib end, case when m.by_disk then i.disk_mib end, sum(" + SPAN + "), null "
            + "from p " + OVERLAPPING + METRICS
            // the period's columns, then the figure's (the select list's 9th to 15th)
            + "group by p.start_at, p.end_at, p.local_start, p.utc_offset_seconds, p.cap, 9, 10, 11, 12, 13, 14, 15 "
            + "having sum(" + SPAN + ") > 0";

    private static final String PEAK_SQL = INSERT + PERIODS + ", spans as ("
            + "select p.start_at as period, greatest(i.start_at, p.start_at) as a, least(coalesce(i.end_at, p.cap), p.cap) as b "
            + "from p " + OVERLAPPING + "where i.state in ('OPEN', 'CONNECTED')), "
            // +1 where a session's open stretch starts, -1 where it ends; one instant's changes netted, so a session
            // going from OPEN to CONNECTED, or one ending as another starts, is never counted twice
            + "steps as (select period, t, sum(d) as d from (select period, a as t, 1 as d from spans "
            + "union all select period, b, -1 from spans) x group by period, t), "
            + "levels as (select period, t, sum(d) over (partition by period order by t) as n from steps), "
            + "peaks as (select distinct on (period) period, n, t from levels order by period, n desc, t) "
            + "select " + PERIOD_COLUMNS + "'PEAK_SESSIONS', null, null, null, null, null, null, k.n, k.t "
            + "from peaks k join p on p.start_at = k.period where k.n > 0";

    private static final String DISTINCT_SQL = INSERT + PERIODS + ", counts as ("
            + "select p.start_at as period, count(distinct i.user_id) as users, count(distinct i.device_id) as devices "
            + "from p " + OVERLAPPING + "where i.state in ('OPEN', 'CONNECTED') group by p.start_at) "
            + "select " + PERIOD_COLUMNS + "m.metric, null, null, null, null, null, null, m.value, null "
            + "from counts c join p on p.start_at = c.period "
            + "cross join lateral (values ('DISTINCT_USERS', c.users), ('DISTINCT_DEVICES', c.devices)) as m(metric, value) "
            + "where m.value > 0";

    /**
     * A period's seconds as the sum of its parts' rows of the granularity given as the last parameter: a local month
     * is exactly its local days, a day that begins and ends on a UTC hour exactly its hours.
     */
    private static final String SUM_OF_PARTS_SQL = INSERT + PERIODS + "select " + PERIOD_COLUMNS
            + "d.metric, d.pool_id, d.user_id, d.product_id, d.vcpus, d.memory_mib, d.disk_mib, sum(d.value), null "
            + "from p join usage_rollup d on d.tenant_id = ? and d.granularity = ? and d.period_start >= p.start_at "
            + "and d.period_start < p.end_at and d.metric = any(?) "
            + "group by p.start_at, p.end_at, p.local_start, p.utc_offset_seconds, p.cap, d.metric, d.pool_id, d.user_id, "
            + "d.product_id, d.vcpus, d.memory_mib, d.disk_mib";

    /** A month's peak: the highest of its days', first reached on the first day that reached it. */
    private static final String MONTH_PEAK_SQL = INSERT + PERIODS + "select distinct on (p.start_at) " + PERIOD_COLUMNS
            + "'PEAK_SESSIONS', null, null, null, null, null, null, d.value, d.reached_at "
            + "from p join usage_rollup d on d.tenant_id = ? and d.granularity = 'DAY' and d.period_start >= p.start_at "
            + "and d.period_start < p.end_at and d.metric = 'PEAK_SESSIONS' "
            + "order by p.start_at, d.value desc, d.reached_at";

    private final JdbcClient jdbc;

    UsageRollupFigures(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Replaces the rows of these periods of the tenant (all of one granularity). Hours are computed from the
     * intervals; days from their hours' rows (which must be up to date) when they begin and end on a UTC hour, else
     * from the intervals, and their peaks and distinct counts from the intervals; months from their days' rows (which
     * must be up to date) and, for distinct users and devices, from the intervals.
     *
     * @param now the database's time: the periods that have not ended count their open intervals up to it
     */
    void recompute(UUID tenantId, ZoneId zone, UsageRollupGranularity granularity, Collection<Period> periods, Instant now) {
        List<Period> started = periods.stream().filter(p -> p.granularity() == granularity && p.start().isBefore(now)).toList();
        if (started.isEmpty()) {
            return;
        }
        Object[] p = periodArrays(started, now);
        jdbc.sql("delete from usage_rollup where tenant_id = ? and granularity = ? and period_start = any(?::text[]::timestamptz[])")
                .params(tenantId, granularity.name(), p[0]).update();
        String g = granularity.name();
        String z = zone.getId();
        String[] seconds = SECONDS.stream().map(UsageMetric::name).toArray(String[]::new);
        switch (granularity) {
            case HOUR -> jdbc.sql(SECONDS_SQL).params(periodParams(p, tenantId, g, z, tenantId)).update();
            case DAY -> {
                List<Period> ofHours = started.stream().filter(Period::onUtcHours).toList();
                List<Period> others = started.stream().filter(d -> !d.onUtcHours()).toList();
                if (!ofHours.isEmpty()) {
                    jdbc.sql(SUM_OF_PARTS_SQL).params(periodParams(periodArrays(ofHours, now), tenantId, g, z, tenantId,
                            UsageRollupGranularity.HOUR.name(), seconds)).update();
                }
                if (!others.isEmpty()) {
                    jdbc.sql(SECONDS_SQL).params(periodParams(periodArrays(others, now), tenantId, g, z, tenantId)).update();
                }
                jdbc.sql(PEAK_SQL).params(periodParams(p, tenantId, tenantId, g, z)).update();
                jdbc.sql(DISTINCT_SQL).params(periodParams(p, tenantId, tenantId, g, z)).update();
            }
            case MONTH -> {
                jdbc.sql(SUM_OF_PARTS_SQL).params(periodParams(p, tenantId, g, z, tenantId, UsageRollupGranularity.DAY.name(),
                        seconds)).update();
                jdbc.sql(MONTH_PEAK_SQL).params(periodParams(p, tenantId, g, z, tenantId)).update();
                jdbc.sql(DISTINCT_SQL).params(periodParams(p, tenantId, tenantId, g, z)).update();
            }
        }
    }

    /** The five arrays of {@link #PERIODS}: starts, ends, caps (the end, or now), local starts, offsets. */
    private static Object[] periodArrays(List<Period> periods, Instant now) {
        int n = periods.size();
        String[] starts = new String[n];
        String[] ends = new String[n];
        String[] caps = new String[n];
        String[] locals = new String[n];
        String[] offsets = new String[n];
        for (int i = 0; i < n; i++) {
            Period p = periods.get(i);
            starts[i] = p.start().toString();
            ends[i] = p.end().toString();
            caps[i] = (p.end().isAfter(now) ? now : p.end()).toString();
            locals[i] = p.localStart().toString();
            offsets[i] = Integer.toString(p.offsetSeconds());
        }
        return new Object[] {starts, ends, caps, locals, offsets};
    }

    /** The periods' arrays, then the statement's other parameters in their order. */
    private static List<Object> periodParams(Object[] arrays, Object... rest) {
        List<Object> params = new ArrayList<>(List.of(arrays));
        params.addAll(List.of(rest));
        return params;
    }
}
