package io.deskport.broker.metering;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.metering.UsageRollupFigures.Period;
import io.deskport.broker.tenancy.Tenant;
import io.deskport.broker.tenancy.Tenants;

/**
 * Keeps the usage roll-ups up to date, every {@code deskport.metering.rollup-interval} on one broker at a time (a
 * PostgreSQL advisory lock, taken by each of the pass's transactions, as the licence sweep does), about once an
 * interval however many brokers there are ({@link #passedLately()}). A pass:
 *
 * <ol>
 *   <li>reads the events after its cursor, gap-free ({@link UsageEventLog}), turns each into a change of its object
 *       ({@link UsageIntervals}, a batch at a time in a few statements), marks the UTC hours the changes affect dirty,
 *       and moves the cursor, all in one transaction per batch: a crash leaves the batch either wholly read or not read
 *       at all;</li>
 *   <li>marks the hours since the last pass dirty for every tenant with something open (a session, a desktop, a
 *       seat) then: the hour that was current is counted to its end, the current one up to now;</li>
 *   <li>recomputes each dirty hour, and the tenant's local days and months that overlap it, from the intervals
 *       ({@link UsageRollupFigures}), and clears the marks in the same transaction.</li>
 * </ol>
 *
 * The pass writes no usage event, so its transactions that read a batch or recompute hours tell readers of the
 * log not to wait for them ({@link UsageHorizon}): the webhooks' lag does not grow with the roll-ups' work.
 *
 * An event whose time is before hours already rolled up marks those hours again: a late event re-opens its hour.
 */
@Component
public class UsageRollups {

    private static final Logger log = LoggerFactory.getLogger(UsageRollups.class);
    /** The advisory lock that keeps one broker rolling up ("roll-ups" in ASCII). */
    private static final long LOCK = 0x726f6c6c2d757073L;
    /** The events one transaction reads. */
    static final int EVENTS_PER_TRANSACTION = 2000;
    /** The dirty hours one transaction recomputes. */
    static final int HOURS_PER_TRANSACTION = 500;
    private static final Set<UsageEventType> COUNTED = EnumSet.complementOf(EnumSet.of(UsageEventType.TENANT_QUOTA_CHANGED));
    private static final Duration HOUR = Duration.ofHours(1);
    /** The memory each sort or hash of a recomputing transaction may use. */
    private static final String WORK_MEM = "64MB";

    private final JdbcClient jdbc;
    private final UsageEventLog events;
    private final UsageIntervals intervals;
    private final UsageRollupFigures figures;
    private final Tenants tenants;
    private final UsageHorizon horizon;
    private final TransactionTemplate tx;
    private final Duration rollupInterval;

    UsageRollups(JdbcClient jdbc, UsageEventLog events, UsageIntervals intervals, UsageRollupFigures figures,
                 Tenants tenants, UsageHorizon horizon, PlatformTransactionManager txManager, MeteringProperties properties) {
        this.jdbc = jdbc;
        this.rollupInterval = properties.rollupInterval();
        this.horizon = horizon;
        this.events = events;
        this.intervals = intervals;
        this.figures = figures;
        this.tenants = tenants;
        this.tx = new TransactionTemplate(txManager);
    }

    /**
     * What one pass did.
     *
     * @param ran    false when another broker was rolling up (nothing was done here)
     * @param events the events read
     * @param hours  the dirty hours recomputed (with their days and months)
     * @param cursor the pass's place in the log after it
     */
    public record Pass(boolean ran, int events, int hours, UsageCursor cursor) {
    }

    @Scheduled(fixedDelayString = "${deskport.metering.rollup-interval:1m}",
            initialDelayString = "${deskport.metering.rollup-interval:1m}")
    void scheduled() {
        try {
            if (passedLately()) {
                return;
            }
            Pass pass = pass(false);
            if (pass.ran() && pass.events() + pass.hours() > 0) {
                log.debug("Usage roll-ups: {}", pass);
            }
        } catch (RuntimeException e) {
            log.warn("Usage roll-up pass failed; the next one picks up where it stopped: {}", e.getMessage());
        }
    }

    /**
     * Whether a pass (on this broker or another) brought the roll-ups up to the clock less than nine tenths of the
     * interval ago: then this broker's turn is skipped. Each replica schedules a pass every interval, and every pass
     * recomputes the current hour, day and month of each tenant with something open — seconds of the database's
     * work for a tenant of 10,000 users (bench/metering, 2026-12-07: 2.5–3 s, in statements of 0.35–0.8 s) — so with
     * N replicas the work was done N times an interval. Now it is done about once: by whichever replica's turn
     * comes first after the interval; when that replica is gone, another's next turn runs it.
     */
    boolean passedLately() {
        long within = rollupInterval.toMillis() * 9 / 10;
        // (no pass yet: rolled_until is null, and this one runs)
        return Boolean.TRUE.equals(jdbc.sql("select coalesce(rolled_until > now() - ? * interval '1 millisecond', false) "
                + "from usage_rollup_state where id = 1").param(within).query(Boolean.class).optional().orElse(false));
    }

    /**
     * Brings the roll-ups up to date now: every event visible in the log is read and every dirty hour recomputed.
     * Waits while another broker's pass runs rather than skipping.
     */
    public Pass rollUpNow() {
        return pass(true);
    }

    /**
     * Marks a tenant's hours that overlap {@code [from, to)} dirty (up to now), widened to whole days of the tenant's
     * time zone: the next pass recomputes them, and the days and months they fall in, from the intervals (after the
     * tenant's time zone changed, or to check that re-rolling a period gives the same rows). Whole days, because a
     * day's seconds are summed from its hours' rows, which must all be up to date.
     */
    public void reroll(UUID tenantId, Instant from, Instant to) {
        ZoneId zone = tenants.find(tenantId).map(Tenant::timeZone).map(ZoneId::of).orElse(ZoneId.of("UTC"));
        Instant first = LocalDate.ofInstant(from, zone).atStartOfDay(zone).toInstant();
        Instant last = LocalDate.ofInstant(to.minus(1, ChronoUnit.MICROS), zone).plusDays(1).atStartOfDay(zone).toInstant();
        tx.executeWithoutResult(status -> {
            Instant upper = last.minus(1, ChronoUnit.MICROS);
            Instant now = now();
            SortedSet<Instant> hours = new TreeSet<>();
            for (Instant h = first.truncatedTo(ChronoUnit.HOURS); !h.isAfter(upper) && !h.isAfter(now); h = h.plus(HOUR)) {
                hours.add(h);
            }
            markDirty(Map.of(tenantId, hours));
        });
    }

    /** @return the pass's place in the usage event log: the last event it has read */
    public UsageCursor cursor() {
        return jdbc.sql("select cursor_tx::text, cursor_seq from usage_rollup_state where id = 1")
                .query((rs, n) -> new UsageCursor(Long.parseLong(rs.getString(1)), rs.getLong(2))).single();
    }

    private Pass pass(boolean wait) {
        int read = 0;
        UsageCursor cursor;
        while (true) {
            Ingested batch = tx.execute(status -> locked(wait) ? ingest() : null);
            if (batch == null) {
                return new Pass(false, read, 0, null);
            }
            read += batch.events();
            cursor = batch.cursor();
            if (batch.events() < EVENTS_PER_TRANSACTION) {
                break;
            }
        }
        if (!Boolean.TRUE.equals(tx.execute(status -> locked(wait) && clock()))) {
            return new Pass(false, read, 0, cursor);
        }
        int hours = 0;
        while (true) {
            Integer done = tx.execute(status -> locked(wait) ? recompute() : null);
            if (done == null) {
                return new Pass(false, read, hours, cursor);
            }
            hours += done;
            if (done < HOURS_PER_TRANSACTION) {
                break;
            }
        }
        return new Pass(true, read, hours, cursor);
    }

    private boolean locked(boolean wait) {
        if (wait) {
            jdbc.sql("select 1 from (select pg_advisory_xact_lock(?)) as waited").param(LOCK).query(Integer.class).single();
            return true;
        }
        return Boolean.TRUE.equals(jdbc.sql("select pg_try_advisory_xact_lock(?)").param(LOCK).query(Boolean.class).single());
    }

    private record Ingested(int events, UsageCursor cursor) {
    }

    /** Step 1: a batch of events into intervals and dirty hours; the cursor moves with them. */
    private Ingested ingest() {
        // the advisory lock keeps every other pass out: the state row needs no row lock
        UsageCursor cursor = jdbc.sql("select cursor_tx::text, cursor_seq from usage_rollup_state where id = 1")
                .query((rs, n) -> new UsageCursor(Long.parseLong(rs.getString(1)), rs.getLong(2))).single();
        List<UsageEvent> batch = events.after(cursor, null, COUNTED, EVENTS_PER_TRANSACTION);
        if (batch.isEmpty()) {
            return new Ingested(0, cursor);
        }
        horizon.exemptCurrentTransaction(); // writes no usage event: readers of the log need not wait for it
        markDirty(hours(intervals.apply(batch), now()));
        UsageCursor last = batch.getLast().position();
        jdbc.sql("update usage_rollup_state set cursor_tx = ?::text::xid8, cursor_seq = ?, events_read = events_read + ? "
                + "where id = 1").params(Long.toString(last.tx()), last.seq(), batch.size()).update();
        return new Ingested(batch.size(), last);
    }

    /** Step 2: the hours since the last pass, for every tenant with something open in them. */
    private boolean clock() {
        Instant now = now();
        Timestamp until = jdbc.sql("select rolled_until from usage_rollup_state where id = 1")
                .query(Timestamp.class).optional().orElse(null);
        Instant since = until == null || until.toInstant().isAfter(now) ? now : until.toInstant();
        List<UUID> open = jdbc.sql("select distinct tenant_id from usage_interval where " + UsageRollupFigures.COUNTED_ONLY
                        + " and tstzrange(start_at, end_at) && tstzrange(?, ?, '[]')")
                .params(UsageIntervals.utc(since), UsageIntervals.utc(now)).query(UUID.class).list();
        SortedSet<Instant> hours = new TreeSet<>();
        addHours(hours, since, now);
        Map<UUID, SortedSet<Instant>> dirty = new LinkedHashMap<>();
        open.forEach(t -> dirty.put(t, hours));
        markDirty(dirty);
        jdbc.sql("update usage_rollup_state set rolled_until = ? where id = 1").param(UsageIntervals.utc(now)).update();
        return true;
    }

    /** Step 3: some dirty hours, with their days and months, recomputed and unmarked. */
    private int recompute() {
        Instant now = now();
        Map<UUID, List<Instant>> dirty = new LinkedHashMap<>();
        jdbc.sql("select tenant_id, hour_start from usage_rollup_dirty where hour_start < ? order by tenant_id, hour_start "
                        + "limit " + HOURS_PER_TRANSACTION).param(UsageIntervals.utc(now))
                .query(rs -> {
                    dirty.computeIfAbsent(rs.getObject(1, UUID.class), t -> new ArrayList<>())
                            .add(rs.getTimestamp(2).toInstant());
                });
        if (dirty.isEmpty()) {
            return 0;
        }
        horizon.exemptCurrentTransaction(); // seconds of work that writes no usage event: readers need not wait
        // the figures of a busy hour group hundreds of thousands of rows: in memory (one pass at a time, platform-wide)
        // rather than spilled to temporary files at PostgreSQL's default 4 MB
        jdbc.sql("set local work_mem = '" + WORK_MEM + "'").update();
        int count = 0;
        for (Map.Entry<UUID, List<Instant>> tenant : dirty.entrySet()) {
            UUID tenantId = tenant.getKey();
            List<Instant> hours = tenant.getValue();
            ZoneId zone = tenants.find(tenantId).map(Tenant::timeZone).map(ZoneId::of).orElse(null);
            if (zone == null) {
                log.info("Usage roll-ups: tenant {} is gone; its {} dirty hour(s) are dropped and its roll-ups kept as they are",
                        tenantId, hours.size());
            } else {
                SortedSet<LocalDate> days = new TreeSet<>();
                List<Period> hourPeriods = new ArrayList<>();
                for (Instant h : hours) {
                    hourPeriods.add(Period.hour(h, zone));
                    days.add(LocalDate.ofInstant(h, zone));
                    days.add(LocalDate.ofInstant(h.plus(HOUR).minusNanos(1), zone)); // an hour of a half-hour zone: two days
                }
                SortedSet<YearMonth> months = new TreeSet<>();
                days.forEach(d -> months.add(YearMonth.from(d)));
                figures.recompute(tenantId, zone, UsageRollupGranularity.HOUR, hourPeriods, now);
                figures.recompute(tenantId, zone, UsageRollupGranularity.DAY, days.stream().map(d -> Period.day(d, zone)).toList(), now);
                figures.recompute(tenantId, zone, UsageRollupGranularity.MONTH,
                        months.stream().map(m -> Period.month(m, zone)).toList(), now);
            }
            jdbc.sql("delete from usage_rollup_dirty where tenant_id = ? and hour_start = any(?::text[]::timestamptz[])")
                    .params(tenantId, hours.stream().map(Instant::toString).toArray(String[]::new)).update();
            count += hours.size();
        }
        return count;
    }

    /**
     * The UTC hours the stretches overlap, per tenant, up to now. Of the stretches that last up to now only the
     * earliest start of each tenant's matters: its hours hold every other's.
     */
    private static Map<UUID, SortedSet<Instant>> hours(List<UsageIntervals.Affected> affected, Instant now) {
        Map<UUID, SortedSet<Instant>> hours = new LinkedHashMap<>();
        Map<UUID, Instant> earliestOpen = new LinkedHashMap<>();
        for (UsageIntervals.Affected a : affected) {
            if (a.to() == null || a.to().isAfter(now)) {
                earliestOpen.merge(a.tenantId(), a.from(), (x, y) -> x.isBefore(y) ? x : y);
            } else {
                addHours(hours.computeIfAbsent(a.tenantId(), t -> new TreeSet<>()), a.from(), a.to().minus(1, ChronoUnit.MICROS));
            }
        }
        earliestOpen.forEach((tenantId, from) -> addHours(hours.computeIfAbsent(tenantId, t -> new TreeSet<>()), from, now));
        return hours;
    }

    /** Adds the hours from the one {@code from} is in to the one {@code upper} is in. */
    private static void addHours(SortedSet<Instant> hours, Instant from, Instant upper) {
        for (Instant h = from.truncatedTo(ChronoUnit.HOURS); !h.isAfter(upper); h = h.plus(HOUR)) {
            hours.add(h);
        }
    }

    /** Marks the hours of every tenant dirty, in one statement. */
    private void markDirty(Map<UUID, SortedSet<Instant>> hours) {
        List<String> tenantIds = new ArrayList<>();
        List<String> starts = new ArrayList<>();
        hours.forEach((tenantId, those) -> those.forEach(h -> {
            tenantIds.add(tenantId.toString());
            starts.add(h.toString());
        }));
        if (starts.isEmpty()) {
            return;
        }
        jdbc.sql("insert into usage_rollup_dirty (tenant_id, hour_start) select * from unnest(?::text[]::uuid[], "
                        + "?::text[]::timestamptz[]) on conflict do nothing")
                .params(tenantIds.toArray(String[]::new), starts.toArray(String[]::new)).update();
    }

    private Instant now() {
        return jdbc.sql("select now()").query(Timestamp.class).single().toInstant();
    }
}
