package io.deskport.provisioning.planner;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static io.deskport.provisioning.planner.DesktopState.ASSIGNED;
import static io.deskport.provisioning.planner.DesktopState.IN_USE;
import static io.deskport.provisioning.planner.DesktopState.READY;
import static io.deskport.provisioning.planner.DesktopState.STOPPED;
import static io.deskport.provisioning.planner.PlannerFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

/** Image rollout and rollback, refresh after logoff, persistent power policy. */
class ImageAndPowerRulesTest {

    private final List<HostView> hosts = List.of(host("h1"));

    @Test
    void aNewImageVersionReplacesOnlyFreePooledDesktops() {
        Plan plan = plan(input(hosts, snapshot(pooled("p", 5, 5, 0),
                desktop("free-ready", READY, "h1", "v1"), desktop("free-stopped", STOPPED, "h1", "v1"),
                assigned("claimed", ASSIGNED, "bob", "h1", "v1"), assigned("busy", IN_USE, "alice", "h1", "v1"),
                desktop("current", READY, "h1", "v2"))));

        assertThat(plan.actions()).extracting(PlannedAction::type, PlannedAction::desktopId,
                        PlannedAction::imageVersion, PlannedAction::reason)
                .containsExactlyInAnyOrder(
                        tuple(ActionType.REPLACE, "free-ready", "v2", ActionReason.IMAGE_ROLLOUT),
                        tuple(ActionType.REPLACE, "free-stopped", "v2", ActionReason.IMAGE_ROLLOUT));
    }

    @Test
    void aUsedPooledDesktopIsRefreshedAfterLogoffAndMovedToTheNewVersionIfItIsOld() {
        Plan plan = plan(input(hosts, snapshot(pooled("p", 0, 10, 0),
                dirty("same", READY, "h1", "v2"), dirty("old", STOPPED, "h1", "v1"))));

        assertThat(plan.actions()).extracting(PlannedAction::type, PlannedAction::desktopId,
                        PlannedAction::imageVersion, PlannedAction::reason)
                .containsExactlyInAnyOrder(
                        tuple(ActionType.REFRESH, "same", "v2", ActionReason.DIRTY_AFTER_LOGOFF),
                        tuple(ActionType.REPLACE, "old", "v2", ActionReason.DIRTY_AFTER_LOGOFF));
    }

    @Test
    void assignedPersistentDesktopsKeepTheirImageUntilTheAdminCommandsAnUpdate() {
        DesktopView[] desktops = {
                assigned("alice-d", STOPPED, "alice", "h1", "v1"),
                assigned("bob-d", ASSIGNED, "bob", "h1", "v1"),
                assigned("carol-d", IN_USE, "carol", "h1", "v1")};

        Plan withoutCommand = plan(input(hosts, snapshot(persistent("p", 0, 10, 0, null, false), desktops)));
        Plan withCommand = plan(input(hosts, snapshot(persistent("p", 0, 10, 0, null, true), desktops)));

        assertThat(withoutCommand.actions()).isEmpty();
        assertThat(withCommand.actions()).extracting(PlannedAction::type, PlannedAction::desktopId)
                .containsExactlyInAnyOrder(tuple(ActionType.REPLACE, "alice-d"), tuple(ActionType.REPLACE, "bob-d"));
    }

    @Test
    void rollbackPointsDesktopsAndNewClonesAtThePreviousVersion() {
        PoolSpec rolledBack = pooled("p", 2, 10, 0).rolledBack();

        Plan plan = plan(input(hosts, snapshot(rolledBack, desktop("d1", READY, "h1", "v2"))));

        assertThat(plan.actions()).extracting(PlannedAction::type, PlannedAction::imageVersion, PlannedAction::reason)
                .containsExactlyInAnyOrder(
                        tuple(ActionType.CREATE, "v1", ActionReason.MIN_SIZE),
                        tuple(ActionType.REPLACE, "v1", ActionReason.ROLLBACK));
    }

    @Test
    void aPersistentDesktopIsPoweredOffAfterTheConfiguredMinutesDisconnected() {
        PoolSpec spec = persistent("p", 0, 10, 0, Duration.ofMinutes(30), false);

        Plan plan = plan(input(hosts, snapshot(spec,
                disconnectedSince("long-gone", "alice", "h1", NOW.minus(Duration.ofMinutes(31))),
                disconnectedSince("just-left", "bob", "h1", NOW.minus(Duration.ofMinutes(29))),
                assigned("working", IN_USE, "carol", "h1", "v2"))));

        assertThat(plan.actions()).extracting(PlannedAction::type, PlannedAction::desktopId, PlannedAction::reason)
                .containsExactly(tuple(ActionType.STOP, "long-gone", ActionReason.IDLE_POWER_OFF));
    }

    @Test
    void withoutAPowerPolicyPersistentDesktopsStayOn() {
        Plan plan = plan(input(hosts, snapshot(persistent("p", 0, 10, 0, null, false),
                disconnectedSince("d1", "alice", "h1", NOW.minus(Duration.ofDays(3))))));

        assertThat(plan.actions()).isEmpty();
    }

    @Test
    void aWaitingUsersStoppedPersistentDesktopIsStartedFirst() {
        PoolSnapshot pool = new PoolSnapshot(persistent("p", 0, 10, 2, null, false), List.of(
                assigned("alice-d", STOPPED, "alice", "h1", "v2")), new PoolDemand(0, Set.of("alice")), 0);

        Plan plan = plan(limits(10, 1), input(hosts, pool));

        assertThat(plan.actions()).extracting(PlannedAction::type, PlannedAction::desktopId, PlannedAction::reason)
                .containsExactly(tuple(ActionType.START, "alice-d", ActionReason.USER_WAITING));
    }
}
