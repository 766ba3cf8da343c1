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
import io.deskport.broker.hosts.SessionHostPower;
import io.deskport.broker.hosts.SessionHostState;
import io.deskport.broker.hosts.SessionHosts;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.ProblemException;
import io.deskport.provisioning.demand.SpareTargets;

/**
 * Off-peak consolidation of SHARED pools in DEMAND mode, on the elected reconciler every {@link #EVERY}: the pool keeps
 * open (taking new sessions) only as many session hosts as its live sessions and the logons forecast for the next
 * hour need — the busiest first, so that new sessions fill them and the others empty — never fewer than its floor;
 * the others are drained (no new sessions; their users stay and reconnect as before). When the forecast rises again
 * (one hour ahead of the morning), the hosts it drained are resumed, busiest first. A host an admin drained is left
 * alone: consolidation resumes only the hosts it drained itself ({@code capacity_drained_host}).
 *
 * <p>A drained host that has stayed empty for {@link ProvisioningProperties#sessionHostPowerOffAfter()} is powered off
 * when its admin allows it (the hosts module's {@link SessionHostPower}: its agent runs its power-off command); when
 * the forecast needs it again it is woken (Wake-on-LAN) an hour ahead, counted as open from then on (its seats are
 * coming), and resumed once its agent reports. Awake hosts are opened before powered-off ones. A host whose admin did
 * not allow it is only reported ("can be powered off").
 */
@Component
class SharedPoolConsolidation {

    /** How often the pools are looked at. */
    static final Duration EVERY = Duration.ofSeconds(30);
    /** How far ahead the forecast looks (also the lead a powered-off host is woken with). */
    static final Duration LOOK_AHEAD = Duration.ofHours(1);

    private static final Logger log = LoggerFactory.getLogger(SharedPoolConsolidation.class);

    private final PoolCapacity capacity;
    private final DemandForecasts forecasts;
    private final SessionHosts hosts;
    private final SessionHostPower power;
    private final DesktopPools pools;
    private final Duration powerOffAfter;
    private final Map<UUID, Report> reports = new ConcurrentHashMap<>();
    private volatile Instant lastRun;

    SharedPoolConsolidation(PoolCapacity capacity, DemandForecasts forecasts, SessionHosts hosts, SessionHostPower power,
                            DesktopPools pools, ProvisioningProperties properties) {
        this.capacity = capacity;
        this.forecasts = forecasts;
        this.hosts = hosts;
        this.power = power;
        this.pools = pools;
        this.powerOffAfter = properties.sessionHostPowerOffAfter();
    }

    /** Where a host of the pool stands with its power. */
    enum PowerStatus {
        /** Running (drained or not). */
        ON,
        /** Empty, and its admin lets the broker power it off: it will be, once empty for long enough. */
        EMPTY_TO_POWER_OFF,
        /** Empty, but the broker may not power it off (not allowed, or no power-off command): reported only. */
        EMPTY_CAN_BE_POWERED_OFF,
        /** Its agent was told to power off. */
        POWERING_OFF,
        /** Powered off. */
        POWERED_OFF,
        /** Powered off and being woken. */
        WAKING
    }

    /**
     * A drained host.
     *
     * @param empty no session left on it
     * @param power where it stands with its power
     * @param emptySince since when it has been empty (null: it has sessions, or is powered off)
     */
    record DrainedHost(UUID hostId, String name, int activeSessions, boolean empty, PowerStatus power,
                       Instant emptySince) {
    }

    /**
     * What the last pass decided for a pool, and why.
     *
     * @param hostsOpen hosts taking new sessions, and those being woken to (their seats are coming)
     * @param waking the hosts being woken (counted in {@code hostsOpen})
     * @param poweredOff the drained hosts powered off
     */
    record Report(Instant at, int hosts, int hostsOpen, int liveSessions, double forecastNextHour,
                  List<DrainedHost> drained, List<String> waking, int poweredOff, String explain) {
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

    /**
     * Drains the hosts a pool does not need before the next hour is out, resumes (or wakes) those it needs again,
     * powers off those drained and empty for long enough.
     */
    Report consolidate(PoolCapacity.Settings s, Instant now) {
        AdminContext system = new AdminContext(CurrentUser.SYSTEM, s.tenantId());
        Map<UUID, Optional<Instant>> ours = capacity.drainedByConsolidation(s.poolId());
        // hosts an admin drained, or that are not placeable, are neither opened nor counted; powered-off hosts only
        // when consolidation drained them
        List<SessionHost> candidates = new ArrayList<>(hosts.list(s.tenantId(), s.poolId()).stream()
                .filter(h -> (h.state() == SessionHostState.AVAILABLE && (!h.draining() || ours.containsKey(h.id())))
                        || (h.state() == SessionHostState.POWERED_OFF && ours.containsKey(h.id())))
                .toList());
        // awake hosts first (busiest first), then the powered-off ones (those being woken, then those whose last wake
        // did not fail)
        candidates.sort(Comparator.comparing((SessionHost h) -> h.state() == SessionHostState.POWERED_OFF)
                .thenComparing(Comparator.comparingInt(SessionHost::activeSessions).reversed())
                .thenComparing(h -> !"WAKE".equals(h.power().action()))
                .thenComparing(h -> h.power().detail() != null)
                .thenComparing(SessionHost::name));
        double expected = forecasts.learnedFor(s, now).model().forecast(now, LOOK_AHEAD);
        double safety = SpareTargets.DEFAULT.safety();
        int margin = expected <= 0 ? 0 : (int) Math.ceil(expected + safety * Math.sqrt(expected) - 1e-9);
        int live = candidates.stream().mapToInt(SessionHost::activeSessions).sum();
        int open = 0;
        int freeSeats = 0;
        int poweredOff = 0;
        List<DrainedHost> drained = new ArrayList<>();
        List<String> waking = new ArrayList<>();
        String why = String.format(Locale.ROOT, "%.1f logons forecast in the next hour", expected);
        for (SessionHost h : candidates) {
            boolean keep = open < s.floor() || freeSeats < margin;
            if (keep && h.state() == SessionHostState.POWERED_OFF) {
                if (h.power().mac() == null || !h.power().managed()) {
                    // cannot be woken (no card known), or its admin took the broker's leave back: it stays counted
                    // out, the next host is looked at
                    drained.add(new DrainedHost(h.id(), h.name(), 0, true, PowerStatus.POWERED_OFF, null));
                    poweredOff++;
                    continue;
                }
                open++;
                freeSeats += h.maxSessions();
                waking.add(h.name());
                if (!"WAKE".equals(h.power().action())) {
                    try {
                        power.wake(system, h.id(), "consolidation: " + why);
                        log.info("Consolidation wakes session host {} of pool {}: {}", h.name(), s.poolId(), why);
                    } catch (ProblemException e) {
                        log.warn("Consolidation could not wake session host {}: {}", h.name(), e.getMessage());
                    }
                }
            } else if (keep) {
                open++;
                freeSeats += Math.max(0, h.maxSessions() - h.activeSessions());
                if (h.draining()) {
                    hosts.setDraining(system, h.id(), false);
                    capacity.markDrained(s.tenantId(), s.poolId(), h.id(), false);
                    log.info("Consolidation resumed session host {} of pool {}: {}", h.name(), s.poolId(), why);
                }
            } else if (h.state() == SessionHostState.POWERED_OFF) {
                poweredOff++;
                drained.add(new DrainedHost(h.id(), h.name(), 0, true,
                        "WAKE".equals(h.power().action()) ? PowerStatus.WAKING : PowerStatus.POWERED_OFF, null));
            } else {
                if (!h.draining()) {
                    capacity.markDrained(s.tenantId(), s.poolId(), h.id(), true);
                    hosts.setDraining(system, h.id(), true);
                    log.info("Consolidation drained session host {} of pool {} ({} sessions): {}", h.name(),
                            s.poolId(), h.activeSessions(), why);
                }
                drained.add(powerOffWhenEmptyLongEnough(system, h, ours.getOrDefault(h.id(), Optional.empty()), now,
                        why));
            }
        }
        StringBuilder explain = new StringBuilder(String.format(Locale.ROOT,
                "forecast %.1f logons in the next hour, %d live sessions: %d of %d hosts open (floor %d)", expected, live,
                open, candidates.size(), s.floor()));
        if (!waking.isEmpty()) {
            explain.append("; waking: ").append(String.join(", ", waking));
        }
        if (!drained.isEmpty()) {
            explain.append("; drained: ");
            for (int i = 0; i < drained.size(); i++) {
                DrainedHost d = drained.get(i);
                explain.append(i > 0 ? ", " : "").append(d.name()).append(" (").append(words(d)).append(')');
            }
        }
        return new Report(now, candidates.size(), open, live, expected, List.copyOf(drained), List.copyOf(waking),
                poweredOff, explain.toString());
    }

    /** A drained, awake host: remembers since when it is empty, and powers it off once that is long enough. */
    private DrainedHost powerOffWhenEmptyLongEnough(AdminContext system, SessionHost h, Optional<Instant> emptySince,
                                                    Instant now, String why) {
        if (h.activeSessions() > 0) {
            if (emptySince.isPresent()) {
                capacity.markEmptySince(h.id(), null);
            }
            return new DrainedHost(h.id(), h.name(), h.activeSessions(), false, PowerStatus.ON, null);
        }
        Instant since = emptySince.orElse(now);
        if (emptySince.isEmpty()) {
            capacity.markEmptySince(h.id(), now);
        }
        if ("POWER_OFF".equals(h.power().action())) {
            return new DrainedHost(h.id(), h.name(), 0, true, PowerStatus.POWERING_OFF, since);
        }
        boolean allowed = h.power().managed() && h.power().canPowerOff() && h.agent() != null;
        if (!allowed) {
            return new DrainedHost(h.id(), h.name(), 0, true, PowerStatus.EMPTY_CAN_BE_POWERED_OFF, since);
        }
        if (!now.isBefore(since.plus(powerOffAfter))) {
            try {
                power.powerOff(system, h.id(), "consolidation: drained and empty for "
                        + Duration.between(since, now).toMinutes() + " min, " + why);
                return new DrainedHost(h.id(), h.name(), 0, true, PowerStatus.POWERING_OFF, since);
            } catch (ProblemException e) {
                log.warn("Consolidation could not power off session host {}: {}", h.name(), e.getMessage());
            }
        }
        return new DrainedHost(h.id(), h.name(), 0, true, PowerStatus.EMPTY_TO_POWER_OFF, since);
    }

    private String words(DrainedHost d) {
        return switch (d.power()) {
            case ON -> d.activeSessions() + " sessions";
            case EMPTY_CAN_BE_POWERED_OFF -> "empty: can be powered off";
            case EMPTY_TO_POWER_OFF -> "empty: powered off once empty for " + powerOffAfter.toMinutes() + " min";
            case POWERING_OFF -> "empty: powering off";
            case POWERED_OFF -> "powered off";
            case WAKING -> "waking";
        };
    }
}
