package io.deskport.broker.provisioning;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.pools.Desktop;
import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.ManagedDesktops;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.tenancy.Tenants;
import io.deskport.provisioning.planner.ActionType;

/**
 * The snapshot policy of persistent pools and its schedule: every assigned desktop of a pool with a daily time gets
 * a scheduled snapshot once that local time (in the tenant's time zone) has passed each day, and only the newest
 * {@code keep} scheduled snapshots are kept (on-demand ones are the user's to delete; both count against the
 * per-desktop quota). Only the latest due time is taken: a broker that was down for three days takes one snapshot,
 * not three. Each snapshot is a row plus a SNAPSHOT task written in one transaction, keyed by desktop and scheduled
 * time, so running the schedule twice (or on two brokers) takes it once.
 */
@Component
class SnapshotSchedule {

    private static final Logger log = LoggerFactory.getLogger(SnapshotSchedule.class);

    /**
     * A pool's snapshot policy.
     *
     * @param dailyAt  local time of the daily snapshot in the tenant's time zone; null: none scheduled
     * @param keep     scheduled snapshots kept per desktop (the oldest beyond go)
     * @param quotaMiB storage all snapshots of one desktop may hold; null: no quota
     * @param timeZone the tenant's time zone {@code dailyAt} is read in
     */
    record Policy(UUID poolId, LocalTime dailyAt, int keep, Long quotaMiB, String timeZone) {
    }

    private final JdbcClient jdbc;
    private final ManagedDesktops desktops;
    private final DesktopPlacements placements;
    private final DesktopSnapshots snapshots;
    private final TaskJournal journal;
    private final PoolProvisioning poolSettings;
    private final Tenants tenants;
    private final ProvisioningProperties props;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private volatile Clock clock = Clock.systemUTC();

    SnapshotSchedule(JdbcClient jdbc, ManagedDesktops desktops, DesktopPlacements placements, DesktopSnapshots snapshots,
                     TaskJournal journal, PoolProvisioning poolSettings, Tenants tenants, ProvisioningProperties props,
                     ApplicationEventPublisher events, PlatformTransactionManager txManager) {
        this.jdbc = jdbc;
        this.desktops = desktops;
        this.placements = placements;
        this.snapshots = snapshots;
        this.journal = journal;
        this.poolSettings = poolSettings;
        this.tenants = tenants;
        this.props = props;
        this.events = events;
        this.tx = new TransactionTemplate(txManager);
    }

    /** The clock the schedule reads (tests put a fixed one in). */
    void useClock(Clock clock) {
        this.clock = clock;
    }

    Instant now() {
        return clock.instant();
    }

    /** A provisioned pool's policy (404 for another tenant's pool; INVALID_STATE when it is not provisioned). */
    @Transactional(readOnly = true)
    Policy policy(UUID tenantId, UUID poolId) {
        poolSettings.require(tenantId, poolId);
        return jdbc.sql("select pool_id, snapshot_daily_at, snapshot_keep, snapshot_quota_mib from pool_provisioning "
                        + "where tenant_id = ? and pool_id = ?").params(tenantId, poolId)
                .query((rs, n) -> new Policy(rs.getObject(1, UUID.class),
                        rs.getObject(2) == null ? null : rs.getTime(2).toLocalTime(), rs.getInt(3),
                        (Long) rs.getObject(4), tenants.timeZone(tenantId).getId()))
                .single();
    }

    /**
     * Sets a PERSISTENT pool's policy (all three members: null {@code dailyAt} = no schedule, null {@code quotaMiB} =
     * no quota).
     *
     * @throws ProblemException VALIDATION_FAILED for a pool that is not PERSISTENT or a bad value
     */
    @Transactional
    io.deskport.broker.shared.Versions.Versioned<Policy> setPolicy(AdminContext ctx, UUID poolId,
                                                                io.deskport.broker.shared.Versions.IfMatch ifMatch,
                                                                LocalTime dailyAt, int keep, Long quotaMiB) {
        poolSettings.require(ctx.tenantId(), poolId);
        long version = jdbc.sql("select version from pool_provisioning where tenant_id = ? and pool_id = ? for update")
                .params(ctx.tenantId(), poolId).query(Long.class).single();
        ifMatch.check("Pool snapshot policy", poolId, version);
        DesktopPool pool = desktops.pools(List.of(poolId)).get(poolId);
        if (pool == null || pool.kind() != PoolKind.PERSISTENT) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "Only PERSISTENT pools have snapshots (a pooled "
                    + "desktop is reset after every use)", Map.of("poolId", poolId));
        }
        if (keep < 1 || keep > 366 || (quotaMiB != null && quotaMiB < 1)) {
            throw ProblemException.validation("keep", "keep must be 1..366 and quotaMiB positive");
        }
        // the pool's provisioning settings and this policy are one configuration row with one version
        jdbc.sql("update pool_provisioning set snapshot_daily_at = ?, snapshot_keep = ?, snapshot_quota_mib = ?, "
                        + "version = version + 1, updated_at = now() where tenant_id = ? and pool_id = ?")
                .params(dailyAt == null ? null : java.sql.Time.valueOf(dailyAt), keep, quotaMiB, ctx.tenantId(), poolId)
                .update();
        java.util.Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("dailyAt", dailyAt == null ? null : dailyAt.toString());
        details.put("keep", keep);
        details.put("quotaMiB", quotaMiB);
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "POOL_SNAPSHOT_POLICY_CHANGED",
                "DESKTOP_POOL", poolId.toString(), details));
        return new io.deskport.broker.shared.Versions.Versioned<>(policy(ctx.tenantId(), poolId), version + 1);
    }

    /** The version of the pool's provisioning settings, which the policy is part of (its ETag). */
    long version(UUID tenantId, UUID poolId) {
        return jdbc.sql("select version from pool_provisioning where tenant_id = ? and pool_id = ?")
                .params(tenantId, poolId).query(Long.class).optional().orElse(0L);
    }

    /** The latest scheduled instant at or before {@code now}: today's local time if it has passed, else yesterday's. */
    static Instant due(Instant now, LocalTime dailyAt, ZoneId zone) {
        LocalDate today = now.atZone(zone).toLocalDate();
        Instant todays = ZonedDateTime.of(today, dailyAt, zone).toInstant();
        return todays.isAfter(now) ? ZonedDateTime.of(today.minusDays(1), dailyAt, zone).toInstant() : todays;
    }

    /** One pass at the clock's time. */
    int run() {
        return run(now());
    }

    /**
     * One pass: enqueues every due scheduled snapshot, and the deletion of scheduled snapshots beyond each pool's N.
     *
     * @return snapshots enqueued
     */
    int run(Instant now) {
        record Due(UUID poolId, UUID tenantId, LocalTime dailyAt, Long quotaMiB) {
        }
        List<Due> pools = jdbc.sql("select pool_id, tenant_id, snapshot_daily_at, snapshot_quota_mib from pool_provisioning "
                        + "where enabled and snapshot_daily_at is not null")
                .query((rs, n) -> new Due(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getTime(3).toLocalTime(), (Long) rs.getObject(4))).list();
        if (pools.isEmpty()) {
            return 0;
        }
        Map<UUID, DesktopPool> kinds = desktops.pools(pools.stream().map(Due::poolId).toList());
        Set<UUID> persistent = new HashSet<>();
        kinds.values().stream().filter(p -> p.kind() == PoolKind.PERSISTENT).forEach(p -> persistent.add(p.id()));
        Map<UUID, Due> byPool = new java.util.HashMap<>();
        pools.stream().filter(p -> persistent.contains(p.poolId())).forEach(p -> byPool.put(p.poolId(), p));
        Map<UUID, TaskJournal.OpenTask> open = journal.open();
        int enqueued = 0;
        for (Desktop d : desktops.listAll()) {
            Due p = byPool.get(d.poolId());
            if (p == null || d.assignedUserId() == null || !DesktopSnapshots.SNAPSHOTTABLE.contains(d.state())
                    || open.containsKey(d.id())) {
                continue;
            }
            Instant at = due(now, p.dailyAt(), tenants.timeZone(p.tenantId()));
            if (d.createdAt().isAfter(at)) {
                continue; // it did not exist at that time
            }
            Boolean written;
            try {
                written = tx.execute(status -> take(d, at, p.quotaMiB()));
            } catch (IllegalStateException raced) {
                written = false; // it got another task meanwhile: next pass
            }
            if (Boolean.TRUE.equals(written)) {
                enqueued++;
            } else if (snapshots.pruneScheduled(d.id())) {
                log.debug("Desktop {} keeps its pool's number of scheduled snapshots: the oldest goes", d.id());
            }
        }
        if (enqueued > 0) {
            log.info("Snapshot schedule: {} scheduled snapshot(s) enqueued", enqueued);
        }
        return enqueued;
    }

    /** The desktop's scheduled snapshot for {@code at}, unless it has one; false when nothing was written. */
    private boolean take(Desktop d, Instant at, Long quotaMiB) {
        boolean exists = jdbc.sql("select exists (select 1 from desktop_snapshot where desktop_id = ? and scheduled_for = ?)")
                .params(d.id(), java.sql.Timestamp.from(at)).query(Boolean.class).single();
        if (exists) {
            return false;
        }
        var placement = placements.find(d.id());
        if (placement.isEmpty()) {
            return false;
        }
        UUID id = Ids.newId();
        long used = snapshots.usedMiB(d.id());
        if (quotaMiB != null && used >= quotaMiB) {
            // recorded, so that people see why there is none, and the schedule does not try again until tomorrow
            jdbc.sql("insert into desktop_snapshot (id, tenant_id, pool_id, desktop_id, kind, state, scheduled_for, "
                            + "requested_by, error) values (?, ?, ?, ?, 'SCHEDULED', 'FAILED', ?, 'schedule', ?)")
                    .params(id, d.tenantId(), d.poolId(), d.id(), java.sql.Timestamp.from(at), "SNAPSHOT_QUOTA: its "
                            + "snapshots hold " + used + " MiB of the quota of " + quotaMiB + " MiB").update();
            log.warn("Desktop {}: no scheduled snapshot for {}: its snapshots hold {} MiB of the quota of {} MiB",
                    d.id(), at, used, quotaMiB);
            return false;
        }
        jdbc.sql("insert into desktop_snapshot (id, tenant_id, pool_id, desktop_id, kind, state, scheduled_for, "
                        + "requested_by) values (?, ?, ?, ?, 'SCHEDULED', 'CREATING', ?, 'schedule')")
                .params(id, d.tenantId(), d.poolId(), d.id(), java.sql.Timestamp.from(at)).update();
        boolean written = journal.enqueue(new TaskJournal.NewTask(d.tenantId(), d.poolId(), d.id(),
                placement.get().hostId(), ActionType.SNAPSHOT, "SCHEDULED", null, false,
                "SNAPSHOT:" + d.id() + ":" + at, props.maxAttempts(), id));
        if (!written) {
            throw new IllegalStateException("desktop " + d.id() + " got another task meanwhile");
        }
        return true;
    }
}
