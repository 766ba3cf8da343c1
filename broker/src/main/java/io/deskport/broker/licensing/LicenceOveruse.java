package io.deskport.broker.licensing;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.deskport.broker.shared.CallerTransaction;

/**
 * Overuse periods, found from the seat history and recorded in {@code licence_overuse}: while more seats
 * of a product are held than the licence in force has ({@code seats}; a SOFT licence allows its overuse
 * margin beyond them, a licence lowered by force below the seats held leaves its holders their seats). A
 * period's start and end are the instants the count crossed the seats, its peak the most seats above them,
 * whenever the sweep happens to run; {@link LicenceOveruseStarted} and {@link LicenceOveruseEnded} are the
 * alerts.
 *
 * <p>Which products it looks at: those with an open period, those with a SOFT licence, and those holding
 * more seats than their capacity. A HARD licence's capacity is its seats, so it cannot go over otherwise.
 * It looks back to its previous pass (or {@code deskport.licensing.overuse-lookback} after a start), so a
 * period that began and ended between two passes is found too.
 */
@Component
class LicenceOveruse {

    private final JdbcClient jdbc;
    private final LicenceCapacity capacity;
    private final ApplicationEventPublisher events;
    private final Duration lookback;
    private volatile Instant lastPass;

    LicenceOveruse(JdbcClient jdbc, LicenceCapacity capacity, ApplicationEventPublisher events,
                   LicensingProperties props) {
        this.jdbc = jdbc;
        this.capacity = capacity;
        this.events = events;
        this.lookback = props.overuseLookback();
    }

    /** One period: {@code end} null while it lasts. */
    record Period(Instant start, Instant end, int seats, int peakExcess, Instant peakAt) {
    }

    /** A holding of a seat, from taken to released (null: held). */
    record Holding(Instant taken, Instant released) {
    }

    /**
     * Records the periods since the previous pass, in the caller's transaction.
     *
     * @return periods started or ended
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
        int changes = 0;
        for (Candidate c : products) {
            Instant from = c.openSince() != null && c.openSince().isBefore(since) ? c.openSince() : since;
            for (Period p : periods(c.id(), from, now)) {
                changes += save(c.tenantId(), c.id(), c.name(), p);
            }
        }
        lastPass = now;
        return changes;
    }

    /** The product's overuse periods that overlap [from, to], computed from its seat history and licences. */
    List<Period> periods(UUID productId, Instant from, Instant to) {
        List<Holding> holdings = jdbc.sql("select taken_at, released_at from licence_seat where product_id = ? "
                        + "and released_at is null and taken_at <= ? union all "
                        + "select taken_at, released_at from licence_seat where product_id = ? and released_at > ? "
                        + "and taken_at <= ?")
                .params(productId, Timestamp.from(to), productId, Timestamp.from(from), Timestamp.from(to))
                .query((rs, n) -> new Holding(rs.getTimestamp(1).toInstant(),
                        rs.getTimestamp(2) == null ? null : rs.getTimestamp(2).toInstant()))
                .list();
        return periods(holdings, capacity.terms(productId), from, to);
    }

    /**
     * The sweep line: counts holdings over [from, to] (half-open: a release at an instant counts before a take
     * at the same instant) against the seats of the licence in force, which change at licences' starts, ends
     * and grace ends.
     */
    static List<Period> periods(List<Holding> holdings, List<LicenceTerm> terms, Instant from, Instant to) {
        record Point(Instant at, int order, int delta) {
        }
        List<Point> points = new ArrayList<>();
        int count = 0;
        for (Holding h : holdings) {
            if (h.taken().isAfter(from)) {
                points.add(new Point(h.taken(), 2, +1));
            } else if (h.released() == null || h.released().isAfter(from)) {
                count++;
            }
            if (h.released() != null && h.released().isAfter(from) && !h.released().isAfter(to)) {
                points.add(new Point(h.released(), 0, -1));
            }
        }
        for (LicenceTerm t : terms) {
            for (Instant change : new Instant[] {t.validFrom(), t.validUntil(), t.graceEnd()}) {
                if (change != null && change.isAfter(from) && !change.isAfter(to)) {
                    points.add(new Point(change, 1, 0));
                }
            }
        }
        points.sort(Comparator.comparing(Point::at).thenComparingInt(Point::order));
        List<Period> periods = new ArrayList<>();
        int seats = seatsAt(terms, from);
        Instant start = null;
        int peak = 0;
        Instant peakAt = null;
        int startSeats = 0;
        if (count > seats) {
            start = from;
            peak = count - seats;
            peakAt = from;
            startSeats = seats;
        }
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            count += p.delta();
            if (p.order() == 1) {
                seats = seatsAt(terms, p.at());
            }
            // every point of one instant is applied before the state is judged
            if (i + 1 < points.size() && points.get(i + 1).at().equals(p.at())) {
                continue;
            }
            if (count > seats) {
                if (start == null) {
                    start = p.at();
                    peak = 0;
                    startSeats = seats;
                }
                if (count - seats > peak) {
                    peak = count - seats;
                    peakAt = p.at();
                }
            } else if (start != null) {
                periods.add(new Period(start, p.at(), startSeats, peak, peakAt));
                start = null;
            }
        }
        if (start != null) {
            periods.add(new Period(start, null, startSeats, peak, peakAt));
        }
        return periods;
    }

    private static int seatsAt(List<LicenceTerm> terms, Instant t) {
        return LicenceTerm.inForce(terms, t).map(LicenceTerm::seats).orElse(0);
    }

    /**
     * Inserts the period, or extends the row of the same period seen by an earlier pass (a period in progress
     * at the window's start begins there in this pass's eyes).
     *
     * @return alerts published
     */
    private int save(UUID tenantId, UUID productId, String name, Period p) {
        record Row(long id, Instant startedAt, Instant endedAt) {
        }
        Row seen = jdbc.sql("select id, started_at, ended_at from licence_overuse where product_id = ? "
                        + "and started_at <= coalesce(?::timestamptz, 'infinity') and (ended_at is null or ended_at >= ?) "
                        + "order by started_at desc limit 1 for update")
                .params(productId, ts(p.end()), ts(p.start()))
                .query((rs, n) -> new Row(rs.getLong(1), rs.getTimestamp(2).toInstant(),
                        rs.getTimestamp(3) == null ? null : rs.getTimestamp(3).toInstant()))
                .optional().orElse(null);
        int alerts = 0;
        Instant startedAt;
        if (seen == null) {
            jdbc.sql("insert into licence_overuse (tenant_id, product_id, started_at, ended_at, seats, peak_excess) "
                            + "values (?, ?, ?, ?, ?, ?)")
                    .params(tenantId, productId, ts(p.start()), ts(p.end()), p.seats(), p.peakExcess()).update();
            events.publishEvent(new LicenceOveruseStarted(tenantId, productId, name, p.seats(), p.peakExcess(), p.start()));
            alerts++;
            startedAt = p.start();
        } else {
            jdbc.sql("update licence_overuse set ended_at = coalesce(ended_at, ?), peak_excess = greatest(peak_excess, ?) "
                    + "where id = ?").params(ts(p.end()), p.peakExcess(), seen.id()).update();
            if (seen.endedAt() != null) {
                return 0;
            }
            startedAt = seen.startedAt();
        }
        if (p.end() != null) {
            int peak = jdbc.sql("select peak_excess from licence_overuse where product_id = ? and started_at = ?")
                    .params(productId, ts(startedAt)).query(Integer.class).single();
            events.publishEvent(new LicenceOveruseEnded(tenantId, productId, name, p.seats(), peak, startedAt, p.end()));
            alerts++;
        }
        return alerts;
    }

    private static Timestamp ts(Instant t) {
        return t == null ? null : Timestamp.from(t);
    }
}
