package io.deskport.bench.costday;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.Set;

import io.deskport.provisioning.driver.HardwareProfile;
import io.deskport.provisioning.planner.ActionType;
import io.deskport.provisioning.planner.DesktopState;
import io.deskport.provisioning.planner.DesktopView;
import io.deskport.provisioning.planner.HostView;
import io.deskport.provisioning.planner.Plan;
import io.deskport.provisioning.planner.PlanNote;
import io.deskport.provisioning.planner.PlannedAction;
import io.deskport.provisioning.planner.PlannerSettings;
import io.deskport.provisioning.planner.PlanningInput;
import io.deskport.provisioning.planner.PoolDemand;
import io.deskport.provisioning.planner.PoolKind;
import io.deskport.provisioning.planner.PoolSnapshot;
import io.deskport.provisioning.planner.PoolSpec;
import io.deskport.provisioning.planner.ReconcilePlanner;
import io.deskport.provisioning.planner.SpareForecast;

/**
 * One POOLED pool over a simulated period, second by second on a {@link SimulatedClock}: users connect and log off as
 * the {@link LogonCurve} says, the broker's own {@link ReconcilePlanner} plans every reconcile interval with the spare
 * target a {@link CapacityStrategy} gives, and the plan's operations take the simulated driver's times. A connect
 * takes a READY free desktop (warm); otherwise it waits (cold): for a STOPPED free desktop it claims and starts, as the
 * broker's connect does, or, with none, for the next desktop to become ready (the broker's refused connects are the
 * planner's pending demand). VM time counts while a desktop runs: from the start of a clone, start or refresh until
 * its power-off completes; stopped and deleted desktops cost no VM time here (their disks are reported apart).
 */
final class PoolSimulation {

    /** The simulated driver's operation times (each ±15% at random). */
    record DriverTimings(Duration cloneTime, Duration boot, Duration resume, Duration refresh, Duration stop,
                         Duration delete) {
        Duration of(ActionType type) {
            return switch (type) {
                case CREATE -> cloneTime.plus(boot);
                case START -> resume;
                case REFRESH, REPLACE -> refresh;
                case STOP -> stop;
                case DELETE -> delete;
                // a person's or the schedule's tasks, never the planner's
                case SNAPSHOT, RESTORE_SNAPSHOT, DELETE_SNAPSHOT, MIGRATE -> throw new IllegalArgumentException(
                        "the planner does not plan " + type);
            };
        }
    }

    /** What a period cost and how users fared. */
    record Result(String strategy, double vmHours, double stoppedVmHours, double sessionHours, int connects,
                  int coldStarts, double maxWaitSeconds, int peakRunning, Map<String, Integer> actions,
                  List<String> explanations, Map<String, Integer> coldStartsWhen) {
        double ratio() {
            return vmHours / sessionHours;
        }

        double coldPct() {
            return connects == 0 ? 0 : 100.0 * coldStarts / connects;
        }
    }

    private enum S { STOPPED, PROVISIONING, STARTING, READY, IN_USE, DIRTY, REFRESHING, STOPPING, DELETING }

    private static final class Desk {
        final String id;
        final String host;
        S state;
        int session = -1;
        long opEnd;
        long opStart;
        boolean forUser;

        Desk(String id, String host, S state) {
            this.id = id;
            this.host = host;
            this.state = state;
        }

        boolean running() {
            return state != S.STOPPED && state != S.DELETING;
        }
    }

    private static final HardwareProfile HW = new HardwareProfile(2, 4096, 40960, "vga");
    private static final int HOSTS = 20;

    private final CapacityStrategy strategy;
    private final DriverTimings timings;
    private final Duration interval;
    private final PlannerSettings settings;
    private final int maxSize;
    private final SimulatedClock clock;
    private final Random jitter;
    private final Map<String, Desk> desks = new LinkedHashMap<>();
    private final Set<Desk> ready = new LinkedHashSet<>();
    private final Set<Desk> stopped = new LinkedHashSet<>();
    private final PriorityQueue<Desk> ops = new PriorityQueue<>((a, b) -> Long.compare(a.opEnd, b.opEnd));
    private final Deque<Integer> waiting = new ArrayDeque<>();
    private final Map<Integer, Long> waitingSince = new HashMap<>();
    private final ReconcilePlanner planner;
    private final Map<String, Integer> actionCounts = new java.util.TreeMap<>();
    private final List<String> explanations = new ArrayList<>();
    private final Map<String, Integer> coldWhen = new java.util.TreeMap<>();
    /** Where cold starts are counted by local day and hour. */
    java.time.ZoneId zone = java.time.ZoneOffset.UTC;
    private int nextDesk;
    private int running;
    private int inUse;

    PoolSimulation(CapacityStrategy strategy, DriverTimings timings, Duration interval, PlannerSettings settings,
                   int initialStopped, int maxSize, SimulatedClock clock, long seed) {
        this.strategy = strategy;
        this.timings = timings;
        this.interval = interval;
        this.settings = settings;
        this.maxSize = maxSize;
        this.clock = clock;
        this.jitter = new Random(seed);
        this.planner = new ReconcilePlanner(settings);
        for (int i = 0; i < initialStopped; i++) {
            Desk d = new Desk("d" + nextDesk++, "h" + (i % HOSTS), S.STOPPED);
            desks.put(d.id, d);
            stopped.add(d);
        }
    }

    /**
     * Runs {@code [from, to)}.
     *
     * @param sessions the period's sessions, by start
     * @param explainAt instants whose plan notes are kept as examples
     */
    Result run(List<LogonCurve.Session> sessions, Instant from, Instant to, Set<Instant> explainAt) {
        long start = from.getEpochSecond();
        long end = to.getEpochSecond();
        long[] sessionStart = new long[sessions.size()];
        long[] sessionEnd = new long[sessions.size()];
        PriorityQueue<long[]> logoffs = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        Map<Integer, Desk> deskOf = new HashMap<>();
        int next = 0;
        double vmSeconds = 0;
        double stoppedSeconds = 0;
        double sessionSeconds = 0;
        int connects = 0;
        int cold = 0;
        double maxWait = 0;
        int peak = 0;
        long intervalSeconds = interval.toSeconds();
        Set<Long> explain = new java.util.HashSet<>();
        explainAt.forEach(t -> explain.add(t.getEpochSecond() - t.getEpochSecond() % intervalSeconds));
        for (long t = start; t < end; t++) {
            clock.set(Instant.ofEpochSecond(t));
            // operations that end now
            while (!ops.isEmpty() && ops.peek().opEnd <= t) {
                Desk d = ops.poll();
                finish(d, t, deskOf);
            }
            // logoffs
            while (!logoffs.isEmpty() && logoffs.peek()[0] <= t) {
                int s = (int) logoffs.poll()[1];
                Desk d = deskOf.remove(s);
                sessionSeconds += sessionEnd[s] - sessionStart[s];
                if (d == null) {
                    waiting.remove((Integer) s); // gave up before a desktop came: nothing to refresh
                    waitingSince.remove(s);
                    continue;
                }
                if (d.state == S.IN_USE) {
                    d.state = S.DIRTY;
                    d.session = -1;
                    inUse--;
                } else {
                    d.session = -1; // still starting for this user: it becomes a plain spare
                    d.forUser = false;
                }
            }
            // connects
            while (next < sessions.size() && sessions.get(next).start().getEpochSecond() <= t) {
                LogonCurve.Session s = sessions.get(next);
                int id = next++;
                sessionStart[id] = s.start().getEpochSecond();
                sessionEnd[id] = Math.max(sessionStart[id] + 1, s.end().getEpochSecond());
                logoffs.add(new long[] {sessionEnd[id], id});
                connects++;
                if (!ready.isEmpty()) {
                    Desk d = ready.iterator().next();
                    ready.remove(d);
                    assign(d, id, deskOf);
                    continue;
                }
                cold++;
                var local = s.start().atZone(zone);
                coldWhen.merge(local.getDayOfWeek().toString().substring(0, 3) + " " + local.getHour() + "h", 1,
                        Integer::sum);
                if (!stopped.isEmpty()) {
                    Desk d = stopped.iterator().next();
                    stopped.remove(d);
                    d.session = id;
                    d.forUser = true;
                    deskOf.put(id, d);
                    begin(d, S.STARTING, ActionType.START, t);
                    actionCounts.merge("START USER_WAITING", 1, Integer::sum);
                } else {
                    waiting.add(id);
                    waitingSince.put(id, t);
                }
            }
            if ((t - start) % intervalSeconds == 0) {
                Plan plan = planner.plan(input(t));
                if (explain.contains(t)) {
                    for (PlanNote n : plan.notes()) {
                        explanations.add(clock.instant() + " " + n.code() + " " + n.count() + ": " + n.detail());
                    }
                }
                for (PlannedAction a : plan.actions()) {
                    apply(a, t);
                }
            }
            vmSeconds += running;
            stoppedSeconds += stopped.size();
            peak = Math.max(peak, running);
            for (Integer w : waiting) {
                maxWait = Math.max(maxWait, t - waitingSince.get(w));
                break;
            }
        }
        // sessions still open at the end count up to it
        for (var e : deskOf.entrySet()) {
            sessionSeconds += Math.max(0, end - sessionStart[e.getKey()]);
        }
        for (long[] l : logoffs) {
            if (!deskOf.containsKey((int) l[1])) {
                sessionSeconds += Math.max(0, end - sessionStart[(int) l[1]]);
            }
        }
        maxWait = Math.max(maxWait, waitedMax);
        return new Result(strategy.name(), vmSeconds / 3600, stoppedSeconds / 3600, sessionSeconds / 3600, connects,
                cold, maxWait, peak, actionCounts, explanations, coldWhen);
    }

    private double waitedMax;

    private void assign(Desk d, int session, Map<Integer, Desk> deskOf) {
        d.state = S.IN_USE;
        d.session = session;
        d.forUser = false;
        deskOf.put(session, d);
        inUse++;
    }

    private void finish(Desk d, long t, Map<Integer, Desk> deskOf) {
        S was = d.state;
        switch (was) {
            case PROVISIONING, STARTING, REFRESHING -> {
                strategy.readyAfter(Duration.ofSeconds(t - d.opStart));
                if (d.forUser && d.session >= 0) {
                    waitedMax = Math.max(waitedMax, t - d.opStart);
                    d.state = S.READY;
                    assign(d, d.session, deskOf);
                } else if (!waiting.isEmpty()) {
                    int s = waiting.poll();
                    waitedMax = Math.max(waitedMax, t - waitingSince.remove(s));
                    assign(d, s, deskOf);
                } else {
                    d.state = S.READY;
                    ready.add(d);
                }
            }
            case STOPPING -> {
                d.state = S.STOPPED;
                running--;
                stopped.add(d);
            }
            case DELETING -> desks.remove(d.id);
            default -> throw new IllegalStateException("no operation ends in " + was);
        }
    }

    private void begin(Desk d, S state, ActionType type, long t) {
        if (!d.running() && state != S.DELETING) {
            running++;
        } else if (d.running() && state == S.DELETING) {
            running--;
        }
        d.state = state;
        d.opStart = t;
        double f = 0.85 + 0.3 * jitter.nextDouble();
        d.opEnd = t + Math.max(1, Math.round(timings.of(type).toSeconds() * f));
        ops.add(d);
    }

    private void apply(PlannedAction a, long t) {
        actionCounts.merge(a.type() + " " + a.reason(), 1, Integer::sum);
        if (a.type() == ActionType.CREATE) {
            Desk d = new Desk("d" + nextDesk++, a.hostId(), S.STOPPED);
            desks.put(d.id, d);
            begin(d, S.PROVISIONING, ActionType.CREATE, t);
            return;
        }
        Desk d = desks.get(a.desktopId());
        switch (a.type()) {
            case START -> {
                stopped.remove(d);
                begin(d, S.STARTING, ActionType.START, t);
            }
            case STOP -> {
                ready.remove(d);
                begin(d, S.STOPPING, ActionType.STOP, t);
            }
            case REFRESH, REPLACE -> {
                ready.remove(d);
                begin(d, S.REFRESHING, a.type(), t);
            }
            case DELETE -> {
                ready.remove(d);
                stopped.remove(d);
                begin(d, S.DELETING, ActionType.DELETE, t);
            }
            default -> throw new IllegalStateException();
        }
    }

    private PlanningInput input(long t) {
        Map<String, long[]> used = new HashMap<>();
        Map<String, Integer> inFlightByHost = new HashMap<>();
        List<DesktopView> views = new ArrayList<>(desks.size());
        int inFlight = 0;
        for (Desk d : desks.values()) {
            long[] u = used.computeIfAbsent(d.host, k -> new long[3]);
            if (d.running()) {
                u[0] += HW.vcpus();
                u[1] += HW.memoryMiB();
            }
            u[2] += HW.diskMiB();
            DesktopState state = switch (d.state) {
                case STOPPED -> DesktopState.STOPPED;
                case PROVISIONING -> DesktopState.PROVISIONING;
                case STARTING -> DesktopState.STARTING;
                case READY, DIRTY -> DesktopState.READY;
                case IN_USE -> DesktopState.IN_USE;
                case REFRESHING -> DesktopState.REFRESHING;
                case STOPPING -> DesktopState.STOPPING;
                case DELETING -> DesktopState.DELETING;
            };
            if (state.isTransitional()) {
                inFlight++;
                inFlightByHost.merge(d.host, 1, Integer::sum);
            }
            String user = d.session >= 0 ? "user-of-session-" + d.session : null;
            views.add(new DesktopView(d.id, state, user, "v1", d.host, null, d.state == S.DIRTY));
        }
        List<HostView> hosts = new ArrayList<>();
        for (int h = 0; h < HOSTS; h++) {
            long[] u = used.getOrDefault("h" + h, new long[3]);
            hosts.add(new HostView("h" + h, 64, 512 * 1024, 4L * 1024 * 1024, (int) u[0], u[1], u[2], false, null));
        }
        SpareForecast forecast = strategy.forecast(Instant.ofEpochSecond(t), inUse, desks.size());
        PoolSpec spec = new PoolSpec("pool", "tenant", PoolKind.POOLED, Math.min(strategy.minSize(), maxSize), maxSize,
                strategy.fixedSpares(), "v1", null, HW, null, false, false);
        PoolSnapshot pool = new PoolSnapshot(spec, views, new PoolDemand(waiting.size(), Set.of()), inFlight, forecast);
        return new PlanningInput(Instant.ofEpochSecond(t), hosts, inFlightByHost, List.of(pool));
    }

}
