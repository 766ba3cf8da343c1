package io.deskport.provisioning.planner;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** One full cycle over 100 hosts and 10,000 desktops keeps every limit. Timing is in {@link PlannerBenchmark}. */
class LargeClusterPlanningTest {

    private static final PlannerSettings SETTINGS = new PlannerSettings(4, 10, 4.0, 1.0, 2.0);
    private final PlanningInput input = LargeCluster.generate(7, 100, 200, 50);
    private final Plan plan = new ReconcilePlanner(SETTINGS).plan(input);

    @Test
    void theInputIsAsLargeAsPromised() {
        assertThat(input.hosts()).hasSize(100);
        assertThat(input.pools().stream().mapToInt(p -> p.desktops().size()).sum()).isEqualTo(10_000);
        assertThat(plan.actions()).isNotEmpty();
    }

    @Test
    void noDesktopGetsTwoActions() {
        Set<String> seen = new HashSet<>();
        plan.actions().stream().filter(a -> a.desktopId() != null)
                .forEach(a -> assertThat(seen.add(a.desktopId())).as("second action for %s", a.desktopId()).isTrue());
    }

    @Test
    void hostAndPoolOperationLimitsHoldIncludingOperationsInFlight() {
        Map<String, Long> perHost = plan.actions().stream().filter(a -> a.hostId() != null)
                .collect(Collectors.groupingBy(PlannedAction::hostId, Collectors.counting()));
        perHost.forEach((host, count) -> assertThat(count + input.operationsInFlightPerHost().get(host))
                .as("operations on %s", host).isLessThanOrEqualTo(SETTINGS.maxOperationsPerHost()));
        Map<String, Long> perPool = plan.actions().stream()
                .collect(Collectors.groupingBy(PlannedAction::poolId, Collectors.counting()));
        Map<String, PoolSnapshot> pools = input.pools().stream()
                .collect(Collectors.toMap(p -> p.spec().poolId(), Function.identity()));
        perPool.forEach((pool, count) -> assertThat(count + pools.get(pool).operationsInFlight())
                .as("operations of %s", pool).isLessThanOrEqualTo(SETTINGS.maxOperationsPerPool()));
    }

    @Test
    void newDesktopsLandOnlyOnHealthyHostsOutsideMaintenanceWithinOvercommit() {
        Map<String, HostView> hosts = input.hosts().stream()
                .collect(Collectors.toMap(HostView::hostId, Function.identity()));
        Map<String, PoolSnapshot> pools = input.pools().stream()
                .collect(Collectors.toMap(p -> p.spec().poolId(), Function.identity()));
        Map<String, double[]> reserved = new HashMap<>();
        for (PlannedAction a : plan.actions()) {
            if (a.type() != ActionType.CREATE && a.type() != ActionType.START) {
                continue;
            }
            HostView h = hosts.get(a.hostId());
            if (a.type() == ActionType.CREATE) {
                assertThat(h.maintenance()).as("maintenance host %s", h.hostId()).isFalse();
            }
            assertThat(h.health().reachable()).isTrue();
            assertThat(h.health().quarantinedAt(input.now())).as("quarantined host %s", h.hostId()).isFalse();
            var hw = pools.get(a.poolId()).spec().hardware();
            double[] r = reserved.computeIfAbsent(h.hostId(), k -> new double[2]);
            r[0] += hw.vcpus();
            r[1] += hw.memoryMiB();
        }
        reserved.forEach((hostId, r) -> {
            HostView h = hosts.get(hostId);
            assertThat(h.cpuUsed() + r[0]).isLessThanOrEqualTo(h.cpuTotal() * SETTINGS.cpuOvercommit());
            assertThat(h.memoryUsedMiB() + r[1]).isLessThanOrEqualTo(h.memoryTotalMiB() * SETTINGS.memoryOvercommit());
        });
    }

    @Test
    void noPoolGrowsPastItsMaximumAndNobodysSessionIsTouched() {
        Map<String, Long> creates = plan.actions().stream().filter(a -> a.type() == ActionType.CREATE)
                .collect(Collectors.groupingBy(PlannedAction::poolId, Collectors.counting()));
        Map<String, DesktopView> desktops = new HashMap<>();
        for (PoolSnapshot p : input.pools()) {
            long size = p.desktops().stream().filter(d -> d.state() != DesktopState.DELETING).count();
            long grown = size + creates.getOrDefault(p.spec().poolId(), 0L);
            assertThat(creates.getOrDefault(p.spec().poolId(), 0L) == 0 || grown <= p.spec().maxSize())
                    .as("pool %s grows to %d of max %d", p.spec().poolId(), grown, p.spec().maxSize()).isTrue();
            p.desktops().forEach(d -> desktops.put(d.desktopId(), d));
        }
        plan.actions().stream().filter(a -> a.desktopId() != null).forEach(a -> {
            DesktopView d = desktops.get(a.desktopId());
            assertThat(d.state()).as("%s on %s", a.type(), d).isNotEqualTo(DesktopState.IN_USE);
            assertThat(d.state().isTransitional()).as("%s on %s", a.type(), d).isFalse();
        });
    }

    @Test
    void planningIsDeterministic() {
        assertThat(new ReconcilePlanner(SETTINGS).plan(input)).isEqualTo(plan);
    }
}
