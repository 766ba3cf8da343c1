package io.deskport.bench.costday;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

import io.deskport.provisioning.demand.DemandModel;
import io.deskport.provisioning.demand.ReadyTime;
import io.deskport.provisioning.demand.SpareTargets;
import io.deskport.provisioning.planner.SpareForecast;

/** How a pool's spare capacity is decided each reconcile cycle: the three contenders of bench/cost-day. */
interface CapacityStrategy {

    /** The label in the output. */
    String name();

    /** The pool's minimum size (a schedule keeps a fixed set of VMs). */
    default int minSize() {
        return 0;
    }

    /** The fixed spare target (used when {@link #forecast} gives null). */
    default int fixedSpares() {
        return 0;
    }

    /**
     * This cycle's demand-driven target, or null for the fixed one.
     *
     * @param now     the simulated clock's instant
     * @param inUse   desktops with a session now
     * @param total   the pool's desktops
     */
    SpareForecast forecast(Instant now, int inUse, int total);

    /** An operation that ended with a ready desktop took this long (the journal's measurement). */
    default void readyAfter(Duration d) {
    }

    /** (a) A spare count sized by hand, as OpenUDS or Horizon ask of the admin. */
    record Fixed(int spares) implements CapacityStrategy {
        @Override
        public String name() {
            return "fixed(" + spares + ")";
        }

        @Override
        public int fixedSpares() {
            return spares;
        }

        @Override
        public SpareForecast forecast(Instant now, int inUse, int total) {
            return null;
        }
    }

    /**
     * (b) A schedule like Azure Virtual Desktop's default scaling plan for a pooled host pool of single-session VMs,
     * weekdays: ramp-up from 07:00 (at least 20% of the VMs running, capacity threshold 60%), peak from 09:00
     * (threshold 60%), ramp-down from 18:00 (at least 10%, threshold 90%), off-peak from 20:00 (threshold 90%);
     * weekends off-peak all day. It keeps running VMs = max(minimum, ⌈sessions ÷ threshold⌉), within the pool; a
     * scaling plan has no holiday calendar, so a holiday runs as a weekday.
     */
    record Schedule(ZoneId zone, int poolSize) implements CapacityStrategy {
        @Override
        public String name() {
            return "schedule(avd-default)";
        }

        @Override
        public int minSize() {
            return poolSize;
        }

        @Override
        public SpareForecast forecast(Instant now, int inUse, int total) {
            var local = now.atZone(zone);
            boolean weekday = local.getDayOfWeek().getValue() <= 5;
            LocalTime t = local.toLocalTime();
            String phase;
            double minShare;
            double threshold;
            if (weekday && t.isBefore(LocalTime.of(7, 0)) || !weekday) {
                phase = "off-peak";
                minShare = 0;
                threshold = 0.9;
            } else if (t.isBefore(LocalTime.of(9, 0))) {
                phase = "ramp-up";
                minShare = 0.2;
                threshold = 0.6;
            } else if (t.isBefore(LocalTime.of(18, 0))) {
                phase = "peak";
                minShare = 0;
                threshold = 0.6;
            } else if (t.isBefore(LocalTime.of(20, 0))) {
                phase = "ramp-down";
                minShare = 0.1;
                threshold = 0.9;
            } else {
                phase = "off-peak";
                minShare = 0;
                threshold = 0.9;
            }
            int running = Math.max((int) Math.ceil(minShare * total), (int) Math.ceil(inUse / threshold));
            int spares = Math.max(0, Math.min(total, running) - inUse);
            return new SpareForecast(0, Duration.ZERO, Duration.ZERO, phase, spares, 0, Math.max(spares, total));
        }
    }

    /**
     * (c) Deskport's demand model: the broker's own {@link DemandModel} and {@link SpareTargets}, learned from the
     * arrivals of the {@code historyWeeks} weeks before now (re-learned every simulated hour, as the broker's cache),
     * with the ready time measured as the broker measures it ({@link ReadyTime#p90} of the last 200 operations).
     */
    final class Demand implements CapacityStrategy {
        private final ZoneId zone;
        private final Set<LocalDate> holidays;
        private final NavigableMap<Instant, Integer> arrivals;
        private final int historyWeeks;
        private final Duration interval;
        private final int floor;
        private final int cap;
        private final SpareTargets targets;
        private final List<Duration> readyTimes = new ArrayList<>();
        private DemandModel model;
        private Instant learnedAt = Instant.MIN;

        Demand(ZoneId zone, Set<LocalDate> holidays, NavigableMap<Instant, Integer> arrivals, int historyWeeks,
               Duration interval, int floor, int cap, SpareTargets targets) {
            this.zone = zone;
            this.holidays = holidays;
            this.arrivals = arrivals;
            this.historyWeeks = historyWeeks;
            this.interval = interval;
            this.floor = floor;
            this.cap = cap;
            this.targets = targets;
        }

        @Override
        public String name() {
            return "demand(floor " + floor + ", cap " + cap + ", safety " + targets.safety() + ")";
        }

        @Override
        public SpareForecast forecast(Instant now, int inUse, int total) {
            if (model == null || !now.isBefore(learnedAt.plus(Duration.ofHours(1)))) {
                Instant from = now.minus(Duration.ofDays(7L * historyWeeks));
                // only the 5-minute buckets that have ended: the model never reads ahead of the clock
                Instant until = Instant.ofEpochSecond(now.getEpochSecond() - Math.floorMod(now.getEpochSecond(), 300));
                Map<Instant, Integer> window = new TreeMap<>(arrivals.subMap(from, true, until, false));
                model = DemandModel.learn(zone, holidays, window, from, until);
                learnedAt = now;
            }
            return targets.forecast(model, now, ReadyTime.p90(readyTimes), interval, floor, cap);
        }

        @Override
        public void readyAfter(Duration d) {
            readyTimes.add(d);
            if (readyTimes.size() > 200) {
                readyTimes.removeFirst();
            }
        }

        DemandModel model() {
            return model;
        }
    }
}
