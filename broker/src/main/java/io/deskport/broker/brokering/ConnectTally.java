package io.deskport.broker.brokering;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import jakarta.annotation.PreDestroy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.deskport.broker.shared.DatabaseOutages;

/**
 * Connects and refusals per tenant, pool, outcome and minute, for the admin console's dashboard. A refused connect
 * rolls back and leaves nothing in the database, and the connect path must not pay a statement for a figure, so
 * each broker counts in memory (a map lookup and an increment) and adds what it counted to {@code connect_tally}
 * every {@link #FLUSH_MILLIS} ms in one statement; the figures of the last hour are then the table's rows plus what
 * this broker has not flushed yet. Counters only grow: a flush writes the difference to what it wrote before, so an
 * increment racing a flush is written by the next one, never lost. A broker that dies loses its unflushed seconds.
 */
@Component
class ConnectTally {

    private static final Logger log = LoggerFactory.getLogger(ConnectTally.class);
    static final long FLUSH_MILLIS = 2000;
    /** Rows older than this are deleted (the dashboard reads one hour). */
    private static final long KEEP_MINUTES = 120;
    /** Outcomes of a connect answered with a session. */
    static final String CREATED = "CREATED";
    static final String RECONNECTED = "RECONNECTED";

    private record Key(UUID tenantId, long minute, String outcome, UUID poolId) {
    }

    /** What was counted (never reset) and what of it is in the table already. */
    private static final class Counter {
        final LongAdder counted = new LongAdder();
        long flushed;
    }

    private final ConcurrentHashMap<Key, Counter> counters = new ConcurrentHashMap<>();
    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private long flushes;

    ConnectTally(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    /** Counts one connect's outcome: {@link #CREATED}, {@link #RECONNECTED} or a refusal's reason. */
    void count(UUID tenantId, UUID poolId, String outcome) {
        if (tenantId == null) {
            return;
        }
        long minute = System.currentTimeMillis() / 60_000;
        counters.computeIfAbsent(new Key(tenantId, minute, outcome, poolId), k -> new Counter()).counted.increment();
    }

    /** One outcome of the last hour: how many connects to the pool (null: none known) had it. */
    record Outcome(UUID poolId, String outcome, long count) {
    }

    /**
     * The tenant's connect outcomes of the current minute and the 59 before it: every broker's flushed counts plus
     * what this broker counted since its last flush.
     */
    List<Outcome> lastHour(UUID tenantId) {
        Map<List<Object>, Long> sums = new HashMap<>();
        jdbc.sql("select pool_id, outcome, sum(count) from connect_tally where tenant_id = ? "
                        + "and minute >= date_trunc('minute', now()) - interval '59 minutes' group by pool_id, outcome")
                .param(tenantId)
                .query(rs -> {
                    sums.merge(key(rs.getObject(1, UUID.class), rs.getString(2)), rs.getLong(3), Long::sum);
                });
        long from = System.currentTimeMillis() / 60_000 - 59;
        counters.forEach((k, c) -> {
            if (k.tenantId().equals(tenantId) && k.minute() >= from) {
                long pending;
                synchronized (c) {
                    pending = c.counted.sum() - c.flushed;
                }
                if (pending > 0) {
                    sums.merge(key(k.poolId(), k.outcome()), pending, Long::sum);
                }
            }
        });
        List<Outcome> outcomes = new ArrayList<>();
        sums.forEach((k, n) -> outcomes.add(new Outcome((UUID) k.get(0), (String) k.get(1), n)));
        return outcomes;
    }

    private static List<Object> key(UUID poolId, String outcome) {
        List<Object> k = new ArrayList<>(2);
        k.add(poolId);
        k.add(outcome);
        return k;
    }

    /** Adds what was counted since the last flush to the table; tells the dashboards which tenants it concerned. */
    @Scheduled(fixedDelay = FLUSH_MILLIS, initialDelay = FLUSH_MILLIS)
    synchronized void flush() {
        List<UUID> tenants = new ArrayList<>();
        List<Long> minutes = new ArrayList<>();
        List<String> outcomes = new ArrayList<>();
        List<UUID> pools = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        Map<Counter, Long> written = new HashMap<>();
        long now = System.currentTimeMillis() / 60_000;
        counters.forEach((k, c) -> {
            long total = c.counted.sum();
            long delta;
            synchronized (c) {
                delta = total - c.flushed;
            }
            if (delta > 0) {
                tenants.add(k.tenantId());
                minutes.add(k.minute());
                outcomes.add(k.outcome());
                pools.add(k.poolId());
                counts.add(delta);
                written.put(c, total);
            } else if (k.minute() < now - 2) {
                // a past minute, all of it written: no connect counts into it any more
                counters.remove(k, c);
            }
        });
        try {
            if (!tenants.isEmpty()) {
                jdbc.sql("insert into connect_tally (tenant_id, minute, outcome, pool_id, count) "
                                + "select t, to_timestamp(m * 60), o, p, c "
                                + "from unnest(?::uuid[], ?::bigint[], ?::text[], ?::uuid[], ?::bigint[]) as x(t, m, o, p, c) "
                                + "on conflict on constraint connect_tally_one_row "
                                + "do update set count = connect_tally.count + excluded.count")
                        .params(tenants.toArray(UUID[]::new), minutes.toArray(Long[]::new),
                                outcomes.toArray(String[]::new), pools.toArray(UUID[]::new), counts.toArray(Long[]::new))
                        .update();
                written.forEach((c, total) -> {
                    synchronized (c) {
                        c.flushed = Math.max(c.flushed, total);
                    }
                });
                events.publishEvent(new ConnectOutcomesCounted(Set.copyOf(tenants)));
            }
            if (++flushes % 150 == 0) {
                jdbc.sql("delete from connect_tally where minute < now() - make_interval(mins => ?)")
                        .param((int) KEEP_MINUTES).update();
            }
        } catch (RuntimeException e) {
            // kept in memory: the next flush writes it
            log.warn("Could not write the connect tally ({}); trying again in {} ms", DatabaseOutages.rootMessage(e),
                    FLUSH_MILLIS);
        }
    }

    @PreDestroy
    void flushAtShutdown() {
        flush();
    }
}
