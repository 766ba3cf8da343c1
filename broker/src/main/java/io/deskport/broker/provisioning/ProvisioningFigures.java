package io.deskport.broker.provisioning;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Provisioning in figures, for the admin console's dashboard: each pool's sizing target, the hypervisor hosts'
 * allocation against their capacity, and the task journal's running, waiting and failed tasks. Aggregates only: a
 * host's allocation is one sum over its placements ({@link DesktopPlacements#usage}), the failed tasks are read
 * from the index of finished tasks for the last day.
 */
@Service
public class ProvisioningFigures {

    /** The failed tasks of this many hours count as recent. */
    public static final int FAILED_WITHIN_HOURS = 24;

    private final JdbcClient jdbc;
    private final HypervisorHosts hosts;
    private final DesktopPlacements placements;

    ProvisioningFigures(JdbcClient jdbc, HypervisorHosts hosts, DesktopPlacements placements) {
        this.jdbc = jdbc;
        this.hosts = hosts;
        this.placements = placements;
    }

    /**
     * What provisioning keeps a pool at.
     *
     * @param enabled provisioning creates and removes the pool's desktops (false: paused)
     * @param minSize desktops the pool always has
     * @param maxSize desktops it never exceeds
     * @param spareTarget ready desktops nobody uses that it keeps at hand
     */
    public record PoolTarget(UUID poolId, boolean enabled, int minSize, int maxSize, int spareTarget) {
    }

    /** The sizing of the tenant's pools whose desktops provisioning manages. */
    @Transactional(readOnly = true)
    public Map<UUID, PoolTarget> poolTargets(UUID tenantId) {
        Map<UUID, PoolTarget> targets = new java.util.LinkedHashMap<>();
        jdbc.sql("select pool_id, enabled, min_size, max_size, spare_target from pool_provisioning where tenant_id = ?")
                .param(tenantId)
                .query(rs -> {
                    UUID pool = rs.getObject(1, UUID.class);
                    targets.put(pool, new PoolTarget(pool, rs.getBoolean(2), rs.getInt(3), rs.getInt(4), rs.getInt(5)));
                });
        return targets;
    }

    /**
     * One hypervisor host's load.
     *
     * @param usable placement may use it now (reachable, not quarantined, not in maintenance)
     * @param cpus CPU threads of its capacity (admin-set, else reported; 0 when unknown)
     * @param memoryMiB memory of its capacity (0 when unknown)
     * @param vcpus vCPUs of the running desktops placed there (of the tenant, or of all for the platform)
     * @param memoryAllocatedMiB memory of those desktops
     * @param desktops desktops placed there (of the tenant, or of all)
     */
    public record HostLoad(UUID id, String name, boolean simulated, boolean usable, boolean maintenance, boolean reachable,
                           boolean quarantined, int cpus, long memoryMiB, int vcpus, long memoryAllocatedMiB, int desktops) {

        /** The larger of its vCPU and memory allocation against capacity (0 when the capacity is unknown). */
        public double load() {
            double cpu = cpus == 0 ? 0 : (double) vcpus / cpus;
            double memory = memoryMiB == 0 ? 0 : (double) memoryAllocatedMiB / memoryMiB;
            return Math.max(cpu, memory);
        }
    }

    /**
     * The platform's hypervisor hosts in figures.
     *
     * @param cpus CPU threads of the usable hosts
     * @param memoryMiB memory of the usable hosts
     * @param vcpus vCPUs allocated to running desktops on every host (of the tenant, or of all)
     * @param memoryAllocatedMiB memory allocated to them
     * @param busiest the most allocated hosts (with desktops of the tenant, or of anyone), at most as many as asked for
     */
    public record HostSummary(int hosts, int usable, int maintenance, int unreachable, int quarantined, int simulated,
                              int cpus, long memoryMiB, int vcpus, long memoryAllocatedMiB, int desktops,
                              List<HostLoad> busiest) {
    }

    /**
     * The hypervisor hosts (platform-wide: every tenant's desktops go there) with the allocation of the tenant's
     * desktops, or of every tenant's when {@code onlyTenant} is null — as the host list shows them to the same
     * caller.
     */
    @Transactional(readOnly = true)
    public HostSummary hypervisorHosts(UUID onlyTenant, int top) {
        Instant now = Instant.now();
        List<HypervisorHosts.HostRow> rows = hosts.rows();
        Map<UUID, DesktopPlacements.HostUsage> usage = placements.usage(
                rows.stream().map(HypervisorHosts.HostRow::id).toList(), onlyTenant);
        List<HostLoad> loads = rows.stream().map(h -> {
            DesktopPlacements.HostUsage u = usage.getOrDefault(h.id(), new DesktopPlacements.HostUsage(0, 0, 0, 0));
            boolean quarantined = h.health().quarantinedAt(now);
            return new HostLoad(h.id(), h.name(), h.simulated(), h.reachable() && !quarantined && !h.maintenance(),
                    h.maintenance(), h.reachable(), quarantined, h.effectiveCpus(), h.effectiveMemoryMiB(), u.vcpus(),
                    u.memoryMiB(), u.desktops());
        }).toList();
        int usable = 0;
        int maintenance = 0;
        int unreachable = 0;
        int quarantined = 0;
        int simulated = 0;
        int cpus = 0;
        long memory = 0;
        int vcpus = 0;
        long allocated = 0;
        int desktops = 0;
        for (HostLoad h : loads) {
            if (h.usable()) {
                usable++;
                cpus += h.cpus();
                memory += h.memoryMiB();
            }
            maintenance += h.maintenance() ? 1 : 0;
            unreachable += h.reachable() ? 0 : 1;
            quarantined += h.quarantined() ? 1 : 0;
            simulated += h.simulated() ? 1 : 0;
            vcpus += h.vcpus();
            allocated += h.memoryAllocatedMiB();
            desktops += h.desktops();
        }
        List<HostLoad> busiest = loads.stream().filter(h -> h.desktops() > 0)
                .sorted(Comparator.comparingDouble(HostLoad::load).reversed().thenComparing(HostLoad::name))
                .limit(top).toList();
        return new HostSummary(loads.size(), usable, maintenance, unreachable, quarantined, simulated, cpus, memory, vcpus,
                allocated, desktops, busiest);
    }

    /**
     * A task that failed (every attempt used, or given up).
     *
     * @param errorReason the driver's reason code; {@code errorDetail} says it for people
     */
    public record FailedTask(UUID id, UUID poolId, UUID desktopId, String type, String errorReason, String errorDetail,
                             Instant finishedAt) {
    }

    /**
     * The tenant's task journal in figures.
     *
     * @param running tasks a broker runs now
     * @param waiting tasks due or waiting for their next attempt
     * @param failedRecently tasks that failed in the last {@value #FAILED_WITHIN_HOURS} hours
     * @param recentFailures the latest of those, at most as many as asked for
     */
    public record TaskSummary(int running, int waiting, int failedRecently, List<FailedTask> recentFailures) {
    }

    /** The tenant's tasks running and waiting, and those failed in the last day with the {@code top} latest. */
    @Transactional(readOnly = true)
    public TaskSummary tasks(UUID tenantId, int top) {
        int running = jdbc.sql("select count(*) from provisioning_task where state = 'RUNNING' and tenant_id = ?")
                .param(tenantId).query(Integer.class).single();
        int waiting = jdbc.sql("select count(*) from provisioning_task where state = 'PENDING' and tenant_id = ?")
                .param(tenantId).query(Integer.class).single();
        String failed = "from provisioning_task where finished_at > now() - make_interval(hours => ?) "
                + "and state = 'FAILED' and tenant_id = ?";
        int failedRecently = jdbc.sql("select count(*) " + failed).params(FAILED_WITHIN_HOURS, tenantId)
                .query(Integer.class).single();
        List<FailedTask> recent = failedRecently == 0 ? List.of() : jdbc.sql("select id, pool_id, desktop_id, type, "
                        + "error_reason, error_detail, finished_at " + failed + " order by finished_at desc limit ?")
                .params(FAILED_WITHIN_HOURS, tenantId, top)
                .query((rs, n) -> {
                    Timestamp at = rs.getTimestamp(7);
                    return new FailedTask(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                            rs.getObject(3, UUID.class), rs.getString(4), rs.getString(5), rs.getString(6),
                            at == null ? null : at.toInstant());
                })
                .list();
        return new TaskSummary(running, waiting, failedRecently, recent);
    }
}
