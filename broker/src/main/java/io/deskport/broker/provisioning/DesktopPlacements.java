package io.deskport.broker.provisioning;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Where each managed desktop lives, what image it runs, and when its user last disconnected. */
@Service
class DesktopPlacements {

    private final JdbcClient jdbc;

    DesktopPlacements(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @param lastDisconnectedAt when its user last disconnected (null while connected or never used)
     * @param consoleCheckedAt   when its console last answered after a start
     */
    record Placement(UUID desktopId, UUID tenantId, UUID poolId, UUID hostId, UUID imageVersionId,
                     Instant lastDisconnectedAt, Instant consoleCheckedAt) {
    }

    @Transactional
    void insert(UUID desktopId, UUID tenantId, UUID poolId, UUID hostId, UUID imageVersionId) {
        jdbc.sql("insert into provisioned_desktop (desktop_id, tenant_id, pool_id, host_id, image_version_id) "
                + "values (?, ?, ?, ?, ?)").params(desktopId, tenantId, poolId, hostId, imageVersionId).update();
    }

    /** The desktop moved to another host (a migration). */
    @Transactional
    void moved(UUID desktopId, UUID hostId) {
        jdbc.sql("update provisioned_desktop set host_id = ? where desktop_id = ?").params(hostId, desktopId).update();
    }

    /** What the desktops placed on one host take of it. */
    record HostUsage(int desktops, int vcpus, long memoryMiB, long diskMiB) {
    }

    /**
     * vCPUs and memory of the running desktops (not STOPPED or FAILED), disk of all, and the number of desktops,
     * per host of {@code hosts}, of one tenant or (null) of all: one aggregate over the hosts' placements, so a
     * page of hosts costs what its hosts hold, not what the platform holds.
     */
    @Transactional(readOnly = true)
    Map<UUID, HostUsage> usage(List<UUID> hosts, UUID onlyTenant) {
        Map<UUID, HostUsage> result = new HashMap<>();
        if (hosts.isEmpty()) {
            return result;
        }
        String sized = "d.id is not null and s.pool_id is not null";
        String running = sized + " and d.state not in ('STOPPED', 'FAILED')";
        jdbc.sql("select p.host_id, count(*) as desktops, "
                        + "coalesce(sum(s.vcpus) filter (where " + running + "), 0) as vcpus, "
                        + "coalesce(sum(s.memory_mib) filter (where " + running + "), 0) as memory_mib, "
                        + "coalesce(sum(s.disk_mib) filter (where " + sized + "), 0) as disk_mib "
                        + "from provisioned_desktop p left join pools_desktops d on d.id = p.desktop_id "
                        + "left join pool_provisioning s on s.pool_id = p.pool_id and s.enabled "
                        + "where p.host_id = any(?) and (cast(? as uuid) is null or p.tenant_id = ?) group by p.host_id")
                .params(hosts.toArray(UUID[]::new), onlyTenant, onlyTenant)
                .query(rs -> {
                    result.put(rs.getObject("host_id", UUID.class), new HostUsage(rs.getInt("desktops"),
                            rs.getInt("vcpus"), rs.getLong("memory_mib"), rs.getLong("disk_mib")));
                });
        return result;
    }

    @Transactional(readOnly = true)
    Map<UUID, Placement> all() {
        Map<UUID, Placement> result = new HashMap<>();
        jdbc.sql("select desktop_id, tenant_id, pool_id, host_id, image_version_id, last_disconnected_at, "
                        + "console_checked_at from provisioned_desktop")
                .query(rs -> {
                    Placement p = new Placement(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                            rs.getObject(3, UUID.class), rs.getObject(4, UUID.class), rs.getObject(5, UUID.class),
                            HypervisorHosts.instant(rs.getTimestamp(6)), HypervisorHosts.instant(rs.getTimestamp(7)));
                    result.put(p.desktopId(), p);
                });
        return result;
    }

    /** The placements of one pool's desktops, by desktop. */
    @Transactional(readOnly = true)
    Map<UUID, Placement> ofPool(UUID tenantId, UUID poolId) {
        Map<UUID, Placement> result = new HashMap<>();
        jdbc.sql("select desktop_id, tenant_id, pool_id, host_id, image_version_id, last_disconnected_at, "
                        + "console_checked_at from provisioned_desktop where tenant_id = ? and pool_id = ?")
                .params(tenantId, poolId)
                .query(rs -> {
                    Placement p = new Placement(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                            rs.getObject(3, UUID.class), rs.getObject(4, UUID.class), rs.getObject(5, UUID.class),
                            HypervisorHosts.instant(rs.getTimestamp(6)), HypervisorHosts.instant(rs.getTimestamp(7)));
                    result.put(p.desktopId(), p);
                });
        return result;
    }

    @Transactional(readOnly = true)
    Optional<Placement> find(UUID desktopId) {
        return jdbc.sql("select desktop_id, tenant_id, pool_id, host_id, image_version_id, last_disconnected_at, "
                        + "console_checked_at from provisioned_desktop where desktop_id = ?")
                .param(desktopId)
                .query((rs, n) -> new Placement(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class), rs.getObject(4, UUID.class), rs.getObject(5, UUID.class),
                        HypervisorHosts.instant(rs.getTimestamp(6)), HypervisorHosts.instant(rs.getTimestamp(7))))
                .optional();
    }

    @Transactional
    void imageChanged(UUID desktopId, UUID imageVersionId) {
        jdbc.sql("update provisioned_desktop set image_version_id = ? where desktop_id = ?")
                .params(imageVersionId, desktopId).update();
    }

    @Transactional
    void consoleAnswered(UUID desktopId) {
        jdbc.sql("update provisioned_desktop set console_checked_at = now() where desktop_id = ?").param(desktopId).update();
    }

    /** The user connected (null) or disconnected (now) — drives the power policy. */
    @Transactional
    void userDisconnected(UUID desktopId, boolean disconnected, boolean keepEarlier) {
        if (!disconnected) {
            jdbc.sql("update provisioned_desktop set last_disconnected_at = null where desktop_id = ?")
                    .param(desktopId).update();
        } else {
            jdbc.sql("update provisioned_desktop set last_disconnected_at = "
                            + (keepEarlier ? "coalesce(last_disconnected_at, now())" : "now()") + " where desktop_id = ?")
                    .param(desktopId).update();
        }
    }
}
