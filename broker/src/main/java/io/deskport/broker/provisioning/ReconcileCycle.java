package io.deskport.broker.provisioning;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.pools.Desktop;
import io.deskport.broker.pools.DesktopState;
import io.deskport.broker.pools.ManagedDesktops;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.provisioning.planner.ActionType;
import io.deskport.provisioning.planner.Plan;
import io.deskport.provisioning.planner.PlanNote;
import io.deskport.provisioning.planner.PlannedAction;
import io.deskport.provisioning.planner.ReconcilePlanner;
import io.deskport.provisioning.planner.SpareForecast;

/**
 * One reconcile cycle: read the database in one consistent snapshot, plan with
 * {@link ReconcilePlanner}, write the plan as tasks (moving each desktop into the action's state in the
 * same transaction as its task). Runs only on the elected broker; the task journal's idempotency keys
 * and the one-open-task-per-desktop index make a second writer harmless anyway.
 */
@Component
class ReconcileCycle {

    private static final Logger log = LoggerFactory.getLogger(ReconcileCycle.class);
    private static final EnumSet<DesktopState> DELETABLE = EnumSet.complementOf(EnumSet.of(DesktopState.DELETING,
            DesktopState.IN_USE));

    private final ProvisioningProperties props;
    private final ReconcilePlanner planner;
    private final HypervisorHosts hosts;
    private final PoolProvisioning poolSettings;
    private final ManagedDesktops desktops;
    private final DesktopPlacements placements;
    private final TaskJournal journal;
    private final TransactionTemplate snapshotTx;
    private final TransactionTemplate tx;
    private final DemandForecasts demand;
    private final SharedPoolConsolidation consolidation;
    private final Clock clock;
    private final HostDrains drains;

    ReconcileCycle(ProvisioningProperties props, ReconcilePlanner planner, HypervisorHosts hosts,
                   PoolProvisioning poolSettings, ManagedDesktops desktops, DesktopPlacements placements,
                   TaskJournal journal, PlatformTransactionManager txManager, DemandForecasts demand,
                   SharedPoolConsolidation consolidation, Clock clock, HostDrains drains) {
        this.drains = drains;
        this.demand = demand;
        this.consolidation = consolidation;
        this.clock = clock;
        this.props = props;
        this.planner = planner;
        this.hosts = hosts;
        this.poolSettings = poolSettings;
        this.desktops = desktops;
        this.placements = placements;
        this.journal = journal;
        this.snapshotTx = new TransactionTemplate(txManager);
        this.snapshotTx.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.snapshotTx.setReadOnly(true);
        this.tx = new TransactionTemplate(txManager);
    }

    /**
     * What one cycle did.
     *
     * @param actions      what the planner wanted
     * @param tasksWritten tasks that made it into the journal
     * @param notes        what was held back and why
     */
    record Report(List<PlannedAction> actions, int tasksWritten, List<PlanNote> notes, long readMillis,
                  long planMillis, long writeMillis) {
    }

    Report run() {
        long t0 = System.nanoTime();
        Instant now = clock.instant();
        PlanningSnapshot snapshot = snapshotTx.execute(status -> {
            List<PoolProvisioning.Settings> enabled = poolSettings.allEnabled();
            List<Desktop> all = desktops.listAll();
            Set<UUID> poolIds = new HashSet<>();
            enabled.forEach(s -> poolIds.add(s.poolId()));
            return new PlanningSnapshot(now, hosts.rows(), enabled, desktops.pools(poolIds), all,
                    placements.all(), journal.open());
        });
        // pools in DEMAND mode: their spare target from the forecast (learned curves are cached; read outside the snapshot)
        Map<UUID, SpareForecast> forecasts = demand.forecasts(snapshot.settings.keySet(), now);
        var input = snapshot.toInput(props.failedRetention(), props.demandWindow(), forecasts);
        long t1 = System.nanoTime();
        Plan plan = planner.plan(input);
        long t2 = System.nanoTime();
        int written = repair(snapshot);
        List<PlanNote> notes = new ArrayList<>(plan.notes());
        written += write(snapshot, plan, notes);
        // SHARED pools in DEMAND mode: drain the session hosts the next hour does not need (every 30 s)
        consolidation.runIfDue(now);
        // hypervisor hosts in maintenance: their users' desktops move to other hosts
        written += drains.run(snapshot);
        long t3 = System.nanoTime();
        return new Report(plan.actions(), written, List.copyOf(notes), (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000,
                (t3 - t2) / 1_000_000);
    }

    /** Desktops whose task vanished: interrupted provisioning fails visibly, unfinished deletes are redone. */
    private int repair(PlanningSnapshot s) {
        int written = 0;
        for (Desktop d : s.interruptedProvisioning) {
            tx.executeWithoutResult(st -> desktops.fail(d.id(), "PROVISIONING_INTERRUPTED: its provisioning task "
                    + "ended without creating the desktop"));
        }
        for (Desktop d : s.undeleted) {
            DesktopPlacements.Placement p = s.placements.get(d.id());
            Boolean ok = tx.execute(st -> journal.enqueue(new TaskJournal.NewTask(d.tenantId(), d.poolId(), d.id(),
                    p.hostId(), ActionType.DELETE, "FAILED_CLEANUP", null, false,
                    "DELETE:" + d.id() + ":" + micros(d.stateChangedAt()), props.maxAttempts())));
            written += Boolean.TRUE.equals(ok) ? 1 : 0;
        }
        return written;
    }

    /** @param notes where creates the tenant's quota or a licence held back are noted */
    private int write(PlanningSnapshot s, Plan plan, List<PlanNote> notes) {
        Map<String, List<PlannedAction>> byPool = new LinkedHashMap<>();
        for (PlannedAction a : plan.actions()) {
            if (a.type() == ActionType.DELETE && a.desktopId() != null && s.recentlyFailed.contains(a.desktopId())) {
                continue; // kept visible as FAILED for a while
            }
            byPool.computeIfAbsent(a.poolId(), k -> new ArrayList<>()).add(a);
        }
        int written = 0;
        Map<UUID, ProblemException> tenantsAtQuota = new HashMap<>();
        List<PlannedAction> others = new ArrayList<>();
        for (var entry : byPool.entrySet()) {
            PoolProvisioning.Settings settings = s.settings.get(UUID.fromString(entry.getKey()));
            ProblemException heldBack = null;
            int creates = 0;
            for (PlannedAction a : entry.getValue()) {
                if (a.type() != ActionType.CREATE) {
                    others.add(a);
                    continue;
                }
                creates++;
                if (heldBack == null) {
                    heldBack = tenantsAtQuota.get(settings.tenantId());
                }
                if (heldBack != null) {
                    continue;
                }
                try {
                    // one transaction per create: a tenant at its desktop quota, or a PER_DESKTOP licence without a
                    // seat, refuses just that one
                    Boolean ok = tx.execute(st -> create(settings, a));
                    written += Boolean.TRUE.equals(ok) ? 1 : 0;
                    creates--;
                } catch (ProblemException e) {
                    heldBack = e;
                    if (e.reason() == Reason.TENANT_QUOTA) {
                        tenantsAtQuota.put(settings.tenantId(), e);
                    }
                    log.warn("Pool {} cannot grow: {}", settings.poolId(), e.getMessage());
                }
            }
            if (heldBack != null && creates > 0) {
                notes.add(new PlanNote(entry.getKey(), heldBack.reason() == Reason.LICENCE_EXHAUSTED
                        ? PlanNote.Code.LICENCE_EXHAUSTED : PlanNote.Code.TENANT_QUOTA, creates, heldBack.getMessage()
                        + " " + heldBack.figures()));
            }
        }
        if (!others.isEmpty()) {
            // Everything else in one transaction of a few statements: the tasks are inserted together (a key or
            // desktop that has one already is skipped), then the desktops whose task is new move together.
            Integer n = tx.execute(st -> act(s, others));
            written += n == null ? 0 : n;
        }
        return written;
    }

    private boolean create(PoolProvisioning.Settings settings, PlannedAction a) {
        UUID id = Ids.newId();
        UUID imageId = UUID.fromString(a.imageVersion());
        desktops.create(settings.tenantId(), settings.poolId(), id, "desktop-" + id.toString().substring(24));
        placements.insert(id, settings.tenantId(), settings.poolId(), UUID.fromString(a.hostId()), imageId);
        return journal.enqueue(new TaskJournal.NewTask(settings.tenantId(), settings.poolId(), id,
                UUID.fromString(a.hostId()), ActionType.CREATE, a.reason().name(), imageId, true, "CREATE:" + id,
                props.maxAttempts()));
    }

    /** Writes the tasks first; only desktops whose task is new move (a racing writer's task wins). */
    private int act(PlanningSnapshot s, List<PlannedAction> actions) {
        List<TaskJournal.NewTask> tasks = new ArrayList<>();
        Map<ActionType, List<UUID>> byType = new java.util.EnumMap<>(ActionType.class);
        for (PlannedAction a : actions) {
            UUID id = UUID.fromString(a.desktopId());
            Desktop d = s.desktops.get(id);
            DesktopPlacements.Placement p = s.placements.get(id);
            if (d == null || p == null) {
                continue;
            }
            boolean startAfter = (a.type() == ActionType.REFRESH || a.type() == ActionType.REPLACE)
                    && (d.assignedUserId() == null || d.state() == DesktopState.READY);
            UUID image = a.imageVersion() == null ? null : UUID.fromString(a.imageVersion());
            tasks.add(new TaskJournal.NewTask(d.tenantId(), d.poolId(), id, p.hostId(), a.type(), a.reason().name(),
                    image, startAfter, a.type() + ":" + id + ":" + micros(d.stateChangedAt()), props.maxAttempts()));
            byType.computeIfAbsent(a.type(), k -> new ArrayList<>()).add(id);
        }
        Set<UUID> written = journal.enqueueAll(tasks);
        Set<UUID> moved = new HashSet<>();
        byType.forEach((type, ids) -> {
            List<UUID> mine = ids.stream().filter(written::contains).toList();
            moved.addAll(switch (type) {
                case START -> desktops.moveAll(mine, EnumSet.of(DesktopState.STOPPED, DesktopState.STARTING),
                        DesktopState.STARTING);
                case STOP -> desktops.moveAll(mine, EnumSet.of(DesktopState.READY), DesktopState.STOPPING);
                case REFRESH, REPLACE -> desktops.moveAll(mine, EnumSet.of(DesktopState.READY, DesktopState.STOPPED,
                        DesktopState.REFRESHING), DesktopState.REFRESHING);
                case DELETE -> desktops.moveAll(mine, DELETABLE, DesktopState.DELETING);
                case CREATE -> throw new IllegalStateException("creates are written apart");
                case SNAPSHOT, RESTORE_SNAPSHOT, DELETE_SNAPSHOT, MIGRATE ->
                        throw new IllegalStateException("the planner plans no snapshot operations or migrations");
            });
        });
        Set<UUID> moot = new HashSet<>(written);
        moot.removeAll(moved);
        // These desktops changed since the snapshot (e.g. a user claimed one): their tasks are moot.
        journal.cancelPending(moot, "desktop changed before the task started");
        return moved.size();
    }

    private static long micros(Instant t) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, t);
    }
}
