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

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.Listing;
import io.deskport.broker.shared.Page;
import io.deskport.broker.shared.PageParams;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.pools.Desktop;
import io.deskport.broker.pools.DesktopState;
import io.deskport.broker.pools.ManagedDesktops;
import io.deskport.provisioning.driver.ManagedDesktop;
import io.deskport.provisioning.driver.PowerState;
import io.deskport.provisioning.planner.ActionType;

/**
 * Compares each reachable hypervisor with the database. An ORPHAN is a VM with a Deskport tag that no
 * desktop row (and no open task) knows; a GHOST is a settled desktop row (no open task, not being
 * created or deleted) whose VM its host does not list. Findings are kept with when they were first and
 * last seen; the configured policies act only on findings older than their grace period, so a VM
 * caught between listing and commit is never mistaken for one.
 */
@Component
class Discrepancies {

    private static final Logger log = LoggerFactory.getLogger(Discrepancies.class);
    private static final EnumSet<DesktopState> UNSETTLED = EnumSet.of(DesktopState.PROVISIONING, DesktopState.DELETING);

    private final ProvisioningProperties props;
    private final JdbcClient jdbc;
    private final HypervisorHosts hosts;
    private final ManagedDesktops desktops;
    private final DesktopPlacements placements;
    private final TaskJournal journal;
    private final TransactionTemplate tx;

    Discrepancies(ProvisioningProperties props, JdbcClient jdbc, HypervisorHosts hosts, ManagedDesktops desktops,
                  DesktopPlacements placements, TaskJournal journal, PlatformTransactionManager txManager) {
        this.props = props;
        this.jdbc = jdbc;
        this.hosts = hosts;
        this.desktops = desktops;
        this.placements = placements;
        this.journal = journal;
        this.tx = new TransactionTemplate(txManager);
    }

    /** A finding as the admin API shows it. */
    record Finding(String kind, String desktopId, UUID hostId, String hostName, String tenantId, String poolId,
                   String vmName, String detail, Instant firstSeenAt, Instant lastSeenAt, String action,
                   Instant actionAt) {
    }

    /** Scans every reachable host; returns the findings now open. */
    void scan() {
        Instant started = Instant.now();
        Map<UUID, List<ManagedDesktop>> listed = new HashMap<>();
        Map<UUID, HypervisorHosts.HostRow> scanned = new HashMap<>();
        for (HypervisorHosts.HostRow h : hosts.rows()) {
            if (!h.reachable()) {
                continue;
            }
            try {
                listed.put(h.id(), hosts.driver(h).listDesktops());
                scanned.put(h.id(), h);
            } catch (RuntimeException e) {
                log.info("Could not list the desktops of host {} for reconciliation: {}", h.name(), e.getMessage());
            }
        }
        // Read the database after listing: a desktop created meanwhile has its row already.
        Map<UUID, Desktop> rows = new HashMap<>();
        desktops.listAll().forEach(d -> rows.put(d.id(), d));
        Map<UUID, DesktopPlacements.Placement> where = placements.all();
        Set<UUID> open = journal.open().keySet();

        List<Finding> orphans = new ArrayList<>();
        List<Finding> ghosts = new ArrayList<>();
        Set<String> seenOnHost = new HashSet<>();
        Map<String, PowerState> power = new HashMap<>();
        for (var e : listed.entrySet()) {
            for (ManagedDesktop vm : e.getValue()) {
                seenOnHost.add(e.getKey() + "/" + vm.desktopId());
                power.put(e.getKey() + "/" + vm.desktopId(), vm.powerState());
                UUID id = parse(vm.desktopId());
                if (id != null && (rows.containsKey(id) || open.contains(id))) {
                    continue;
                }
                orphans.add(new Finding("ORPHAN", vm.desktopId(), e.getKey(), scanned.get(e.getKey()).name(),
                        vm.tag().tenantId(), vm.tag().poolId(), vm.vmName(), "VM " + vm.vmName() + " on host "
                        + scanned.get(e.getKey()).name() + " is tagged for a desktop the broker does not know",
                        null, null, null, null));
            }
        }
        List<Runnable> poweredOff = new ArrayList<>();
        for (DesktopPlacements.Placement p : where.values()) {
            Desktop d = rows.get(p.desktopId());
            PowerState found = power.get(p.hostId() + "/" + p.desktopId());
            if (d != null && found != null && RUNNING.contains(d.state()) && !open.contains(d.id())
                    && !d.stateChangedAt().isAfter(started)
                    && (found == PowerState.STOPPED || found == PowerState.CRASHED)) {
                // the machine powered off (or crashed) by itself: a host restart, a guest shut down from inside
                String host = scanned.get(p.hostId()).name();
                poweredOff.add(() -> poweredOff(d, found, host));
                continue;
            }
            if (d == null || !scanned.containsKey(p.hostId()) || open.contains(d.id()) || UNSETTLED.contains(d.state())
                    || d.stateChangedAt().isAfter(started)
                    || seenOnHost.contains(p.hostId() + "/" + d.id())) {
                continue;
            }
            ghosts.add(new Finding("GHOST", d.id().toString(), p.hostId(), scanned.get(p.hostId()).name(),
                    d.tenantId().toString(), d.poolId().toString(), "dp-" + d.id(), "desktop " + d.name() + " ("
                    + d.state() + ") has no VM on host " + scanned.get(p.hostId()).name(), null, null, null, null));
        }
        tx.executeWithoutResult(st -> record(orphans, ghosts, scanned.keySet()));
        poweredOff.forEach(Runnable::run);
        act();
    }

    /** Desktops the broker has running: their machines must be powered on. */
    private static final EnumSet<DesktopState> RUNNING = EnumSet.of(DesktopState.READY, DesktopState.IN_USE);

    private void poweredOff(Desktop d, PowerState found, String host) {
        boolean moved = Boolean.TRUE.equals(tx.execute(st -> found == PowerState.CRASHED
                ? desktops.fail(d.id(), "CRASHED: its VM crashed on host " + host, true)
                : desktops.poweredOff(d.id())));
        if (moved) {
            log.warn("Desktop {} ({}) was found {} on host {}; it is {} now{}", d.name(), d.state(),
                    found == PowerState.CRASHED ? "crashed" : "powered off", host,
                    found == PowerState.CRASHED ? "FAILED" : "STOPPED (or refreshed, if pooled and in use)",
                    d.state() == DesktopState.IN_USE ? " and its session ended (HOST_LOST)" : "");
        }
    }

    private void record(List<Finding> orphans, List<Finding> ghosts, Set<UUID> scannedHosts) {
        List<Finding> all = new ArrayList<>(orphans);
        all.addAll(ghosts);
        for (Finding f : all) {
            int inserted = jdbc.sql("insert into provisioning_discrepancy (kind, desktop_id, host_id, tenant_id, pool_id, "
                            + "vm_name, detail) values (?, ?, ?, ?, ?, ?, ?) on conflict (kind, desktop_id) do update set "
                            + "last_seen_at = now(), host_id = excluded.host_id, detail = excluded.detail "
                            + "returning (xmax = 0)")
                    .params(f.kind(), f.desktopId(), f.hostId(), f.tenantId(), f.poolId(), f.vmName(), f.detail())
                    .query(Boolean.class).single() ? 1 : 0;
            if (inserted == 1) {
                log.warn("Reconciliation found a {}: {}", f.kind().toLowerCase(), f.detail());
            }
        }
        // Findings of scanned hosts not seen again are resolved.
        Set<String> current = new HashSet<>();
        all.forEach(f -> current.add(f.kind() + "/" + f.desktopId()));
        List<String[]> stale = jdbc.sql("select kind, desktop_id from provisioning_discrepancy where host_id = any(?)")
                .param(scannedHosts.toArray(UUID[]::new))
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)}).list();
        for (String[] s : stale) {
            if (!current.contains(s[0] + "/" + s[1])) {
                jdbc.sql("delete from provisioning_discrepancy where kind = ? and desktop_id = ?").params(s[0], s[1]).update();
            }
        }
    }

    /** Applies the cleanup policies to findings older than their grace period. */
    private void act() {
        if (props.orphans().policy() == ProvisioningProperties.OrphanPolicy.DELETE) {
            for (Finding f : all("ORPHAN")) {
                UUID id = parse(f.desktopId());
                if (f.action() != null || id == null || f.firstSeenAt().plus(props.orphans().grace()).isAfter(Instant.now())) {
                    continue;
                }
                tx.executeWithoutResult(st -> {
                    journal.enqueue(new TaskJournal.NewTask(null, null, id, f.hostId(), ActionType.DELETE,
                            "ORPHAN_CLEANUP", null, false, "DELETE:" + id + ":orphan:" + f.firstSeenAt().toEpochMilli(),
                            props.maxAttempts()));
                    markActed("ORPHAN", f.desktopId(), "DELETED");
                });
                log.warn("Deleting orphan VM {} on host {} (policy DELETE, seen since {})", f.vmName(), f.hostName(),
                        f.firstSeenAt());
            }
        }
        if (props.ghosts().policy() == ProvisioningProperties.GhostPolicy.MARK_FAILED) {
            for (Finding f : all("GHOST")) {
                if (f.action() != null || f.firstSeenAt().plus(props.ghosts().grace()).isAfter(Instant.now())) {
                    continue;
                }
                tx.executeWithoutResult(st -> {
                    desktops.fail(UUID.fromString(f.desktopId()), "GHOST: its VM is gone from host " + f.hostName(), true);
                    markActed("GHOST", f.desktopId(), "MARKED_FAILED");
                });
                log.warn("Desktop {} is a ghost (no VM on host {}); marked FAILED", f.desktopId(), f.hostName());
            }
        }
    }

    private void markActed(String kind, String desktopId, String action) {
        jdbc.sql("update provisioning_discrepancy set action = ?, action_at = now() where kind = ? and desktop_id = ?")
                .params(action, kind, desktopId).update();
    }

    private static final Listing<Finding> LISTING = Listing.of("f.kind, f.desktop_id, f.host_id, h.name, f.tenant_id, "
                    + "f.pool_id, f.vm_name, f.detail, f.first_seen_at, f.last_seen_at, f.action, f.action_at",
                    "provisioning_discrepancy f join hypervisor_host h on h.id = f.host_id",
                    "f.kind || '/' || f.desktop_id", Listing.Kind.TEXT,
                    (rs, n) -> new Finding(rs.getString(1), rs.getString(2), rs.getObject(3, UUID.class), rs.getString(4),
                            rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                            rs.getTimestamp(9).toInstant(), rs.getTimestamp(10).toInstant(), rs.getString(11),
                            HypervisorHosts.instant(rs.getTimestamp(12))))
            .sort("firstSeenAt", "f.first_seen_at", Listing.Kind.TIME)
            .sort("lastSeenAt", "f.last_seen_at", Listing.Kind.TIME).build();

    /**
     * A page of findings, of one tenant (by the VM's tag or the desktop's tenant) or all (tenantId null); sort keys
     * {@code firstSeenAt} (default), {@code lastSeenAt}.
     */
    @Transactional(readOnly = true)
    Page<Finding> page(UUID tenantId, String kind, UUID hostId, PageParams page) {
        return LISTING.page(jdbc, Listing.Where.of("true").and("f.tenant_id = ?", tenantId == null ? null
                : tenantId.toString()).and("f.kind = ?", kind).and("f.host_id = ?", hostId), page);
    }

    /** Every finding of a kind, of all tenants (the cleanup policies' reading), a thousand at a time. */
    private List<Finding> all(String kind) {
        List<Finding> all = new ArrayList<>();
        String cursor = null;
        do {
            Page<Finding> page = page(null, kind, null, new PageParams(1000, cursor, null));
            all.addAll(page.items());
            cursor = page.next();
        } while (cursor != null);
        return all;
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
