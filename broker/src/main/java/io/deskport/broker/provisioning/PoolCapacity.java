package io.deskport.broker.provisioning;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.shared.Versions;
import io.deskport.broker.shared.Versions.IfMatch;
import io.deskport.broker.shared.Versions.Versioned;

/**
 * How a pool sizes its spares ({@code pool_capacity}): {@link Mode#FIXED} keeps a provisioned pool's spare target,
 * {@link Mode#DEMAND} follows its forecast between a floor and a cap (a SHARED pool: of session hosts kept open); and the tenant's holiday calendar
 * ({@code capacity_holiday}), which the demand model learns and forecasts apart from weekdays. A pool without a row is
 * FIXED.
 */
@Service
class PoolCapacity {

    /** How a pool's spare target is set. */
    public enum Mode {
        /** The admin's {@code spareTarget}, day and night. */
        FIXED,
        /** From the pool's demand model each reconcile cycle, clamped to the floor and cap. */
        DEMAND
    }

    /**
     * A pool's capacity settings.
     *
     * @param floor        DEMAND: never fewer ready spares
     * @param cap          DEMAND: never more ready spares
     * @param historyWeeks DEMAND: the weeks of sessions the logon curve is learned from
     */
    public record Settings(UUID poolId, UUID tenantId, Mode mode, int floor, int cap, int historyWeeks) {

        /** A pool that never had capacity settings. */
        static Settings fixed(UUID poolId, UUID tenantId) {
            return new Settings(poolId, tenantId, Mode.FIXED, 0, 0, 4);
        }
    }

    /** What an admin sets; null members keep their value. */
    record Change(Mode mode, Integer floor, Integer cap, Integer historyWeeks) {
    }

    /**
     * A date of the tenant's calendar: a HOLIDAY (learned and forecast apart from its weekday) or a WORKING_DAY (a day
     * normally off that is worked: learned and forecast like the weekday {@code worksLike}).
     */
    public record Holiday(LocalDate day, String label, String kind, String worksLike) {
    }

    private final JdbcClient jdbc;
    private final PoolProvisioning provisioning;
    private final DesktopPools pools;
    private final ApplicationEventPublisher events;

    PoolCapacity(JdbcClient jdbc, PoolProvisioning provisioning, DesktopPools pools, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.provisioning = provisioning;
        this.pools = pools;
        this.events = events;
    }

    /**
     * A pool whose capacity can be set: a SHARED one (its session hosts), or one provisioning manages.
     *
     * @return the pool's maximum of spares (its maxSize), or null for a SHARED pool
     */
    private Integer requireCapacityPool(UUID tenantId, UUID poolId) {
        DesktopPool pool = pools.get(tenantId, poolId);
        if (pool.kind() == PoolKind.SHARED) {
            return null;
        }
        return provisioning.require(tenantId, poolId).maxSize();
    }

    /**
     * The pool's capacity settings (FIXED when it has none).
     *
     * @throws ProblemException NOT_FOUND for another tenant's pool; INVALID_STATE for a PERSISTENT or POOLED pool
     *         not provisioned
     */
    @Transactional(readOnly = true)
    public Versioned<Settings> get(UUID tenantId, UUID poolId) {
        requireCapacityPool(tenantId, poolId);
        return jdbc.sql("select pool_id, tenant_id, mode, spare_floor, spare_cap, history_weeks, version from pool_capacity "
                        + "where tenant_id = ? and pool_id = ?").params(tenantId, poolId)
                .query((rs, n) -> new Versioned<>(map(rs, n), rs.getLong("version"))).optional()
                .orElseGet(() -> new Versioned<>(Settings.fixed(poolId, tenantId), 0));
    }

    /** The settings of every pool in DEMAND mode (the reconciler's read). */
    @Transactional(readOnly = true)
    List<Settings> demandPools() {
        return jdbc.sql("select pool_id, tenant_id, mode, spare_floor, spare_cap, history_weeks from pool_capacity "
                + "where mode = 'DEMAND'").query(PoolCapacity::map).list();
    }

    /**
     * Changes the pool's capacity settings, made from the version {@code ifMatch} names ({@code "0"} for a pool that
     * has none yet).
     *
     * @throws ProblemException VALIDATION_FAILED when the floor exceeds the cap or the cap exceeds the pool's
     *         maximum size; PRECONDITION_REQUIRED and STALE_VERSION (see {@link Versions})
     */
    @Transactional
    public Versioned<Settings> put(AdminContext ctx, UUID poolId, IfMatch ifMatch, Change change) {
        Integer maxSize = requireCapacityPool(ctx.tenantId(), poolId);
        long version = jdbc.sql("select version from pool_capacity where pool_id = ? for update").param(poolId)
                .query(Long.class).optional().orElse(0L);
        ifMatch.check("Pool capacity", poolId, version);
        Settings old = get(ctx.tenantId(), poolId).body();
        Mode mode = change.mode() != null ? change.mode() : old.mode();
        int floor = change.floor() != null ? change.floor() : old.floor();
        int firstCap = maxSize == null ? Math.max(floor, 1) : Math.max(floor, maxSize);
        int cap = change.cap() != null ? change.cap() : (version == 0 ? firstCap : old.cap());
        int weeks = change.historyWeeks() != null ? change.historyWeeks() : old.historyWeeks();
        if (floor > cap) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "The floor (" + floor + ") must not exceed the cap ("
                    + cap + ")", Map.of("floor", floor, "cap", cap));
        }
        if (maxSize != null && cap > maxSize) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "The cap (" + cap + ") must not exceed the pool's "
                    + "maximum size (" + maxSize + "): spares are desktops of the pool", Map.of("cap", cap,
                    "maxSize", maxSize));
        }
        if (maxSize == null && mode == Mode.DEMAND && floor < 1) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "A SHARED pool keeps at least one session host open: "
                    + "the floor must be 1 or more", Map.of("floor", floor));
        }
        int changed = jdbc.sql("insert into pool_capacity (pool_id, tenant_id, mode, spare_floor, spare_cap, history_weeks, "
                        + "version) values (?, ?, ?, ?, ?, ?, 1) on conflict (pool_id) do update set mode = excluded.mode, "
                        + "spare_floor = excluded.spare_floor, spare_cap = excluded.spare_cap, "
                        + "history_weeks = excluded.history_weeks, updated_at = now(), version = pool_capacity.version + 1 "
                        + "where pool_capacity.version = ?")
                .params(poolId, ctx.tenantId(), mode.name(), floor, cap, weeks, version).update();
        if (changed == 0) {
            throw Versions.stale("Pool capacity", poolId, null);
        }
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("mode", mode.name());
        d.put("floor", floor);
        d.put("cap", cap);
        d.put("historyWeeks", weeks);
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "POOL_CAPACITY_UPDATED",
                "DESKTOP_POOL", poolId.toString(), d));
        return new Versioned<>(new Settings(poolId, ctx.tenantId(), mode, floor, cap, weeks), version + 1);
    }

    /** The tenant's holidays in {@code [from, to]}, by date. */
    @Transactional(readOnly = true)
    public List<Holiday> holidays(UUID tenantId, LocalDate from, LocalDate to) {
        return jdbc.sql("select day, label, kind, works_like from capacity_holiday where tenant_id = ? "
                        + "and day between ? and ? order by day")
                .params(tenantId, from, to)
                .query((rs, n) -> new Holiday(rs.getObject("day", LocalDate.class), rs.getString("label"),
                        rs.getString("kind"), rs.getString("works_like"))).list();
    }

    /** Names a date a holiday, or a working day that works like {@code worksLike} (or changes what it is). */
    @Transactional
    public Holiday putHoliday(AdminContext ctx, LocalDate day, String label, String kind, String worksLike) {
        jdbc.sql("insert into capacity_holiday (tenant_id, day, label, kind, works_like) values (?, ?, ?, ?, ?) "
                        + "on conflict (tenant_id, day) do update set label = excluded.label, kind = excluded.kind, "
                        + "works_like = excluded.works_like")
                .params(ctx.tenantId(), day, label, kind, worksLike).update();
        Map<String, Object> d = new java.util.LinkedHashMap<>();
        d.put("day", day.toString());
        d.put("label", label);
        d.put("kind", kind);
        if (worksLike != null) {
            d.put("worksLike", worksLike);
        }
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "CAPACITY_HOLIDAY_SET", "TENANT",
                ctx.tenantId().toString(), d));
        return new Holiday(day, label, kind, worksLike);
    }

    /**
     * Removes a date from the calendar.
     *
     * @throws ProblemException NOT_FOUND when the tenant has no holiday that day
     */
    @Transactional
    public void deleteHoliday(AdminContext ctx, LocalDate day) {
        if (jdbc.sql("delete from capacity_holiday where tenant_id = ? and day = ?").params(ctx.tenantId(), day).update() == 0) {
            throw ProblemException.notFound("Holiday", day);
        }
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "CAPACITY_HOLIDAY_REMOVED", "TENANT",
                ctx.tenantId().toString(), Map.of("day", day.toString())));
    }

    /**
     * The recent durations of the pool's operations that ended with a ready desktop (clone, start, refresh, replace),
     * from the task's writing to its success: what a spare takes from the decision to being claimable.
     */
    @Transactional(readOnly = true)
    List<Duration> recentReadyTimes(UUID poolId, int limit) {
        return jdbc.sql("select extract(epoch from finished_at - created_at) * 1000 from provisioning_task where pool_id = ? "
                        + "and state = 'SUCCEEDED' and type in ('CREATE', 'START', 'REFRESH', 'REPLACE') "
                        + "order by finished_at desc limit ?").params(poolId, limit)
                .query((rs, n) -> Duration.ofMillis(Math.round(rs.getDouble(1)))).list();
    }

    /**
     * The session hosts of a pool that consolidation drained (and may resume), with the time each was first seen empty
     * since (null: not empty at the last look).
     */
    @Transactional(readOnly = true)
    Map<UUID, Optional<Instant>> drainedByConsolidation(UUID poolId) {
        Map<UUID, Optional<Instant>> out = new java.util.HashMap<>();
        jdbc.sql("select host_id, empty_since from capacity_drained_host where pool_id = ?").param(poolId)
                .query((rs, n) -> out.put(rs.getObject(1, UUID.class), Optional.ofNullable(rs.getTimestamp(2))
                        .map(java.sql.Timestamp::toInstant)))
                .list();
        return out;
    }

    /** Remembers (or forgets) that consolidation drained a host. */
    @Transactional
    void markDrained(UUID tenantId, UUID poolId, UUID hostId, boolean drained) {
        if (drained) {
            jdbc.sql("insert into capacity_drained_host (host_id, tenant_id, pool_id) values (?, ?, ?) on conflict do nothing")
                    .params(hostId, tenantId, poolId).update();
        } else {
            jdbc.sql("delete from capacity_drained_host where host_id = ?").param(hostId).update();
        }
    }

    /** Since when a host consolidation drained has been empty (null: it has sessions). */
    @Transactional
    void markEmptySince(UUID hostId, Instant since) {
        jdbc.sql("update capacity_drained_host set empty_since = ? where host_id = ?")
                .params(since == null ? null : java.sql.Timestamp.from(since), hostId).update();
    }

    Optional<Settings> find(UUID poolId) {
        return jdbc.sql("select pool_id, tenant_id, mode, spare_floor, spare_cap, history_weeks from pool_capacity "
                + "where pool_id = ?").param(poolId).query(PoolCapacity::map).optional();
    }

    private static Settings map(ResultSet rs, int n) throws SQLException {
        return new Settings(rs.getObject("pool_id", UUID.class), rs.getObject("tenant_id", UUID.class),
                Mode.valueOf(rs.getString("mode")), rs.getInt("spare_floor"), rs.getInt("spare_cap"),
                rs.getInt("history_weeks"));
    }
}
