package io.deskport.bench.costday;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

import io.deskport.provisioning.demand.DayKind;
import io.deskport.provisioning.demand.DemandModel;
import io.deskport.provisioning.demand.SpareTargets;
import io.deskport.provisioning.planner.PlannerSettings;

/**
 * bench/cost-day: what keeping desktops warm costs against how often users wait, for a 1,000-user tenant over a
 * simulated week, with (a) a fixed spare count sized by hand, (b) a schedule like AVD's default scaling plan and
 * (c) Deskport's demand model, each on the broker's own planner and a simulated clock. The demand model learns from
 * the three simulated weeks before the measured one (the users' arrivals do not depend on the capacity policy, so
 * the training weeks are the logon curve's sessions, not a simulation of desktops). The measured week has a holiday
 * on its Wednesday that the training never saw, and ends with the change to summer time (Europe/Berlin).
 *
 * <p>Arguments (all optional): {@code users=1000 fixed=40 floor=2 cap=120 safety=3 interval=10 seed=7}.
 */
public final class CostDayBench {

    private CostDayBench() {
    }

    public static void main(String[] args) {
        Map<String, String> a = new TreeMap<>();
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            a.put(kv[0], kv.length > 1 ? kv[1] : "");
        }
        int users = Integer.parseInt(a.getOrDefault("users", "1000"));
        int fixed = Integer.parseInt(a.getOrDefault("fixed", "40"));
        int floor = Integer.parseInt(a.getOrDefault("floor", "2"));
        int cap = Integer.parseInt(a.getOrDefault("cap", "120"));
        double safety = Double.parseDouble(a.getOrDefault("safety", String.valueOf(SpareTargets.DEFAULT.safety())));
        Duration interval = Duration.ofSeconds(Long.parseLong(a.getOrDefault("interval", "10")));
        long seed = Long.parseLong(a.getOrDefault("seed", "7"));

        ZoneId zone = ZoneId.of("Europe/Berlin");
        LocalDate trainingStart = LocalDate.of(2026, 3, 2);
        LocalDate weekStart = trainingStart.plusWeeks(3);
        LocalDate weekEnd = weekStart.plusWeeks(1);
        LocalDate holiday = weekStart.with(DayOfWeek.WEDNESDAY);
        Set<LocalDate> holidays = Set.of(holiday);
        LogonCurve curve = new LogonCurve(users, zone, holidays, seed);
        List<LogonCurve.Session> history = curve.sessions(trainingStart, weekStart);
        List<LogonCurve.Session> week = curve.sessions(weekStart, weekEnd);
        // the measured week's own arrivals join the history as they happen: the model re-learns hourly and reads only
        // the 5-minute buckets that ended before the clock's instant
        NavigableMap<Instant, Integer> arrivals = new TreeMap<>();
        for (LogonCurve.Session s : history) {
            arrivals.merge(bucket(s.start()), 1, Integer::sum);
        }
        for (LogonCurve.Session s : week) {
            arrivals.merge(bucket(s.start()), 1, Integer::sum);
        }

        PoolSimulation.DriverTimings timings = new PoolSimulation.DriverTimings(Duration.ofSeconds(10),
                Duration.ofSeconds(75), Duration.ofSeconds(45), Duration.ofSeconds(50), Duration.ofSeconds(20),
                Duration.ofSeconds(5));
        PlannerSettings settings = new PlannerSettings(8, 60, 4.0, 1.0, 2.0);
        int poolSize = users + users / 20;
        Instant from = weekStart.atStartOfDay(zone).toInstant();
        Instant to = weekEnd.atStartOfDay(zone).toInstant();
        System.out.printf(Locale.ROOT, "cost-day: %d users, Europe/Berlin, training %s..%s (%d sessions), measured %s..%s "
                        + "(%d sessions, holiday %s, summer time from %s)%n", users, trainingStart, weekStart.minusDays(1),
                history.size(), weekStart, weekEnd.minusDays(1), week.size(), holiday, weekEnd.minusDays(1));
        System.out.printf(Locale.ROOT, "driver timings: clone %ds + boot %ds, resume %ds, refresh %ds, stop %ds (±15%%); "
                        + "reconcile every %ds; planner %d ops/host, %d ops/pool; pool of up to %d desktops%n",
                timings.cloneTime().toSeconds(), timings.boot().toSeconds(), timings.resume().toSeconds(),
                timings.refresh().toSeconds(), timings.stop().toSeconds(), interval.toSeconds(),
                settings.maxOperationsPerHost(), settings.maxOperationsPerPool(), poolSize);
        printCurve(week, zone, weekStart);

        Set<Instant> explainAt = Set.of(weekStart.atTime(LocalTime.of(3, 0)).atZone(zone).toInstant(),
                weekStart.atTime(LocalTime.of(7, 50)).atZone(zone).toInstant(),
                weekStart.atTime(LocalTime.of(8, 10)).atZone(zone).toInstant(),
                weekStart.atTime(LocalTime.of(12, 40)).atZone(zone).toInstant(),
                weekStart.atTime(LocalTime.of(18, 0)).atZone(zone).toInstant(),
                holiday.atTime(LocalTime.of(8, 10)).atZone(zone).toInstant());

        List<PoolSimulation.Result> results = new ArrayList<>();
        List<CapacityStrategy> strategies = List.of(new CapacityStrategy.Fixed(fixed),
                new CapacityStrategy.Schedule(zone, poolSize),
                new CapacityStrategy.Demand(zone, holidays, arrivals, 3, interval, floor, cap, new SpareTargets(safety)));
        for (CapacityStrategy strategy : strategies) {
            long started = System.nanoTime();
            SimulatedClock clock = new SimulatedClock(from);
            PoolSimulation sim = new PoolSimulation(strategy, timings, interval, settings, poolSize, poolSize, clock, seed);
            sim.zone = zone;
            PoolSimulation.Result r = sim.run(week, from, to, strategy instanceof CapacityStrategy.Demand
                    ? explainAt : Set.of());
            results.add(r);
            System.out.printf(Locale.ROOT, "%-40s vm_hours=%.0f session_hours=%.0f ratio=%.3f cold_start_pct=%.2f "
                            + "(%d of %d connects) longest_wait_s=%.0f peak_running=%d stopped_vm_hours=%.0f "
                            + "(%.1f s of wall time)%n", r.strategy(), r.vmHours(), r.sessionHours(), r.ratio(), r.coldPct(),
                    r.coldStarts(), r.connects(), r.maxWaitSeconds(), r.peakRunning(), r.stoppedVmHours(),
                    (System.nanoTime() - started) / 1e9);
            System.out.println("  actions: " + r.actions());
            if (!r.coldStartsWhen().isEmpty()) {
                System.out.println("  cold starts by local day and hour: " + r.coldStartsWhen());
            }
            r.explanations().forEach(e -> System.out.println("  note " + e));
            if (strategy instanceof CapacityStrategy.Demand d && d.model() != null) {
                DemandModel m = d.model();
                System.out.printf(Locale.ROOT, "  model at the end: days seen %s; Monday 08:00-08:05 %.1f logons, holiday "
                                + "08:00-08:05 %.1f%n", daysSeen(m), m.expected(DayKind.MONDAY, 96),
                        m.expected(DayKind.HOLIDAY, 96));
            }
        }
        PoolSimulation.Result fx = results.get(0);
        PoolSimulation.Result sc = results.get(1);
        PoolSimulation.Result dm = results.get(2);
        System.out.printf(Locale.ROOT, "baselines: fixed cold_start_pct=%.2f, schedule cold_start_pct=%.2f%n",
                fx.coldPct(), sc.coldPct());
        System.out.printf(Locale.ROOT, "cost-day: vm_hours_ratio=%.3f cold_start_pct=%.2f baseline_fixed_ratio=%.3f "
                + "baseline_schedule_ratio=%.3f%n", dm.ratio(), dm.coldPct(), fx.ratio(), sc.ratio());
    }

    private static String daysSeen(DemandModel m) {
        StringBuilder b = new StringBuilder();
        for (DayKind k : DayKind.values()) {
            b.append(k.name(), 0, 3).append('=').append(m.daysSeen(k)).append(' ');
        }
        return b.toString().strip();
    }

    /** The measured Monday's arrivals per half hour (the curve the week is made of). */
    private static void printCurve(List<LogonCurve.Session> week, ZoneId zone, LocalDate monday) {
        int[] perHalfHour = new int[48];
        for (LogonCurve.Session s : week) {
            var local = s.start().atZone(zone);
            if (local.toLocalDate().equals(monday)) {
                perHalfHour[local.getHour() * 2 + local.getMinute() / 30]++;
            }
        }
        StringBuilder b = new StringBuilder("Monday's logons per half hour from 06:00:");
        for (int i = 12; i < 42; i++) {
            b.append(' ').append(perHalfHour[i]);
        }
        System.out.println(b);
    }

    private static Instant bucket(Instant t) {
        return Instant.ofEpochSecond(t.getEpochSecond() - Math.floorMod(t.getEpochSecond(), 300));
    }
}
