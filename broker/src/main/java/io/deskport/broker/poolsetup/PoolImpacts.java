package io.deskport.broker.poolsetup;

import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Isolation;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.brokering.PoolSessions;
import io.deskport.broker.hosts.SessionHosts;
import io.deskport.broker.licensing.LicenceSeats;
import io.deskport.broker.licensing.PoolLicences;
import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.pools.Desktops;
import io.deskport.broker.pools.Entitlements;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.provisioning.ProvisioningSetup;
import io.deskport.broker.shared.ProblemException;

/**
 * What disabling or removing a pool would do, in figures, each counted by the module that would do it, from one
 * snapshot of the database. What the two actions do today:
 * <ul>
 * <li><b>Disabling</b> ({@code PATCH …/pools/{id} {"enabled": false}}) refuses new sessions ({@code POOL_DISABLED});
 * live sessions go on and their users may reconnect to them until they end (their timeouts still run); desktops,
 * session hosts, entitlements, licences stay, and provisioning keeps the pool at its size.</li>
 * <li><b>Removing</b> ({@code DELETE …/pools/{id}}) ends every live session ({@code RESOURCE_REMOVED}, giving back
 * their seats), deletes the machine of every desktop provisioning created (a DELETE task each), forgets the
 * desktops registered by address (the machines keep running), removes the pool's session hosts (their agents, no
 * longer accepted, log off every session there and stop), its entitlements, the products it consumes (its desktops' PER_DESKTOP seats given back),
 * its provisioning settings and image versions (the image files stay), and its sessions' history (the audit trail
 * and usage events keep theirs).</li>
 * </ul>
 */
@Service
public class PoolImpacts {

    private final DesktopPools pools;
    private final Desktops desktops;
    private final Entitlements entitlements;
    private final PoolSessions sessions;
    private final SessionHosts hosts;
    private final ProvisioningSetup provisioning;
    private final PoolLicences licences;
    private final LicenceSeats seats;

    PoolImpacts(DesktopPools pools, Desktops desktops, Entitlements entitlements, PoolSessions sessions,
                SessionHosts hosts, ProvisioningSetup provisioning, PoolLicences licences, LicenceSeats seats) {
        this.pools = pools;
        this.desktops = desktops;
        this.entitlements = entitlements;
        this.sessions = sessions;
        this.hosts = hosts;
        this.provisioning = provisioning;
        this.licences = licences;
        this.seats = seats;
    }

    /**
     * What disabling the pool does.
     *
     * @param liveSessionsGoOn live sessions, which go on (their users may reconnect to them until they end)
     * @param usersWithLiveSessions the people those sessions are of
     * @param entitledUsers the people entitled to the pool: from now on refused a new session ({@code POOL_DISABLED})
     * @param desktopsKept the pool's desktops, which stay as they are
     * @param provisioningGoesOn whether provisioning keeps the pool at its size meanwhile
     * @param spareDesktopsKeptStarted the free desktops provisioning keeps started meanwhile
     */
    public record WhenDisabled(int liveSessionsGoOn, int usersWithLiveSessions, int entitledUsers, int desktopsKept,
                               boolean provisioningGoesOn, int spareDesktopsKeptStarted) {
    }

    /**
     * What removing the pool does.
     *
     * @param sessionsEnded live sessions ended now ({@code RESOURCE_REMOVED}): unsaved work in them is lost
     * @param connectedSessionsEnded of which connected now
     * @param disconnectedSessionsEnded of which disconnected, waiting for their user
     * @param startingSessionsEnded of which not attached yet
     * @param usersAffected the people those sessions are of
     * @param sessionHistoryRemoved ended sessions whose records go with the pool
     * @param desktopsRemoved the pool's desktops, all removed
     * @param machinesDeleted of which created by provisioning: their machines are deleted (a DELETE task each)
     * @param registeredDesktopsForgotten of which registered by address: Deskport forgets them, the machines run on
     * @param assignedDesktopsRemoved of which assigned to a user now (a persistent desktop's owner loses it)
     * @param sessionHostsRemoved the pool's session hosts (SHARED), removed: their agents, no longer accepted, log off
     *                            every session there and stop
     * @param userEntitlementsRemoved entitlements of single users removed
     * @param groupEntitlementsRemoved entitlements of groups removed
     * @param entitledUsersLosingAccess the people those entitle, who lose the pool
     * @param desktopSeatsFreed PER_DESKTOP licence seats the pool's desktops hold, given back
     * @param concurrentSeatsFreed CONCURRENT_USER seats the ended sessions give back (named-user and device seats
     *                             stay with their holders)
     * @param licenceProducts the products the pool consumes, which it no longer will
     * @param imageVersionsRemoved its published image versions (the files stay)
     */
    public record WhenDeleted(int sessionsEnded, int connectedSessionsEnded, int disconnectedSessionsEnded,
                              int startingSessionsEnded, int usersAffected, int sessionHistoryRemoved,
                              int desktopsRemoved, int machinesDeleted, int registeredDesktopsForgotten,
                              int assignedDesktopsRemoved, int sessionHostsRemoved, int userEntitlementsRemoved,
                              int groupEntitlementsRemoved, int entitledUsersLosingAccess, int desktopSeatsFreed,
                              int concurrentSeatsFreed, List<String> licenceProducts, int imageVersionsRemoved) {
    }

    /** What disabling and removing the pool would do now. */
    public record PoolImpact(UUID poolId, String poolName, PoolKind kind, boolean enabled, WhenDisabled whenDisabled,
                             WhenDeleted whenDeleted) {
    }

    /**
     * @return what disabling and removing the pool would do now
     * @throws ProblemException NOT_FOUND unless the pool is the tenant's
     */
    @Transactional(readOnly = true, isolation = Isolation.REPEATABLE_READ)
    public PoolImpact of(UUID tenantId, UUID poolId) {
        DesktopPool pool = pools.get(tenantId, poolId);
        PoolSessions.Figures s = sessions.of(tenantId, poolId);
        Desktops.Tally d = desktops.tally(tenantId, poolId);
        Entitlements.Tally e = entitlements.tally(tenantId, poolId);
        ProvisioningSetup.Footprint p = provisioning.footprint(tenantId, poolId);
        PoolLicences.Footprint l = licences.footprint(tenantId, poolId);
        int sessionHosts = pool.kind() == PoolKind.SHARED ? hosts.list(tenantId, poolId).size() : 0;
        WhenDisabled disabled = new WhenDisabled(s.liveSessions(), s.users(), e.entitledUsers(), d.total(),
                p.provisioned() && p.enabled(), p.provisioned() && p.enabled() ? p.spareTarget() : 0);
        WhenDeleted deleted = new WhenDeleted(s.liveSessions(), s.connected(), s.disconnected(), s.starting(), s.users(),
                s.ended(), d.total(), p.machines(), d.total() - d.managed(), d.assigned(), sessionHosts, e.users(),
                e.groups(), e.entitledUsers(), l.desktopSeats(), seats.concurrentSeatsFreedBy(tenantId, s.live()),
                l.products().stream().map(PoolLicences.Consumed::name).toList(), p.imageVersions());
        return new PoolImpact(pool.id(), pool.name(), pool.kind(), pool.enabled(), disabled, deleted);
    }
}
