package io.deskport.broker.provisioning;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.deskport.broker.hosts.SessionHost;
import io.deskport.broker.hosts.SessionHostState;
import io.deskport.broker.hosts.SessionHosts;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.provisioning.demand.SpareTargets;

/**
 * Off-peak consolidation of SHARED pools in DEMAND mode, on the elected reconciler every {@link #EVERY}: the pool keeps
 * open (taking new sessions) only as many session hosts as its live sessions and the logons forecast for the next
 * hour need — the busiest first, so that new sessions fill them and the others empty — never fewer than its floor;
 * the others are drained (no new sessions; their users stay and reconnect as before). When the forecast rises again
 * (one hour ahead of the morning), the hosts it drained are resumed, busiest first. A host an admin drained is left
 * alone: consolidation resumes only the hosts it drained itself ({@code capacity_drained_host}).
 *
 * <p>Session hosts are machines the broker registers or enrols, not VMs it powers: it cannot stop an empty drained
 * host. It reports them instead ({@link Report#drained}, {@code empty}), for the operator or an external scheduler.
 */
@Component
class SharedPoolConsolidation {

    /** How often the pools are looked at. */
    static final Duration EVERY = Duration.ofSeconds(30);
    /** How far ahead the forecast looks. */
    static final Duration LOOK_AHEAD = Duration.ofHours(1);

    private static final Logger log = LoggerFactory.getLogger(SharedPoolConsolidation.class);

    private final PoolCapacity capacity;
    private final DemandForecasts forecasts;
    private final SessionHosts hosts;
    private final DesktopPools pools;
    private final Map<UUID, Report> reports = new ConcurrentHashMap<>();
    private volatile Instant lastRun;

    SharedPoolConsolidation(PoolCapacity capacity, DemandForecasts forecasts, SessionHosts hosts, DesktopPools pools) {
        this.capacity = capacity;
        this.forecasts = forecasts;
        this.hosts = hosts;
        this.pools = pools;
    }

    /**
     * A drained host.
     *
     * @param empty no session left on it: it could be powered off (the broker does not power session hosts)
     */
    record DrainedHost(UUID hostId, String name, int activeSessions, boolean empty) {
    }

    /** What the last pass decided for a pool, and why. */
    record Report(Instant at, int hosts, int hostsOpen, int liveSessions, double forecastNextHour,
                  List<DrainedHost> drained, String explain) {
    }

    /** The last pass's report of a pool, if it is a SHARED pool in DEMAND mode. */
    Optional<Report> report(UUID poolId) {
        return Optional.ofNullable(reports.get(poolId));
    }

    /** Runs a pass when {@link #EVERY} has passed since the last one (or the clock went back). */
    void runIfDue(Instant now) {
        Instant last = lastRun;
        if (last != null && !now.isBefore(last) && now.isBefore(last.plus(EVERY))) {
            return;
        }
        lastRun = now;
        run(now);
    }

    /** One pass over every SHARED pool in DEMAND mode. */
    void run(Instant now) {
        Set<UUID> seen = new HashSet<>();
        for (PoolCapacity.Settings s : capacity.demandPools()) {
            try {
                if (pools.get(s.tenantId(), s.poolId()).kind() != PoolKind.SHARED) {
                    continue;
                }
                seen.add(s.poolId());
                reports.put(s.poolId(), consolidate(s, now));
            } catch (RuntimeException e) {
                log.warn("Consolidation of shared pool {} failed; it runs again in {}: {}", s.poolId(), EVERY, e.toString());
            }
        }
        reports.keySet().retainAll(seen);
    }

    /** Drains the hosts a pool does not need before the next hour is out, resumes those it needs again. */
    Report consolidate(PoolCapacity.Settings s, Instant now) {
        AdminContext system = new AdminContext(CurrentUser.SYSTEM, s.tenantId());
        Set<UUID> ours = capacity.drainedByConsolidation(s.poolId());
        // hosts an admin drained, or that are not placeable, are neither opened nor counted
        List<SessionHost> candidates = new ArrayList<>(hosts.list(s.tenantId(), s.poolId()).stream()
                .filter(h -> h.state() == SessionHostState.AVAILABLE && (!h.draining() || ours.contains(h.id())))
                .toList());
        candidates.sort(Comparator.comparingInt(SessionHost::activeSessions).reversed().thenComparing(SessionHost::name));
        double expected = forecasts.learnedFor(s, now).model().forecast(now, LOOK_AHEAD);
        double safety = SpareTargets.DEFAULT.safety();
        int margin = expected <= 0 ? 0 : (int) Math.ceil(expected + safety * Math.sqrt(expected) - 1e-9);
        int live = candidates.stream().mapToInt(SessionHost::activeSessions).sum();
        int open = 0;
        int freeSeats = 0;
        List<DrainedHost> drained = new ArrayList<>();
        for (SessionHost h : candidates) {
            boolean keep = open < s.floor() || freeSeats < margin;
            if (keep) {
                open++;
                freeSeats += Math.max(0, h.maxSessions() - h.activeSessions());
                if (h.draining()) {
                    hosts.setDraining(system, h.id(), false);
                    capacity.markDrained(s.tenantId(), s.poolId(), h.id(), false);
                    log.info("Consolidation resumed session host {} of pool {}: {} logons forecast in the next hour",
                            h.name(), s.poolId(), String.format(Locale.ROOT, "%.1f", expected));
                }
            } else {
                if (!h.draining()) {
                    capacity.markDrained(s.tenantId(), s.poolId(), h.id(), true);
                    hosts.setDraining(system, h.id(), true);
                    log.info("Consolidation drained session host {} of pool {} ({} sessions): {} logons forecast in the "
                            + "next hour", h.name(), s.poolId(), h.activeSessions(), String.format(Locale.ROOT, "%.1f",
                            expected));
                }
                drained.add(new DrainedHost(h.id(), h.name(), h.activeSessions(), h.activeSessions() == 0));
            }
        }
        StringBuilder explain = new StringBuilder(String.format(Locale.ROOT,
                "forecast %.1f logons in the next hour, %d live sessions: %d of %d hosts open (floor %d)", expected, live,
                open, candidates.size(), s.floor()));
        if (!drained.isEmpty()) {
            explain.append("; drained: ");
            for (int i = 0; i < drained.size(); i++) {
                DrainedHost d = drained.get(i);
                explain.append(i > 0 ? ", " : "").append(d.name()).append(d.empty() ? " (empty: can be powered off)"
                        : " (" + d.activeSessions() + " sessions)");
            }
        }
        return new Report(now, candidates.size(), open, live, expected, List.copyOf(drained), explain.toString());
    }
}
