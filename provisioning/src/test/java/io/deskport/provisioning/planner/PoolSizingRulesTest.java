package io.deskport.provisioning.planner;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static io.deskport.provisioning.planner.DesktopState.FAILED;
import static io.deskport.provisioning.planner.DesktopState.IN_USE;
import static io.deskport.provisioning.planner.DesktopState.PROVISIONING;
import static io.deskport.provisioning.planner.DesktopState.READY;
import static io.deskport.provisioning.planner.DesktopState.STOPPED;
import static io.deskport.provisioning.planner.PlannerFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/** Minimum and maximum size, spare target and demand growth. */
class PoolSizingRulesTest {

    private final List<HostView> hosts = List.of(host("h1"), host("h2"));

    @Test
    void anEmptyPoolIsFilledToItsMinimumSize() {
        Plan plan = plan(input(hosts, snapshot(pooled("p", 3, 10, 2))));

        assertThat(plan.actions()).hasSize(3)
                .allSatisfy(a -> {
                    assertThat(a.type()).isEqualTo(ActionType.CREATE);
                    assertThat(a.reason()).isEqualTo(ActionReason.MIN_SIZE);
                    assertThat(a.imageVersion()).isEqualTo("v2");
                    assertThat(a.hostId()).isIn("h1", "h2");
                });
    }

    @Test
    void theSpareTargetIsToppedUpWhenDesktopsAreInUse() {
        Plan plan = plan(input(hosts, snapshot(pooled("p", 0, 10, 3),
                desktop("d1", IN_USE, "h1"), desktop("d2", IN_USE, "h1"), desktop("d3", READY, "h2"))));

        assertThat(plan.actions()).extracting(PlannedAction::type, PlannedAction::reason)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(ActionType.CREATE, ActionReason.SPARE_TARGET),
                        org.assertj.core.groups.Tuple.tuple(ActionType.CREATE, ActionReason.SPARE_TARGET));
    }

    @Test
    void desktopsBeingProvisionedCountAsSpares() {
        Plan plan = plan(input(hosts, snapshot(pooled("p", 0, 10, 2),
                desktop("d1", PROVISIONING, "h1"), desktop("d2", PROVISIONING, "h2"))));

        assertThat(plan.actions()).isEmpty();
    }

    @Test
    void stoppedFreeDesktopsAreStartedBeforeNewOnesAreCloned() {
        Plan plan = plan(input(hosts, snapshot(pooled("p", 0, 10, 2),
                desktop("d1", STOPPED, "h1"), desktop("d2", IN_USE, "h2"))));

        assertThat(plan.actions()).extracting(PlannedAction::type).containsExactlyInAnyOrder(ActionType.START,
                ActionType.CREATE);
        assertThat(ofType(plan, ActionType.START)).singleElement()
                .satisfies(a -> assertThat(a.desktopId()).isEqualTo("d1"));
    }

    @Test
    void pendingConnectsGrowThePoolButNeverPastItsMaximum() {
        Plan plan = plan(input(hosts, snapshot(pooled("p", 0, 4, 1), new PoolDemand(5, Set.of()),
                desktop("d1", READY, "h1"))));

        assertThat(ofType(plan, ActionType.CREATE)).hasSize(3)
                .allSatisfy(a -> assertThat(a.reason()).isEqualTo(ActionReason.DEMAND));
        assertThat(plan.notesFor("p")).singleElement().satisfies(n -> {
            assertThat(n.code()).isEqualTo(PlanNote.Code.POOL_AT_MAX);
            assertThat(n.count()).isEqualTo(2);
        });
    }

    @Test
    void aPoolOverItsMaximumLosesFreeDesktopsStoppedOnesFirst() {
        Plan plan = plan(input(hosts, snapshot(pooled("p", 0, 2, 0),
                desktop("d1", IN_USE, "h1"), desktop("d2", READY, "h1"), desktop("d3", STOPPED, "h2"),
                desktop("d4", IN_USE, "h2"))));

        assertThat(plan.actions()).extracting(PlannedAction::type, PlannedAction::desktopId, PlannedAction::reason)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(ActionType.DELETE, "d3", ActionReason.OVER_MAX),
                        org.assertj.core.groups.Tuple.tuple(ActionType.DELETE, "d2", ActionReason.OVER_MAX));
    }

    @Test
    void excessSparesAreRemovedDownToTheTargetButNotBelowTheMinimum() {
        Plan plan = plan(input(hosts, snapshot(pooled("p", 3, 10, 1),
                desktop("d1", READY, "h1"), desktop("d2", READY, "h1"), desktop("d3", READY, "h2"),
                desktop("d4", READY, "h2"))));

        assertThat(plan.actions()).hasSize(1).allSatisfy(a -> {
            assertThat(a.type()).isEqualTo(ActionType.DELETE);
            assertThat(a.reason()).isEqualTo(ActionReason.EXCESS_SPARE);
        });
    }

    @Test
    void failedPooledDesktopsAreDeletedAndDoNotCountTowardsTheMinimum() {
        Plan plan = plan(input(hosts, snapshot(pooled("p", 2, 10, 0),
                desktop("d1", READY, "h1"), desktop("d2", FAILED, "h2"))));

        assertThat(plan.actions()).extracting(PlannedAction::type, PlannedAction::reason).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(ActionType.CREATE, ActionReason.MIN_SIZE),
                org.assertj.core.groups.Tuple.tuple(ActionType.DELETE, ActionReason.FAILED_CLEANUP));
    }

    @Test
    void aFailedPersistentDesktopIsLeftForTheAdmin() {
        Plan plan = plan(input(hosts, snapshot(persistent("p", 0, 10, 0, null, false),
                assigned("d1", FAILED, "alice", "h1", "v2"))));

        assertThat(plan.actions()).isEmpty();
        assertThat(plan.notesFor("p")).extracting(PlanNote::code)
                .containsExactly(PlanNote.Code.FAILED_DESKTOP_NEEDS_ADMIN);
    }

    @Test
    void sharedPoolsAreLeftToSessionHosts() {
        PoolSpec shared = new PoolSpec("s", "t1", PoolKind.SHARED, 2, 5, 1, "v2", null, ONE_VCPU_1G, null, false, false);

        Plan plan = plan(input(hosts, snapshot(shared)));

        assertThat(plan.actions()).isEmpty();
        assertThat(plan.notesFor("s")).extracting(PlanNote::code).containsExactly(PlanNote.Code.SHARED_POOL_SKIPPED);
    }
}
