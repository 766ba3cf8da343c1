package io.deskport.broker.provisioning;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.pools.Desktop;
import io.deskport.broker.pools.DesktopState;
import io.deskport.provisioning.driver.HypervisorDriver;
import io.deskport.provisioning.planner.ActionType;
import io.deskport.provisioning.planner.DrainPlanner;
import io.deskport.provisioning.planner.HostView;
import io.deskport.provisioning.planner.PlannerSettings;

/**
 * Drains the hypervisor hosts in maintenance, a pass per reconcile cycle on the elected broker: the desktops on such a
 * host that belong to someone (a persistent desktop, a pooled one in use) move to other hosts as MIGRATE tasks of the
 * journal — live while they run, cold while they are stopped — placed by {@link DrainPlanner} (room within each
 * target's overcommit ratios, counting the moves under way; desktops of an anti-affinity pool kept apart). Free
 * desktops are not moved: the planner deletes them from a host in maintenance (HOST_DRAIN). At most
 * {@code max-migrations-per-host} move off one host at once. A desktop that cannot move is written to
 * {@code host_drain_blocked} with the reason in an admin's words, and tried again by the next pass (one whose move
 * failed for good, after {@code failed-migration-cooldown}).
 */
@Component
class HostDrains {

    private static final Logger log = LoggerFactory.getLogger(HostDrains.class);
    /** States in which a desktop is moved (the task runner's own check agrees). */
    private static final EnumSet<DesktopState> MOVABLE = EnumSet.of(DesktopState.READY, DesktopState.IN_USE,
            DesktopState.STOPPED, DesktopState.STARTING);
    private static final EnumSet<DesktopState> RUNNING = EnumSet.of(DesktopState.READY, DesktopState.IN_USE);

    private final ProvisioningProperties props;
    private final JdbcClient jdbc;
    private final HypervisorHosts hosts;
    private final TaskJournal journal;
    private final TransactionTemplate tx;

    HostDrains(ProvisioningProperties props, JdbcClient jdbc, HypervisorHosts hosts, TaskJournal journal,
               PlatformTransactionManager txManager) {
        this.props = props;
        this.jdbc = jdbc;
        this.hosts = hosts;
        this.journal = journal;
        this.tx = new TransactionTemplate(txManager);
    }

    /** A desktop that stays on its host for now, and why. */
    record Blocked(UUID desktopId, UUID hostId, UUID tenantId, UUID poolId, String reason, String detail) {
    }

    /**
     * One pass over the hosts in maintenance of the cycle's snapshot.
     *
     * @return the migrations written
     */
    int run(PlanningSnapshot s) {
        List<HypervisorHosts.HostRow> draining = s.hosts.stream().filter(HypervisorHosts.HostRow::maintenance).toList();
        if (draining.isEmpty()) {
            jdbc.sql("delete from host_drain_blocked").update();
            return 0;
        }
        Map<UUID, TaskJournal.FailedMove> failedMoves = journal.failedMoves(props.failedMigrationCooldown());
        List<HostView> views = s.hostViews();
        Map<String, Set<String>> groups = antiAffinityGroups(s);
        int written = 0;
        Set<UUID> drainingIds = new HashSet<>();
        for (HypervisorHosts.HostRow h : draining) {
            drainingIds.add(h.id());
            try {
                written += drain(s, h, views, groups, failedMoves);
            } catch (RuntimeException e) {
                log.warn("Could not plan the drain of hypervisor host {}: {}", h.name(), e.toString());
            }
        }
        jdbc.sql("delete from host_drain_blocked where host_id <> all(?)").param(drainingIds.toArray(UUID[]::new))
                .update();
        return written;
    }

    private int drain(PlanningSnapshot s, HypervisorHosts.HostRow h, List<HostView> views,
                      Map<String, Set<String>> groups, Map<UUID, TaskJournal.FailedMove> failedMoves) {
        List<Blocked> blocked = new ArrayList<>();
        List<DrainPlanner.Candidate> candidates = new ArrayList<>();
        Map<String, Desktop> byId = new HashMap<>();
        int moving = 0;
        for (DesktopPlacements.Placement p : s.placements.values()) {
            if (!p.hostId().equals(h.id())) {
                continue;
            }
            Desktop d = s.desktops.get(p.desktopId());
            TaskJournal.OpenTask open = s.openTasks.get(p.desktopId());
            if (open != null && open.type() == ActionType.MIGRATE) {
                moving++;
                continue;
            }
            if (d == null || d.assignedUserId() == null || open != null) {
                continue; // free desktops are the planner's to delete; busy ones wait for their task
            }
            if (d.state() == DesktopState.FAILED) {
                blocked.add(new Blocked(d.id(), h.id(), d.tenantId(), d.poolId(), "DESKTOP_FAILED", "desktop "
                        + d.name() + " of its user failed (" + d.failureReason() + "): repair or delete it first"));
                continue;
            }
            if (!MOVABLE.contains(d.state())) {
                continue; // stopping, refreshing, held for a restore: the next pass looks again
            }
            TaskJournal.FailedMove failed = failedMoves.get(d.id());
            if (failed != null && failed.hostId().equals(h.id())) {
                blocked.add(new Blocked(d.id(), h.id(), d.tenantId(), d.poolId(), "MIGRATION_FAILED", "its move to "
                        + hostName(s, failed.targetHostId()) + " failed (" + failed.reason()
                        + (failed.detail() == null ? "" : ": " + failed.detail()) + "); tried again after " + failed.finishedAt().plus(props.failedMigrationCooldown())
                        .truncatedTo(ChronoUnit.SECONDS)));
                continue;
            }
            PoolProvisioning.Settings settings = s.settings.get(d.poolId());
            if (settings == null) {
                blocked.add(new Blocked(d.id(), h.id(), d.tenantId(), d.poolId(), "NO_SETTINGS", "its pool's "
                        + "provisioning is switched off: its hardware, hence the room it needs, is unknown"));
                continue;
            }
            candidates.add(new DrainPlanner.Candidate(d.id().toString(), settings.hardware(),
                    RUNNING.contains(d.state()), settings.antiAffinity() ? "pool:" + d.poolId() : null));
            byId.put(d.id().toString(), d);
        }
        List<TaskJournal.NewTask> tasks = new ArrayList<>();
        if (!candidates.isEmpty()) {
            HypervisorDriver driver = hosts.driver(h);
            if (!driver.capabilities().liveMigration()) {
                for (DrainPlanner.Candidate c : candidates) {
                    Desktop d = byId.get(c.desktopId());
                    blocked.add(new Blocked(d.id(), h.id(), d.tenantId(), d.poolId(), "NOT_SUPPORTED", "the "
                            + h.driverId() + " driver of host " + h.name() + " cannot migrate desktops"));
                }
            } else {
                DrainPlanner.DrainPlan plan = new DrainPlanner(plannerSettings()).plan(h.id().toString(), candidates,
                        targets(s, h, views), groups, s.now);
                for (DrainPlanner.Stuck stuck : plan.stuck()) {
                    Desktop d = byId.get(stuck.desktopId());
                    blocked.add(new Blocked(d.id(), h.id(), d.tenantId(), d.poolId(), stuck.reason().name(),
                            stuck.detail()));
                }
                int room = Math.max(0, props.maxMigrationsPerHost() - moving);
                for (DrainPlanner.Move m : plan.moves()) {
                    if (tasks.size() >= room) {
                        break; // the others wait for a free slot: not blocked, the next pass places them
                    }
                    Desktop d = byId.get(m.desktopId());
                    UUID target = UUID.fromString(m.toHostId());
                    tasks.add(new TaskJournal.NewTask(d.tenantId(), d.poolId(), d.id(), h.id(), ActionType.MIGRATE,
                            "HOST_DRAIN", null, false, "MIGRATE:" + d.id() + ":" + h.id() + ":" + s.now.toEpochMilli(),
                            props.maxAttempts(), null, target));
                    // the next host's plan in this pass sees the room this move takes
                    reserve(views, target, settings(s, d), m.live());
                    if (settings(s, d).antiAffinity()) {
                        groups.computeIfAbsent(m.toHostId(), k -> new HashSet<>()).add("pool:" + d.poolId());
                    }
                }
            }
        }
        int written = tasks.isEmpty() ? 0 : journal.enqueueAll(tasks).size();
        if (written > 0) {
            log.info("Draining hypervisor host {}: {} desktop(s) set moving ({} already moving, {} cannot move now)",
                    h.name(), written, moving, blocked.size());
        }
        tx.executeWithoutResult(st -> record(h.id(), blocked));
        return written;
    }

    /** The other hosts a desktop of {@code h} can move to: same driver (the planner checks health and room). */
    private static List<HostView> targets(PlanningSnapshot s, HypervisorHosts.HostRow h, List<HostView> views) {
        Set<String> sameDriver = new HashSet<>();
        for (HypervisorHosts.HostRow r : s.hosts) {
            if (r.driverId().equals(h.driverId()) && !r.id().equals(h.id())) {
                sameDriver.add(r.id().toString());
            }
        }
        return views.stream().filter(v -> sameDriver.contains(v.hostId())).toList();
    }

    private static PoolProvisioning.Settings settings(PlanningSnapshot s, Desktop d) {
        return s.settings.get(d.poolId());
    }

    /** Counts a planned move on its target, for the hosts planned after it in the same pass. */
    private static void reserve(List<HostView> views, UUID target, PoolProvisioning.Settings s, boolean live) {
        for (int i = 0; i < views.size(); i++) {
            HostView v = views.get(i);
            if (v.hostId().equals(target.toString())) {
                views.set(i, new HostView(v.hostId(), v.cpuTotal(), v.memoryTotalMiB(), v.storageTotalMiB(),
                        v.cpuUsed() + (live ? s.vcpus() : 0), v.memoryUsedMiB() + (live ? s.memoryMiB() : 0),
                        v.storageUsedMiB() + s.diskMiB(), v.maintenance(), v.health(), v.overcommit()));
                return;
            }
        }
    }

    /** The anti-affinity groups on each host: its desktops of anti-affinity pools, and those moving to it. */
    private static Map<String, Set<String>> antiAffinityGroups(PlanningSnapshot s) {
        Map<String, Set<String>> groups = new HashMap<>();
        for (DesktopPlacements.Placement p : s.placements.values()) {
            PoolProvisioning.Settings settings = s.settings.get(p.poolId());
            if (settings == null || !settings.antiAffinity()) {
                continue;
            }
            TaskJournal.OpenTask open = s.openTasks.get(p.desktopId());
            UUID on = open != null && open.type() == ActionType.MIGRATE && open.targetHostId() != null
                    ? open.targetHostId() : p.hostId();
            groups.computeIfAbsent(on.toString(), k -> new HashSet<>()).add("pool:" + p.poolId());
            if (!on.equals(p.hostId())) {
                // until it has left, it is on its source too
                groups.computeIfAbsent(p.hostId().toString(), k -> new HashSet<>()).add("pool:" + p.poolId());
            }
        }
        return groups;
    }

    private PlannerSettings plannerSettings() {
        return new PlannerSettings(props.maxOperationsPerHost(), props.maxOperationsPerPool(), props.cpuOvercommit(),
                props.memoryOvercommit(), props.storageOvercommit());
    }

    private static String hostName(PlanningSnapshot s, UUID hostId) {
        return s.hosts.stream().filter(h -> h.id().equals(hostId)).map(HypervisorHosts.HostRow::name).findFirst()
                .orElse(String.valueOf(hostId));
    }

    /** Keeps the host's blocked desktops as this pass found them. */
    private void record(UUID hostId, List<Blocked> blocked) {
        jdbc.sql("delete from host_drain_blocked where host_id = ? and desktop_id <> all(?)")
                .params(hostId, blocked.stream().map(Blocked::desktopId).toArray(UUID[]::new)).update();
        for (Blocked b : blocked) {
            jdbc.sql("insert into host_drain_blocked (desktop_id, host_id, tenant_id, pool_id, reason, detail) "
                            + "values (?, ?, ?, ?, ?, ?) on conflict (desktop_id) do update set host_id = excluded.host_id, "
                            + "reason = excluded.reason, detail = excluded.detail, last_seen_at = now(), "
                            + "first_seen_at = case when host_drain_blocked.reason = excluded.reason "
                            + "then host_drain_blocked.first_seen_at else now() end")
                    .params(b.desktopId(), b.hostId(), b.tenantId(), b.poolId(), b.reason(), truncate(b.detail()))
                    .update();
        }
    }

    private static String truncate(String s) {
        return s.length() <= 1000 ? s : s.substring(0, 1000) + "…";
    }

    /**
     * The drain of one host as the admin API shows it.
     *
     * @param desktopsOnHost the broker's desktops placed on it
     * @param moving         of them, moving now
     * @param waiting        neither moving nor blocked: free desktops the planner deletes, and desktops waiting for one
     *                       of the host's move slots
     */
    record DrainStatus(UUID hostId, String hostName, boolean maintenance, int desktopsOnHost, int moving, int waiting,
                       List<Move> moves, List<BlockedDesktop> blocked) {
    }

    /** A move under way, or the last ones done or failed. */
    record Move(UUID desktopId, String desktopName, UUID tenantId, UUID targetHostId, String targetHostName,
                String state, int attempts, String errorReason, String errorDetail, Instant createdAt,
                Instant finishedAt) {
    }

    /** A desktop that cannot move now. */
    record BlockedDesktop(UUID desktopId, String desktopName, UUID tenantId, UUID poolId, String reason, String detail,
                          Instant since, Instant lastSeenAt) {
    }

    /** The drain of a host: what moves, what moved lately (the last 50 moves), what cannot move and why. */
    @org.springframework.transaction.annotation.Transactional(readOnly = true)
    DrainStatus status(HypervisorHosts.HostRow h) {
        int onHost = jdbc.sql("select count(*) from provisioned_desktop where host_id = ?").param(h.id())
                .query(Integer.class).single();
        List<Move> moves = jdbc.sql("select t.desktop_id, d.name, t.tenant_id, t.target_host_id, h.name, t.state, "
                        + "t.attempts, t.error_reason, t.error_detail, t.created_at, t.finished_at from provisioning_task t "
                        + "left join hypervisor_host h on h.id = t.target_host_id "
                        + "left join pools_desktops d on d.id = t.desktop_id "
                        + "where t.type = 'MIGRATE' and t.host_id = ? order by t.created_at desc, t.id limit 50")
                .param(h.id())
                .query((rs, n) -> new Move(rs.getObject(1, UUID.class), rs.getString(2), rs.getObject(3, UUID.class),
                        rs.getObject(4, UUID.class), rs.getString(5), rs.getString(6), rs.getInt(7), rs.getString(8),
                        rs.getString(9), rs.getTimestamp(10).toInstant(), HypervisorHosts.instant(rs.getTimestamp(11))))
                .list();
        List<BlockedDesktop> blocked = jdbc.sql("select b.desktop_id, d.name, b.tenant_id, b.pool_id, b.reason, b.detail, "
                        + "b.first_seen_at, b.last_seen_at from host_drain_blocked b "
                        + "left join pools_desktops d on d.id = b.desktop_id "
                        + "where b.host_id = ? order by b.first_seen_at, b.desktop_id")
                .param(h.id())
                .query((rs, n) -> new BlockedDesktop(rs.getObject(1, UUID.class), rs.getString(2),
                        rs.getObject(3, UUID.class), rs.getObject(4, UUID.class), rs.getString(5), rs.getString(6),
                        rs.getTimestamp(7).toInstant(), rs.getTimestamp(8).toInstant()))
                .list();
        int moving = (int) moves.stream().filter(m -> m.state().equals("PENDING") || m.state().equals("RUNNING")).count();
        int waiting = h.maintenance() ? Math.max(0, onHost - moving - blocked.size()) : 0;
        return new DrainStatus(h.id(), h.name(), h.maintenance(), onHost, moving, waiting, moves, blocked);
    }
}
