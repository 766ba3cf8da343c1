package io.deskport.bench.migration;

import io.deskport.provisioning.driver.CloneRequest;
import io.deskport.provisioning.driver.DesktopMigration;
import io.deskport.provisioning.driver.DesktopTag;
import io.deskport.provisioning.driver.DriverConfig;
import io.deskport.provisioning.driver.HardwareProfile;
import io.deskport.provisioning.driver.HostInventory;
import io.deskport.provisioning.driver.ImageVersion;
import io.deskport.provisioning.driver.ManagedDesktop;
import io.deskport.provisioning.driver.PowerState;
import io.deskport.provisioning.planner.DrainPlanner;
import io.deskport.provisioning.planner.HostHealth;
import io.deskport.provisioning.planner.HostView;
import io.deskport.provisioning.planner.PlannerSettings;
import io.deskport.provisioning.simulated.SimulatedDriver;
import io.deskport.provisioning.simulated.SimulatedDriverConfig;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The simulated half of bench/migration: 10 simulated hosts with 50 desktops each (500), the 50 of sim-host-1 all
 * running, the others 60 % running, anti-affinity groups of three (two desktops of sim-host-1, one of sim-host-2); sim-host-1 goes into maintenance and is drained: {@link DrainPlanner} places its
 * desktops (capacity, anti-affinity) and the simulated driver live-migrates them, {@link #CONCURRENCY} at a
 * time, with modelled costs: 2 GiB desktops over a 25 GbE link shared by the concurrent migrations (about 725 MiB/s
 * each), 300 ms of set-up and a 50 ms switch-over per desktop.
 */
final class SimulatedDrainBench {

    static final int CONCURRENCY = 4;
    private static final HardwareProfile DESKTOP = new HardwareProfile(2, 2048, 40_960, "vga");
    private static final ImageVersion IMAGE = ImageVersion.diskBoot("win11", "1", "/images/win11.qcow2");

    record Result(double seconds, int moved, int stuck, int desktops, int hosts) {
    }

    Result run() throws Exception {
        SimulatedDriver sim = new SimulatedDriver(SimulatedDriverConfig.from(new DriverConfig("bench-sim", Map.of(
                "hosts", "10", "cpusPerHost", "32", "memoryMiBPerHost", "262144",
                "migrationDelay", "300ms", "migrationMiBPerSecond", "725", "migrationDowntime", "50ms"))));
        Map<String, String> groupOf = new HashMap<>();
        int n = 0;
        for (int h = 1; h <= 10; h++) {
            for (int i = 0; i < 50; i++) {
                String id = "d" + h + "-" + i;
                String pool = "pool-" + (i % 5);
                sim.cloneDesktop(new CloneRequest(new DesktopTag("tenant", pool, id), "sim-host-" + h, IMAGE, DESKTOP));
                if (h == 1 || n % 5 < 3) {
                    sim.start(id);
                }
                // anti-affinity groups of three: desktops 2k and 2k+1 of sim-host-1 and desktop k of sim-host-2
                if (h == 1) {
                    groupOf.put(id, "group-" + (i / 2));
                } else if (h == 2 && i < 25) {
                    groupOf.put(id, "group-" + i);
                }
                n++;
            }
        }
        Instant now = Instant.now();
        List<HostView> hosts = new ArrayList<>();
        for (HostInventory h : sim.hosts()) {
            hosts.add(new HostView(h.hostId(), h.cpuTotal(), h.memoryTotalMiB(), h.storageTotalMiB(), h.cpuUsed(),
                    h.memoryUsedMiB(), h.storageUsedMiB(), h.hostId().equals("sim-host-1"), HostHealth.HEALTHY));
        }
        Map<String, Set<String>> groupsOnHosts = new HashMap<>();
        List<DrainPlanner.Candidate> candidates = new ArrayList<>();
        for (ManagedDesktop d : sim.listDesktops()) {
            if (d.hostId().equals("sim-host-1")) {
                candidates.add(new DrainPlanner.Candidate(d.desktopId(), DESKTOP, d.powerState() == PowerState.RUNNING,
                        groupOf.get(d.desktopId())));
            } else if (groupOf.containsKey(d.desktopId())) {
                groupsOnHosts.computeIfAbsent(d.hostId(), k -> new HashSet<>()).add(groupOf.get(d.desktopId()));
            }
        }

        long t0 = System.nanoTime();
        DrainPlanner.DrainPlan plan = new DrainPlanner(PlannerSettings.DEFAULT)
                .plan("sim-host-1", candidates, hosts, groupsOnHosts, now);
        List<Future<DesktopMigration>> moves = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY)) {
            for (DrainPlanner.Move m : plan.moves()) {
                moves.add(pool.submit(() -> sim.migrate(m.desktopId(), sim.migrationTarget(m.toHostId()))));
            }
        }
        int moved = 0;
        int failed = 0;
        for (Future<DesktopMigration> f : moves) {
            try {
                f.get();
                moved++;
            } catch (Exception e) {
                failed++;
                System.err.println("migration failed: " + e.getCause());
            }
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (DrainPlanner.Stuck s : plan.stuck()) {
            System.err.println("stuck: " + s);
        }
        check(sim, groupOf);
        System.err.printf("sim: drained sim-host-1 (%d desktops) into 9 hosts in %.1f s: %d moved, %d stuck, "
                + "%d failed%n", candidates.size(), seconds, moved, plan.stuck().size(), failed);
        return new Result(seconds, moved, plan.stuck().size() + failed, n, 10);
    }

    /** The drained host is empty, everything that ran still runs, and no anti-affinity pair shares a host. */
    private static void check(SimulatedDriver sim, Map<String, String> groupOf) {
        Map<String, Set<String>> seen = new HashMap<>();
        for (ManagedDesktop d : sim.listDesktops()) {
            if (d.hostId().equals("sim-host-1")) {
                throw new IllegalStateException("desktop " + d.desktopId() + " is still on the drained host");
            }
            String g = groupOf.get(d.desktopId());
            if (g != null && !seen.computeIfAbsent(d.hostId(), k -> new HashSet<>()).add(g)) {
                throw new IllegalStateException("anti-affinity group " + g + " twice on " + d.hostId());
            }
        }
        long running = sim.listDesktops().stream().filter(d -> d.powerState() == PowerState.RUNNING).count();
        System.err.printf("sim: %d desktops running after the drain%n", running);
    }
}
