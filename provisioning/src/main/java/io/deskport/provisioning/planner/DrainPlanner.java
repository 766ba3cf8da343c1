package io.deskport.provisioning.planner;

import io.deskport.provisioning.driver.HardwareProfile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Plans where the desktops of a host going into maintenance move: pure planning, no I/O (the broker executes the
 * moves with {@code HypervisorDriver.migrate}). Rules:
 * <ul>
 *   <li>targets are the other hosts that are reachable, not quarantined and not in maintenance themselves;</li>
 *   <li>capacity: a running desktop (moved live) needs its vCPUs and memory on the target within the target's
 *       overcommit ratios, counting what the plan already sent there; a stopped desktop (moved cold) needs none
 *       (its disk stays on the shared storage);</li>
 *   <li>anti-affinity: two desktops of the same anti-affinity group (e.g. the two desktops of a redundant pair) never
 *       end up on one host;</li>
 *   <li>the biggest running desktops are placed first, each on the host that is emptiest after taking it, so the
 *       load spreads and big desktops are not left without room by many small ones;</li>
 *   <li>a desktop with no possible target is {@link Stuck} with the reason and the numbers, never silently left.</li>
 * </ul>
 */
public final class DrainPlanner {

    /**
     * A desktop on the draining host.
     *
     * @param desktopId         the desktop
     * @param hardware          its vCPUs and memory
     * @param running           it runs (moves live and needs room) or is stopped (moves cold)
     * @param antiAffinityGroup desktops sharing a non-null group must be on different hosts
     */
    public record Candidate(String desktopId, HardwareProfile hardware, boolean running, String antiAffinityGroup) {
        public Candidate {
            Objects.requireNonNull(desktopId, "desktopId");
            Objects.requireNonNull(hardware, "hardware");
        }
    }

    /** One planned move. */
    public record Move(String desktopId, String fromHostId, String toHostId, boolean live) {
    }

    /** Why a desktop cannot leave the draining host. */
    public enum StuckReason {
        /** No other host is available at all (all down, quarantined or in maintenance). */
        NO_TARGET_HOST,
        /** The available hosts lack the CPU or memory for it. */
        NO_HOST_WITH_ROOM,
        /** Every host with room already holds a desktop of its anti-affinity group. */
        ANTI_AFFINITY
    }

    /** A desktop that stays, and why, in words an admin can act on. */
    public record Stuck(String desktopId, StuckReason reason, String detail) {
    }

    /** The moves and the desktops that cannot move. */
    public record DrainPlan(List<Move> moves, List<Stuck> stuck) {
    }

    private final PlannerSettings settings;

    public DrainPlanner(PlannerSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    /**
     * Plans the drain of {@code drainingHostId}.
     *
     * @param desktops       the desktops on the draining host
     * @param hosts          every host (the draining one included or not)
     * @param groupsOnHosts  the anti-affinity groups of the desktops already on each other host
     * @param now            for quarantine checks
     */
    public DrainPlan plan(String drainingHostId, List<Candidate> desktops, List<HostView> hosts,
                          Map<String, Set<String>> groupsOnHosts, Instant now) {
        Map<String, HostLedger> targets = new LinkedHashMap<>();
        Map<String, Set<String>> groups = new HashMap<>();
        for (HostView h : hosts) {
            HostLedger ledger = new HostLedger(h, settings, 0, now);
            if (!h.hostId().equals(drainingHostId) && ledger.placeable) {
                targets.put(h.hostId(), ledger);
                groups.put(h.hostId(), new HashSet<>(groupsOnHosts.getOrDefault(h.hostId(), Set.of())));
            }
        }
        List<Candidate> order = new ArrayList<>(desktops);
        order.sort(Comparator.comparing(Candidate::running).reversed()
                .thenComparing(c -> -c.hardware().memoryMiB())
                .thenComparing(c -> -c.hardware().vcpus())
                .thenComparing(Candidate::desktopId));
        List<Move> moves = new ArrayList<>();
        List<Stuck> stuck = new ArrayList<>();
        for (Candidate c : order) {
            if (targets.isEmpty()) {
                stuck.add(new Stuck(c.desktopId(), StuckReason.NO_TARGET_HOST,
                        "no other host is available (down, quarantined or in maintenance)"));
                continue;
            }
            HostLedger best = null;
            double bestScore = Double.NEGATIVE_INFINITY;
            boolean roomButAffinity = false;
            for (HostLedger h : targets.values()) {
                if (c.running() && !h.fitsRunning(c.hardware())) {
                    continue;
                }
                if (c.antiAffinityGroup() != null && groups.get(h.hostId).contains(c.antiAffinityGroup())) {
                    roomButAffinity = true;
                    continue;
                }
                double score = h.scoreAfter(c.hardware()); // for a stopped desktop too: cold ones spread as well
                if (score > bestScore) {
                    best = h;
                    bestScore = score;
                }
            }
            if (best == null) {
                stuck.add(roomButAffinity
                        ? new Stuck(c.desktopId(), StuckReason.ANTI_AFFINITY, "every host with room holds a desktop of"
                                + " anti-affinity group " + c.antiAffinityGroup())
                        : new Stuck(c.desktopId(), StuckReason.NO_HOST_WITH_ROOM, "no host has " + c.hardware().vcpus()
                                + " vCPUs and " + c.hardware().memoryMiB() + " MiB free for it"));
                continue;
            }
            if (c.running()) {
                best.reserveRunning(c.hardware());
            }
            if (c.antiAffinityGroup() != null) {
                groups.get(best.hostId).add(c.antiAffinityGroup());
            }
            moves.add(new Move(c.desktopId(), drainingHostId, best.hostId, c.running()));
        }
        return new DrainPlan(moves, stuck);
    }
}
