package io.deskport.broker.provisioning;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.MetricsProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Pools against their ready target and hypervisor hosts' health, read from the database every
 * {@link MetricsProperties#readingInterval()} on every broker (one query each, whatever the number of pools):
 * <ul>
 * <li>{@code deskport.pool.desktops} (tags {@code kind}, {@code state} = ready | in_use | failed): the desktops of all
 *     pools of a kind — ready counts READY desktops assigned to nobody (what a new user's connect can claim);</li>
 * <li>{@code deskport.pool.ready.target} (tag {@code kind}): the provisioned pools' spare targets, summed;</li>
 * <li>{@code deskport.pools.below.target} (tag {@code kind}): provisioned pools with fewer ready desktops than their
 *     target;</li>
 * <li>{@code deskport.pool.ready.shortfall} (tags {@code pool} (id), {@code pool_name}, {@code kind}): for the pools
 *     below their target only, the largest shortfalls first, at most {@code deskport.metrics.pool-series-limit} of them
 *     — 10,000 healthy pools cost no series, and an incident at most that many;</li>
 * <li>{@code deskport.hypervisor.host.up} (tag {@code host}): 1 while the host answered its last inventory, 0 when it
 *     did not (unreachable or quarantined); hosts in maintenance are left out.</li>
 * <li>{@code deskport.hypervisor.storage.used.ratio} (tag {@code host}): the share of the host's storage really used
 *     at its last inventory (thin desktop disks grow as their guests write);</li>
 * <li>{@code deskport.hypervisor.storage.nearly.full} (tag {@code host}): 1 while that share is at or over
 *     {@code deskport.provisioning.storage-alert-threshold}, else 0 (the {@code DeskportHypervisorStorageNearlyFull}
 *     alert);</li>
 * <li>{@code deskport.hypervisor.allocation.ratio} (tags {@code host}, {@code resource} = cpu | memory | storage): what
 *     the broker's desktops are allocated there over what placement may allocate (capacity × overcommit ratio); 1 is
 *     the ceiling the planner keeps to.</li>
 * </ul>
 */
@Component
class ProvisioningMetrics implements MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(ProvisioningMetrics.class);
    static final String DESKTOPS = "deskport.pool.desktops";
    static final String READY_TARGET = "deskport.pool.ready.target";
    static final String BELOW_TARGET = "deskport.pools.below.target";
    static final String SHORTFALL = "deskport.pool.ready.shortfall";
    static final String HOST_UP = "deskport.hypervisor.host.up";
    static final String STORAGE_USED = "deskport.hypervisor.storage.used.ratio";
    static final String STORAGE_NEARLY_FULL = "deskport.hypervisor.storage.nearly.full";
    static final String ALLOCATION = "deskport.hypervisor.allocation.ratio";

    record PoolFigures(UUID id, String name, PoolKind kind, Integer target, int ready, int inUse, int failed) {
        int shortfall() {
            return target == null ? 0 : Math.max(0, target - ready);
        }
    }

    /**
     * @param storageUsed real use of its storage (null: not reported)
     * @param allocation  allocated over allocatable: cpu, memory, storage (null where the capacity is unknown)
     */
    record HostFigures(String name, boolean up, boolean maintenance, Double storageUsed, boolean nearlyFull,
                       Double[] allocation) {
    }

    private final JdbcClient jdbc;
    private final MetricsProperties props;
    private final ProvisioningProperties provisioning;
    private final AtomicReference<Map<PoolKind, int[]>> byKind = new AtomicReference<>(Map.of());
    private MultiGauge shortfalls;
    private MultiGauge hostsUp;

    private MultiGauge storageUsed;
    private MultiGauge storageNearlyFull;
    private MultiGauge allocation;

    ProvisioningMetrics(JdbcClient jdbc, MetricsProperties props, ProvisioningProperties provisioning) {
        this.jdbc = jdbc;
        this.props = props;
        this.provisioning = provisioning;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        String[] states = {"ready", "in_use", "failed"};
        for (PoolKind kind : PoolKind.values()) {
            for (int i = 0; i < states.length; i++) {
                int index = i;
                Gauge.builder(DESKTOPS, byKind, r -> figure(r.get(), kind, index))
                        .description("Desktops of all pools of a kind, by state").tags("kind", kind.name(), "state", states[i])
                        .register(registry);
            }
            Gauge.builder(READY_TARGET, byKind, r -> figure(r.get(), kind, 3))
                    .description("Ready desktops the provisioned pools of a kind aim at (their spare targets)")
                    .tag("kind", kind.name()).register(registry);
            Gauge.builder(BELOW_TARGET, byKind, r -> figure(r.get(), kind, 4))
                    .description("Provisioned pools with fewer ready desktops than their target").tag("kind", kind.name())
                    .register(registry);
        }
        shortfalls = MultiGauge.builder(SHORTFALL)
                .description("Ready desktops missing to the pool's target (pools below it only)").register(registry);
        hostsUp = MultiGauge.builder(HOST_UP).description("1 while the hypervisor host answers, 0 when it does not")
                .register(registry);
        storageUsed = MultiGauge.builder(STORAGE_USED)
                .description("Share of the hypervisor host's storage really used (thin disks fill it as guests write)")
                .register(registry);
        storageNearlyFull = MultiGauge.builder(STORAGE_NEARLY_FULL)
                .description("1 while the host's storage use is at or over the alert threshold").register(registry);
        allocation = MultiGauge.builder(ALLOCATION)
                .description("Allocated to desktops over allocatable (capacity x overcommit ratio) on the host")
                .register(registry);
        read();
    }

    private static double figure(Map<PoolKind, int[]> figures, PoolKind kind, int index) {
        int[] f = figures.get(kind);
        return f == null ? 0 : f[index];
    }

    @Scheduled(fixedDelayString = "${deskport.metrics.reading-interval:15s}",
            initialDelayString = "${deskport.metrics.reading-interval:15s}")
    void read() {
        if (shortfalls == null) {
            return;
        }
        try {
            List<PoolFigures> pools = pools();
            Map<PoolKind, int[]> kinds = new EnumMap<>(PoolKind.class);
            List<PoolFigures> below = new ArrayList<>();
            for (PoolFigures p : pools) {
                int[] f = kinds.computeIfAbsent(p.kind(), k -> new int[5]);
                f[0] += p.ready();
                f[1] += p.inUse();
                f[2] += p.failed();
                f[3] += p.target() == null ? 0 : p.target();
                if (p.shortfall() > 0) {
                    f[4]++;
                    below.add(p);
                }
            }
            byKind.set(kinds);
            below.sort(Comparator.comparingInt(PoolFigures::shortfall).reversed());
            shortfalls.register(below.stream().limit(props.poolSeriesLimit())
                    .map(p -> MultiGauge.Row.of(Tags.of("pool", p.id().toString(), "pool_name", p.name(), "kind",
                            p.kind().name()), p.shortfall()))
                    .toList(), true);
            List<HostFigures> hosts = hosts();
            hostsUp.register(hosts.stream().filter(h -> !h.maintenance())
                    .map(h -> MultiGauge.Row.of(Tags.of("host", h.name()), h.up() ? 1 : 0)).toList(), true);
            storageUsed.register(hosts.stream().filter(h -> h.storageUsed() != null)
                    .map(h -> MultiGauge.Row.of(Tags.of("host", h.name()), h.storageUsed())).toList(), true);
            storageNearlyFull.register(hosts.stream().filter(h -> h.storageUsed() != null)
                    .map(h -> MultiGauge.Row.of(Tags.of("host", h.name()), h.nearlyFull() ? 1 : 0)).toList(), true);
            String[] resources = {"cpu", "memory", "storage"};
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            for (HostFigures h : hosts) {
                for (int i = 0; i < 3; i++) {
                    if (h.allocation()[i] != null) {
                        rows.add(MultiGauge.Row.of(Tags.of("host", h.name(), "resource", resources[i]), h.allocation()[i]));
                    }
                }
            }
            allocation.register(rows, true);
        } catch (RuntimeException e) {
            log.warn("Could not read the pools and hosts for the metrics; keeping the last reading: {}", e.toString());
        }
    }

    List<PoolFigures> pools() {
        return jdbc.sql("select p.id, p.name, p.kind, case when pp.enabled then pp.spare_target end, "
                        + "coalesce(d.ready, 0), coalesce(d.in_use, 0), coalesce(d.failed, 0) "
                        + "from pools_pools p left join pool_provisioning pp on pp.pool_id = p.id "
                        + "left join (select pool_id, "
                        + "count(*) filter (where state = 'READY' and assigned_user_id is null) ready, "
                        + "count(*) filter (where state = 'IN_USE') in_use, "
                        + "count(*) filter (where state = 'FAILED') failed "
                        + "from pools_desktops group by pool_id) d on d.pool_id = p.id")
                .query((rs, n) -> new PoolFigures(rs.getObject(1, UUID.class), rs.getString(2),
                        PoolKind.valueOf(rs.getString(3)), (Integer) rs.getObject(4), rs.getInt(5), rs.getInt(6),
                        rs.getInt(7)))
                .list();
    }

    List<HostFigures> hosts() {
        String running = "d.id is not null and s.pool_id is not null and d.state not in ('STOPPED', 'FAILED')";
        return jdbc.sql("select h.name, h.reachable and (h.quarantined_until is null or h.quarantined_until <= now()), "
                        + "h.maintenance, case when h.reported_storage_total_mib > 0 and h.reported_storage_available_mib "
                        + "is not null then least(1.0, (h.reported_storage_total_mib - h.reported_storage_available_mib)"
                        + "::float8 / h.reported_storage_total_mib) end, h.storage_nearly_full_since is not null, "
                        + "coalesce(h.cpu_total, h.reported_cpu_total) * coalesce(h.cpu_overcommit, ?), "
                        + "coalesce(h.memory_total_mib, h.reported_memory_total_mib) * coalesce(h.memory_overcommit, ?), "
                        + "coalesce(h.storage_total_mib, h.reported_storage_total_mib) * coalesce(h.storage_overcommit, ?), "
                        + "coalesce(u.vcpus, 0), coalesce(u.memory_mib, 0), coalesce(u.disk_mib, 0) "
                        + "from hypervisor_host h left join (select p.host_id, "
                        + "sum(s.vcpus) filter (where " + running + ") as vcpus, "
                        + "sum(s.memory_mib) filter (where " + running + ") as memory_mib, "
                        + "sum(s.disk_mib) filter (where d.id is not null and s.pool_id is not null) as disk_mib "
                        + "from provisioned_desktop p left join pools_desktops d on d.id = p.desktop_id "
                        + "left join pool_provisioning s on s.pool_id = p.pool_id and s.enabled group by p.host_id) u "
                        + "on u.host_id = h.id order by h.name")
                .params(provisioning.cpuOvercommit(), provisioning.memoryOvercommit(), provisioning.storageOvercommit())
                .query((rs, n) -> {
                    double usedRatio = rs.getDouble(4);
                    Double storageUse = rs.wasNull() ? null : usedRatio;
                    Double[] allocation = new Double[3];
                    for (int i = 0; i < 3; i++) {
                        double allocatable = rs.getDouble(6 + i);
                        allocation[i] = rs.wasNull() || allocatable <= 0 ? null : rs.getDouble(9 + i) / allocatable;
                    }
                    return new HostFigures(rs.getString(1), rs.getBoolean(2), rs.getBoolean(3), storageUse,
                            rs.getBoolean(5), allocation);
                })
                .list();
    }
}
