package io.deskport.provisioning.simulated;

import io.deskport.provisioning.driver.CloneRequest;
import io.deskport.provisioning.driver.DesktopNotFoundException;
import io.deskport.provisioning.driver.DesktopTag;
import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.DriverException;
import io.deskport.provisioning.driver.DriverFailureReason;
import io.deskport.provisioning.driver.HardwareProfile;
import io.deskport.provisioning.driver.HostInventory;
import io.deskport.provisioning.driver.HostUnavailableException;
import io.deskport.provisioning.driver.ImageVersion;
import io.deskport.provisioning.driver.InsufficientCapacityException;
import io.deskport.provisioning.driver.PowerState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SimulatedDriverTest {

    private static final ImageVersion IMAGE = ImageVersion.diskBoot("win11", "1", "/sim/golden.qcow2");
    private static final HardwareProfile HW = new HardwareProfile(2, 2048, 1024, "vga");

    private static SimulatedDriver driver(Map<String, String> settings) {
        return new SimulatedDriver(SimulatedDriverConfig.from(new DriverConfig("sim", settings)));
    }

    private static CloneRequest clone(String desktopId, String hostId) {
        return new CloneRequest(new DesktopTag("t1", "p1", desktopId), hostId, IMAGE, HW);
    }

    @Test
    void aHostRegisteredWithTheBrokerIsOneSimulatedHostNamedAfterIt() {
        SimulatedDriverFactory factory = new SimulatedDriverFactory();
        try (var sim = factory.create(factory.forRegisteredHost("rack-7", Map.of("hosts", "20", "cpusPerHost", "8")))) {
            assertThat(sim.hosts()).singleElement().satisfies(h -> {
                assertThat(h.hostId()).isEqualTo("rack-7-1");
                assertThat(h.cpuTotal()).isEqualTo(8);
            });
        }
    }

    @Test
    void thousandsOfDesktopsCanBeClonedStartedAndDeletedConcurrently() throws Exception {
        SimulatedDriver sim = driver(Map.of("hosts", "20", "cpusPerHost", "128"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                work.add(pool.submit(() -> IntStream.range(0, 500).forEach(i -> {
                    String id = "d" + thread + "-" + i;
                    sim.cloneDesktop(clone(id, null));
                    sim.start(id);
                })));
            }
            for (Future<?> f : work) {
                f.get();
            }
            assertThat(sim.listDesktops()).hasSize(4000)
                    .allSatisfy(d -> assertThat(d.powerState()).isEqualTo(PowerState.RUNNING));
            List<HostInventory> hosts = sim.hosts();
            assertThat(hosts.stream().mapToInt(HostInventory::desktops).sum()).isEqualTo(4000);
            assertThat(hosts.stream().mapToLong(HostInventory::memoryUsedMiB).sum()).isEqualTo(4000L * 2048);
            assertThat(hosts).allSatisfy(h -> assertThat(h.desktops()).isBetween(150, 250));

            work.clear();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                work.add(pool.submit(() -> IntStream.range(0, 500).forEach(i -> sim.delete("d" + thread + "-" + i))));
            }
            for (Future<?> f : work) {
                f.get();
            }
            assertThat(sim.listDesktops()).isEmpty();
            assertThat(sim.hosts()).allSatisfy(h -> {
                assertThat(h.memoryUsedMiB()).isZero();
                assertThat(h.storageUsedMiB()).isZero();
            });
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cloningTheSameDesktopTwiceReturnsTheFirstAndDeletingTwiceSucceeds() {
        SimulatedDriver sim = driver(Map.of());
        var first = sim.cloneDesktop(clone("d1", "sim-host-2"));
        var second = sim.cloneDesktop(clone("d1", "sim-host-2"));

        assertThat(second).isEqualTo(first);
        assertThat(sim.listDesktops()).hasSize(1);
        sim.delete("d1");
        sim.delete("d1");
        assertThat(sim.listDesktops()).isEmpty();
    }

    @Test
    void aDesktopIdTakenByAnotherPoolIsANameConflict() {
        SimulatedDriver sim = driver(Map.of());
        sim.cloneDesktop(clone("d1", null));

        assertThatThrownBy(() -> sim.cloneDesktop(new CloneRequest(new DesktopTag("t1", "other", "d1"), null, IMAGE, HW)))
                .isInstanceOfSatisfying(DriverException.class,
                        e -> assertThat(e.reason()).isEqualTo(DriverFailureReason.NAME_CONFLICT));
    }

    @Test
    void theNextNClonesFailThenClonesWorkAgain() {
        SimulatedDriver sim = driver(Map.of());
        sim.faults().failNextClones(2);

        for (String id : List.of("a", "b")) {
            assertThatThrownBy(() -> sim.cloneDesktop(clone(id, null)))
                    .isInstanceOfSatisfying(DriverException.class, e -> {
                        assertThat(e.reason()).isEqualTo(DriverFailureReason.HYPERVISOR_ERROR);
                        assertThat(e.retryable()).isTrue();
                    });
        }
        assertThat(sim.cloneDesktop(clone("c", null)).desktopId()).isEqualTo("c");
        assertThat(sim.listDesktops()).hasSize(1);
    }

    @Test
    void clonesFailWithTheConfiguredProbability() {
        SimulatedDriver sim = driver(Map.of("cloneFailureProbability", "0.3", "seed", "1"));
        int failures = 0;
        for (int i = 0; i < 1000; i++) {
            try {
                sim.cloneDesktop(clone("d" + i, null));
            } catch (DriverException e) {
                failures++;
            }
        }
        assertThat(failures).isBetween(240, 360);
        assertThat(sim.listDesktops()).hasSize(1000 - failures);
    }

    @Test
    void aHostThatGoesDownFailsItsOperationsWithHostUnavailableAndComesBack() {
        SimulatedDriver sim = driver(Map.of("hosts", "2"));
        sim.cloneDesktop(clone("d1", "sim-host-1"));
        sim.cloneDesktop(clone("d2", "sim-host-2"));
        sim.faults().hostDown("sim-host-1");

        assertThatThrownBy(() -> sim.start("d1")).isInstanceOfSatisfying(HostUnavailableException.class,
                e -> assertThat(e.hostId()).isEqualTo("sim-host-1"));
        assertThatThrownBy(() -> sim.cloneDesktop(clone("d3", "sim-host-1")))
                .isInstanceOf(HostUnavailableException.class);
        assertThat(sim.listDesktops()).extracting(d -> d.desktopId()).containsExactly("d2");
        assertThat(sim.hosts()).filteredOn(h -> h.hostId().equals("sim-host-1"))
                .singleElement().satisfies(h -> assertThat(h.available()).isFalse());
        assertThat(sim.cloneDesktop(clone("d4", null)).hostId()).isEqualTo("sim-host-2");

        sim.faults().hostUp("sim-host-1");
        sim.start("d1");
        assertThat(sim.powerState("d1")).isEqualTo(PowerState.RUNNING);
    }

    @Test
    void aCrashedDesktopReleasesItsMemoryAndCanBeStartedAgain() {
        SimulatedDriver sim = driver(Map.of("hosts", "1"));
        sim.cloneDesktop(clone("d1", null));
        sim.start("d1");
        sim.crash("d1");

        assertThat(sim.powerState("d1")).isEqualTo(PowerState.CRASHED);
        assertThat(sim.hosts().getFirst().memoryUsedMiB()).isZero();
        sim.start("d1");
        assertThat(sim.powerState("d1")).isEqualTo(PowerState.RUNNING);
    }

    @Test
    void startingBeyondHostMemoryIsInsufficientCapacity() {
        SimulatedDriver sim = driver(Map.of("hosts", "1", "memoryMiBPerHost", "4096"));
        for (String id : List.of("a", "b", "c")) {
            sim.cloneDesktop(clone(id, null));
        }
        sim.start("a");
        sim.start("b");

        assertThatThrownBy(() -> sim.start("c")).isInstanceOfSatisfying(InsufficientCapacityException.class,
                e -> assertThat(e.resource()).isEqualTo("memory"));
    }

    @Test
    void lifecycleSuspendRefreshAndConsoleBehaveLikeAHypervisor() {
        SimulatedDriver sim = driver(Map.of("consoleHost", "10.0.0.5", "consolePort", "5901",
                "consolePassword", "demo1234"));
        sim.cloneDesktop(clone("d1", null));
        assertThatThrownBy(() -> sim.console("d1")).isInstanceOfSatisfying(DriverException.class,
                e -> assertThat(e.reason()).isEqualTo(DriverFailureReason.INVALID_STATE));
        sim.start("d1");

        var console = sim.console("d1");
        assertThat(console.simulated()).isTrue();
        assertThat(console.host()).isEqualTo("10.0.0.5");
        assertThat(console.port()).isEqualTo(5901);
        assertThat(console.password()).isEqualTo("demo1234");

        sim.suspend("d1");
        assertThat(sim.powerState("d1")).isEqualTo(PowerState.SAVED);
        sim.resume("d1");
        assertThat(sim.powerState("d1")).isEqualTo(PowerState.RUNNING);

        var refreshed = sim.refresh("d1", ImageVersion.diskBoot("win11", "2", "/sim/golden2.qcow2"), HW);
        assertThat(refreshed.imageVersion()).isEqualTo("2");
        assertThat(refreshed.powerState()).isEqualTo(PowerState.STOPPED);
        assertThat(sim.shutdown("d1", Duration.ofSeconds(1))).isTrue();
        assertThatThrownBy(() -> sim.powerState("missing")).isInstanceOf(DesktopNotFoundException.class);
    }

    @Test
    void aShutdownSlowerThanTheGracePeriodCutsThePower() {
        SimulatedDriver sim = driver(Map.of("shutdownDelay", "200ms"));
        sim.cloneDesktop(clone("d1", null));
        sim.start("d1");

        assertThat(sim.shutdown("d1", Duration.ofMillis(20))).isFalse();
        assertThat(sim.powerState("d1")).isEqualTo(PowerState.STOPPED);
    }
}
