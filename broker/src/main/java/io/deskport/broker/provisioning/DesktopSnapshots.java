package io.deskport.broker.provisioning;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.brokering.EndReason;
import io.deskport.broker.brokering.SessionLifecycle;
import io.deskport.broker.pools.Desktop;
import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.DesktopRemoved;
import io.deskport.broker.pools.DesktopState;
import io.deskport.broker.pools.ManagedDesktops;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.provisioning.driver.DesktopSnapshot;
import io.deskport.provisioning.planner.ActionType;

/**
 * Snapshots of persistent desktops ({@code desktop_snapshot}): asked for by a user (of their own desktop), an admin
 * or the pool's schedule ({@link SnapshotSchedule}), and taken, restored and deleted as tasks of the journal, so
 * that they wait for the desktop's other operations and survive a crash (a task whose broker died is run again;
 * every snapshot operation is idempotent). Each request writes the snapshot's row and its task in one transaction.
 *
 * <p>A restore throws away what was written since the snapshot, and needs the desktop to itself: it must be
 * confirmed, and its live session is logged off in the transaction that takes the desktop out of service
 * (MAINTENANCE) for the restore; the desktop comes back powered off (STOPPED), and the next connect starts it.
 */
@Service
class DesktopSnapshots {

    private static final Logger log = LoggerFactory.getLogger(DesktopSnapshots.class);
    private static final String COLUMNS = "id, tenant_id, pool_id, desktop_id, kind, state, scheduled_for, requested_by, "
            + "label, size_mib, with_memory, error, created_at, taken_at";
    /** Desktop states a snapshot may be taken in (a running one is snapshotted crash-consistently). */
    static final EnumSet<DesktopState> SNAPSHOTTABLE = EnumSet.of(DesktopState.STOPPED, DesktopState.READY,
            DesktopState.IN_USE, DesktopState.MAINTENANCE);

    /** How a snapshot came to be. */
    enum Kind { SCHEDULED, ON_DEMAND }

    /** CREATING → READY (or FAILED); READY → RESTORING → READY; READY → DELETING → gone. */
    enum State { CREATING, READY, RESTORING, DELETING, FAILED }

    /** One snapshot as the API shows it. */
    record Snapshot(UUID id, UUID tenantId, UUID poolId, UUID desktopId, Kind kind, State state, Instant scheduledFor,
                    String requestedBy, String label, Long sizeMiB, boolean withMemory, String error, Instant createdAt,
                    Instant takenAt) {
    }

    private final JdbcClient jdbc;
    private final ManagedDesktops desktops;
    private final DesktopPlacements placements;
    private final TaskJournal journal;
    private final PoolProvisioning poolSettings;
    private final SessionLifecycle sessions;
    private final ProvisioningProperties props;
    private final ApplicationEventPublisher events;

    DesktopSnapshots(JdbcClient jdbc, ManagedDesktops desktops, DesktopPlacements placements, TaskJournal journal,
                     PoolProvisioning poolSettings, SessionLifecycle sessions, ProvisioningProperties props,
                     ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.desktops = desktops;
        this.placements = placements;
        this.journal = journal;
        this.poolSettings = poolSettings;
        this.sessions = sessions;
        this.props = props;
        this.events = events;
    }

    // --- reading ------------------------------------------------------------------------------------------------

    /** A desktop's snapshots, oldest first (the caller has checked the desktop is the tenant's). */
    @Transactional(readOnly = true)
    List<Snapshot> ofDesktop(UUID tenantId, UUID desktopId) {
        return jdbc.sql("select " + COLUMNS + " from desktop_snapshot where tenant_id = ? and desktop_id = ? "
                + "order by created_at, id").params(tenantId, desktopId).query(DesktopSnapshots::map).list();
    }

    /** A snapshot of the desktop, or 404 (another tenant's or another desktop's is "not found" too). */
    @Transactional(readOnly = true)
    Snapshot get(UUID tenantId, UUID desktopId, UUID snapshotId) {
        return jdbc.sql("select " + COLUMNS + " from desktop_snapshot where tenant_id = ? and desktop_id = ? and id = ?")
                .params(tenantId, desktopId, snapshotId).query(DesktopSnapshots::map).optional()
                .orElseThrow(() -> ProblemException.notFound("Snapshot", snapshotId));
    }

    /** The storage a desktop's snapshots hold (those being taken count with their size once known). */
    long usedMiB(UUID desktopId) {
        return jdbc.sql("select coalesce(sum(size_mib), 0) from desktop_snapshot where desktop_id = ? "
                + "and state in ('READY', 'RESTORING', 'DELETING', 'CREATING')").param(desktopId).query(Long.class).single();
    }

    // --- requests -----------------------------------------------------------------------------------------------

    /**
     * Asks for a snapshot of a desktop now (a user's "save my desktop now", or an admin's).
     *
     * @param requestKey an API client's Idempotency-Key, or null: asking again with the same key returns the first
     *                   answer
     * @throws ProblemException INVALID_STATE (not a persistent desktop, or in a state without a machine to snapshot,
     *                          or busy with another operation), SNAPSHOT_QUOTA (its snapshots hold the pool's quota)
     */
    @Transactional
    Snapshot request(Desktop d, CurrentUser actor, String label, String requestKey) {
        String requestedBy = actor.username();
        if (requestKey != null) {
            Optional<Snapshot> earlier = jdbc.sql("select " + COLUMNS + " from desktop_snapshot where desktop_id = ? "
                    + "and request_key = ?").params(d.id(), requestKey).query(DesktopSnapshots::map).optional();
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        PoolProvisioning.Settings s = requirePersistent(d);
        requireSnapshottable(d);
        Long quota = quotaMiB(s.poolId());
        long used = usedMiB(d.id());
        if (quota != null && used >= quota) {
            throw new ProblemException(Reason.SNAPSHOT_QUOTA, "The snapshots of desktop " + d.name() + " hold "
                    + used + " MiB of the pool's quota of " + quota + " MiB; delete one first",
                    Map.of("usedMiB", used, "quotaMiB", quota, "desktopId", d.id()));
        }
        UUID id = Ids.newId();
        jdbc.sql("insert into desktop_snapshot (id, tenant_id, pool_id, desktop_id, kind, state, requested_by, "
                        + "request_key, label) values (?, ?, ?, ?, 'ON_DEMAND', 'CREATING', ?, ?, ?)")
                .params(id, d.tenantId(), d.poolId(), d.id(), requestedBy, requestKey, label).update();
        enqueueOrRefuse(d, ActionType.SNAPSHOT, id, "ON_DEMAND", "SNAPSHOT:" + id);
        audit(d, actor, "DESKTOP_SNAPSHOT_REQUESTED", id);
        log.info("Snapshot {} of desktop {} asked for by {}", id, d.id(), requestedBy);
        return get(d.tenantId(), d.id(), id);
    }

    /**
     * Restores a desktop to one of its snapshots: logs off its live session, takes it out of service and enqueues
     * the restore, in one transaction.
     *
     * @param confirmed the caller has seen the warning; without it nothing happens and CONFIRMATION_REQUIRED says
     *                  what would be lost
     * @throws ProblemException CONFIRMATION_REQUIRED, INVALID_STATE (the snapshot is not READY, the desktop is busy
     *                          or in a state a restore cannot start from)
     */
    @Transactional
    Snapshot restore(Desktop d, UUID snapshotId, CurrentUser actor, boolean confirmed) {
        Snapshot snap = get(d.tenantId(), d.id(), snapshotId); // another's snapshot: not found, before anything else
        requirePersistent(d);
        if (snap.state() != State.READY) {
            throw new ProblemException(Reason.INVALID_STATE, "Snapshot " + snapshotId + " is " + snap.state()
                    + "; only a READY snapshot can be restored", Map.of("snapshotState", snap.state()));
        }
        boolean inUse = d.state() == DesktopState.IN_USE;
        if (!confirmed) {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("warning", (inUse ? "The session on this desktop will be logged off (unsaved work in it is "
                    + "lost), and everything" : "Everything") + " written to the desktop since " + snap.takenAt()
                    + " will be lost. Send confirm=true to go ahead.");
            figures.put("sessionWillBeLoggedOff", inUse);
            figures.put("snapshotTakenAt", snap.takenAt());
            throw new ProblemException(Reason.CONFIRMATION_REQUIRED, "Restoring desktop " + d.name()
                    + " needs confirmation", figures);
        }
        if (journal.openTask(d.id()).isPresent()) {
            throw busy(d);
        }
        int ended = sessions.endSessionsOnDesktop(d.tenantId(), d.id(),
                actor.userId() != null && actor.userId().equals(d.assignedUserId()) ? EndReason.LOGOFF
                        : EndReason.ADMIN_LOGOFF, actor);
        // the session's end gave the desktop back (READY); a powered-off one is STOPPED
        if (desktops.move(d.id(), EnumSet.of(DesktopState.READY, DesktopState.STOPPED), DesktopState.MAINTENANCE)
                .isEmpty()) {
            throw new ProblemException(Reason.INVALID_STATE, "Desktop " + d.name() + " is "
                    + desktops.find(d.id()).map(x -> x.state().name()).orElse("gone")
                    + "; a restore starts from READY, IN_USE or STOPPED", Map.of("desktopId", d.id()));
        }
        jdbc.sql("update desktop_snapshot set state = 'RESTORING' where id = ? and state = 'READY'").param(snapshotId)
                .update();
        enqueueOrRefuse(d, ActionType.RESTORE_SNAPSHOT, snapshotId, "RESTORE",
                "RESTORE_SNAPSHOT:" + snapshotId + ":" + Ids.newId());
        audit(d, actor, "DESKTOP_SNAPSHOT_RESTORE_REQUESTED", snapshotId);
        log.info("Desktop {} is being restored to snapshot {} by {} ({} session(s) logged off)", d.id(), snapshotId,
                actor.username(), ended);
        return get(d.tenantId(), d.id(), snapshotId);
    }

    /**
     * Deletes a snapshot (a FAILED one at once; a READY one through a task, which frees its storage).
     *
     * @throws ProblemException INVALID_STATE while it is being taken or restored, or the desktop is busy
     */
    @Transactional
    void delete(Desktop d, UUID snapshotId, CurrentUser actor) {
        String why = "DELETED";
        Snapshot snap = get(d.tenantId(), d.id(), snapshotId);
        audit(d, actor, "DESKTOP_SNAPSHOT_DELETED", snapshotId);
        switch (snap.state()) {
            case DELETING -> {
                return;
            }
            case FAILED -> {
                jdbc.sql("delete from desktop_snapshot where id = ?").param(snapshotId).update();
                return;
            }
            case CREATING, RESTORING -> throw new ProblemException(Reason.INVALID_STATE, "Snapshot " + snapshotId
                    + " is " + snap.state() + "; delete it when that is done", Map.of("snapshotState", snap.state()));
            case READY -> {
            }
        }
        jdbc.sql("update desktop_snapshot set state = 'DELETING' where id = ? and state = 'READY'").param(snapshotId)
                .update();
        enqueueOrRefuse(d, ActionType.DELETE_SNAPSHOT, snapshotId, why, "DELETE_SNAPSHOT:" + snapshotId);
    }

    // --- the task runner's outcomes (inside its completion transaction) ---------------------------------------------

    /** The snapshot was taken: READY with what it holds; metering counts it from now. */
    void taken(UUID snapshotId, DesktopSnapshot s) {
        Optional<Snapshot> row = jdbc.sql("update desktop_snapshot set state = 'READY', size_mib = ?, with_memory = ?, "
                        + "taken_at = now(), error = null where id = ? and state = 'CREATING' returning " + COLUMNS)
                .params(s.sizeMiB(), s.withMemory(), snapshotId).query(DesktopSnapshots::map).optional();
        row.ifPresent(r -> events.publishEvent(new DesktopSnapshotKept(r.tenantId(), r.poolId(), r.desktopId(), r.id(),
                r.kind().name(), s.sizeMiB())));
    }

    /** Taking the snapshot failed for good: FAILED with why (the task's clean-up removed any half of it). */
    void notTaken(UUID snapshotId, String error) {
        jdbc.sql("update desktop_snapshot set state = 'FAILED', error = ? where id = ? and state = 'CREATING'")
                .params(error, snapshotId).update();
    }

    /** The restore is over (done or failed for good): the snapshot is READY again, the desktop powered off. */
    void restoreEnded(UUID desktopId, UUID snapshotId) {
        jdbc.sql("update desktop_snapshot set state = 'READY' where id = ? and state = 'RESTORING'").param(snapshotId)
                .update();
        desktops.move(desktopId, EnumSet.of(DesktopState.MAINTENANCE), DesktopState.STOPPED);
    }

    /** Deleting it failed for good: it is READY again (still on its host), with why. */
    void deleteFailed(UUID snapshotId, String error) {
        jdbc.sql("update desktop_snapshot set state = 'READY', error = ? where id = ? and state = 'DELETING'")
                .params(error, snapshotId).update();
    }

    /** The snapshot is deleted on its host: forgotten, and metering stops counting it. */
    void deleted(UUID snapshotId, String why) {
        jdbc.sql("delete from desktop_snapshot where id = ? returning " + COLUMNS).param(snapshotId)
                .query(DesktopSnapshots::map).optional()
                .filter(r -> r.takenAt() != null)
                .ifPresent(r -> events.publishEvent(new DesktopSnapshotRemoved(r.tenantId(), r.poolId(), r.desktopId(),
                        r.id(), why)));
    }

    /** The desktop's disk was replaced (refresh or replace): its snapshots went with the old one. */
    void forgetAll(UUID desktopId, String why) {
        jdbc.sql("delete from desktop_snapshot where desktop_id = ? returning " + COLUMNS).param(desktopId)
                .query(DesktopSnapshots::map).list().stream().filter(r -> r.takenAt() != null)
                .forEach(r -> events.publishEvent(new DesktopSnapshotRemoved(r.tenantId(), r.poolId(), r.desktopId(),
                        r.id(), why)));
    }

    /** A desktop is removed: its snapshots go with it (published before its row goes, in the same transaction). */
    @EventListener
    void on(DesktopRemoved e) {
        forgetAll(e.desktopId(), "DESKTOP_GONE");
    }

    // --- keep N ---------------------------------------------------------------------------------------------------

    /**
     * Enqueues the deletion of the oldest scheduled snapshot of a desktop that has more READY scheduled snapshots
     * than its pool keeps (one at a time: a desktop has one open task; the next follows when it is done).
     *
     * @return true when a deletion was enqueued
     */
    @Transactional
    boolean pruneScheduled(UUID desktopId) {
        Optional<UUID> oldest = jdbc.sql("select s.id from desktop_snapshot s join pool_provisioning p on p.pool_id = s.pool_id "
                        + "where s.desktop_id = ? and s.kind = 'SCHEDULED' and s.state = 'READY' "
                        + "and (select count(*) from desktop_snapshot k where k.desktop_id = s.desktop_id "
                        + "and k.kind = 'SCHEDULED' and k.state = 'READY') > p.snapshot_keep "
                        + "order by s.scheduled_for limit 1").param(desktopId).query(UUID.class).optional();
        if (oldest.isEmpty()) {
            return false;
        }
        Optional<Desktop> d = desktops.find(desktopId);
        if (d.isEmpty() || journal.openTask(desktopId).isPresent()) {
            return false;
        }
        DesktopPlacements.Placement p = placements.find(desktopId).orElse(null);
        if (p == null) {
            return false;
        }
        boolean written = journal.enqueue(new TaskJournal.NewTask(d.get().tenantId(), d.get().poolId(), desktopId,
                p.hostId(), ActionType.DELETE_SNAPSHOT, "KEEP_POLICY", null, false, "DELETE_SNAPSHOT:" + oldest.get(),
                props.maxAttempts(), oldest.get()));
        if (written) {
            jdbc.sql("update desktop_snapshot set state = 'DELETING' where id = ? and state = 'READY'")
                    .param(oldest.get()).update();
        }
        return written;
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    /** The pool's quota of snapshot storage per desktop, or null. */
    Long quotaMiB(UUID poolId) {
        return jdbc.sql("select snapshot_quota_mib from pool_provisioning where pool_id = ?").param(poolId)
                .query((rs, n) -> (Long) rs.getObject(1)).optional().orElse(null);
    }

    private PoolProvisioning.Settings requirePersistent(Desktop d) {
        DesktopPool pool = desktops.pools(List.of(d.poolId())).get(d.poolId());
        PoolProvisioning.Settings s = poolSettings.find(d.tenantId(), d.poolId()).orElse(null);
        if (pool == null || pool.kind() != PoolKind.PERSISTENT || s == null || !d.managed()) {
            throw new ProblemException(Reason.INVALID_STATE, "Only desktops of provisioned PERSISTENT pools have "
                    + "snapshots (a pooled desktop is reset after every use)", Map.of("desktopId", d.id()));
        }
        return s;
    }

    private void requireSnapshottable(Desktop d) {
        if (!SNAPSHOTTABLE.contains(d.state())) {
            throw new ProblemException(Reason.INVALID_STATE, "Desktop " + d.name() + " is " + d.state()
                    + "; a snapshot is taken of a STOPPED, READY or IN_USE desktop",
                    Map.of("desktopId", d.id(), "desktopState", d.state()));
        }
    }

    private void enqueueOrRefuse(Desktop d, ActionType type, UUID snapshotId, String reason, String key) {
        DesktopPlacements.Placement p = placements.find(d.id()).orElse(null);
        if (p == null) {
            throw new ProblemException(Reason.INVALID_STATE, "Desktop " + d.name() + " has no machine on a hypervisor "
                    + "host yet", Map.of("desktopId", d.id()));
        }
        if (!journal.enqueue(new TaskJournal.NewTask(d.tenantId(), d.poolId(), d.id(), p.hostId(), type, reason, null,
                false, key, props.maxAttempts(), snapshotId))) {
            throw busy(d);
        }
    }

    /** The audit trail's line of a snapshot asked for, restored or deleted by a person (in the same transaction). */
    private void audit(Desktop d, CurrentUser actor, String action, UUID snapshotId) {
        events.publishEvent(new io.deskport.broker.shared.AdminActionPerformed(d.tenantId(), actor, action, "DESKTOP",
                d.id().toString(), Map.of("snapshotId", snapshotId.toString(), "desktopName", d.name())));
    }

    private static ProblemException busy(Desktop d) {
        return new ProblemException(Reason.INVALID_STATE, "Desktop " + d.name() + " is busy with another operation; "
                + "try again when it is done", Map.of("desktopId", d.id(), "busy", true));
    }

    static Snapshot map(ResultSet rs, int n) throws SQLException {
        return new Snapshot(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getObject("pool_id", UUID.class), rs.getObject("desktop_id", UUID.class),
                Kind.valueOf(rs.getString("kind")), State.valueOf(rs.getString("state")),
                HypervisorHosts.instant(rs.getTimestamp("scheduled_for")), rs.getString("requested_by"),
                rs.getString("label"), (Long) rs.getObject("size_mib"), rs.getBoolean("with_memory"),
                rs.getString("error"), HypervisorHosts.instant(rs.getTimestamp("created_at")),
                HypervisorHosts.instant(rs.getTimestamp("taken_at")));
    }
}
