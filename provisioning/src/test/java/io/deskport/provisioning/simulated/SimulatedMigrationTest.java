package io.deskport.provisioning.simulated;

import io.deskport.provisioning.driver.CloneRequest;
import io.deskport.provisioning.driver.DesktopMigration;
import io.deskport.provisioning.driver.DesktopTag;
import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.DriverException;
import io.deskport.provisioning.driver.DriverFailureReason;
import io.deskport.provisioning.driver.HardwareProfile;
import io.deskport.provisioning.driver.HostInventory;
import io.deskport.provisioning.driver.HostUnavailableException;
import io.deskport.provisioning.driver.ImageVersion;
import io.deskport.provisioning.driver.InsufficientCapacityException;
import io.deskport.provisioning.driver.ManagedDesktop;
import io.deskport.provisioning.driver.MigrationTarget;
import io.deskport.provisioning.driver.PowerState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Live and cold migration between the simulated driver's hosts, with what it costs in time and capacity. */
class SimulatedMigrationTest {

    private static final ImageVersion IMAGE = ImageVersion.diskBoot("img", "1", "/images/golden.qcow2");
    private static final HardwareProfile HW = new HardwareProfile(2, 1024, 1000, "vga");

    private static SimulatedDriver driver(Map<String, String> settings) {
        return new SimulatedDriver(SimulatedDriverConfig.from(new DriverConfig("sim", settings)));
    }

    private static String clone(SimulatedDriver sim, String id, String hostId, HardwareProfile hw) {
        return sim.cloneDesktop(new CloneRequest(new DesktopTag("t1", "p1", id), hostId, IMAGE, hw)).desktopId();
    }

    private static HostInventory host(SimulatedDriver sim, String hostId) {
        return sim.hosts().stream().filter(h -> h.hostId().equals(hostId)).findFirst().orElseThrow();
    }

    private static String hostOf(SimulatedDriver sim, String desktopId) {
        return sim.listDesktops().stream().filter(d -> d.desktopId().equals(desktopId)).findFirst()
                .map(ManagedDesktop::hostId).orElseThrow();
    }

    @Test
    void aRunningDesktopMovesLiveAndTakesItsMemoryVcpusAndDiskWithIt() {
        SimulatedDriver sim = driver(Map.of("hosts", "2", "cloneMiB", "3", "migrationDowntime", "20ms"));
        String d = clone(sim, "d", "sim-host-1", HW);
        sim.start(d);
        String password = sim.console(d).password();

        DesktopMigration moved = sim.migrate(d, sim.migrationTarget("sim-host-2"));

        assertThat(moved.live()).isTrue();
        assertThat(moved.sourceHostId()).isEqualTo("sim-host-1");
        assertThat(moved.targetHostId()).isEqualTo("sim-host-2");
        assertThat(moved.downtime()).isEqualTo(Duration.ofMillis(20));
        assertThat(moved.transferredMiB()).isEqualTo(1024);
        assertThat(hostOf(sim, d)).isEqualTo("sim-host-2");
        assertThat(sim.powerState(d)).isEqualTo(PowerState.RUNNING);
        assertThat(sim.console(d).password()).isEqualTo(password);
        HostInventory from = host(sim, "sim-host-1");
        HostInventory to = host(sim, "sim-host-2");
        assertThat(List.of(from.memoryUsedMiB(), (long) from.cpuUsed(), from.storageUsedMiB(), (long) from.desktops()))
                .containsExactly(0L, 0L, 0L, 0L);
        assertThat(List.of(to.memoryUsedMiB(), (long) to.cpuUsed(), to.storageUsedMiB(), (long) to.desktops()))
                .containsExactly(1024L, 2L, 3L, 1L);
    }

    @Test
    void aLiveMigrationTakesItsDelayPlusTheMemoryOverTheBandwidth() {
        SimulatedDriver sim = driver(Map.of("hosts", "2", "migrationDelay", "50ms", "migrationMiBPerSecond", "10240"));
        String small = clone(sim, "small", "sim-host-1", new HardwareProfile(1, 512, 1000, "vga"));
        String big = clone(sim, "big", "sim-host-1", new HardwareProfile(1, 3072, 1000, "vga"));
        sim.start(small);
        sim.start(big);

        Duration smallTook = sim.migrate(small, MigrationTarget.host("sim-host-2")).elapsed();
        Duration bigTook = sim.migrate(big, MigrationTarget.host("sim-host-2")).elapsed();

        assertThat(smallTook).as("50 ms + 512 MiB at 10 GiB/s").isGreaterThanOrEqualTo(Duration.ofMillis(100));
        assertThat(bigTook).as("50 ms + 3 GiB at 10 GiB/s").isGreaterThanOrEqualTo(Duration.ofMillis(350));
    }

    @Test
    void aStoppedDesktopMovesColdWithoutDowntime() {
        SimulatedDriver sim = driver(Map.of("hosts", "2", "migrationDowntime", "20ms"));
        String d = clone(sim, "d", "sim-host-1", HW);

        DesktopMigration moved = sim.migrate(d, MigrationTarget.host("sim-host-2"));

        assertThat(moved.live()).isFalse();
        assertThat(moved.downtime()).isNull();
        assertThat(moved.transferredMiB()).isZero();
        assertThat(hostOf(sim, d)).isEqualTo("sim-host-2");
        assertThat(sim.powerState(d)).isEqualTo(PowerState.STOPPED);
        assertThat(host(sim, "sim-host-2").memoryUsedMiB()).isZero();
    }

    @Test
    void migratingADesktopToTheHostItIsOnMovesNothing() {
        SimulatedDriver sim = driver(Map.of("hosts", "2"));
        String d = clone(sim, "d", "sim-host-1", HW);
        sim.migrate(d, MigrationTarget.host("sim-host-2"));

        DesktopMigration again = sim.migrate(d, MigrationTarget.host("sim-host-2"));

        assertThat(again.alreadyThere()).isTrue();
        assertThat(host(sim, "sim-host-2").desktops()).isEqualTo(1);
    }

    @Test
    void aSuspendedDesktopSaysWhyItCannotMove() {
        SimulatedDriver sim = driver(Map.of("hosts", "2"));
        String d = clone(sim, "d", "sim-host-1", HW);
        sim.start(d);
        sim.suspend(d);

        assertThatThrownBy(() -> sim.migrate(d, MigrationTarget.host("sim-host-2")))
                .isInstanceOfSatisfying(DriverException.class, e -> {
                    assertThat(e.reason()).isEqualTo(DriverFailureReason.INVALID_STATE);
                    assertThat(e.getMessage()).contains("suspended to disk");
                });
        assertThat(hostOf(sim, d)).isEqualTo("sim-host-1");
    }

    @Test
    void aTargetWithoutRoomForTheMemoryIsRefusedAndTheDesktopRunsOnWhereItWas() {
        SimulatedDriver sim = driver(Map.of("hosts", "2", "memoryMiBPerHost", "1536"));
        String filler = clone(sim, "filler", "sim-host-2", HW);
        sim.start(filler);
        String d = clone(sim, "d", "sim-host-1", HW);
        sim.start(d);

        assertThatThrownBy(() -> sim.migrate(d, MigrationTarget.host("sim-host-2")))
                .isInstanceOfSatisfying(InsufficientCapacityException.class,
                        e -> assertThat(e.resource()).isEqualTo("memory"));
        assertThat(hostOf(sim, d)).isEqualTo("sim-host-1");
        assertThat(sim.powerState(d)).isEqualTo(PowerState.RUNNING);
        assertThat(host(sim, "sim-host-2").memoryUsedMiB()).isEqualTo(1024);
    }

    @Test
    void aFailedMigrationLeavesTheDesktopRunningOnItsSourceAndFreesTheTarget() {
        SimulatedDriver sim = driver(Map.of("hosts", "2"));
        String d = clone(sim, "d", "sim-host-1", HW);
        sim.start(d);
        sim.faults().failNextMigrations(1);

        assertThatThrownBy(() -> sim.migrate(d, MigrationTarget.host("sim-host-2")))
                .isInstanceOfSatisfying(DriverException.class,
                        e -> assertThat(e.reason()).isEqualTo(DriverFailureReason.HYPERVISOR_ERROR));

        assertThat(hostOf(sim, d)).isEqualTo("sim-host-1");
        assertThat(sim.powerState(d)).isEqualTo(PowerState.RUNNING);
        assertThat(host(sim, "sim-host-2").memoryUsedMiB()).isZero();
        assertThat(host(sim, "sim-host-2").cpuUsed()).isZero();
        assertThat(sim.migrate(d, MigrationTarget.host("sim-host-2")).live()).as("a retry succeeds").isTrue();
    }

    @Test
    void aTargetHostThatIsDownOrUnknownIsRefused() {
        SimulatedDriver sim = driver(Map.of("hosts", "2"));
        String d = clone(sim, "d", "sim-host-1", HW);
        sim.faults().hostDown("sim-host-2");

        assertThatThrownBy(() -> sim.migrate(d, MigrationTarget.host("sim-host-2")))
                .isInstanceOf(HostUnavailableException.class);
        assertThatThrownBy(() -> sim.migrationTarget("sim-host-9")).isInstanceOfSatisfying(DriverException.class,
                e -> assertThat(e.reason()).isEqualTo(DriverFailureReason.CONFIGURATION));
    }

    @Test
    void aHostOfAHundredIsDrainedIntoTheOthersConcurrently() throws Exception {
        SimulatedDriver sim = driver(Map.of("hosts", "100", "cpusPerHost", "32", "memoryMiBPerHost", "65536",
                "migrationDelay", "5ms", "migrationMiBPerSecond", "204800"));
        List<String> onFirst = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String d = clone(sim, "drain-" + i, "sim-host-1", HW);
            sim.start(d);
            onFirst.add(d);
        }
        for (int h = 2; h <= 100; h++) {
            for (int i = 0; i < 10; i++) {
                sim.start(clone(sim, "other-" + h + "-" + i, "sim-host-" + h, HW));
            }
        }

        List<Future<DesktopMigration>> moves = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < onFirst.size(); i++) {
                String target = "sim-host-" + (2 + i % 99);
                String d = onFirst.get(i);
                moves.add(pool.submit(() -> sim.migrate(d, MigrationTarget.host(target))));
            }
        }
        for (Future<DesktopMigration> move : moves) {
            assertThat(move.get().live()).isTrue();
        }

        HostInventory drained = host(sim, "sim-host-1");
        assertThat(drained.desktops()).isZero();
        assertThat(drained.memoryUsedMiB()).isZero();
        long runningMemory = sim.hosts().stream().mapToLong(HostInventory::memoryUsedMiB).sum();
        assertThat(runningMemory).as("no memory lost or counted twice").isEqualTo((50 + 99 * 10) * 1024L);
        assertThat(sim.listDesktops()).hasSize(50 + 99 * 10)
                .allSatisfy(d -> assertThat(d.powerState()).isEqualTo(PowerState.RUNNING));
    }

    @Test
    void aDesktopMovesBetweenTwoDriverInstancesAsTheBrokerMakesOnePerHost() {
        SimulatedDriver a = driver(Map.of("hosts", "1", "hostIdPrefix", "a-", "cloneMiB", "3", "memoryMiBPerHost", "4096"));
        SimulatedDriver b = driver(Map.of("hosts", "1", "hostIdPrefix", "b-", "memoryMiBPerHost", "4096"));
        try {
            String running = clone(a, "r", "a-1", HW);
            a.start(running);
            String stopped = clone(a, "s", "a-1", HW);
            String password = a.console(running).password();

            DesktopMigration live = a.migrate(running, b.migrationTarget("b-1"));
            DesktopMigration cold = a.migrate(stopped, b.migrationTarget("b-1"));

            assertThat(live.live()).isTrue();
            assertThat(cold.live()).isFalse();
            assertThat(a.listDesktops()).isEmpty();
            assertThat(b.listDesktops()).extracting(ManagedDesktop::desktopId).containsExactlyInAnyOrder("r", "s");
            assertThat(hostOf(b, running)).isEqualTo("b-1");
            assertThat(b.powerState(running)).isEqualTo(PowerState.RUNNING);
            assertThat(b.powerState(stopped)).isEqualTo(PowerState.STOPPED);
            assertThat(b.console(running).password()).isEqualTo(password);
            HostInventory from = host(a, "a-1");
            HostInventory to = host(b, "b-1");
            assertThat(List.of(from.memoryUsedMiB(), (long) from.cpuUsed(), from.storageUsedMiB(), (long) from.desktops()))
                    .containsExactly(0L, 0L, 0L, 0L);
            assertThat(List.of(to.memoryUsedMiB(), (long) to.cpuUsed(), to.storageUsedMiB(), (long) to.desktops()))
                    .containsExactly(1024L, 2L, 6L, 2L);

            // asked again (a retried task): already there, nothing moves
            assertThat(a.migrate(running, b.migrationTarget("b-1")).alreadyThere()).isTrue();
            // the target's room is checked before anything moves, and a failure leaves the desktop where it was
            b.powerOff(running);
            String big = clone(b, "big", "b-1", new HardwareProfile(1, 3500, 10, "vga"));
            b.start(big);
            a.start(clone(a, "x", "a-1", new HardwareProfile(1, 3000, 10, "vga")));
            assertThatThrownBy(() -> b.migrate(big, a.migrationTarget("a-1")))
                    .isInstanceOf(InsufficientCapacityException.class);
            assertThat(hostOf(b, big)).isEqualTo("b-1");
            assertThat(b.powerState(big)).isEqualTo(PowerState.RUNNING);
            b.faults().failNextMigrations(1);
            assertThatThrownBy(() -> b.migrate(stopped, a.migrationTarget("a-1"))).isInstanceOf(DriverException.class);
            assertThat(hostOf(b, stopped)).isEqualTo("b-1");
            assertThat(host(a, "a-1").storageUsedMiB()).as("what the failed move held is given back").isEqualTo(3);
        } finally {
            a.close();
            b.close();
        }
        // a closed instance is no target any more
        SimulatedDriver c = driver(Map.of("hosts", "1", "hostIdPrefix", "c-"));
        try {
            String d = clone(c, "d", "c-1", HW);
            assertThatThrownBy(() -> c.migrate(d, b.migrationTarget("b-1"))).isInstanceOf(DriverException.class);
        } finally {
            c.close();
        }
    }
}
