package io.deskport.broker.metering;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.CsvTable;
import io.deskport.broker.tenancy.Tenants;

/**
 * What capacity cost against what it served, per pool over a range of the tenant's local days, from the daily usage
 * roll-ups: VM-hours running and stopped per desktop size (DESKTOP_RUNNING_SECONDS, DESKTOP_STOPPED_SECONDS) against
 * session-hours (SESSION_SECONDS), and the ratio of running VM-hours to session-hours (1.0: every running desktop
 * served a session all the time; 1.25: a quarter more was kept warm or was being prepared).
 */
@Service
public class UsageCost {

    /** The longest range read at once. */
    static final int MAX_DAYS = 400;

    private final JdbcClient jdbc;
    private final Tenants tenants;

    UsageCost(JdbcClient jdbc, Tenants tenants) {
        this.jdbc = jdbc;
        this.tenants = tenants;
    }

    /** One desktop size's VM-hours in a pool. */
    public record SizeCost(Integer vcpus, Integer memoryMiB, Integer diskMiB, BigDecimal runningVmHours,
                           BigDecimal stoppedVmHours) {
    }

    /**
     * One pool's cost.
     *
     * @param vmHoursPerSessionHour running VM-hours ÷ session-hours (null without sessions)
     */
    public record PoolCost(UUID poolId, BigDecimal sessionHours, BigDecimal runningVmHours, BigDecimal stoppedVmHours,
                           BigDecimal vmHoursPerSessionHour, List<SizeCost> sizes) {
    }

    /** The report: the tenant's pools with any figure in the range, and the totals. */
    public record CostReport(UUID tenantId, String timeZone, LocalDate from, LocalDate to, BigDecimal sessionHours,
                             BigDecimal runningVmHours, BigDecimal stoppedVmHours, BigDecimal vmHoursPerSessionHour,
                             List<PoolCost> pools) implements CsvTable {

        @Override
        public String csvFilename() {
            return "usage-cost-" + from + "-" + to + ".csv";
        }

        @Override
        public List<String> csvColumns() {
            return List.of("poolId", "from", "to", "vcpus", "memoryMiB", "diskMiB", "runningVmHours", "stoppedVmHours",
                    "poolSessionHours", "poolVmHoursPerSessionHour");
        }

        @Override
        public List<List<Object>> csvRows() {
            List<List<Object>> lines = new ArrayList<>();
            for (PoolCost p : pools) {
                List<SizeCost> sizes = p.sizes().isEmpty() ? List.of(new SizeCost(null, null, null, BigDecimal.ZERO,
                        BigDecimal.ZERO)) : p.sizes();
                for (SizeCost s : sizes) {
                    lines.add(Arrays.asList(p.poolId(), from, to, s.vcpus(), s.memoryMiB(), s.diskMiB(),
                            s.runningVmHours().toPlainString(), s.stoppedVmHours().toPlainString(),
                            p.sessionHours().toPlainString(), p.vmHoursPerSessionHour() == null ? null
                                    : p.vmHoursPerSessionHour().toPlainString()));
                }
            }
            return lines;
        }
    }

    /**
     * @param tenantId the tenant
     * @param from     the first local day (null: 30 days before {@code to})
     * @param to       the last local day, inclusive (null: today in the tenant's time zone)
     * @param poolId   only this pool (null: all)
     * @throws io.deskport.broker.shared.ProblemException VALIDATION_FAILED for a day that is not a date, a range that
     *         ends before it starts or is longer than {@value #MAX_DAYS} days
     */
    @Transactional(readOnly = true)
    public CostReport report(UUID tenantId, String from, String to, UUID poolId) {
        ZoneId zone = tenants.timeZone(tenantId);
        LocalDate last = to == null ? LocalDate.now(zone) : day("to", to);
        LocalDate first = from == null ? last.minusDays(30) : day("from", from);
        if (last.isBefore(first) || ChronoUnit.DAYS.between(first, last) >= MAX_DAYS) {
            throw UsageRollupExport.invalid("to", "must be on or after from, at most " + MAX_DAYS + " days later",
                    last.toString());
        }
        Map<UUID, Acc> pools = new LinkedHashMap<>();
        jdbc.sql("select pool_id, metric, vcpus, memory_mib, disk_mib, sum(value) / 3600 as hours from usage_rollup "
                        + "where tenant_id = ? and granularity = 'DAY' and period_start >= ? and period_start < ? "
                        + "and metric in ('SESSION_SECONDS', 'DESKTOP_RUNNING_SECONDS', 'DESKTOP_STOPPED_SECONDS') "
                        + "and pool_id is not null and (cast(? as uuid) is null or pool_id = ?) "
                        + "group by pool_id, metric, vcpus, memory_mib, disk_mib order by pool_id, vcpus, memory_mib, disk_mib")
                .params(tenantId, first.atStartOfDay(zone).toOffsetDateTime(),
                        last.plusDays(1).atStartOfDay(zone).toOffsetDateTime(), poolId, poolId)
                .query(rs -> {
                    Acc a = pools.computeIfAbsent(rs.getObject("pool_id", UUID.class), k -> new Acc());
                    BigDecimal hours = rs.getBigDecimal("hours");
                    String metric = rs.getString("metric");
                    if (metric.equals("SESSION_SECONDS")) {
                        a.session = a.session.add(hours);
                        return;
                    }
                    Integer vcpus = (Integer) rs.getObject("vcpus");
                    Integer memory = (Integer) rs.getObject("memory_mib");
                    Integer disk = (Integer) rs.getObject("disk_mib");
                    BigDecimal[] size = a.sizes.computeIfAbsent(Arrays.asList(vcpus, memory, disk),
                            k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
                    size[metric.equals("DESKTOP_RUNNING_SECONDS") ? 0 : 1] =
                            size[metric.equals("DESKTOP_RUNNING_SECONDS") ? 0 : 1].add(hours);
                });
        List<PoolCost> out = new ArrayList<>();
        BigDecimal session = BigDecimal.ZERO;
        BigDecimal running = BigDecimal.ZERO;
        BigDecimal stopped = BigDecimal.ZERO;
        for (var e : pools.entrySet()) {
            Acc a = e.getValue();
            List<SizeCost> sizes = new ArrayList<>();
            BigDecimal r = BigDecimal.ZERO;
            BigDecimal s = BigDecimal.ZERO;
            for (var size : a.sizes.entrySet()) {
                sizes.add(new SizeCost(size.getKey().get(0), size.getKey().get(1), size.getKey().get(2),
                        round(size.getValue()[0]), round(size.getValue()[1])));
                r = r.add(size.getValue()[0]);
                s = s.add(size.getValue()[1]);
            }
            out.add(new PoolCost(e.getKey(), round(a.session), round(r), round(s), ratio(r, a.session), sizes));
            session = session.add(a.session);
            running = running.add(r);
            stopped = stopped.add(s);
        }
        return new CostReport(tenantId, zone.getId(), first, last, round(session), round(running), round(stopped),
                ratio(running, session), out);
    }

    private static final class Acc {
        BigDecimal session = BigDecimal.ZERO;
        final Map<List<Integer>, BigDecimal[]> sizes = new LinkedHashMap<>();
    }

    private static BigDecimal round(BigDecimal hours) {
        return hours.setScale(6, RoundingMode.HALF_UP);
    }

    private static BigDecimal ratio(BigDecimal vmHours, BigDecimal sessionHours) {
        return sessionHours.signum() == 0 ? null : vmHours.divide(sessionHours, 4, RoundingMode.HALF_UP);
    }

    private static LocalDate day(String field, String value) {
        try {
            return LocalDate.parse(Objects.requireNonNull(value).strip());
        } catch (DateTimeParseException e) {
            throw UsageRollupExport.invalid(field, "must be a local day like 2026-11-01",
                    value.length() > 200 ? value.substring(0, 200) + "…" : value);
        }
    }
}
