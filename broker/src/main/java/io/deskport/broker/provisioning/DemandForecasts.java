package io.deskport.broker.provisioning;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.deskport.broker.brokering.SessionArrivals;
import io.deskport.broker.tenancy.Tenants;
import io.deskport.provisioning.demand.DemandModel;
import io.deskport.provisioning.demand.ReadyTime;
import io.deskport.provisioning.demand.DayKind;
import io.deskport.provisioning.demand.SpareTargets;
import io.deskport.provisioning.planner.SpareForecast;

/**
 * The spare targets of the pools in DEMAND mode, for each reconcile cycle. A pool's logon curve
 * ({@link DemandModel}) is learned from its sessions of the last {@code historyWeeks} weeks (brokering's
 * {@link SessionArrivals}) in the tenant's time zone with the tenant's holidays, and kept for {@link #RELEARN}
 * (history changes slowly; the cycle runs every couple of seconds); the ready time is the p90 of the pool's last
 * {@link #READY_SAMPLES} operations that ended with a ready desktop, read with it. Every instant is the broker's
 * {@link Clock}, so a test or benchmark on a fixed or simulated clock sees the same decisions production would.
 */
@Component
class DemandForecasts {

    /** How long a learned curve is used before it is learned again. */
    static final Duration RELEARN = Duration.ofMinutes(15);
    /** The operations the ready time is measured over. */
    static final int READY_SAMPLES = 50;

    private static final Logger log = LoggerFactory.getLogger(DemandForecasts.class);

    private final PoolCapacity capacity;
    private final SessionArrivals arrivals;
    private final Tenants tenants;
    private final ProvisioningProperties props;
    private final Clock clock;
    private final SpareTargets targets = SpareTargets.DEFAULT;
    private final Map<UUID, Learned> learned = new ConcurrentHashMap<>();

    DemandForecasts(PoolCapacity capacity, SessionArrivals arrivals, Tenants tenants, ProvisioningProperties props,
                    Clock clock) {
        this.capacity = capacity;
        this.arrivals = arrivals;
        this.tenants = tenants;
        this.props = props;
        this.clock = clock;
    }

    /** A pool's learned curve and measured ready time, and when they were read. */
    record Learned(DemandModel model, Duration readyTime, Instant at, PoolCapacity.Settings settings) {
    }

    /**
     * This cycle's forecasts of every DEMAND pool that is among {@code provisioned}.
     *
     * @param now the cycle's instant (the broker's clock)
     */
    Map<UUID, SpareForecast> forecasts(Set<UUID> provisioned, Instant now) {
        Map<UUID, SpareForecast> out = new HashMap<>();
        Set<UUID> seen = new HashSet<>();
        for (PoolCapacity.Settings s : capacity.demandPools()) {
            if (!provisioned.contains(s.poolId())) {
                continue;
            }
            seen.add(s.poolId());
            try {
                Learned l = learnedFor(s, now);
                out.put(s.poolId(), targets.forecast(l.model(), now, l.readyTime(), props.interval(), s.floor(), s.cap()));
            } catch (RuntimeException e) {
                // a pool whose history cannot be read keeps its floor rather than holding up the cycle of every pool
                log.warn("Demand forecast of pool {} failed; it keeps its floor of {} spares this cycle: {}", s.poolId(),
                        s.floor(), e.toString());
                out.put(s.poolId(), new SpareForecast(0, props.interval(), ReadyTime.UNMEASURED, "UNKNOWN", s.floor(),
                        s.floor(), s.cap()));
            }
        }
        learned.keySet().retainAll(seen);
        return out;
    }

    /** The pool's learned state, learned now if it is older than {@link #RELEARN} or its settings changed. */
    Learned learnedFor(PoolCapacity.Settings s, Instant now) {
        Learned l = learned.get(s.poolId());
        if (l != null && l.settings().equals(s) && !now.isBefore(l.at()) && now.isBefore(l.at().plus(RELEARN))) {
            return l;
        }
        l = learn(s, now);
        learned.put(s.poolId(), l);
        return l;
    }

    /** Learns a pool's curve from its history up to {@code now}, and measures its ready time. */
    Learned learn(PoolCapacity.Settings s, Instant now) {
        ZoneId zone = tenants.timeZone(s.tenantId());
        Instant from = now.minus(Duration.ofDays(7L * s.historyWeeks()));
        LocalDate firstDay = from.atZone(zone).toLocalDate();
        LocalDate lastDay = now.atZone(zone).toLocalDate().plusDays(8);
        List<PoolCapacity.Holiday> calendar = capacity.holidays(s.tenantId(), firstDay, lastDay);
        List<LocalDate> holidays = calendar.stream().filter(h -> h.kind().equals("HOLIDAY"))
                .map(PoolCapacity.Holiday::day).toList();
        Map<LocalDate, DayKind> workingDays = new java.util.HashMap<>();
        calendar.stream().filter(h -> h.kind().equals("WORKING_DAY"))
                .forEach(h -> workingDays.put(h.day(), DayKind.valueOf(h.worksLike())));
        // the bucket that is still filling is left out: a slot is learned once it is over
        Instant until = Instant.ofEpochSecond(now.getEpochSecond() - Math.floorMod(now.getEpochSecond(), 300));
        Map<Instant, Integer> history = arrivals.per5Minutes(s.tenantId(), s.poolId(), from, until);
        DemandModel model = DemandModel.learn(zone, holidays, workingDays, history, from, until);
        Duration ready = ReadyTime.p90(capacity.recentReadyTimes(s.poolId(), READY_SAMPLES));
        return new Learned(model, ready, now, s);
    }

    /** Forgets what was learned (the next cycle learns again): after the calendar or the settings changed. */
    void forget(UUID poolId) {
        if (poolId == null) {
            learned.clear();
        } else {
            learned.remove(poolId);
        }
    }

    /** The broker's clock, for the admin view. */
    Instant now() {
        return clock.instant();
    }
}
