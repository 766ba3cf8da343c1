package io.deskport.broker.provisioning;

import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.brokering.SessionState;
import io.deskport.broker.brokering.SessionStateChanged;
import io.deskport.broker.pools.DesktopPoolRemoved;
import io.deskport.broker.pools.DesktopRemoved;
import io.deskport.broker.pools.DesktopState;
import io.deskport.broker.pools.DesktopStateChanged;
import io.deskport.broker.pools.ManagedDesktops;
import io.deskport.broker.pools.PoolExhausted;
import io.deskport.broker.shared.AfterCommit;
import io.deskport.broker.shared.CallerTransaction;
import io.deskport.provisioning.planner.ActionType;

/**
 * What provisioning does when other modules change things: an admin removing a managed desktop (or its
 * pool) leaves no VM behind (a DELETE task is written in the removing transaction), sessions
 * connecting and disconnecting drive the power policy, refused connects are demand, and desktop moves
 * that need work (STARTING for a waiting user, REFRESHING after logoff) wake the reconciler at once.
 */
@Component
class ProvisioningListeners {

    private static final Logger log = LoggerFactory.getLogger(ProvisioningListeners.class);

    private final JdbcClient jdbc;
    private final ProvisioningProperties props;
    private final DesktopPlacements placements;
    private final TaskJournal journal;
    private final ManagedDesktops desktops;
    private final ExhaustionDemand demand;
    private final Reconciler reconciler;

    ProvisioningListeners(JdbcClient jdbc, ProvisioningProperties props, DesktopPlacements placements,
                          TaskJournal journal, ManagedDesktops desktops, ExhaustionDemand demand,
                          Reconciler reconciler) {
        this.jdbc = jdbc;
        this.props = props;
        this.placements = placements;
        this.journal = journal;
        this.desktops = desktops;
        this.demand = demand;
        this.reconciler = reconciler;
    }

    /** An admin removed a desktop: delete its VM (the reconciler's own removals are DELETING already). */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void on(DesktopRemoved e) {
        desktops.find(e.desktopId()).filter(d -> d.managed() && d.state() != DesktopState.DELETING)
                .ifPresent(d -> placements.find(d.id()).ifPresent(p -> deleteVm(p, "REMOVED_BY_ADMIN")));
    }

    /** A pool is being removed: delete the VMs of its managed desktops. */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void on(DesktopPoolRemoved e) {
        List<UUID> ids = jdbc.sql("select desktop_id from provisioned_desktop where pool_id = ?").param(e.poolId())
                .query(UUID.class).list();
        for (UUID id : ids) {
            placements.find(id).ifPresent(p -> deleteVm(p, "POOL_REMOVED"));
        }
        if (!ids.isEmpty()) {
            log.info("Pool {} is being removed: its {} desktop VMs will be deleted", e.name(), ids.size());
        }
    }

    private void deleteVm(DesktopPlacements.Placement p, String reason) {
        journal.cancelPending(p.desktopId(), "desktop removed");
        boolean queued = journal.enqueue(new TaskJournal.NewTask(p.tenantId(), p.poolId(), p.desktopId(), p.hostId(),
                ActionType.DELETE, reason, null, false, "DELETE:" + p.desktopId() + ":removed", props.maxAttempts()));
        if (!queued) {
            // A task is running on it: that task deletes the VM when it finds the desktop gone.
            log.info("Desktop {} was removed while a task runs on it; the task cleans its VM up", p.desktopId());
        }
    }

    /** Connects and disconnects drive the power policy ("stop after N minutes disconnected"). */
    @EventListener
    void on(SessionStateChanged e) {
        CallerTransaction.require();
        if (e.desktopId() == null || Boolean.FALSE.equals(e.desktopManaged())) {
            // no desktop, or one registered by hand: no VM, no power policy
            return;
        }
        if (e.to() == SessionState.CONNECTED || e.to() == SessionState.READY || e.to() == SessionState.PREPARING) {
            placements.userDisconnected(e.desktopId(), false, false);
        } else if (e.to() == SessionState.DISCONNECTED) {
            placements.userDisconnected(e.desktopId(), true, false);
        } else if (e.to() == SessionState.ENDED) {
            placements.userDisconnected(e.desktopId(), true, true);
        }
    }

    /**
     * Demand: a connect found no free desktop. Counted in memory and written after, off the request: the
     * connect's transaction rolls back, and a second connection here would deadlock the pool in a storm.
     */
    @EventListener
    void on(PoolExhausted e) {
        demand.refused(e.poolId());
    }

    /** Work for the reconciler: wake it once the change is committed. */
    @EventListener
    void on(DesktopStateChanged e) {
        if (e.to() == DesktopState.STARTING || e.to() == DesktopState.REFRESHING || e.to() == DesktopState.FAILED
                || e.from() == DesktopState.READY) {
            AfterCommit.run(reconciler::wakeUp);
        }
    }
}
