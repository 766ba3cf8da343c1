package io.deskport.broker.provisioning;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.deskport.broker.pools.Desktop;
import io.deskport.broker.pools.DesktopPool;
import io.deskport.provisioning.planner.DesktopState;
import io.deskport.provisioning.planner.DesktopView;
import io.deskport.provisioning.planner.HostView;
import io.deskport.provisioning.planner.PlanningInput;
import io.deskport.provisioning.planner.PoolDemand;
import io.deskport.provisioning.planner.PoolKind;
import io.deskport.provisioning.planner.PoolSnapshot;
import io.deskport.provisioning.planner.PoolSpec;
import io.deskport.provisioning.planner.SpareForecast;
import io.deskport.provisioning.planner.ActionType;

/**
 * The database as one planning cycle sees it, translated into the planner's terms. The translation
 * is where the broker's states meet the planner's:
 *
 * <ul>
 *   <li>a desktop with an open task is in that task's transitional state (the planner leaves it alone);</li>
 *   <li>STARTING without a task is the connect flow's PREPARING path: a STOPPED desktop whose user waits;</li>
 *   <li>REFRESHING without a task is a pooled desktop after logoff: free and dirty;</li>
 *   <li>READY with an owner is ASSIGNED (running, no session: the power policy may stop it);</li>
 *   <li>MAINTENANCE is hands-off (shown to the planner as in use);</li>
 *   <li>a FAILED desktop younger than the retention is kept visible: its clean-up is held back.</li>
 * </ul>
 */
final class PlanningSnapshot {

    private static final EnumSet<io.deskport.broker.pools.DesktopState> RUNNING = EnumSet.of(
            io.deskport.broker.pools.DesktopState.PROVISIONING, io.deskport.broker.pools.DesktopState.STARTING,
            io.deskport.broker.pools.DesktopState.READY, io.deskport.broker.pools.DesktopState.IN_USE,
            io.deskport.broker.pools.DesktopState.REFRESHING, io.deskport.broker.pools.DesktopState.STOPPING,
            io.deskport.broker.pools.DesktopState.MAINTENANCE);

    final Instant now;
    final List<HypervisorHosts.HostRow> hosts;
    final Map<UUID, PoolProvisioning.Settings> settings = new HashMap<>();
    final Map<UUID, DesktopPool> pools;
    final Map<UUID, Desktop> desktops = new HashMap<>();
    final Map<UUID, DesktopPlacements.Placement> placements;
    final Map<UUID, TaskJournal.OpenTask> openTasks;
    /** Managed desktops stuck without a task: PROVISIONING (interrupted) and DELETING (to delete again). */
    final List<Desktop> interruptedProvisioning = new ArrayList<>();
    final List<Desktop> undeleted = new ArrayList<>();
    /** Failed desktops whose clean-up is held back so that people can see why they failed. */
    final Set<String> recentlyFailed = new HashSet<>();

    PlanningSnapshot(Instant now, List<HypervisorHosts.HostRow> hosts, List<PoolProvisioning.Settings> enabled,
                     Map<UUID, DesktopPool> pools, List<Desktop> desktops,
                     Map<UUID, DesktopPlacements.Placement> placements, Map<UUID, TaskJournal.OpenTask> openTasks) {
        this.now = now;
        this.hosts = hosts;
        this.pools = pools;
        this.placements = placements;
        this.openTasks = openTasks;
        enabled.forEach(s -> settings.put(s.poolId(), s));
        desktops.forEach(d -> this.desktops.put(d.id(), d));
    }

    /**
     * Builds the planner's input for the enabled pools that have an image.
     *
     * @param forecasts this cycle's forecasts of the pools in DEMAND mode (their spare target), by pool
     */
    PlanningInput toInput(java.time.Duration failedRetention, java.time.Duration demandWindow,
                          Map<UUID, SpareForecast> forecasts) {
        Map<UUID, List<DesktopView>> viewsByPool = new HashMap<>();
        Map<UUID, Set<String>> waitingByPool = new HashMap<>();
        for (Desktop d : desktops.values()) {
            DesktopPlacements.Placement p = placements.get(d.id());
            TaskJournal.OpenTask task = openTasks.get(d.id());
            if (task == null && d.state() == io.deskport.broker.pools.DesktopState.PROVISIONING) {
                interruptedProvisioning.add(d);
                continue;
            }
            if (task == null && d.state() == io.deskport.broker.pools.DesktopState.DELETING) {
                if (p != null) {
                    undeleted.add(d);
                }
                continue;
            }
            if (!settings.containsKey(d.poolId())) {
                continue;
            }
            String user = d.assignedUserId() == null ? null : d.assignedUserId().toString();
            DesktopState state = task != null ? transitional(task.type()) : translate(d);
            if (task == null && d.state() == io.deskport.broker.pools.DesktopState.STARTING && user != null) {
                waitingByPool.computeIfAbsent(d.poolId(), k -> new HashSet<>()).add(user);
            }
            if (state == DesktopState.FAILED && d.stateChangedAt().plus(failedRetention).isAfter(now)) {
                recentlyFailed.add(d.id().toString());
            }
            boolean dirty = task == null && d.state() == io.deskport.broker.pools.DesktopState.REFRESHING;
            Instant lastDisconnected = p == null ? null
                    : p.lastDisconnectedAt() != null ? p.lastDisconnectedAt() : d.stateChangedAt();
            // A desktop that failed before it ever ran has nothing on its host worth protecting: its clean-up
            // is not held back by that host's quarantine (the driver's delete is idempotent anyway).
            boolean neverRan = state == DesktopState.FAILED && (p == null || p.consoleCheckedAt() == null);
            viewsByPool.computeIfAbsent(d.poolId(), k -> new ArrayList<>()).add(new DesktopView(d.id().toString(),
                    state, user, p == null || p.imageVersionId() == null ? null : p.imageVersionId().toString(),
                    p == null || neverRan ? null : p.hostId().toString(), lastDisconnected, dirty));
        }

        Map<UUID, Integer> inFlightByPool = new HashMap<>();
        Map<String, Integer> inFlightByHost = new HashMap<>();
        for (TaskJournal.OpenTask t : openTasks.values()) {
            if (t.poolId() != null) {
                inFlightByPool.merge(t.poolId(), 1, Integer::sum);
            }
            if (t.hostId() != null) {
                inFlightByHost.merge(t.hostId().toString(), 1, Integer::sum);
            }
        }

        List<PoolSnapshot> snapshots = new ArrayList<>();
        for (PoolProvisioning.Settings s : settings.values()) {
            DesktopPool pool = pools.get(s.poolId());
            if (pool == null || s.currentImageId() == null || pool.kind() == io.deskport.broker.pools.PoolKind.SHARED) {
                continue;
            }
            int pending = s.lastExhaustedAt() != null && s.lastExhaustedAt().plus(demandWindow).isAfter(now)
                    ? s.exhaustedRefusals() : 0;
            PoolSpec spec = new PoolSpec(s.poolId().toString(), s.tenantId().toString(), PoolKind.valueOf(pool.kind().name()),
                    s.minSize(), s.maxSize(), s.spareTarget(), s.currentImageId().toString(),
                    s.previousImageId() == null ? null : s.previousImageId().toString(), s.hardware(), s.stopAfter(),
                    s.rolledBack(), s.updatePersistent());
            snapshots.add(new PoolSnapshot(spec, viewsByPool.getOrDefault(s.poolId(), List.of()),
                    new PoolDemand(pending, waitingByPool.getOrDefault(s.poolId(), Set.of())),
                    inFlightByPool.getOrDefault(s.poolId(), 0), forecasts.get(s.poolId())));
        }
        return new PlanningInput(now, hostViews(), inFlightByHost, snapshots);
    }

    /** Hosts with what the broker's desktops take there (running ones: CPU and memory; all: disk). */
    List<HostView> hostViews() {
        Map<UUID, long[]> used = new HashMap<>(); // cpu, memory, storage
        Map<UUID, PoolProvisioning.Settings> hardwareOf = settings;
        for (DesktopPlacements.Placement p : placements.values()) {
            Desktop d = desktops.get(p.desktopId());
            PoolProvisioning.Settings s = hardwareOf.get(p.poolId());
            if (d == null || s == null) {
                continue;
            }
            long[] u = used.computeIfAbsent(p.hostId(), k -> new long[3]);
            if (RUNNING.contains(d.state())) {
                u[0] += s.vcpus();
                u[1] += s.memoryMiB();
            }
            u[2] += s.diskMiB();
            TaskJournal.OpenTask task = openTasks.get(p.desktopId());
            if (task != null && task.type() == ActionType.MIGRATE && task.targetHostId() != null
                    && !task.targetHostId().equals(p.hostId())) {
                // a desktop on its way holds its room on the target already (a live move copies into it); once its
                // machine arrived it is placed there (its task ends when its console answers)
                long[] t = used.computeIfAbsent(task.targetHostId(), k -> new long[3]);
                if (RUNNING.contains(d.state())) {
                    t[0] += s.vcpus();
                    t[1] += s.memoryMiB();
                }
                t[2] += s.diskMiB();
            }
        }
        List<HostView> views = new ArrayList<>(hosts.size());
        for (HypervisorHosts.HostRow h : hosts) {
            long[] u = used.getOrDefault(h.id(), new long[3]);
            views.add(new HostView(h.id().toString(), h.effectiveCpus(), h.effectiveMemoryMiB(), h.effectiveStorageMiB(),
                    (int) u[0], u[1], u[2], h.maintenance(), h.health(), h.overcommit()));
        }
        return views;
    }

    private static DesktopState transitional(ActionType type) {
        return switch (type) {
            case CREATE -> DesktopState.PROVISIONING;
            case START -> DesktopState.STARTING;
            case STOP -> DesktopState.STOPPING;
            case REFRESH, REPLACE -> DesktopState.REFRESHING;
            case DELETE -> DesktopState.DELETING;
            // hands-off while its snapshot is taken, restored or deleted
            // and while it moves to another host
            case SNAPSHOT, RESTORE_SNAPSHOT, DELETE_SNAPSHOT, MIGRATE -> DesktopState.IN_USE;
        };
    }

    private static DesktopState translate(Desktop d) {
        return switch (d.state()) {
            case PROVISIONING -> DesktopState.PROVISIONING;
            case STOPPED, STARTING -> DesktopState.STOPPED;
            case STOPPING -> d.assignedUserId() == null ? DesktopState.READY : DesktopState.ASSIGNED;
            case READY -> d.assignedUserId() == null ? DesktopState.READY : DesktopState.ASSIGNED;
            case REFRESHING -> DesktopState.READY; // dirty: refreshed before the next user
            case IN_USE, MAINTENANCE -> DesktopState.IN_USE;
            case FAILED -> DesktopState.FAILED;
            case DELETING -> DesktopState.DELETING;
        };
    }
}
