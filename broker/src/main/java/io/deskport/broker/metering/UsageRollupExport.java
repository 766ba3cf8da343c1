package io.deskport.broker.metering;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.CsvTable;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.tenancy.Tenants;

/**
 * Reads the usage roll-ups for billing systems: the rows of one granularity whose periods start in a range, of one
 * tenant or of every tenant, optionally of some metrics, a pool, a user or a product. A range is local days of each
 * row's time zone ({@code 2026-11-01}, both ends inclusive) or instants ({@code 2026-11-01T05:00:00Z}, the end
 * exclusive); at most {@value #MAX_DAYS} days and {@value #MAX_ROWS} rows are answered at once (more is refused,
 * never cut short).
 */
@Service
class UsageRollupExport {

    /** The longest range answered at once. */
    static final int MAX_DAYS = 400;
    /** The most rows answered at once. */
    static final int MAX_ROWS = 100_000;

    private static final String COLUMNS = "tenant_id, time_zone, granularity, period_start, period_end, local_start, "
            + "utc_offset_seconds, complete, metric, pool_id, user_id, product_id, vcpus, memory_mib, disk_mib, value, reached_at";

    /** An hour's label: the tenant's wall clock at its start, with the offset then ({@code 2026-11-01T01:00-05:00}). */
    private static final DateTimeFormatter HOUR_LABEL = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mmXXX");

    private final JdbcClient jdbc;
    private final Tenants tenants;

    UsageRollupExport(JdbcClient jdbc, Tenants tenants) {
        this.jdbc = jdbc;
        this.tenants = tenants;
    }

    /**
     * What to read.
     *
     * @param tenantId the tenant, or null for every tenant
     * @param from the first day or instant, as given (null: the default of the granularity)
     * @param to the last day (inclusive) or the end instant (exclusive), as given (null: today)
     * @param metrics only these (empty: all)
     */
    record Request(UUID tenantId, UsageRollupGranularity granularity, String from, String to, Set<UsageMetric> metrics,
                   UUID poolId, UUID userId, UUID productId) {
    }

    /**
     * One figure of one period.
     *
     * @param timeZone the tenant's time zone the period was computed in
     * @param period the local hour ({@code 2026-11-01T01:00-04:00}), day ({@code 2026-11-01}) or month ({@code 2026-11})
     * @param start the period's first instant, with the tenant's offset then
     * @param end its end (exclusive), with the tenant's offset then
     * @param complete whether the period had ended when it was computed (the current one has counted up to then)
     * @param poolId the pool (session and desktop figures)
     * @param userId the user (session figures)
     * @param productId the licence product (seat figures)
     * @param vcpus the desktops' size (desktop figures; null: desktops provisioning does not manage)
     * @param value the seconds (exact, to the microsecond) or the count
     * @param hours the seconds in hours (rounded to six places), for the seconds figures
     * @param reachedAt PEAK_SESSIONS: the first instant the peak was reached
     */
    public record UsageRollupRow(UUID tenantId, String timeZone, UsageRollupGranularity granularity, String period,
                                 OffsetDateTime start, OffsetDateTime end, boolean complete, UsageMetric metric,
                                 UUID poolId, UUID userId, UUID productId, Integer vcpus, Integer memoryMiB, Integer diskMiB,
                                 BigDecimal value, UsageMetric.Unit unit, BigDecimal hours, OffsetDateTime reachedAt) {
    }

    /**
     * The rows asked for, in the order of their periods' starts, then tenant, metric and breakdown.
     *
     * @param tenantId the tenant (null: every tenant's)
     * @param timeZone the tenant's time zone now (null for every tenant's)
     * @param from the first day or instant read
     * @param to the last day (inclusive) or the end instant (exclusive) read
     */
    public record UsageRollupReport(UUID tenantId, String timeZone, UsageRollupGranularity granularity, String from,
                                    String to, int count, List<UsageRollupRow> rows) implements CsvTable {

        @Override
        public String csvFilename() {
            return ("usage-rollups-" + granularity.name().toLowerCase() + "-" + from + "-" + to)
                    .replaceAll("[^A-Za-z0-9-]", "") + ".csv";
        }

        @Override
        public List<String> csvColumns() {
            return List.of("tenantId", "timeZone", "granularity", "period", "start", "end", "complete", "metric", "poolId",
                    "userId", "productId", "vcpus", "memoryMiB", "diskMiB", "value", "unit", "hours", "reachedAt");
        }

        @Override
        public List<List<Object>> csvRows() {
            List<List<Object>> lines = new ArrayList<>(rows.size());
            for (UsageRollupRow r : rows) {
                lines.add(java.util.Arrays.asList(r.tenantId(), r.timeZone(), r.granularity(), r.period(), r.start(),
                        r.end(), r.complete(), r.metric(), r.poolId(), r.userId(), r.productId(), r.vcpus(), r.memoryMiB(),
                        r.diskMiB(), r.value().toPlainString(), r.unit(), r.hours() == null ? null : r.hours().toPlainString(),
                        r.reachedAt()));
            }
            return lines;
        }
    }

    /**
     * @throws ProblemException VALIDATION_FAILED for a bound that is neither a date nor an instant, a range that ends
     *         before it starts or is longer than {@value #MAX_DAYS} days, or more than {@value #MAX_ROWS} rows
     */
    @Transactional(readOnly = true)
    public UsageRollupReport read(Request r) {
        ZoneId zone = r.tenantId() == null ? ZoneOffset.UTC : tenants.timeZone(r.tenantId());
        Bound to = r.to() == null ? new Bound(LocalDate.now(zone), null) : bound("to", r.to());
        LocalDate defaultFrom = to.day() != null ? to.day() : LocalDate.ofInstant(to.instant(), zone);
        Bound from = r.from() != null ? bound("from", r.from()) : new Bound(switch (r.granularity()) {
            case HOUR -> defaultFrom;
            case DAY -> defaultFrom.minusDays(29);
            case MONTH -> YearMonth.from(defaultFrom).minusMonths(11).atDay(1);
        }, null);
        Instant a = from.day() != null ? from.day().atStartOfDay(ZoneOffset.UTC).toInstant() : from.instant();
        Instant b = to.day() != null ? to.day().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant() : to.instant();
        if (!a.isBefore(b)) {
            throw invalid("to", "must be after from", r.to() == null ? to.toString() : r.to());
        }
        if (Duration.between(a, b).compareTo(Duration.ofDays(MAX_DAYS)) > 0) {
            throw invalid("to", "the range may be at most " + MAX_DAYS + " days long", r.to() == null ? to.toString() : r.to());
        }

        StringBuilder sql = new StringBuilder("select ").append(COLUMNS).append(" from usage_rollup where granularity = ?");
        List<Object> params = new ArrayList<>(List.of(r.granularity().name()));
        if (r.tenantId() != null) {
            sql.append(" and tenant_id = ?");
            params.add(r.tenantId());
        }
        if (from.day() != null) {
            sql.append(" and local_start >= ?");
            params.add(from.day().atStartOfDay());
        } else {
            sql.append(" and period_start >= ?");
            params.add(from.instant().atOffset(ZoneOffset.UTC));
        }
        if (to.day() != null) {
            sql.append(" and local_start < ?");
            params.add(to.day().plusDays(1).atStartOfDay());
        } else {
            sql.append(" and period_start < ?");
            params.add(to.instant().atOffset(ZoneOffset.UTC));
        }
        if (!r.metrics().isEmpty()) {
            sql.append(" and metric = any(?)");
            params.add(r.metrics().stream().map(UsageMetric::name).toArray(String[]::new));
        }
        if (r.poolId() != null) {
            sql.append(" and pool_id = ?");
            params.add(r.poolId());
        }
        if (r.userId() != null) {
            sql.append(" and user_id = ?");
            params.add(r.userId());
        }
        if (r.productId() != null) {
            sql.append(" and product_id = ?");
            params.add(r.productId());
        }
        sql.append(" order by period_start, tenant_id, metric, pool_id nulls first, user_id nulls first, product_id nulls first, "
                + "vcpus nulls first, memory_mib nulls first, disk_mib nulls first limit ").append(MAX_ROWS + 1);
        List<UsageRollupRow> rows = jdbc.sql(sql.toString()).params(params).query(UsageRollupExport::row).list();
        if (rows.size() > MAX_ROWS) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "More than " + MAX_ROWS + " roll-up rows are in the range: "
                    + "ask for a shorter range, a coarser granularity or fewer metrics",
                    Map.of("maxRows", MAX_ROWS, "errors", List.of(error("from", "the range holds more than " + MAX_ROWS
                            + " rows", r.from()))));
        }
        return new UsageRollupReport(r.tenantId(), r.tenantId() == null ? null : zone.getId(), r.granularity(),
                from.toString(), to.toString(), rows.size(), rows);
    }

    /** A bound of the range: a local day or an instant. */
    private record Bound(LocalDate day, Instant instant) {
        @Override
        public String toString() {
            return day != null ? day.toString() : DateTimeFormatter.ISO_INSTANT.format(instant);
        }
    }

    private static Bound bound(String field, String value) {
        String v = value.strip();
        try {
            if (v.length() <= 10) {
                LocalDate d = LocalDate.parse(v);
                if (d.getYear() >= 1970 && d.getYear() <= 9999) {
                    return new Bound(d, null);
                }
            } else {
                Instant t = OffsetDateTime.parse(v).toInstant();
                if (t.isAfter(Instant.EPOCH) && t.isBefore(Instant.parse("9999-01-01T00:00:00Z"))) {
                    return new Bound(null, t);
                }
            }
        } catch (DateTimeParseException e) {
            // answered below
        }
        throw invalid(field, "must be a date like 2026-11-01 (a local day) or an instant like 2026-11-01T05:00:00Z "
                + "(ISO-8601 with an offset), years 1970 to 9998", value.length() > 200 ? value.substring(0, 200) + "…" : value);
    }

    static ProblemException invalid(String field, String message, Object rejected) {
        return new ProblemException(Reason.VALIDATION_FAILED, field + ": " + message,
                Map.of("errors", List.of(error(field, message, rejected))));
    }

    private static Map<String, Object> error(String field, String message, Object rejected) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("field", field);
        error.put("message", message);
        if (rejected != null) {
            error.put("rejectedValue", rejected);
        }
        return error;
    }

    private static UsageRollupRow row(ResultSet rs, int n) throws SQLException {
        ZoneId zone = ZoneId.of(rs.getString("time_zone"));
        UsageRollupGranularity g = UsageRollupGranularity.valueOf(rs.getString("granularity"));
        ZoneOffset offset = ZoneOffset.ofTotalSeconds(rs.getInt("utc_offset_seconds"));
        Instant start = rs.getObject("period_start", OffsetDateTime.class).toInstant();
        Instant end = rs.getObject("period_end", OffsetDateTime.class).toInstant();
        LocalDateTime local = rs.getObject("local_start", LocalDateTime.class);
        String period = switch (g) {
            case HOUR -> local.atOffset(offset).format(HOUR_LABEL);
            case DAY -> local.toLocalDate().toString();
            case MONTH -> YearMonth.from(local).toString();
        };
        UsageMetric metric = UsageMetric.valueOf(rs.getString("metric"));
        BigDecimal value = plain(rs.getBigDecimal("value"));
        OffsetDateTime reached = rs.getObject("reached_at", OffsetDateTime.class);
        return new UsageRollupRow(rs.getObject("tenant_id", UUID.class), zone.getId(), g, period, start.atOffset(offset),
                end.atZone(zone).toOffsetDateTime(), rs.getBoolean("complete"), metric, rs.getObject("pool_id", UUID.class),
                rs.getObject("user_id", UUID.class), rs.getObject("product_id", UUID.class),
                (Integer) rs.getObject("vcpus"), (Integer) rs.getObject("memory_mib"), (Integer) rs.getObject("disk_mib"),
                value, metric.unit(),
                metric.unit() == UsageMetric.Unit.SECONDS ? plain(value.divide(BigDecimal.valueOf(3600), 6, RoundingMode.HALF_UP)) : null,
                reached == null ? null : reached.toInstant().atZone(zone).toOffsetDateTime());
    }

    /** Without trailing zeros, and never in exponent form ({@code 3600}, not {@code 3.6E+3}). */
    private static BigDecimal plain(BigDecimal v) {
        BigDecimal s = v.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
