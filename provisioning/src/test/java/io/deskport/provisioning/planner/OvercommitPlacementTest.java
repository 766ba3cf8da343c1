package io.deskport.provisioning.planner;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.deskport.provisioning.planner.PlannerFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The overcommit guard in placement: a host takes desktops while the vCPUs, memory and (thin) disk allocated there
 * stay within its physical capacity times the overcommit ratio — its own ratio where it has one, else the global one.
 * Every desktop here is 1 vCPU, 1 GiB memory, 10 GiB disk.
 */
class OvercommitPlacementTest {

    /** Global ratios: CPU 1:1, memory 1:1, storage 1:1. */
    private static final PlannerSettings ONE_TO_ONE = new PlannerSettings(100, 100, 1.0, 1.0, 1.0);

    private static Map<String, Long> perHost(Plan plan) {
        return plan.actions().stream().collect(Collectors.groupingBy(PlannedAction::hostId, Collectors.counting()));
    }

    @Test
    void atTheGlobalCpuRatioAHostTakesExactlyCpusTimesTheRatio() {
        PlannerSettings cpuThreeToOne = new PlannerSettings(100, 100, 3.0, 1.0, 1.0);

        Plan plan = plan(cpuThreeToOne, input(List.of(host("h1", 2, 1_000_000)), snapshot(pooled("p", 10, 20, 0))));

        assertThat(plan.actions()).hasSize(6);
        assertThat(plan.notesFor("p")).singleElement().satisfies(n -> {
            assertThat(n.code()).isEqualTo(PlanNote.Code.NO_HOST_CAPACITY);
            assertThat(n.count()).isEqualTo(4);
        });
    }

    @Test
    void aHostsOwnCpuRatioReplacesTheGlobalOneForThatHostOnly() {
        HostView own = withOvercommit(host("own", 2, 1_000_000), 3.0, null, null);
        HostView global = host("global", 2, 1_000_000);

        Plan plan = plan(ONE_TO_ONE, input(List.of(own, global), snapshot(pooled("p", 10, 20, 0))));

        assertThat(perHost(plan)).containsEntry("own", 6L).containsEntry("global", 2L);
        assertThat(plan.notesFor("p")).singleElement()
                .satisfies(n -> assertThat(n.code()).isEqualTo(PlanNote.Code.NO_HOST_CAPACITY));
    }

    @Test
    void aHostsOwnMemoryRatioBelowOneKeepsMemoryInReserve() {
        // 4 GiB x 0.5 = 2 GiB: two desktops, although the global ratio would allow four
        HostView h = withOvercommit(host("h1", 64, 4096), null, 0.5, null);

        Plan plan = plan(ONE_TO_ONE, input(List.of(h), snapshot(pooled("p", 5, 20, 0))));

        assertThat(plan.actions()).hasSize(2);
    }

    @Test
    void thinDisksAreAllocatedUpToStorageTimesTheGlobalStorageRatio() {
        // 100,000 MiB x 2.0 = 200,000 MiB allocatable; 50,000 allocated already: 14 more 10 GiB disks fit, not 15
        PlannerSettings storageTwoToOne = new PlannerSettings(100, 100, 100.0, 100.0, 2.0);

        Plan plan = plan(storageTwoToOne, input(List.of(withStorage("h1", 100_000, 50_000)),
                snapshot(pooled("p", 20, 20, 0))));

        assertThat(plan.actions()).hasSize(14);
        assertThat(plan.notesFor("p")).extracting(PlanNote::code).containsExactly(PlanNote.Code.NO_HOST_CAPACITY);
    }

    @Test
    void aHostsOwnStorageRatioDecidesHowFarItsThinDisksAreOvercommitted() {
        // the same two hosts; only one may overcommit its storage 3:1
        HostView thick = withStorage("thick", 100_000, 0);
        HostView thin = withOvercommit(withStorage("thin", 100_000, 0), null, null, 3.0);

        Plan plan = plan(ONE_TO_ONE, input(List.of(thick, thin), snapshot(pooled("p", 40, 40, 0))));

        // 100,000 / 10,240 = 9 (ratio 1); 300,000 / 10,240 = 29 (ratio 3)
        assertThat(perHost(plan)).containsEntry("thick", 9L).containsEntry("thin", 29L);
    }

    @Test
    void aStoppedDesktopIsNotStartedBeyondItsHostsOwnCpuRatio() {
        // 4 threads at the host's own 0.5: 2 vCPUs, both in use
        HostView h = withOvercommit(withUsage(host("h1", 4, 1_000_000), 2, 2048), 0.5, null, null);
        PoolSnapshot pool = snapshot(persistent("p", 0, 10, 0, null, false), new PoolDemand(0, java.util.Set.of("u1")),
                assigned("d1", DesktopState.STOPPED, "u1", "h1", "v2"));

        Plan plan = plan(new PlannerSettings(100, 100, 8.0, 1.0, 1.0), input(List.of(h), pool));

        assertThat(plan.actions()).isEmpty();
        assertThat(plan.notesFor("p")).extracting(PlanNote::code).containsExactly(PlanNote.Code.NO_HOST_CAPACITY);
    }

    @Test
    void aRatioOfZeroOrLessIsRefused() {
        assertThatThrownBy(() -> new HostView.Overcommit(0.0, null, null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HostView.Overcommit(null, -1.0, null)).isInstanceOf(IllegalArgumentException.class);
    }
}
