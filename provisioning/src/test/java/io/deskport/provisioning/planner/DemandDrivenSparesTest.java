package io.deskport.provisioning.planner;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static io.deskport.provisioning.planner.DesktopState.IN_USE;
import static io.deskport.provisioning.planner.DesktopState.READY;
import static io.deskport.provisioning.planner.DesktopState.STOPPED;
import static io.deskport.provisioning.planner.PlannerFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/** A pool whose spare target comes from its demand model: ramp-up, power-off beyond the forecast, and the notes. */
class DemandDrivenSparesTest {

    private final List<HostView> hosts = List.of(host("h1"), host("h2"));

    private static SpareForecast forecast(double expected, int target) {
        return new SpareForecast(expected, Duration.ofSeconds(105), Duration.ofSeconds(95), "MONDAY", target, 1, 50);
    }

    private static PoolSnapshot demandPool(PoolSpec spec, SpareForecast f, DesktopView... desktops) {
        return new PoolSnapshot(spec, List.of(desktops), PoolDemand.NONE, 0, f);
    }

    @Test
    void theForecastNotTheFixedTargetSetsTheSparesAndStoppedOnesAreStartedFirst() {
        Plan plan = plan(input(hosts, demandPool(pooled("p", 0, 10, 0), forecast(2.5, 3),
                desktop("d1", STOPPED, "h1"), desktop("d2", STOPPED, "h2"), desktop("d3", IN_USE, "h1"))));

        assertThat(ofType(plan, ActionType.START)).hasSize(2)
                .allSatisfy(a -> assertThat(a.reason()).isEqualTo(ActionReason.FORECAST));
        assertThat(ofType(plan, ActionType.CREATE)).singleElement()
                .satisfies(a -> assertThat(a.reason()).isEqualTo(ActionReason.FORECAST));
    }

    @Test
    void readySparesBeyondTheForecastArePoweredOffNotDeleted() {
        Plan plan = plan(input(hosts, demandPool(pooled("p", 0, 10, 5), forecast(0.2, 1),
                desktop("d1", READY, "h1"), desktop("d2", READY, "h2"), desktop("d3", READY, "h1"))));

        assertThat(plan.actions()).hasSize(2).allSatisfy(a -> {
            assertThat(a.type()).isEqualTo(ActionType.STOP);
            assertThat(a.reason()).isEqualTo(ActionReason.FORECAST_LOW);
        });
        assertThat(plan.notesFor("p")).filteredOn(n -> n.code() == PlanNote.Code.SPARES_POWERED_OFF).singleElement()
                .satisfies(n -> {
                    assertThat(n.count()).isEqualTo(2);
                    assertThat(n.detail()).contains("forecast 0.2 logons in the next 1.8 min, ready time 95 s");
                });
    }

    @Test
    void readySparesAreNotPoweredOffInFavourOfOnesStillRefreshing() {
        // after lunch: two ready spares, three desktops of users who logged off waiting for their refresh
        Plan plan = plan(input(hosts, demandPool(pooled("p", 0, 10, 0), forecast(1.5, 2),
                desktop("d1", READY, "h1"), desktop("d2", READY, "h2"), dirty("d3", READY, "h1", "v2"),
                dirty("d4", READY, "h2", "v2"), dirty("d5", READY, "h1", "v2"))));

        assertThat(ofType(plan, ActionType.STOP)).isEmpty();
        assertThat(ofType(plan, ActionType.REFRESH)).hasSize(3);
    }

    @Test
    void withAFixedTargetExcessSparesAreStillDeleted() {
        Plan plan = plan(input(hosts, snapshot(pooled("p", 0, 10, 1),
                desktop("d1", READY, "h1"), desktop("d2", READY, "h2"))));

        assertThat(plan.actions()).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(ActionType.DELETE);
            assertThat(a.reason()).isEqualTo(ActionReason.EXCESS_SPARE);
        });
    }

    @Test
    void everyDemandDrivenCycleSaysWhyItKeepsTheSparesItKeeps() {
        Plan plan = plan(input(hosts, demandPool(pooled("p", 0, 10, 0), new SpareForecast(14, Duration.ofMinutes(10),
                Duration.ofSeconds(95), "MONDAY", 22, 2, 60), desktop("d1", READY, "h1"))));

        assertThat(plan.notesFor("p")).filteredOn(n -> n.code() == PlanNote.Code.SPARE_FORECAST).singleElement()
                .satisfies(n -> {
                    assertThat(n.count()).isEqualTo(22);
                    assertThat(n.detail()).startsWith("forecast 14.0 logons in the next 10 min, ready time 95 s (MONDAY): "
                            + "22 spares (floor 2, cap 60)").contains("1 spare(s) ready or on their way");
                });
    }

    @Test
    void sparesBeyondTheForecastAreKeptWhileUsersAreWaiting() {
        Plan plan = plan(input(hosts, new PoolSnapshot(pooled("p", 0, 10, 0), List.of(desktop("d1", READY, "h1"),
                desktop("d2", READY, "h2")), new PoolDemand(2, java.util.Set.of()), 0, forecast(0, 0))));

        assertThat(ofType(plan, ActionType.STOP)).isEmpty();
    }

    @Test
    void theAutoStopOfIdlePersistentDesktopsStillAppliesToDemandDrivenPools() {
        PoolSpec spec = persistent("p", 0, 10, 0, Duration.ofMinutes(30), false);
        Plan plan = plan(input(hosts, demandPool(spec, forecast(0, 0),
                disconnectedSince("d1", "alice", "h1", NOW.minus(Duration.ofHours(1))))));

        assertThat(plan.actions()).singleElement().satisfies(a -> {
            assertThat(a.type()).isEqualTo(ActionType.STOP);
            assertThat(a.reason()).isEqualTo(ActionReason.IDLE_POWER_OFF);
        });
    }
}
