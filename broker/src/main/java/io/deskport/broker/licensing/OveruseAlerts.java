package io.deskport.broker.licensing;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.deskport.broker.shared.CallerTransaction;

/**
 * Overuse alerts: the periods {@link LicenceReports#overusePeriods} finds in the seat history (more seats of a
 * product held than the licence in force has: a SOFT licence inside its margin, or a licence lowered by force
 * below the seats held) are recorded in {@code licence_overuse}, keyed by their start, and announced:
 * {@link LicenceOveruseStarted} when one is first seen, {@link LicenceOveruseEnded} when it is seen ended. A
 * period's start, end and peak are the instants the count crossed the seats, whenever the sweep happens to run.
 *
 * <p>Which products it looks at: those with an open period, those with a SOFT licence, and those holding
 * more seats than their capacity. A HARD licence's capacity is its seats, so it cannot go over otherwise.
 * It looks back to its previous pass (or {@code deskport.licensing.overuse-lookback} after a start), so a
 * period that began and ended between two passes is found too.
 */
@Component
class OveruseAlerts {

    private final JdbcClient jdbc;
    private final LicenceReports reports;
    private final ApplicationEventPublisher events;
    private final Duration lookback;
    private volatile Instant lastPass;

    OveruseAlerts(JdbcClient jdbc, LicenceReports reports, ApplicationEventPublisher events, LicensingProperties props) {
        this.jdbc = jdbc;
        this.reports = reports;
        this.events = events;
        this.lookback = props.overuseLookback();
    }

    /**
     * Records the periods since the previous pass, in the caller's transaction.
     *
     * @return alerts published
     */
    int record() {
        CallerTransaction.require();
        Instant now = jdbc.sql("select now()").query(Timestamp.class).single().toInstant();
        Instant since = lastPass == null ? now.minus(lookback) : lastPass.minusSeconds(1);
        record Candidate(UUID id, UUID tenantId, String name, Instant openSince) {
        }
        List<Candidate> products = jdbc.sql("""
                select p.id, p.tenant_id, p.name, (select min(o.started_at) from licence_overuse o
                                                    where o.product_id = p.id and o.ended_at is null)
                from licence_product p
                where exists (select 1 from licence_overuse o where o.product_id = p.id and o.ended_at is null)
                   or exists (select 1 from licence l where l.product_id = p.id and l.enforcement = 'SOFT')
                   or (select sum(used) - sum(capacity) from licence_seat_shard s where s.product_id = p.id) > 0
                order by p.id""")
                .query((rs, n) -> new Candidate(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getString(3), rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant()))
                .list();
        int alerts = 0;
        for (Candidate c : products) {
            Instant from = c.openSince() != null && c.openSince().isBefore(since) ? c.openSince() : since;
            for (OverusePeriod p : reports.overusePeriods(c.tenantId(), c.id(), from, now.plus(Duration.ofDays(1)))) {
                alerts += save(c.tenantId(), c.id(), c.name(), p);
            }
        }
        lastPass = now;
        return alerts;
    }

    /** Inserts the period or brings its row up to date (keyed by its true start); announces what is new. */
    private int save(UUID tenantId, UUID productId, String name, OverusePeriod p) {
        record Row(Instant endedAt, int peakExcess) {
        }
        Row seen = jdbc.sql("select ended_at, peak_excess from licence_overuse where product_id = ? and started_at = ? "
                        + "for update")
                .params(productId, ts(p.startedAt()))
                .query((rs, n) -> new Row(rs.getTimestamp(1) == null ? null : rs.getTimestamp(1).toInstant(), rs.getInt(2)))
                .optional().orElse(null);
        int alerts = 0;
        int peak = p.peakExcess();
        if (seen == null) {
            jdbc.sql("insert into licence_overuse (tenant_id, product_id, started_at, ended_at, seats, peak_excess) "
                            + "values (?, ?, ?, ?, ?, ?)")
                    .params(tenantId, productId, ts(p.startedAt()), ts(p.endedAt()), p.seats(), p.peakExcess()).update();
            events.publishEvent(new LicenceOveruseStarted(tenantId, productId, name, p.seats(), p.peakExcess(),
                    p.startedAt()));
            alerts++;
        } else {
            if (seen.endedAt() != null) {
                return 0;
            }
            peak = Math.max(peak, seen.peakExcess());
            jdbc.sql("update licence_overuse set ended_at = ?, peak_excess = ? where product_id = ? and started_at = ?")
                    .params(ts(p.endedAt()), peak, productId, ts(p.startedAt())).update();
        }
        if (p.endedAt() != null) {
            events.publishEvent(new LicenceOveruseEnded(tenantId, productId, name, p.seats(), peak, p.startedAt(),
                    p.endedAt()));
            alerts++;
        }
        return alerts;
    }

    private static Timestamp ts(Instant t) {
        return t == null ? null : Timestamp.from(t);
    }
}
