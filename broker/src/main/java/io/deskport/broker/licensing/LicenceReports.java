package io.deskport.broker.licensing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.CsvTable;
import io.deskport.broker.shared.Listing;
import io.deskport.broker.shared.Page;
import io.deskport.broker.shared.PageParams;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.tenancy.Tenants;

/**
 * The compliance reports of a tenant's licences, from the seat history ({@code licence_seat}) and the licences: the
 * seats in use now, the peak of concurrent use per day or month, the holders of seats, the periods of overuse and
 * the licences about to expire. Days and months are the tenant's ({@link Tenants#timeZone}): a day is from one
 * local midnight to the next, 23 or 25 hours long on the days the clocks change; every time is answered with the
 * tenant's offset at that instant.
 *
 * <p>Each report reads in one REPEATABLE READ transaction, its "now" the database's clock at its first statement: a
 * seat taken after it is not in the report, one taken before it is.
 */
@Service
class LicenceReports {

    /** The longest range of days a report of peaks or overuse covers. */
    static final int MAX_DAYS = 400;
    /** The farthest ahead the report of expiring licences looks. */
    static final int MAX_WITHIN_DAYS = 3650;

    private final JdbcClient jdbc;
    private final Tenants tenants;

    LicenceReports(JdbcClient jdbc, Tenants tenants) {
        this.jdbc = jdbc;
        this.tenants = tenants;
    }

    /** Days or months. */
    enum PeakPeriod {
        /** A local day of the tenant's time zone. */
        DAY,
        /** A local month of the tenant's time zone. */
        MONTH
    }

    /** What holds the seat. */
    enum HolderKind {
        /** A user (NAMED_USER, CONCURRENT_USER). */
        USER,
        /** A client device (PER_DEVICE). */
        DEVICE,
        /** A provisioned desktop (PER_DESKTOP). */
        DESKTOP;

        static HolderKind of(LicenceModel model) {
            return switch (model) {
                case NAMED_USER, CONCURRENT_USER -> USER;
                case PER_DEVICE -> DEVICE;
                case PER_DESKTOP -> DESKTOP;
            };
        }
    }

    // ---- the answers ----

    /**
     * The seats in use now, per product of the tenant.
     *
     * @param timeZone the tenant's time zone
     * @param at the instant counted
     */
    record LicenceUsageReport(String timeZone, OffsetDateTime at, List<LicenceProductUsage> products) implements CsvTable {

        @Override
        public String csvFilename() {
            return "licence-usage-" + at.toLocalDate() + ".csv";
        }

        @Override
        public List<String> csvColumns() {
            return List.of("productId", "name", "vendor", "sku", "model", "seats", "enforcement", "overuseMargin",
                    "capacity", "seatsInUse", "overuse", "licenceId", "validUntil", "inGrace", "at");
        }

        @Override
        public List<List<Object>> csvRows() {
            return products.stream().map(p -> row(p.productId(), p.name(), p.vendor(), p.sku(), p.model(), p.seats(),
                    p.enforcement(), p.overuseMargin(), p.capacity(), p.seatsInUse(), p.overuse(), p.licenceId(),
                    p.validUntil(), p.inGrace(), at)).toList();
        }
    }

    /**
     * One product's seats now.
     *
     * @param seats the seats of the licence in force (0 when none is)
     * @param enforcement the licence in force's; null when none is
     * @param overuseMargin the seats a SOFT licence allows beyond its seats (0 for HARD or none)
     * @param capacity the seats a connect may take: the seats, plus the margin when SOFT
     * @param seatsInUse seats held now
     * @param overuse seats in use beyond the seats (0 when within them)
     * @param licenceId the licence in force, null when none is
     * @param validUntil its end (null: perpetual, or none in force)
     * @param inGrace whether the licence in force has ended and counts in its grace period
     */
    record LicenceProductUsage(UUID productId, String name, String vendor, String sku, LicenceModel model, int seats,
                        Enforcement enforcement, int overuseMargin, int capacity, int seatsInUse, int overuse,
                        UUID licenceId, OffsetDateTime validUntil, boolean inGrace) {
    }

    /**
     * The peak of concurrent use of a product per local day or month.
     *
     * @param from the first day counted
     * @param to the last day counted (inclusive)
     * @param peaks a line per day or month, up to now (a day or month that has not begun is left out; the current
     *              one ends now)
     */
    record LicencePeakReport(UUID productId, String productName, LicenceModel model, String timeZone, PeakPeriod period,
                      LocalDate from, LocalDate to, List<LicencePeak> peaks) implements CsvTable {

        @Override
        public String csvFilename() {
            return "licence-peaks-" + period.name().toLowerCase() + "-" + from + "-" + to + ".csv";
        }

        @Override
        public List<String> csvColumns() {
            return List.of("productId", "productName", "period", "start", "end", "peak", "peakAt", "seats", "holders");
        }

        @Override
        public List<List<Object>> csvRows() {
            return peaks.stream().map(p -> row(productId, productName, p.period(), p.start(), p.end(), p.peak(), p.peakAt(),
                    p.seats(), p.holders())).toList();
        }
    }

    /**
     * The peak of one day or month.
     *
     * @param period the local day ({@code 2026-10-25}) or month ({@code 2026-10})
     * @param start its start (local midnight; the first day of the range for a month that begins before it)
     * @param end its end (exclusive): the next local midnight, or now
     * @param peak the most seats in use at once (those held at the start count at the start)
     * @param peakAt the first instant the peak was reached
     * @param seats the seats of the licence in force then (0 when none was)
     * @param holders distinct users, devices or desktops that held a seat during it
     */
    record LicencePeak(String period, OffsetDateTime start, OffsetDateTime end, int peak, OffsetDateTime peakAt, int seats,
                    int holders) {
    }

    /**
     * A holder of a seat now.
     *
     * @param holder the user id, the device id or the desktop id
     * @param userId the user the seat was taken for (a device's: the last one who used it)
     * @param username that user's username, null when the user is gone
     * @param desktopName the desktop's name (PER_DESKTOP)
     * @param poolId the desktop's pool (PER_DESKTOP)
     * @param lastUsedAt the last time a session took or gave back the seat
     * @param sessions live sessions using it now
     */
    record LicenceHolder(long seatId, UUID productId, String productName, LicenceModel model, HolderKind kind, String holder,
                         UUID userId, String username, String displayName, String desktopName, UUID poolId,
                         String poolName, OffsetDateTime takenAt, OffsetDateTime lastUsedAt, int sessions) {
    }

    /** Every holder, for the CSV form of the holders. */
    static final class HolderTable extends AbstractList<LicenceHolder> implements CsvTable {
        private final List<LicenceHolder> rows;
        private final String filename;

        HolderTable(List<LicenceHolder> rows, String filename) {
            this.rows = rows;
            this.filename = filename;
        }

        @Override
        public LicenceHolder get(int index) {
            return rows.get(index);
        }

        @Override
        public int size() {
            return rows.size();
        }

        @Override
        public String csvFilename() {
            return filename;
        }

        @Override
        public List<String> csvColumns() {
            return List.of("productId", "productName", "model", "kind", "holder", "userId", "username", "displayName",
                    "desktopName", "poolId", "poolName", "takenAt", "lastUsedAt", "sessions", "seatId");
        }

        @Override
        public List<List<Object>> csvRows() {
            return rows.stream().map(h -> row(h.productId(), h.productName(), h.model(), h.kind(), h.holder(), h.userId(),
                    h.username(), h.displayName(), h.desktopName(), h.poolId(), h.poolName(), h.takenAt(), h.lastUsedAt(),
                    h.sessions(), h.seatId())).toList();
        }
    }

    /** The periods of overuse of a product that overlap the days from {@code from} to {@code to}. */
    record LicenceOveruseReport(UUID productId, String productName, String timeZone, LocalDate from, LocalDate to,
                         List<LicenceOveruse> periods) implements CsvTable {

        @Override
        public String csvFilename() {
            return "licence-overuse-" + from + "-" + to + ".csv";
        }

        @Override
        public List<String> csvColumns() {
            return List.of("productId", "productName", "startedAt", "endedAt", "durationSeconds", "seats", "peakExcess",
                    "peakAt", "peakSeatsInUse");
        }

        @Override
        public List<List<Object>> csvRows() {
            return periods.stream().map(p -> row(productId, productName, p.startedAt(), p.endedAt(), p.durationSeconds(),
                    p.seats(), p.peakExcess(), p.peakAt(), p.peakSeatsInUse())).toList();
        }
    }

    /**
     * One period of overuse (see {@link OverusePeriod}): its whole extent, also where it begins before the range
     * asked for or ends after it.
     *
     * @param endedAt null while it lasts
     * @param durationSeconds how long it lasted (while it lasts: until now)
     */
    record LicenceOveruse(OffsetDateTime startedAt, OffsetDateTime endedAt, long durationSeconds, int seats, int peakExcess,
                       OffsetDateTime peakAt, int peakSeatsInUse) {
    }

    /** The licences whose validity ends within {@code withinDays} days, and those in their grace period now. */
    record LicenceExpiryReport(String timeZone, OffsetDateTime at, int withinDays, List<ExpiringLicence> licences)
            implements CsvTable {

        @Override
        public String csvFilename() {
            return "licence-expiring-" + at.toLocalDate() + ".csv";
        }

        @Override
        public List<String> csvColumns() {
            return List.of("licenceId", "productId", "productName", "seats", "enforcement", "reference", "validFrom",
                    "validUntil", "graceDays", "graceEnd", "state", "daysLeft", "graceDaysLeft", "renewedBy");
        }

        @Override
        public List<List<Object>> csvRows() {
            return licences.stream().map(l -> row(l.licenceId(), l.productId(), l.productName(), l.seats(), l.enforcement(),
                    l.reference(), l.validFrom(), l.validUntil(), l.graceDays(), l.graceEnd(), l.state(), l.daysLeft(),
                    l.graceDaysLeft(), l.renewedBy())).toList();
        }
    }

    /** Where an expiring licence stands. */
    enum ExpiryState {
        /** Valid now; its validity ends within the days asked for. */
        EXPIRING,
        /** Ended; counts until its grace period ends (unless a newer licence is valid). */
        IN_GRACE
    }

    /**
     * A licence about to expire.
     *
     * @param daysLeft whole days until its validity ends (negative: ended that many days ago)
     * @param graceDaysLeft whole days until its grace period ends
     * @param renewedBy the licence of the product valid when this one ends, null when none is yet
     */
    record ExpiringLicence(UUID licenceId, UUID productId, String productName, int seats, Enforcement enforcement,
                           String reference, OffsetDateTime validFrom, OffsetDateTime validUntil, int graceDays,
                           OffsetDateTime graceEnd, ExpiryState state, long daysLeft, long graceDaysLeft, UUID renewedBy) {
    }

    // ---- the reports ----

    /** The seats in use now, per product of the tenant, by name. */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public LicenceUsageReport usage(UUID tenantId) {
        Instant now = now();
        ZoneId zone = tenants.timeZone(tenantId);
        Map<UUID, List<LicenceTerm>> terms = termsOf(tenantId);
        List<LicenceProductUsage> products = jdbc.sql("select p.id, p.name, p.vendor, p.sku, p.model, "
                        + "(select count(*) from licence_seat s where s.product_id = p.id and s.released_at is null) as in_use "
                        + "from licence_product p where p.tenant_id = ? order by p.name, p.id")
                .param(tenantId)
                .query((rs, n) -> {
                    UUID id = rs.getObject("id", UUID.class);
                    int inUse = rs.getInt("in_use");
                    LicenceTerm l = LicenceTerm.inForce(terms.getOrDefault(id, List.of()), now).orElse(null);
                    int seats = l == null ? 0 : l.seats();
                    return new LicenceProductUsage(id, rs.getString("name"), rs.getString("vendor"), rs.getString("sku"),
                            LicenceModel.valueOf(rs.getString("model")), seats, l == null ? null : l.enforcement(),
                            l == null || l.enforcement() != Enforcement.SOFT ? 0 : l.overuseMargin(),
                            l == null ? 0 : l.capacity(), inUse, Math.max(0, inUse - seats), l == null ? null : l.id(),
                            l == null ? null : local(l.validUntil(), zone), l != null && !l.validAt(now));
                })
                .list();
        return new LicenceUsageReport(zone.getId(), local(now, zone), products);
    }

    /**
     * The peak of concurrent use per local day or month, from {@code from} to {@code to} (both inclusive, local days;
     * a month that begins before {@code from} or ends after {@code to} counts the part of it inside the range).
     *
     * @param from null: 30 days (DAY) or 12 months (MONTH) up to {@code to}
     * @param to null: today
     * @throws ProblemException NOT_FOUND for a product not of the tenant; VALIDATION_FAILED for a range backwards or
     *         longer than {@value #MAX_DAYS} days
     */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public LicencePeakReport peaks(UUID tenantId, UUID productId, LocalDate from, LocalDate to, PeakPeriod period) {
        Instant now = now();
        ZoneId zone = tenants.timeZone(tenantId);
        Product product = product(tenantId, productId);
        LocalDate last = to != null ? to : LocalDate.ofInstant(now, zone);
        LocalDate first = from != null ? from
                : period == PeakPeriod.DAY ? last.minusDays(29) : YearMonth.from(last).minusMonths(11).atDay(1);
        checkRange(first, last);

        List<Instant> bounds = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (LocalDate d = first; !d.isAfter(last); ) {
            LocalDate next = period == PeakPeriod.DAY ? d.plusDays(1) : YearMonth.from(d).plusMonths(1).atDay(1);
            if (next.isAfter(last)) {
                next = last.plusDays(1);
            }
            Instant start = d.atStartOfDay(zone).toInstant();
            if (!start.isBefore(now)) {
                break; // not begun yet
            }
            bounds.add(start);
            labels.add(period == PeakPeriod.DAY ? d.toString() : YearMonth.from(d).toString());
            d = next;
        }
        List<LicencePeak> lines = new ArrayList<>();
        if (!bounds.isEmpty()) {
            Instant end = last.plusDays(1).atStartOfDay(zone).toInstant();
            bounds.add(end.isBefore(now) ? end : now);
            SeatTimeline timeline = timeline(productId, bounds.getFirst(), bounds.getLast());
            List<SeatTimeline.Peak> peaks = timeline.peaks(bounds);
            for (int i = 0; i < peaks.size(); i++) {
                SeatTimeline.Peak p = peaks.get(i);
                lines.add(new LicencePeak(labels.get(i), local(p.start(), zone), local(p.end(), zone), p.peak(),
                        local(p.peakAt(), zone), p.seats(), p.holders()));
            }
        }
        return new LicencePeakReport(productId, product.name(), product.model(), zone.getId(), period, first, last, lines);
    }

    /**
     * The tenant's seats held now, a page at a time (sort keys: {@code lastUsedAt} (default: the seats used least
     * recently first), {@code takenAt}, {@code holder}).
     *
     * @param productId null: of every product
     * @throws ProblemException NOT_FOUND for a product not of the tenant
     */
    @Transactional(readOnly = true)
    public Page<LicenceHolder> holders(UUID tenantId, UUID productId, PageParams page) {
        ZoneId zone = tenants.timeZone(tenantId);
        if (productId != null) {
            product(tenantId, productId);
        }
        return holderListing(zone).page(jdbc, holdersWhere(tenantId, productId), page);
    }

    /** Every seat held now, for the CSV form, in the order of {@code sort} (as {@link #holders}). */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public HolderTable allHolders(UUID tenantId, UUID productId, String sort) {
        ZoneId zone = tenants.timeZone(tenantId);
        if (productId != null) {
            product(tenantId, productId);
        }
        Listing<LicenceHolder> listing = holderListing(zone);
        List<LicenceHolder> rows = new ArrayList<>();
        String cursor = null;
        do {
            Page<LicenceHolder> page = listing.page(jdbc, holdersWhere(tenantId, productId), new PageParams(1000, cursor, sort));
            rows.addAll(page.items());
            cursor = page.next();
        } while (cursor != null);
        return new HolderTable(rows, "licence-holders-" + LocalDate.ofInstant(now(), zone) + ".csv");
    }

    /**
     * The periods of overuse of a product that overlap the local days from {@code from} to {@code to}.
     *
     * @param from null: 30 days up to {@code to}
     * @param to null: today
     * @throws ProblemException NOT_FOUND, VALIDATION_FAILED (as {@link #peaks})
     */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public LicenceOveruseReport overuse(UUID tenantId, UUID productId, LocalDate from, LocalDate to) {
        Instant now = now();
        ZoneId zone = tenants.timeZone(tenantId);
        Product product = product(tenantId, productId);
        LocalDate last = to != null ? to : LocalDate.ofInstant(now, zone);
        LocalDate first = from != null ? from : last.minusDays(29);
        checkRange(first, last);
        List<LicenceOveruse> lines = overusePeriods(productId, first.atStartOfDay(zone).toInstant(),
                last.plusDays(1).atStartOfDay(zone).toInstant(), now).stream()
                .map(p -> new LicenceOveruse(local(p.startedAt(), zone), local(p.endedAt(), zone), p.duration(now).toSeconds(),
                        p.seats(), p.peakExcess(), local(p.peakAt(), zone), p.peakSeatsInUse()))
                .toList();
        return new LicenceOveruseReport(productId, product.name(), zone.getId(), first, last, lines);
    }

    /**
     * The periods when more seats of the product were in use than the licence in force has, that overlap
     * {@code [from, to)} (up to now): each with its whole extent, from the instant the seats in use first exceeded the
     * seats in force (also when that was before {@code from}) to the instant they no longer did (null while it
     * lasts; also when that is after {@code to}). Its start is the same whatever range it is found in: the
     * licensing sweep keeps each period by it.
     *
     * @throws ProblemException NOT_FOUND for a product not of the tenant
     */
    @Transactional(readOnly = true)
    List<OverusePeriod> overusePeriods(UUID tenantId, UUID productId, Instant from, Instant to) {
        product(tenantId, productId);
        return overusePeriods(productId, from, to, now());
    }

    private List<OverusePeriod> overusePeriods(UUID productId, Instant from, Instant to, Instant now) {
        Instant end = to.isBefore(now) ? to : now;
        if (!from.isBefore(end)) {
            return List.of();
        }
        OffsetDateTime firstHeld = jdbc.sql("select min(taken_at) from licence_seat where product_id = ? and taken_at < ?")
                .params(productId, utc(now)).query(OffsetDateTime.class).list().getFirst();
        if (firstHeld == null) {
            return List.of(); // never a seat in use: never more than the seats
        }
        Instant firstTaken = firstHeld.toInstant();
        List<LicenceTerm> terms = terms(productId);
        // read what [from, end) needs; a period lasting at its start (or end) began before (ends after): read further
        Instant a = from;
        Instant b = end;
        Duration step = Duration.ofDays(1);
        while (true) {
            List<OverusePeriod> periods = timeline(productId, a, b, terms).overuse(a, b);
            boolean back = !periods.isEmpty() && periods.getFirst().startedAt().equals(a) && a.isAfter(firstTaken);
            boolean ahead = !periods.isEmpty() && periods.getLast().ongoing() && b.isBefore(now);
            if (!back && !ahead) {
                return periods.stream()
                        .filter(p -> p.startedAt().isBefore(end) && (p.ongoing() || p.endedAt().isAfter(from)))
                        .toList();
            }
            if (back) {
                a = a.minus(step).isBefore(firstTaken) ? firstTaken : a.minus(step);
            }
            if (ahead) {
                b = b.plus(step).isAfter(now) ? now : b.plus(step);
            }
            step = step.multipliedBy(2);
        }
    }

    /**
     * The licences whose validity ends within {@code withinDays} days from now, and those in their grace period now,
     * by their end.
     *
     * @throws ProblemException VALIDATION_FAILED for days out of 0 to {@value #MAX_WITHIN_DAYS}
     */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public LicenceExpiryReport expiring(UUID tenantId, int withinDays) {
        if (withinDays < 0 || withinDays > MAX_WITHIN_DAYS) {
            throw invalid("withinDays", "must be 0 to " + MAX_WITHIN_DAYS, withinDays);
        }
        Instant now = now();
        ZoneId zone = tenants.timeZone(tenantId);
        Map<UUID, List<LicenceTerm>> terms = termsOf(tenantId);
        List<ExpiringLicence> licences = jdbc.sql("select l.id, l.product_id, p.name, l.seats, l.enforcement, l.reference, "
                        + "l.valid_from, l.valid_until, l.grace_days from licence l join licence_product p on p.id = l.product_id "
                        + "where l.tenant_id = ? and l.valid_until is not null and l.valid_until < ? "
                        + "and l.valid_until + l.grace_days * interval '24 hours' > ? order by l.valid_until, l.id")
                .params(tenantId, utc(now.plus(Duration.ofDays(withinDays))),
                        utc(now))
                .query((rs, n) -> {
                    UUID productId = rs.getObject("product_id", UUID.class);
                    Instant until = rs.getObject("valid_until", OffsetDateTime.class).toInstant();
                    int graceDays = rs.getInt("grace_days");
                    Instant graceEnd = until.plus(Duration.ofDays(graceDays));
                    UUID id = rs.getObject("id", UUID.class);
                    UUID renewal = terms.getOrDefault(productId, List.of()).stream()
                            .filter(t -> !t.id().equals(id) && t.validAt(until)).map(LicenceTerm::id).findFirst().orElse(null);
                    return new ExpiringLicence(id, productId, rs.getString("name"), rs.getInt("seats"),
                            Enforcement.valueOf(rs.getString("enforcement")), rs.getString("reference"),
                            local(rs.getObject("valid_from", OffsetDateTime.class).toInstant(), zone), local(until, zone),
                            graceDays, local(graceEnd, zone), until.isAfter(now) ? ExpiryState.EXPIRING : ExpiryState.IN_GRACE,
                            wholeDays(now, until), wholeDays(now, graceEnd), renewal);
                })
                .list();
        return new LicenceExpiryReport(zone.getId(), local(now, zone), withinDays, licences);
    }

    // ---- reading ----

    /** A product as the reports name it. */
    private record Product(UUID id, String name, LicenceModel model) {
    }

    private Product product(UUID tenantId, UUID productId) {
        return jdbc.sql("select id, name, model from licence_product where id = ? and tenant_id = ?")
                .params(productId, tenantId)
                .query((rs, n) -> new Product(rs.getObject("id", UUID.class), rs.getString("name"),
                        LicenceModel.valueOf(rs.getString("model"))))
                .optional().orElseThrow(() -> ProblemException.notFound("Licence product", productId));
    }

    /** The database's clock: the instant the report is of. */
    private Instant now() {
        return jdbc.sql("select clock_timestamp()").query(OffsetDateTime.class).single().toInstant();
    }

    /** The holdings of the product that overlap {@code [from, to)}, on its licences. */
    private SeatTimeline timeline(UUID productId, Instant from, Instant to) {
        return timeline(productId, from, to, terms(productId));
    }

    private SeatTimeline timeline(UUID productId, Instant from, Instant to, List<LicenceTerm> terms) {
        SeatTimeline.Builder builder = SeatTimeline.builder();
        jdbc.sql("select holder, taken_at, released_at from licence_seat where product_id = ? and taken_at < ? "
                        + "and (released_at is null or released_at > ?)")
                .params(productId, utc(to), utc(from))
                .query(rs -> {
                    OffsetDateTime released = rs.getObject(3, OffsetDateTime.class);
                    builder.hold(rs.getString(1), rs.getObject(2, OffsetDateTime.class).toInstant(),
                            released == null ? null : released.toInstant());
                });
        return builder.build(terms);
    }

    private static final String TERM_COLUMNS = "id, seats, valid_from, valid_until, enforcement, overuse_margin, grace_days";

    private List<LicenceTerm> terms(UUID productId) {
        return jdbc.sql("select " + TERM_COLUMNS + " from licence where product_id = ? order by valid_from")
                .param(productId).query(LicenceReports::term).list();
    }

    /** The tenant's licences per product. */
    private Map<UUID, List<LicenceTerm>> termsOf(UUID tenantId) {
        Map<UUID, List<LicenceTerm>> terms = new LinkedHashMap<>();
        jdbc.sql("select product_id, " + TERM_COLUMNS + " from licence where tenant_id = ? order by product_id, valid_from")
                .param(tenantId)
                .query(rs -> {
                    terms.computeIfAbsent(rs.getObject("product_id", UUID.class), k -> new ArrayList<>()).add(term(rs, 0));
                });
        return terms;
    }

    private static LicenceTerm term(ResultSet rs, int row) throws SQLException {
        OffsetDateTime until = rs.getObject("valid_until", OffsetDateTime.class);
        return new LicenceTerm(rs.getObject("id", UUID.class), rs.getInt("seats"),
                rs.getObject("valid_from", OffsetDateTime.class).toInstant(), until == null ? null : until.toInstant(),
                Enforcement.valueOf(rs.getString("enforcement")), rs.getInt("overuse_margin"), rs.getInt("grace_days"));
    }

    private static Listing<LicenceHolder> holderListing(ZoneId zone) {
        return Listing.of("s.id, s.product_id, p.name as product_name, p.model, s.holder, s.user_id, u.username, "
                                + "u.display_name, d.name as desktop_name, s.pool_id, pp.name as pool_name, s.taken_at, "
                                + "s.last_used_at, s.sessions",
                        "licence_seat s join licence_product p on p.id = s.product_id "
                                + "left join tenancy_users u on u.id = s.user_id "
                                + "left join pools_desktops d on d.id = (case when p.model = 'PER_DESKTOP' "
                                + "and s.holder ~ '^[0-9a-fA-F-]{36}$' then s.holder::uuid end) "
                                + "left join pools_pools pp on pp.id = s.pool_id",
                        "s.id", Listing.Kind.NUMBER,
                        (rs, n) -> {
                            LicenceModel model = LicenceModel.valueOf(rs.getString("model"));
                            return new LicenceHolder(rs.getLong("id"), rs.getObject("product_id", UUID.class),
                                    rs.getString("product_name"), model, HolderKind.of(model), rs.getString("holder"),
                                    rs.getObject("user_id", UUID.class), rs.getString("username"),
                                    rs.getString("display_name"), rs.getString("desktop_name"),
                                    rs.getObject("pool_id", UUID.class), rs.getString("pool_name"),
                                    local(rs.getObject("taken_at", OffsetDateTime.class).toInstant(), zone),
                                    local(rs.getObject("last_used_at", OffsetDateTime.class).toInstant(), zone),
                                    rs.getInt("sessions"));
                        })
                .sort("lastUsedAt", "s.last_used_at", Listing.Kind.TIME)
                .sort("takenAt", "s.taken_at", Listing.Kind.TIME)
                .sort("holder", "s.holder", Listing.Kind.TEXT)
                .build();
    }

    private static Listing.Where holdersWhere(UUID tenantId, UUID productId) {
        return Listing.Where.of("s.tenant_id = ? and s.released_at is null", tenantId).and("s.product_id = ?", productId);
    }

    // ---- helpers ----

    private static void checkRange(LocalDate from, LocalDate to) {
        if (from.isAfter(to)) {
            throw invalid("from", "must not be after to (" + to + ")", from.toString());
        }
        if (ChronoUnit.DAYS.between(from, to) + 1 > MAX_DAYS) {
            throw invalid("to", "must be at most " + MAX_DAYS + " days from " + from + " (both counted)", to.toString());
        }
    }

    /** @return VALIDATION_FAILED naming the field, as every bad input of the API is answered */
    static ProblemException invalid(String field, String message, Object rejected) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("field", field);
        error.put("message", message);
        if (rejected != null) {
            error.put("rejectedValue", rejected);
        }
        return new ProblemException(Reason.VALIDATION_FAILED, field + ": " + message, Map.of("errors", List.of(error)));
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    private static OffsetDateTime local(Instant t, ZoneId zone) {
        return t == null ? null : t.atZone(zone).toOffsetDateTime();
    }

    /** @return whole days from {@code now} to {@code t}, rounded down (negative when {@code t} is past) */
    private static long wholeDays(Instant now, Instant t) {
        return Math.floorDiv(Duration.between(now, t).toSeconds(), 86_400L);
    }

    /** A CSV row (values may be null). */
    private static List<Object> row(Object... values) {
        return java.util.Arrays.asList(values);
    }
}
