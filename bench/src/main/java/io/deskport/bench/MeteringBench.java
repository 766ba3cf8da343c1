package io.deskport.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.ToDoubleFunction;

/**
 * bench/metering: what usage events and their webhooks cost, and how fast and complete the deliveries are. Two
 * brokers on one database: one meters (every change writes its usage event), the other does not
 * ({@code deskport.metering.enabled=false}); both run the webhook relay. The logon storm's tenant subscribes a
 * local receiver ({@link WebhookReceiver}) to every event, then:
 * <ol>
 *   <li>an open-loop storm of connects at {@code --rate} (500/s) through the metering broker, then everyone's
 *       logoff, open loop at the same rate: the lag from each event's commit to its arrival at the receiver (p99),
 *       and nothing lost;</li>
 *   <li>the delivery rate: the whole log of the tenant replayed to the subscription, timed until it arrived;</li>
 *   <li>saturation, A B A B A B A B A ({@code --pairs 4}; {@code --phase-users} limits each phase to the first
 *       users of the estate): the logon storm's saturation phase alternately through the broker that does not
 *       meter and the one that does (with its deliveries running), the same users and pools: {@code relative} =
 *       mean connects/s metered ÷ not metered; the same ratio while every client was busy
 *       ({@link LogonStorm.Saturation#busyPerS}, without the drain at each phase's end) is printed beside it.</li>
 * </ol>
 * At the end every event of the tenant written after the subscription must have reached the receiver ({@code
 * lost}); {@code duplicates} are deliveries of an event id beyond its first (allowed: the same webhook-id). Last
 * line: {@code metering: events=N delivered_per_s=D lag_p99_ms=L lost=0 duplicates=U relative=R}.
 */
public final class MeteringBench {

    private final Map<String, String> opt;
    private final LogonStorm metered;
    private final LogonStorm unmetered;
    private final BrokerClient api;
    private final StatementStatistics statistics;

    private MeteringBench(Map<String, String> opt) {
        this.opt = opt;
        this.metered = new LogonStorm(opt);
        Map<String, String> off = new java.util.HashMap<>(opt);
        off.put("broker", opt.get("unmetered-broker"));
        off.put("broker-pid", opt.getOrDefault("unmetered-broker-pid", "0"));
        this.unmetered = new LogonStorm(off);
        this.api = new BrokerClient(opt.get("broker"));
        this.statistics = new StatementStatistics(opt.get("jdbc"), opt.get("db-user"), opt.get("db-password"),
                Integer.parseInt(opt.getOrDefault("statements", "20")));
    }

    public static void main(String[] args) throws Exception {
        // four pairs (A B A B A B A B A): one phase's rate varies by ±10-20 % with the machine, and two pairs left the
        // ratio's own spread (±9 %) wider than the distance to the target. --phase-users 5000 --pairs 8 sets
        // seventeen shorter phases side by side in about the same time (bench/README, the sixth session of 2026-12-07)
        new MeteringBench(LogonStorm.options(args, Map.of("pairs", "4", "phase-users", "0", "warmup-rounds", "2",
                "drain-seconds", "180"))).run();
    }

    private record Phase(int number, boolean meteredPhase, String loadAtStart, LogonStorm.Saturation saturation) {
    }

    private void run() throws Exception {
        System.out.printf("load average at start: %s%n", loadAverage());
        LogonStorm.Estate estate = metered.setUp();
        int users = estate.users();
        String operator = api.login("platform", "operator", opt.get("operator-password"));
        int warm = Integer.parseInt(opt.get("warmup-rounds"));
        metered.warmUp(estate, users, warm);
        unmetered.warmUp(estate, users, warm);

        if (!Boolean.parseBoolean(opt.getOrDefault("webhooks", "true"))) {
            // the usage events' cost alone (no subscription, no deliveries): the saturation phases only
            List<Phase> phases = saturationPhases(estate, null, null, null);
            summary(phases);
            System.out.printf("load average at end: %s%n", loadAverage());
            System.out.printf("metering (no webhooks): relative=%.2f%n", mean(phases, true) / mean(phases, false));
            return;
        }
        try (WebhookReceiver receiver = new WebhookReceiver()) {
            Subscription sub = subscribe(operator, estate.tenant(), receiver.url());
            long[] from = logEnd(estate.tenant());
            System.out.printf("subscribed %s to every event of the tenant (the log at %d.%d)%n", receiver.url(), from[0], from[1]);

            // 1. the open-loop storm and everyone's logoff, metered
            int rate = Integer.parseInt(opt.get("rate"));
            System.out.printf("%n--- open loop: %d connects/s through the metering broker (load average %s)%n", rate, loadAverage());
            long t0 = System.nanoTime();
            LogonStorm.Outcome[] storm = metered.openLoop(estate, rate);
            LogonStorm.report("storm (" + rate + "/s open loop)", storm, (System.nanoTime() - t0) / 1e9 - 0.2);
            int unexpected = LogonStorm.unexpected(storm, "open loop");
            metered.logOffOpenLoop(estate, storm, rate);
            Set<Long> stormEvents = eventsSince(estate.tenant(), from);
            long drained = awaitDelivered(receiver, stormEvents);
            // the lag from each event's commit (the measure; the database records commit times) and, beside
            // it, from the event's time (its transaction's start: the connect's own time in the database added)
            long[] sinceTime = receiver.lagsOf(stormEvents);
            Map<Long, Long> commits = commitTimes(stormEvents);
            List<long[]> timeline;
            long[] lag;
            if (commits.isEmpty()) {
                System.out.println("open loop: the database records no commit times: the lag is counted from each event's time");
                lag = sinceTime;
                timeline = receiver.arrivalsAndLags(stormEvents);
            } else {
                timeline = new ArrayList<>();
                receiver.arrivals(stormEvents).forEach((id, arrived) -> {
                    Long commit = commits.get(id);
                    if (commit != null) {
                        timeline.add(new long[] {arrived, arrived - commit});
                    }
                });
                lag = timeline.stream().mapToLong(l -> l[1]).sorted().toArray();
                if (lag.length < stormEvents.size()) {
                    System.out.printf("open loop: %d of %d events without a commit time are left out of the lag%n",
                            stormEvents.size() - lag.length, stormEvents.size());
                }
            }
            double lagP99 = pct(lag, 99);
            System.out.printf("open loop: %d events (the connects' and the logoffs', both at %d/s), all delivered %.1f s after "
                    + "the last logoff; lag from the event's commit to the receiver p50 %.0f ms, p99 %.0f ms, max %d ms "
                    + "(from the event's time: p50 %.0f ms, p99 %.0f ms)%n",
                    stormEvents.size(), rate, drained / 1e9, pct(lag, 50), lagP99, lag.length == 0 ? -1 : lag[lag.length - 1],
                    pct(sinceTime, 50), pct(sinceTime, 99));
            System.out.printf("open loop, by second of arrival (events/greatest lag from commit): %s%n",
                    WebhookReceiver.timeline(timeline));

            // 2. the delivery rate: the whole log of the tenant again (the same webhook-ids: duplicates by design)
            Set<Long> all = eventsSince(estate.tenant(), new long[] {0, 0});
            long before = receiver.deliveries();
            long r0 = System.nanoTime();
            replay(operator, estate.tenant(), sub);
            long target = before + all.size();
            long deadline = r0 + Long.parseLong(opt.get("drain-seconds")) * 1_000_000_000L;
            while (receiver.deliveries() < target && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            double replaySeconds = (System.nanoTime() - r0) / 1e9;
            long replayed = receiver.deliveries() - before;
            double deliveredPerS = replayed / replaySeconds;
            System.out.printf("replay: %d of %d events delivered again in %.1f s = %.0f deliveries/s (load average %s)%n",
                    replayed, all.size(), replaySeconds, deliveredPerS, loadAverage());

            // 3. saturation, A B A … A
            int[] unexpectedInPhases = new int[1];
            List<Phase> phases = saturationPhases(estate, receiver, from, unexpectedInPhases);
            unexpected += unexpectedInPhases[0];

            Set<Long> everything = eventsSince(estate.tenant(), from);
            awaitDelivered(receiver, everything);
            long lost = everything.stream().filter(id -> !receiver.has(Long.toString(id))).count();
            // the replay sends each event of the log once more, on request: beyond that, a second delivery is a duplicate
            long duplicates = receiver.duplicates() - all.size();
            summary(phases);
            double on = mean(phases, true);
            double off = mean(phases, false);
            System.out.printf("load average at end: %s%n", loadAverage());
            System.out.printf("deliveries: %d in all, %d distinct events, %d malformed (no webhook-id or signature); "
                    + "answers other than a new session: %d%n", receiver.deliveries(), receiver.distinct(), receiver.malformed(),
                    unexpected);
            System.out.printf("metering: events=%d delivered_per_s=%.0f lag_p99_ms=%.0f lost=%d duplicates=%d relative=%.2f%n",
                    everything.size(), deliveredPerS, lagP99, lost, Math.max(0, duplicates), on / off);
        }
    }

    /** Saturation A B A … A (unmetered first and last); with a receiver, each phase starts with every event delivered. */
    private List<Phase> saturationPhases(LogonStorm.Estate estate, WebhookReceiver receiver, long[] from, int[] unexpected)
            throws Exception {
        int pairs = Integer.parseInt(opt.get("pairs"));
        int phaseUsers = Integer.parseInt(opt.get("phase-users"));
        int users = phaseUsers > 0 ? Math.min(estate.users(), phaseUsers) : estate.users();
        List<Phase> phases = new ArrayList<>();
        for (int n = 1; n <= 2 * pairs + 1; n++) {
            boolean isMetered = n % 2 == 0;
            if (receiver != null) {
                settle(receiver, estate.tenant(), from);
            } else {
                try (Connection c = connection(); Statement st = c.createStatement()) {
                    st.execute("checkpoint");
                }
            }
            String load = loadAverage();
            System.out.printf("%n--- phase %d: %s (load average %s)%n", n, isMetered
                    ? "metered: every change writes its usage event" + (receiver != null ? ", the receiver gets each" : "")
                    : "not metered", load);
            LogonStorm storm = isMetered ? metered : unmetered;
            boolean statements = statistics.reset();
            long[] phaseStart = receiver != null && isMetered ? logEnd(estate.tenant()) : null;
            LogonStorm.Saturation s = storm.saturate(estate, users);
            if (phaseStart != null) {
                // deliveries that fell behind during the phase are made after it, outside its measure: say how many
                Set<Long> phaseEvents = eventsSince(estate.tenant(), phaseStart);
                long behind = phaseEvents.stream().filter(id -> !receiver.has(Long.toString(id))).count();
                System.out.printf("  at the phase's end %d of its %d events not yet delivered%n", behind, phaseEvents.size());
            }
            if (statements) {
                statistics.print(users);
            }
            int bad = LogonStorm.unexpected(s.outcomes(), "phase " + n);
            if (unexpected != null) {
                unexpected[0] += bad;
            }
            storm.logOff(estate, s.outcomes());
            phases.add(new Phase(n, isMetered, load, s));
        }
        return phases;
    }

    /** The subscription of the tenant's receiver, as the admin API answered it. */
    private record Subscription(UUID id) {
    }

    private Subscription subscribe(String operator, UUID tenant, String url) {
        BrokerClient.Reply r = api.expect(201, "POST", "/api/v1/admin/webhooks", operator, tenant,
                "{\"url\":\"" + url + "\",\"description\":\"bench/metering receiver\"}");
        return new Subscription(UUID.fromString(r.body().get("id").asString()));
    }

    private void replay(String operator, UUID tenant, Subscription sub) {
        api.expect(202, "POST", "/api/v1/admin/webhooks/" + sub.id() + "/replay", operator, tenant, "{\"after\":\"0.0\"}");
    }

    /** Waits until every one of these events reached the receiver; returns how long it took (ns). */
    private long awaitDelivered(WebhookReceiver receiver, Set<Long> ids) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + Long.parseLong(opt.get("drain-seconds")) * 1_000_000_000L;
        List<Long> waiting = new ArrayList<>(ids);
        while (!waiting.isEmpty() && System.nanoTime() < deadline) {
            waiting.removeIf(id -> receiver.has(Long.toString(id)));
            if (!waiting.isEmpty()) {
                Thread.sleep(20);
            }
        }
        if (!waiting.isEmpty()) {
            System.out.printf("  %d events not delivered within %s s%n", waiting.size(), opt.get("drain-seconds"));
        }
        return System.nanoTime() - t0;
    }

    /** Before a phase: the receiver has every event so far, and the database is checkpointed. */
    private void settle(WebhookReceiver receiver, UUID tenant, long[] from) throws Exception {
        long t0 = System.nanoTime();
        awaitDelivered(receiver, eventsSince(tenant, from));
        try (Connection c = connection(); Statement st = c.createStatement()) {
            st.execute("checkpoint");
        }
        System.out.printf("settled in %.1f s (every event delivered, a checkpoint)%n", (System.nanoTime() - t0) / 1e9);
    }

    private Connection connection() throws Exception {
        return DriverManager.getConnection(opt.get("jdbc"), opt.get("db-user"), opt.get("db-password"));
    }

    /** The end of the committed log now: (tx, seq) of its last event. */
    private long[] logEnd(UUID tenant) throws Exception {
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement("select tx::text::bigint, seq from "
                + "usage_event where tenant_id = ? order by tx desc, seq desc limit 1")) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {rs.getLong(1), rs.getLong(2)} : new long[] {0, 0};
            }
        }
    }

    /**
     * When each of these events committed (ms since the epoch), by id: {@code pg_xact_commit_timestamp} of its
     * transaction, which bench/metering has the database record. Empty when it records none.
     */
    private Map<Long, Long> commitTimes(Set<Long> ids) throws Exception {
        Map<Long, Long> commits = new HashMap<>();
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement("select seq, (extract(epoch from "
                + "pg_xact_commit_timestamp((tx::text::bigint % 4294967296)::text::xid)) * 1000)::bigint from usage_event "
                + "where seq = any(?)")) {
            ps.setArray(1, c.createArrayOf("bigint", ids.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long commit = rs.getLong(2);
                    if (!rs.wasNull()) {
                        commits.put(rs.getLong(1), commit);
                    }
                }
            }
        } catch (java.sql.SQLException e) {
            System.out.printf("commit times not read: %s%n", e.getMessage());
            return Map.of();
        }
        return commits;
    }

    private Set<Long> eventsSince(UUID tenant, long[] from) throws Exception {
        Set<Long> ids = new HashSet<>();
        try (Connection c = connection(); PreparedStatement ps = c.prepareStatement("select seq from usage_event "
                + "where tenant_id = ? and (tx, seq) > (?::text::xid8, ?)")) {
            ps.setObject(1, tenant);
            ps.setString(2, Long.toString(from[0]));
            ps.setLong(3, from[1]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getLong(1));
                }
            }
        }
        return ids;
    }

    /**
     * The phases side by side, each metered phase against its unmetered neighbours, and the same ratios taken while
     * every client was busy (without the drain at each phase's end) beside those of the whole phases, which
     * {@code relative} is made of.
     */
    private static void summary(List<Phase> phases) {
        System.out.printf("%nphase  mode         busy/s  connects/s   p50 ms   p99 ms  OVERLOADED   cpu per connect: broker  "
                + "postgres  client   load average at start%n");
        for (Phase p : phases) {
            long[] lat = LogonStorm.latencies(p.saturation().outcomes());
            System.out.printf("%5d  %-11s %7.0f %11.0f %8.1f %8.1f %11d %24.2f %9.2f %7.2f   %s%n", p.number(),
                    p.meteredPhase() ? "metered" : "unmetered", p.saturation().busyPerS(), p.saturation().connectsPerS(),
                    LogonStorm.pct(lat, 50), LogonStorm.pct(lat, 99), p.saturation().overloaded(),
                    p.saturation().brokerCpuMs(), p.saturation().postgresCpuMs(), p.saturation().clientCpuMs(),
                    p.loadAtStart());
        }
        System.out.printf("each metered phase / the mean of the unmetered phases either side (connects/s): %s%n",
                brackets(phases, LogonStorm.Saturation::connectsPerS));
        System.out.printf("the same while every client was busy (busy/s): %s; relative by busy/s %.2f%n",
                brackets(phases, LogonStorm.Saturation::busyPerS),
                mean(phases, true, LogonStorm.Saturation::busyPerS) / mean(phases, false, LogonStorm.Saturation::busyPerS));
    }

    /** Each metered phase's figure ÷ the mean of its unmetered neighbours', e.g. {@code "phase 2 0.96, phase 4 …"}. */
    private static String brackets(List<Phase> phases, ToDoubleFunction<LogonStorm.Saturation> figure) {
        StringBuilder each = new StringBuilder();
        for (int i = 1; i + 1 < phases.size(); i += 2) {
            double around = (figure.applyAsDouble(phases.get(i - 1).saturation())
                    + figure.applyAsDouble(phases.get(i + 1).saturation())) / 2;
            each.append(each.isEmpty() ? "" : ", ").append(String.format("phase %d %.2f", phases.get(i).number(),
                    figure.applyAsDouble(phases.get(i).saturation()) / around));
        }
        return each.toString();
    }

    /** The mean connects/s of the metered or the unmetered phases: {@code relative} is the one ÷ the other. */
    private static double mean(List<Phase> phases, boolean meteredPhases) {
        return mean(phases, meteredPhases, LogonStorm.Saturation::connectsPerS);
    }

    private static double mean(List<Phase> phases, boolean meteredPhases,
                               ToDoubleFunction<LogonStorm.Saturation> figure) {
        return phases.stream().filter(p -> p.meteredPhase() == meteredPhases)
                .mapToDouble(p -> figure.applyAsDouble(p.saturation())).average().orElse(Double.NaN);
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
