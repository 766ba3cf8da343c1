package io.deskport.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.deskport.broker.support.StormEstate;

/**
 * The logon storm: 10,000 users across pools of all three kinds connect over HTTP, first as fast as 64
 * clients go (throughput), then at a fixed arrival rate, open loop (latency measured from each request's
 * scheduled time, so a slow broker cannot hide its queue). Every invariant is then checked from the
 * database, reconnects are checked to return the same session, and the database's own ceiling on this
 * machine is measured for comparison. The last line is the summary.
 */
public final class LogonStorm {

    private static final String[] KINDS = {"POOLED", "PERSISTENT", "SHARED"};

    private final Map<String, String> opt;
    private final BrokerClient api;
    private final LeanHttp load;
    private final StormInvariants invariants;
    private int violations;

    LogonStorm(Map<String, String> opt) {
        this.opt = opt;
        this.api = new BrokerClient(opt.get("broker"));
        this.load = new LeanHttp(opt.get("broker"), 256);
        this.invariants = new StormInvariants(opt.get("jdbc"), opt.get("db-user"), opt.get("db-password"));
    }

    public static void main(String[] args) throws Exception {
        new LogonStorm(options(args, Map.of())).run();
    }

    /**
     * The command line as options: {@code --name value} pairs over the storm's defaults (and the caller's).
     *
     * @throws IllegalArgumentException when a required option (broker, database, operator) is missing
     */
    static Map<String, String> options(String[] args, Map<String, String> moreDefaults) {
        Map<String, String> opt = new HashMap<>(Map.of("users", "10000", "rate", "500", "clients", "64",
                "pools-per-kind", "4", "ceiling-seconds", "5", "setup-clients", "16", "warmup", "6000"));
        opt.putAll(moreDefaults);
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        for (String required : List.of("broker", "jdbc", "db-user", "db-password", "operator-password")) {
            if (!opt.containsKey(required)) {
                throw new IllegalArgumentException("missing --" + required);
            }
        }
        return opt;
    }

    record Pool(UUID id, String kind) {
    }

    record Outcome(int status, String sessionId, String reason, long latencyNanos) {
    }

    /** The storm's tenant, its pools (user {@code u} connects to pool {@code u % pools}) and its users' tokens. */
    record Estate(UUID tenant, String slug, List<Pool> pools, String[] tokens) {

        int users() {
            return tokens.length;
        }

        UUID poolOf(int user) {
            return pools.get(user % pools.size()).id();
        }
    }

    /**
     * What the saturation phase measured: every answer, the connects per second, and the CPU each connect cost
     * in the broker, PostgreSQL and the load client (NaN when the processes were not named), and how many
     * connects were turned away as OVERLOADED (and sent again after their Retry-After).
     *
     * @param connectsPerS every connect of the phase ÷ the phase's whole time, the drain at its end included: once
     *                     the last user is handed to a client, the others run out of users, and a connect turned
     *                     away near the end is answered after its {@code Retry-After} (1–1.5 s) on an idle broker
     * @param busyPerS     the connects answered while every client was busy (from the start until the last user was
     *                     handed to a client) ÷ that time: the rate of the saturation itself, without the drain
     */
    record Saturation(Outcome[] outcomes, double seconds, double connectsPerS, double brokerCpuMs,
                      double postgresCpuMs, double clientCpuMs, int overloaded, double busyPerS) {
    }

    private void run() throws Exception {
        Estate estate = setUp();
        int users = estate.users();
        String[] tokens = estate.tokens();
        List<Pool> pools = estate.pools();
        UUID tenant = estate.tenant();
        int clients = Integer.parseInt(opt.get("clients"));
        int warmup = Math.min(users, Integer.parseInt(opt.get("warmup")));
        if (warmup > 0) {
            warmUp(estate, warmup, 2);
        }

        // --- phase 1: saturation, closed loop
        long brokerPid = Long.parseLong(opt.getOrDefault("broker-pid", "0"));
        long pgPid = Long.parseLong(opt.getOrDefault("postgres-pid", "0"));
        Saturation phase1 = saturate(estate);
        Outcome[] saturation = phase1.outcomes();
        double connectsPerS = phase1.connectsPerS();
        violations += unexpected(saturation, "saturation");
        violations += invariants.check("saturation");
        violations += expectLive(tenant, users, "saturation");

        // everyone logs off (not measured)
        logOff(estate, saturation);
        violations += invariants.check("logoff");
        violations += expectLive(tenant, 0, "logoff");

        // --- phase 2: storm at a fixed arrival rate, open loop
        int rate = Integer.parseInt(opt.get("rate"));
        double[] cpu2 = {ProcessCpu.treeMillis(brokerPid), ProcessCpu.treeMillis(pgPid), ProcessCpu.selfMillis()};
        String profile = opt.get("profile");
        if (profile != null) {
            new ProcessBuilder("jcmd", Long.toString(brokerPid), "JFR.start", "name=storm", "settings=" + opt.getOrDefault("profile-settings", "profile"),
                    "filename=" + profile).inheritIO().start().waitFor();
        }
        long start = System.nanoTime();
        Outcome[] storm = openLoop(estate, rate);
        // the first connect is due 200 ms after the start
        double p2Seconds = (System.nanoTime() - start) / 1e9 - 0.2;
        report("storm (" + rate + "/s open loop)", storm, p2Seconds);
        System.out.printf("  connects turned away as OVERLOADED and sent again after Retry-After: %d%n", overloaded.getAndSet(0));
        if (profile != null) {
            new ProcessBuilder("jcmd", Long.toString(brokerPid), "JFR.stop", "name=storm").inheritIO().start().waitFor();
        }
        if (brokerPid > 0 && pgPid > 0) {
            System.out.printf("cpu per connect in the storm: broker %.2f ms, postgres %.2f ms, load client %.2f ms%n",
                    (ProcessCpu.treeMillis(brokerPid) - cpu2[0]) / users, (ProcessCpu.treeMillis(pgPid) - cpu2[1]) / users,
                    (ProcessCpu.selfMillis() - cpu2[2]) / users);
        }
        violations += unexpected(storm, "storm");
        violations += invariants.check("storm");
        violations += expectLive(tenant, users, "storm");

        // reconnects return the same session
        int sample = Math.min(users, 1000);
        AtomicInteger mismatches = new AtomicInteger();
        parallel(clients, sample, i -> {
            int u = (int) ((long) i * users / sample);
            Outcome again = connect(tokens[u], pools.get(u % pools.size()).id(), System.nanoTime());
            if (again.status() != 200 || !again.sessionId().equals(storm[u].sessionId())) {
                mismatches.incrementAndGet();
            }
        });
        if (mismatches.get() > 0) {
            System.out.printf("  VIOLATION: %d of %d reconnects did not return the same session%n", mismatches.get(), sample);
        }
        violations += mismatches.get();
        System.out.printf("reconnect check: %d users reconnected, %d mismatches%n", sample, mismatches.get());

        // --- the database's own ceiling, with the broker idle: the best of three runs after a checkpoint. One
        // run alone varied from 5,300 to 8,800 transactions/s on the same machine (a checkpoint or autovacuum
        // after the storm falling into it), which made the ratio say more about the ceiling than the broker.
        double ceiling = DatabaseCeiling.measureBest(opt.get("jdbc"), opt.get("db-user"), opt.get("db-password"), 64,
                Integer.parseInt(opt.get("ceiling-seconds")), 3);

        long[] lat = latencies(storm);
        System.out.printf("logon-storm: connects=%d connects_per_s=%.0f p50_ms=%.1f p99_ms=%.1f db_ceiling_tps=%.0f "
                        + "ratio=%.2f violations=%d%n", users, connectsPerS, pct(lat, 50), pct(lat, 99), ceiling,
                connectsPerS / ceiling, violations);
    }

    /** The storm's tenant, pools, desktops, session hosts and users, set up through the admin API as an operator would script it. */
    Estate setUp() throws Exception {
        int users = Integer.parseInt(opt.get("users"));
        int setupClients = Integer.parseInt(opt.get("setup-clients"));
        long t0 = System.nanoTime();
        String operator = operator();
        Site site = setUpSite(operator, "storm-" + Long.toHexString(System.currentTimeMillis()), "Logon storm");
        String password = "stormkey-" + Long.toHexString(System.nanoTime());
        String[] tokens = new String[users];
        parallel(setupClients, users, u -> {
            UUID user = UUID.fromString(api.expect(201, "POST", "/api/v1/admin/users", operator, site.tenant(),
                    "{\"username\":\"user" + u + "\",\"password\":\"" + password + "\"}").body().get("id").asString());
            api.expect(200, "PUT", "/api/v1/admin/groups/" + site.groups().get(u % site.groups().size()) + "/members/" + user,
                    operator, site.tenant(), null);
            tokens[u] = api.login(site.slug(), "user" + u, password);
        });
        System.out.printf("set-up: tenant %s, %d pools (%d per kind), %d users, %d desktops/seats per pool, %.1f s%n",
                site.slug(), site.pools().size(), site.pools().size() / KINDS.length, users, site.placesPerPool(),
                (System.nanoTime() - t0) / 1e9);
        return new Estate(site.tenant(), site.slug(), site.pools(), tokens);
    }

    /** A platform operator's token. */
    String operator() {
        return api.login("platform", "operator", opt.get("operator-password"));
    }

    /**
     * The storm's tenant without its users: pools of every kind, a group per pool entitled to it (user {@code u} is
     * to be a member of group {@code u % pools}, named as {@link #groupNames} names them), and places for every user.
     */
    record Site(UUID tenant, String slug, List<Pool> pools, List<UUID> groups, int placesPerPool) {
    }

    /** The names of the storm's groups, in the order of its pools. */
    static List<String> groupNames(int perKind) {
        List<String> names = new ArrayList<>();
        for (String kind : KINDS) {
            for (int i = 0; i < perKind; i++) {
                names.add("g-" + kind.toLowerCase() + "-" + i);
            }
        }
        return names;
    }

    /**
     * Creates the storm's tenant (with this slug), its pools, groups, entitlements, desktops and session hosts for
     * {@code --users} users, through the admin API.
     */
    Site setUpSite(String operator, String slug, String name) throws Exception {
        int users = Integer.parseInt(opt.get("users"));
        int perKind = Integer.parseInt(opt.get("pools-per-kind"));
        int setupClients = Integer.parseInt(opt.get("setup-clients"));
        UUID tenant = UUID.fromString(api.expect(201, "POST", "/api/v1/admin/tenants", operator, null,
                "{\"slug\":\"" + slug + "\",\"name\":\"" + name + "\",\"maxConcurrentSessions\":" + (users * 2)
                        + ",\"maxDesktops\":" + (users * 2) + "}").body().get("id").asString());
        List<Pool> pools = new ArrayList<>();
        List<UUID> groups = new ArrayList<>();
        List<String> groupNames = groupNames(perKind);
        for (String kind : KINDS) {
            for (int i = 0; i < perKind; i++) {
                String lb = i % 2 == 0 ? "BREADTH_FIRST" : "DEPTH_FIRST";
                UUID pool = UUID.fromString(api.expect(201, "POST", "/api/v1/admin/pools", operator, tenant,
                        "{\"name\":\"" + kind.toLowerCase() + "-" + i + "\",\"kind\":\"" + kind + "\",\"loadBalancing\":\""
                                + lb + "\"}").body().get("id").asString());
                UUID group = UUID.fromString(api.expect(201, "POST", "/api/v1/admin/groups", operator, tenant,
                        "{\"name\":\"" + groupNames.get(pools.size()) + "\"}").body().get("id").asString());
                api.expect(201, "POST", "/api/v1/admin/pools/" + pool + "/entitlements", operator, tenant,
                        "{\"groupId\":\"" + group + "\"}");
                pools.add(new Pool(pool, kind));
                groups.add(group);
            }
        }
        int perPool = (users + pools.size() - 1) / pools.size();
        int slack = Math.max(2, perPool / 20);
        parallel(setupClients, pools.size(), p -> {
            Pool pool = pools.get(p);
            if (pool.kind().equals("SHARED")) {
                int hosts = (perPool + slack + 99) / 100;
                for (int h = 0; h < hosts; h++) {
                    api.expect(201, "POST", "/api/v1/admin/pools/" + pool.id() + "/session-hosts", operator, tenant,
                            "{\"name\":\"host-" + h + "\",\"maxSessions\":100,\"consoleHost\":\"10.0.0." + (h + 1)
                                    + "\",\"consolePort\":5900}");
                }
            } else {
                for (int d = 0; d < perPool + slack; d++) {
                    api.expect(201, "POST", "/api/v1/admin/pools/" + pool.id() + "/desktops", operator, tenant,
                            "{\"name\":\"vm-" + d + "\",\"consoleHost\":\"10.1." + (d / 250) + "." + (d % 250 + 1)
                                    + "\",\"consolePort\":5900}");
                }
            }
        });
        return new Site(tenant, slug, List.copyOf(pools), List.copyOf(groups), perPool + slack);
    }

    /**
     * Warm-up (not measured): the broker's JIT compiles the connect path, as in a broker that has been up for
     * a while; the first {@code count} users connect and log off, {@code rounds} times, so that the paths of
     * users who come back (a persistent pool's own desktop) are compiled as well as those of first-time users.
     */
    void warmUp(Estate estate, int count, int rounds) throws Exception {
        int clients = Integer.parseInt(opt.get("clients"));
        long w0 = System.nanoTime();
        String[] warmSessions = new String[count];
        for (int round = 0; round < rounds; round++) {
            parallel(clients, count, u -> {
                Outcome o = connect(estate.tokens()[u], estate.poolOf(u), System.nanoTime());
                // nothing is measured here: a broker still overloaded after the connect's own retries (a busy
                // machine) is asked again rather than the run given up
                for (int again = 0; again < 10 && o.status() == 503 && "OVERLOADED".equals(o.reason()); again++) {
                    o = connect(estate.tokens()[u], estate.poolOf(u), System.nanoTime());
                }
                if (o.status() != 201) {
                    throw new IllegalStateException("warm-up connect answered " + o.status() + " " + o.reason());
                }
                warmSessions[u] = o.sessionId();
            });
            parallel(clients, count, u -> {
                BrokerClient.Reply r = logOff(warmSessions[u], estate.tokens()[u]);
                if (r.status() != 200) {
                    throw new IllegalStateException("warm-up logoff answered " + r.status());
                }
            });
        }
        System.out.printf("warm-up: %d users connected and logged off %s, not measured, %.1f s%n", count,
                rounds == 2 ? "twice" : rounds + " time" + (rounds == 1 ? "" : "s"), (System.nanoTime() - w0) / 1e9);
    }

    /**
     * Open loop: every user connects once, at a fixed arrival rate (latency measured from each request's scheduled
     * time, so a slow broker cannot hide its queue); returns the answers.
     */
    Outcome[] openLoop(Estate estate, int rate) {
        // the pool's connections have been idle since the set-up or warm-up, longer than the broker keeps an idle
        // connection: until 2026-12-07 the first request on each (256) met a connection the broker had closed, and was
        // counted as a failed connect ("connection closed by the server")
        load.closeIdle();
        int users = estate.users();
        Outcome[] storm = new Outcome[users];
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime() + 200_000_000L;
        // every answer of the storm (first tries and tries again) by the second it came in, and which were refusals
        int seconds = (int) ((long) users * interval / 1_000_000_000L) + 60;
        AtomicIntegerArray answers = new AtomicIntegerArray(seconds);
        AtomicIntegerArray refusals = new AtomicIntegerArray(seconds);
        timeline = new Timeline(start, answers, refusals);
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int u = 0; u < users; u++) {
                long due = start + u * interval;
                sleepUntil(due);
                int user = u;
                ex.submit(() -> storm[user] = connect(estate.tokens()[user], estate.poolOf(user), due));
            }
        } finally {
            timeline = null;
        }
        StringBuilder line = new StringBuilder();
        int last = seconds - 1;
        while (last > 0 && answers.get(last) == 0) {
            last--;
        }
        for (int i = 0; i <= last; i++) {
            line.append(i == 0 ? "" : " ").append(i).append("s:").append(answers.get(i) - refusals.get(i))
                    .append('/').append(refusals.get(i));
        }
        System.out.printf("  answers by second (connected/turned away as OVERLOADED): %s%n", line);
        return storm;
    }

    /** The open loop's answers and refusals per second since its start, while one runs. */
    private record Timeline(long start, AtomicIntegerArray answers, AtomicIntegerArray refusals) {

        void answered(boolean refused) {
            int i = (int) Math.min(answers.length() - 1, Math.max(0, (System.nanoTime() - start) / 1_000_000_000L));
            answers.incrementAndGet(i);
            if (refused) {
                refusals.incrementAndGet(i);
            }
        }
    }

    private volatile Timeline timeline;

    /** Waits until {@code due} ({@link System#nanoTime()}): an open loop's pace. */
    private static void sleepUntil(long due) {
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }

    /**
     * Saturation, closed loop: every user connects once, as fast as the clients go; the answers, the rate and
     * the CPU per connect are printed and returned.
     */
    Saturation saturate(Estate estate) {
        return saturate(estate, estate.users());
    }

    /** {@link #saturate(Estate)} with the estate's first {@code users} users only. */
    Saturation saturate(Estate estate, int users) {
        int clients = Integer.parseInt(opt.get("clients"));
        long brokerPid = Long.parseLong(opt.getOrDefault("broker-pid", "0"));
        long pgPid = Long.parseLong(opt.getOrDefault("postgres-pid", "0"));
        load.closeIdle();
        double[] cpu0 = {ProcessCpu.treeMillis(brokerPid), ProcessCpu.treeMillis(pgPid), ProcessCpu.selfMillis()};
        Outcome[] saturation = new Outcome[users];
        long[] answered = new long[users];
        AtomicInteger next = new AtomicInteger();
        AtomicLong lastHandedOut = new AtomicLong();
        overloaded.set(0);
        long p1 = System.nanoTime();
        try (ExecutorService ex = Executors.newFixedThreadPool(clients)) {
            for (int c = 0; c < clients; c++) {
                ex.submit(() -> {
                    for (int u; (u = next.getAndIncrement()) < users; ) {
                        long s = System.nanoTime();
                        if (u == users - 1) {
                            lastHandedOut.set(s);
                        }
                        saturation[u] = connect(estate.tokens()[u], estate.poolOf(u), s);
                        answered[u] = System.nanoTime();
                    }
                });
            }
        }
        double p1Seconds = (System.nanoTime() - p1) / 1e9;
        double[] cpu = {Double.NaN, Double.NaN, Double.NaN};
        report("saturation (" + clients + " clients)", saturation, p1Seconds);
        System.out.printf("  connects answered per second of the phase: %s%n", perSecond(answered, p1));
        long busyUntil = lastHandedOut.get();
        long answeredBusy = Arrays.stream(answered).filter(t -> t <= busyUntil).count();
        double busyPerS = answeredBusy / ((busyUntil - p1) / 1e9);
        System.out.printf("  while every client was busy (%.2f s, until the last user was handed out): %d answered = %.0f/s%n",
                (busyUntil - p1) / 1e9, answeredBusy, busyPerS);
        int turnedAway = overloaded.getAndSet(0);
        System.out.printf("  connects turned away as OVERLOADED and sent again after Retry-After: %d%n", turnedAway);
        if (brokerPid > 0 && pgPid > 0) {
            cpu[0] = (ProcessCpu.treeMillis(brokerPid) - cpu0[0]) / users;
            cpu[1] = (ProcessCpu.treeMillis(pgPid) - cpu0[1]) / users;
            cpu[2] = (ProcessCpu.selfMillis() - cpu0[2]) / users;
            System.out.printf("cpu per connect: broker %.2f ms, postgres %.2f ms, load client %.2f ms "
                    + "(2 cores → at most %.0f connects/s with the client on the same machine)%n",
                    cpu[0], cpu[1], cpu[2], 2000 / (cpu[0] + cpu[1] + cpu[2]));
        }
        return new Saturation(saturation, p1Seconds, users / p1Seconds, cpu[0], cpu[1], cpu[2], turnedAway, busyPerS);
    }

    /** Every session of these answers is logged off (not measured). */
    void logOff(Estate estate, Outcome[] outcomes) throws Exception {
        int clients = Integer.parseInt(opt.get("clients"));
        parallel(clients, outcomes.length, u -> {
            if (outcomes[u] == null || outcomes[u].sessionId() == null) {
                return;
            }
            BrokerClient.Reply r = logOff(outcomes[u].sessionId(), estate.tokens()[u]);
            if (r.status() != 200) {
                throw new IllegalStateException("logoff answered " + r.status());
            }
        });
    }

    /**
     * Everyone who got a session logs off again, open loop at {@code rate} logoffs a second (as {@link #openLoop}
     * connects them): the logoffs' events come at the storm's pace, not in a burst.
     */
    void logOffOpenLoop(Estate estate, Outcome[] outcomes, int rate) throws Exception {
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        // a logoff the broker could not take (503 after its retries: the machine is saturated) is sent again after
        // the loop, closed loop: the storm's events must all be there, the pace is what is measured
        Outcome[] again = new Outcome[outcomes.length];
        AtomicInteger deferred = new AtomicInteger();
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            int n = 0;
            for (int u = 0; u < outcomes.length; u++) {
                if (outcomes[u] == null || outcomes[u].sessionId() == null) {
                    continue;
                }
                sleepUntil(start + n++ * interval);
                int user = u;
                ex.submit(() -> {
                    try {
                        if (logOff(outcomes[user].sessionId(), estate.tokens()[user]).status() != 200) {
                            again[user] = outcomes[user];
                            deferred.incrementAndGet();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        }
        if (deferred.get() > 0) {
            System.out.printf("  %d logoffs the broker turned away at %d/s sent again afterwards%n", deferred.get(), rate);
            logOff(estate, again);
        }
    }

    /**
     * One logoff (not measured); a 503 (the broker turned it away as OVERLOADED, or its database was unavailable
     * for a moment) is sent again, up to five times, after the answer's {@code retryAfterSeconds} as the portal
     * does (200 ms when it gives none). Until 2026-12-07 every 503 was resent after 200 ms: at 500 logoffs a
     * second that kept thousands of requests and connections in flight, more than the portal would.
     */
    private BrokerClient.Reply logOff(String sessionId, String token) throws InterruptedException {
        BrokerClient.Reply r = api.call("POST", "/api/v1/sessions/" + sessionId + "/logoff", token, null, null);
        for (int again = 0; again < 5 && r.status() == 503; again++) {
            int seconds = r.body() == null ? 0 : r.body().path("retryAfterSeconds").asInt(0);
            Thread.sleep(seconds > 0 ? seconds * 1000L : 200);
            r = api.call("POST", "/api/v1/sessions/" + sessionId + "/logoff", token, null, null);
        }
        return r;
    }

    /** Connects turned away as OVERLOADED and sent again after their Retry-After, as the portal does. */
    private final AtomicInteger overloaded = new AtomicInteger();

    /**
     * One user's connect; a connect the broker turned away as OVERLOADED is sent again after its Retry-After,
     * as the portal does, and its latency is the user's: from the first try to the answer.
     */
    private Outcome connect(String token, UUID pool, long scheduledNanos) {
        LeanHttp.Response r = load.post("/api/v1/pools/" + pool + "/connect", token);
        Timeline t = timeline;
        for (int again = 0; ; again++) {
            Duration wait = StormEstate.overloadedWait(r.status(), r.firstString("reason"), r.retryAfter());
            if (t != null) {
                t.answered(!wait.isZero());
            }
            if (wait.isZero() || again == 5) {
                break;
            }
            overloaded.incrementAndGet();
            LockSupport.parkNanos(wait.toNanos());
            r = load.post("/api/v1/pools/" + pool + "/connect", token);
        }
        long latency = System.nanoTime() - scheduledNanos;
        boolean ok = r.status() == 200 || r.status() == 201;
        // the session is the first member of a connect answer, so its id is the body's first "id"
        // an answer that never came (status -1) keeps the client's error as its reason
        return new Outcome(r.status(), ok ? r.firstString("id") : null,
                ok ? null : r.status() < 0 ? r.body() : r.firstString("reason"), latency);
    }

    int expectLive(UUID tenant, int expected, String phase) throws Exception {
        int live = invariants.liveSessions(tenant);
        if (live != expected) {
            System.out.printf("  VIOLATION after %s: %d live sessions, expected %d%n", phase, live, expected);
            return Math.abs(live - expected);
        }
        return 0;
    }

    /** Capacity covers every user, so any refusal or error is a defect. */
    static int unexpected(Outcome[] outcomes, String phase) {
        Map<String, Integer> bad = new HashMap<>();
        for (Outcome o : outcomes) {
            if (o.status() != 201) {
                bad.merge(o.status() + " " + o.reason(), 1, Integer::sum);
            }
        }
        bad.forEach((k, v) -> System.out.printf("  VIOLATION in %s: %d answers %s%n", phase, v, k));
        return bad.values().stream().mapToInt(Integer::intValue).sum();
    }

    static void report(String phase, Outcome[] outcomes, double seconds) {
        long[] lat = latencies(outcomes);
        System.out.printf("%s: %d connects in %.2f s = %.0f/s; latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                phase, outcomes.length, seconds, outcomes.length / seconds, pct(lat, 50), pct(lat, 90), pct(lat, 99),
                lat[lat.length - 1] / 1e6);
    }

    /** How many of these moments (nanoTime) fall in each whole second after {@code start}, in order. */
    static String perSecond(long[] moments, long start) {
        int[] counts = new int[(int) ((Arrays.stream(moments).max().orElse(start) - start) / 1_000_000_000L) + 1];
        for (long m : moments) {
            counts[(int) Math.max(0, (m - start) / 1_000_000_000L)]++;
        }
        return Arrays.stream(counts).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(" "));
    }

    static long[] latencies(Outcome[] outcomes) {
        long[] lat = Arrays.stream(outcomes).mapToLong(Outcome::latencyNanos).toArray();
        Arrays.sort(lat);
        return lat;
    }

    static double pct(long[] sorted, double p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    interface IndexTask {
        void run(int i) throws Exception;
    }

    static void parallel(int threads, int count, IndexTask task) throws Exception {
        AtomicInteger next = new AtomicInteger();
        Map<Integer, Throwable> failures = new ConcurrentHashMap<>();
        try (ExecutorService ex = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                fs.add(ex.submit(() -> {
                    for (int i; (i = next.getAndIncrement()) < count && failures.isEmpty(); ) {
                        try {
                            task.run(i);
                        } catch (Throwable e) {
                            failures.put(i, e);
                        }
                    }
                }));
            }
            ex.shutdown();
            ex.awaitTermination(1, TimeUnit.HOURS);
        }
        if (!failures.isEmpty()) {
            Throwable first = failures.values().iterator().next();
            throw new IllegalStateException("set-up step failed: " + first.getMessage(), first);
        }
    }
}
