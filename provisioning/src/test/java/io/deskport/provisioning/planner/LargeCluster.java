package io.deskport.provisioning.planner;

import io.deskport.provisioning.driver.HardwareProfile;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** A seeded, realistic-looking cluster: 100 hosts and 10,000 desktops in 200 pools of every state. */
final class LargeCluster {

    static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");

    private LargeCluster() {
    }

    static PlanningInput generate(long seed, int hostCount, int poolCount, int desktopsPerPool) {
        Random r = new Random(seed);
        List<HostView> hosts = new ArrayList<>();
        Map<String, Integer> inFlight = new HashMap<>();
        for (int i = 0; i < hostCount; i++) {
            String id = "host-" + i;
            HostHealth health = i % 17 == 0 ? new HostHealth(true, 3, NOW.plusSeconds(120))
                    : i % 23 == 0 ? new HostHealth(false, 0, null) : HostHealth.HEALTHY;
            hosts.add(new HostView(id, 64, 512 * 1024, 8 * 1024 * 1024, r.nextInt(200), r.nextInt(400 * 1024),
                    r.nextInt(4 * 1024 * 1024), i % 19 == 0, health));
            inFlight.put(id, r.nextInt(3));
        }
        DesktopState[] states = DesktopState.values();
        List<PoolSnapshot> pools = new ArrayList<>();
        for (int p = 0; p < poolCount; p++) {
            PoolKind kind = p % 3 == 0 ? PoolKind.PERSISTENT : PoolKind.POOLED;
            HardwareProfile hw = new HardwareProfile(1 + r.nextInt(4), 1024 * (1 + r.nextInt(8)), 20_480, "vga");
            int max = desktopsPerPool + r.nextInt(20) - 5;
            PoolSpec spec = new PoolSpec("pool-" + p, "tenant-" + (p % 10), kind, r.nextInt(desktopsPerPool / 2), max,
                    r.nextInt(8), "v" + (2 + p % 2), "v1", hw, kind == PoolKind.PERSISTENT ? Duration.ofMinutes(30) : null,
                    p % 29 == 0, p % 7 == 0);
            List<DesktopView> desktops = new ArrayList<>();
            for (int d = 0; d < desktopsPerPool; d++) {
                DesktopState state = states[r.nextInt(states.length)];
                boolean assigned = state == DesktopState.ASSIGNED || state == DesktopState.IN_USE
                        || (kind == PoolKind.PERSISTENT && r.nextInt(3) > 0);
                String user = assigned ? "user-" + p + "-" + d : null;
                String version = r.nextInt(4) == 0 ? "v1" : spec.currentImageVersion();
                Instant disconnected = state == DesktopState.ASSIGNED ? NOW.minusSeconds(r.nextInt(7200)) : null;
                desktops.add(new DesktopView("pool-" + p + "-d" + d, state, user, version,
                        "host-" + r.nextInt(hostCount), disconnected, r.nextInt(5) == 0));
            }
            Set<String> waiting = r.nextInt(4) == 0 && !desktops.isEmpty()
                    && desktops.get(0).assignedUser() != null ? Set.of(desktops.get(0).assignedUser()) : Set.of();
            pools.add(new PoolSnapshot(spec, desktops, new PoolDemand(r.nextInt(5) == 0 ? r.nextInt(10) : 0, waiting),
                    r.nextInt(4)));
        }
        return new PlanningInput(NOW, hosts, inFlight, pools);
    }
}
