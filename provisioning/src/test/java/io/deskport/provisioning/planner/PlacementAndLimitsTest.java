package io.deskport.provisioning.planner;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.deskport.provisioning.planner.DesktopState.READY;
import static io.deskport.provisioning.planner.DesktopState.STOPPED;
import static io.deskport.provisioning.planner.PlannerFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Per-host and per-pool operation limits, placement by free capacity, maintenance and quarantine. */
class PlacementAndLimitsTest {

    @Test
    void aPoolNeverRunsMoreOperationsThanItsLimit() {
        PoolSnapshot pool = new PoolSnapshot(pooled("p", 10, 20, 0), List.of(), PoolDemand.NONE, 2);

        Plan plan = plan(limits(100, 5), input(List.of(host("h1")), pool));

        assertThat(plan.actions()).hasSize(3);
        assertThat(plan.notesFor("p")).singleElement().satisfies(n -> {
            assertThat(n.code()).isEqualTo(PlanNote.Code.POOL_OPERATION_LIMIT);
            assertThat(n.count()).isEqualTo(7);
        });
    }

    @Test
    void aHostNeverRunsMoreOperationsThanItsLimitCountingThoseInFlight() {
        PlanningInput input = new PlanningInput(NOW, List.of(host("h1")), Map.of("h1", 1),
                List.of(snapshot(pooled("p", 5, 20, 0))));

        Plan plan = plan(limits(3, 100), input);

        assertThat(plan.actions()).hasSize(2);
        assertThat(plan.notesFor("p")).extracting(PlanNote::code).containsExactly(PlanNote.Code.HOST_OPERATION_LIMIT);
    }

    @Test
    void newDesktopsGoToTheHostsWithTheMostFreeCapacity() {
        List<HostView> hosts = List.of(withUsage(host("busy"), 12, 40_000), host("empty-a"), host("empty-b"));

        Plan plan = plan(limits(10, 10), input(hosts, snapshot(pooled("p", 4, 20, 0))));

        Map<String, Long> perHost = plan.actions().stream()
                .collect(Collectors.groupingBy(PlannedAction::hostId, Collectors.counting()));
        assertThat(perHost).containsOnlyKeys("empty-a", "empty-b").containsEntry("empty-a", 2L)
                .containsEntry("empty-b", 2L);
    }

    @Test
    void cpuOvercommitBoundsHowManyDesktopsAHostTakes() {
        // 2 threads x 2.0 overcommit = 4 vCPUs; memory is plentiful.
        PlannerSettings settings = new PlannerSettings(100, 100, 2.0, 1.0, 1.0);

        Plan plan = plan(settings, input(List.of(host("h1", 2, 1_000_000)), snapshot(pooled("p", 6, 20, 0))));

        assertThat(plan.actions()).hasSize(4);
        assertThat(plan.notesFor("p")).singleElement().satisfies(n -> {
            assertThat(n.code()).isEqualTo(PlanNote.Code.NO_HOST_CAPACITY);
            assertThat(n.count()).isEqualTo(2);
        });
    }

    @Test
    void memoryOvercommitBoundsHowManyDesktopsAHostTakes() {
        // 2048 MiB x 1.5 = 3072 MiB: three 1 GiB desktops.
        PlannerSettings settings = new PlannerSettings(100, 100, 100.0, 1.5, 1.0);

        Plan plan = plan(settings, input(List.of(host("h1", 64, 2048)), snapshot(pooled("p", 5, 20, 0))));

        assertThat(plan.actions()).hasSize(3);
    }

    @Test
    void aStoppedDesktopIsNotStartedOnAFullHost() {
        HostView full = withUsage(host("h1", 1, 1024), 4, 1024);

        Plan plan = plan(input(List.of(full), snapshot(pooled("p", 0, 1, 1), desktop("d1", STOPPED, "h1"))));

        assertThat(plan.actions()).isEmpty();
        assertThat(plan.notesFor("p")).extracting(PlanNote::code).contains(PlanNote.Code.NO_HOST_CAPACITY);
    }

    @Test
    void aHostInMaintenanceGetsNoNewDesktopsAndItsFreeDesktopsAreDrained() {
        List<HostView> hosts = List.of(inMaintenance(host("h1")), host("h2"));

        Plan plan = plan(input(hosts, snapshot(pooled("p", 0, 10, 2),
                desktop("d1", READY, "h1"), desktop("d2", READY, "h1"))));

        assertThat(ofType(plan, ActionType.CREATE)).hasSize(2)
                .allSatisfy(a -> assertThat(a.hostId()).isEqualTo("h2"));
        assertThat(ofType(plan, ActionType.DELETE)).extracting(PlannedAction::desktopId, PlannedAction::reason)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("d1", ActionReason.HOST_DRAIN),
                        org.assertj.core.groups.Tuple.tuple("d2", ActionReason.HOST_DRAIN));
    }

    @Test
    void aQuarantinedHostGetsNoDesktopsUntilItsQuarantineEnds() {
        HostHealth quarantined = new HostHealth(true, 3, NOW.plusSeconds(60));
        List<HostView> hosts = List.of(withHealth(host("flaky"), quarantined), withUsage(host("h2"), 8, 30_000));

        Plan during = plan(input(hosts, snapshot(pooled("p", 2, 10, 0))));
        Plan after = plan(new PlanningInput(NOW.plusSeconds(61), hosts, Map.of(),
                List.of(snapshot(pooled("p", 2, 10, 0)))));

        assertThat(during.actions()).allSatisfy(a -> assertThat(a.hostId()).isEqualTo("h2"));
        assertThat(after.actions()).extracting(PlannedAction::hostId).contains("flaky");
    }

    @Test
    void anUnreachableHostGetsNoDesktops() {
        List<HostView> hosts = List.of(withHealth(host("gone"), new HostHealth(false, 0, null)),
                withUsage(host("h2"), 8, 30_000));

        Plan plan = plan(input(hosts, snapshot(pooled("p", 3, 10, 0))));

        assertThat(plan.actions()).hasSize(3).allSatisfy(a -> assertThat(a.hostId()).isEqualTo("h2"));
    }

    @Test
    void repeatedFailuresQuarantineAHostAndOneSuccessHealsIt() {
        HostHealthPolicy policy = new HostHealthPolicy(3, Duration.ofMinutes(5));

        HostHealth h = HostHealth.HEALTHY;
        h = policy.afterFailure(h, NOW);
        h = policy.afterFailure(h, NOW);
        assertThat(h.quarantinedAt(NOW)).isFalse();
        h = policy.afterFailure(h, NOW);
        assertThat(h.quarantinedAt(NOW.plusSeconds(299))).isTrue();
        assertThat(h.quarantinedAt(NOW.plusSeconds(300))).isFalse();
        assertThat(policy.afterSuccess(h)).isEqualTo(HostHealth.HEALTHY);
    }

    @Test
    void peopleWaitingWinTheSharedHostBudgetOverRollouts() {
        PoolSnapshot rollout = snapshot(pooled("rollout", 0, 10, 0),
                desktop("old1", READY, "h1", "v1"), desktop("old2", READY, "h1", "v1"));
        PoolSnapshot waiting = snapshot(pooled("busy", 0, 10, 0), new PoolDemand(1, Set.of()));

        Plan plan = plan(limits(1, 10), input(List.of(host("h1")), rollout, waiting));

        assertThat(plan.actions()).singleElement().satisfies(a -> {
            assertThat(a.poolId()).isEqualTo("busy");
            assertThat(a.reason()).isEqualTo(ActionReason.DEMAND);
        });
    }
}
