package io.deskport.provisioning.planner;

import io.deskport.provisioning.driver.HardwareProfile;
import io.deskport.provisioning.planner.DrainPlanner.Candidate;
import io.deskport.provisioning.planner.DrainPlanner.DrainPlan;
import io.deskport.provisioning.planner.DrainPlanner.Move;
import io.deskport.provisioning.planner.DrainPlanner.StuckReason;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.deskport.provisioning.planner.PlannerFixtures.host;
import static io.deskport.provisioning.planner.PlannerFixtures.inMaintenance;
import static io.deskport.provisioning.planner.PlannerFixtures.withHealth;
import static io.deskport.provisioning.planner.PlannerFixtures.withUsage;
import static org.assertj.core.api.Assertions.assertThat;

/** Where the desktops of a host in maintenance go: capacity, anti-affinity, and saying why one cannot move. */
class DrainPlannerTest {

    private static final HardwareProfile FOUR_GIB = new HardwareProfile(2, 4096, 1000, "vga");
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    private final DrainPlanner planner = new DrainPlanner(PlannerSettings.DEFAULT);

    private static Candidate running(String id) {
        return new Candidate(id, FOUR_GIB, true, null);
    }

    @Test
    void runningDesktopsSpreadOverTheHostsWithRoom() {
        List<Candidate> desktops = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            desktops.add(running("d" + i));
        }

        DrainPlan plan = planner.plan("h1", desktops, List.of(host("h1"), host("h2"), host("h3"), host("h4")),
                Map.of(), NOW);

        assertThat(plan.stuck()).isEmpty();
        assertThat(plan.moves()).hasSize(6).allSatisfy(m -> assertThat(m.live()).isTrue());
        assertThat(plan.moves().stream().collect(Collectors.groupingBy(Move::toHostId, Collectors.counting())))
                .containsOnly(Map.entry("h2", 2L), Map.entry("h3", 2L), Map.entry("h4", 2L));
    }

    @Test
    void aTargetNeverTakesMoreMemoryThanItHas() {
        HostView small = host("h2", 16, 10_000);

        DrainPlan plan = planner.plan("h1", List.of(running("a"), running("b"), running("c")),
                List.of(host("h1"), small), Map.of(), NOW);

        assertThat(plan.moves()).extracting(Move::toHostId).containsExactly("h2", "h2");
        assertThat(plan.stuck()).singleElement().satisfies(s -> {
            assertThat(s.reason()).isEqualTo(StuckReason.NO_HOST_WITH_ROOM);
            assertThat(s.detail()).contains("4096 MiB");
        });
    }

    @Test
    void stoppedDesktopsMoveColdAndNeedNoRoom() {
        HostView full = withUsage(host("h2", 16, 8192), 0, 8192);

        DrainPlan plan = planner.plan("h1", List.of(new Candidate("off", FOUR_GIB, false, null)),
                List.of(host("h1"), full), Map.of(), NOW);

        assertThat(plan.moves()).singleElement().satisfies(m -> {
            assertThat(m.toHostId()).isEqualTo("h2");
            assertThat(m.live()).isFalse();
        });
    }

    @Test
    void twoDesktopsOfOneAntiAffinityGroupNeverShareAHost() {
        List<Candidate> pair = List.of(new Candidate("a", FOUR_GIB, true, "pair"),
                new Candidate("b", FOUR_GIB, true, "pair"), new Candidate("c", FOUR_GIB, true, "pair"));

        DrainPlan plan = planner.plan("h1", pair, List.of(host("h1"), host("h2"), host("h3"), host("h4")),
                Map.of("h4", Set.of("pair")), NOW);

        assertThat(plan.moves()).extracting(Move::toHostId).containsExactlyInAnyOrder("h2", "h3");
        assertThat(plan.stuck()).singleElement().satisfies(s -> {
            assertThat(s.reason()).isEqualTo(StuckReason.ANTI_AFFINITY);
            assertThat(s.detail()).contains("pair");
        });
    }

    @Test
    void hostsInMaintenanceOrUnreachableTakeNothing() {
        List<HostView> hosts = List.of(host("h1"), inMaintenance(host("h2")),
                withHealth(host("h3"), new HostHealth(false, 3, null)));

        DrainPlan plan = planner.plan("h1", List.of(running("a")), hosts, Map.of(), NOW);

        assertThat(plan.moves()).isEmpty();
        assertThat(plan.stuck()).singleElement()
                .satisfies(s -> assertThat(s.reason()).isEqualTo(StuckReason.NO_TARGET_HOST));
    }

    @Test
    void bigDesktopsArePlacedBeforeSmallOnesTakeTheRoom() {
        HardwareProfile big = new HardwareProfile(2, 8192, 1000, "vga");
        HardwareProfile small = new HardwareProfile(1, 2048, 1000, "vga");
        List<Candidate> desktops = List.of(new Candidate("s1", small, true, null),
                new Candidate("s2", small, true, null), new Candidate("big", big, true, null));

        DrainPlan plan = planner.plan("h1", desktops, List.of(host("h1"), host("h2", 16, 8192),
                host("h3", 16, 4096)), Map.of(), NOW);

        assertThat(plan.stuck()).isEmpty();
        assertThat(plan.moves()).filteredOn(m -> m.desktopId().equals("big")).singleElement()
                .satisfies(m -> assertThat(m.toHostId()).isEqualTo("h2"));
    }
}
