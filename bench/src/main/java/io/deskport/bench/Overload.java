package io.deskport.bench;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import io.deskport.broker.database.EmbeddedPostgres;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.BrokerProcess;
import io.deskport.broker.support.LedgerChecks;
import io.deskport.broker.support.StormEstate;
import io.deskport.broker.support.StormEstate.Outcome;

/**
 * bench/overload: two broker processes on one PostgreSQL, 64 clients on each, through four phases —
 * (a) an exhausted pool, (b) a full tenant quota, (c) a mix of successful connects, refusals and
 * logoffs, (d) the mix again with a PostgreSQL restart in the middle — then the ledger checked in SQL.
 * Last line:
 * {@code overload: requests=N ok=A refused=B errors_500=E outage_503=O refusal_p99_ms=P recovered_s=R violations=V
 * overloaded=K} (K of the refusals were OVERLOADED: the broker's back-pressure, sent again after Retry-After)
 * (refusal_p99_ms over phases a and b; recovered_s from PostgreSQL accepting connections again to the
 * first successful connect on both brokers).
 */
public final class Overload {

    private static final int CLIENTS = 64;

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "bench/target/overload");
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 4000;
        int mixSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        // further arguments are broker settings (--name=value), e.g. --deskport.sessions.admission-wait=50ms
        List<String> brokerArgs = new ArrayList<>(List.of("--deskport.sessions.timer-interval=2s"));
        brokerArgs.addAll(Arrays.asList(args).subList(Math.min(3, args.length), args.length));
        System.out.println("broker settings: " + brokerArgs);
        Files.createDirectories(work);
        System.out.printf("load average before: %.2f%n", loadAverage());

        EmbeddedPostgres pg = EmbeddedPostgres.start(work.resolve("postgres"), 0);
        String db = "overload";
        pg.ensureDatabase(db);
        String operatorPassword = "bench-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        BrokerProcess a = BrokerProcess.start("a", work, pg.jdbcUrl(db), pg.username(), pg.password(), operatorPassword,
                brokerArgs);
        BrokerProcess b = null;
        try {
            a.awaitHealthy(Duration.ofSeconds(180));
            b = BrokerProcess.start("b", work, pg.jdbcUrl(db), pg.username(), pg.password(), operatorPassword,
                    brokerArgs);
            b.awaitHealthy(Duration.ofSeconds(180));
            List<Integer> ports = List.of(a.port(), b.port());
            Api operator = new Api(a.port()).login("platform", "operator", operatorPassword);
            List<Outcome> all = new ArrayList<>();

            // the load client shares the two cores: a lean HTTP client, like wrk, not the JDK's
            StormEstate.Transport lean = leanTransport(ports);

            // (a) an exhausted pool: its 40 places taken, 200 more users knocking
            StormEstate exhausted = StormEstate.create(operator, ports, 10_000, 15, 2, 5, 240);
            exhausted.useTransport(lean);
            exhausted.connectStorm(CLIENTS, 200, 0, 40, exhausted.pools, n -> { });
            fill(exhausted, 40);
            // (b) a full tenant quota: 20 seats taken, 200 more users knocking at free desktops
            StormEstate quota = StormEstate.create(operator, ports, 20, 60, 1, 5, 220);
            quota.useTransport(lean);
            quota.connectStorm(CLIENTS, 200, 0, 20, List.of(quota.pooled), n -> { });
            fill(quota, 20);
            warm(a, b, work, exhausted, quota);

            Cpu cpu = new Cpu(a, b, work);
            List<Outcome> phaseA = exhausted.connectStorm(CLIENTS, calls, 40, 240, exhausted.pools, n -> { });
            report("a exhausted pool", phaseA);
            cpu.report(phaseA.size());

            cpu = new Cpu(a, b, work);
            List<Outcome> phaseB = quota.connectStorm(CLIENTS, calls, 20, 220, List.of(quota.pooled, quota.persistent),
                    n -> { });
            report("b full quota", phaseB);
            cpu.report(phaseB.size());

            // (c) churn: connects that succeed, refusals and logoffs
            StormEstate mix = StormEstate.create(operator, ports, 30, 15, 2, 5, 150);
            mix.useTransport(lean);
            AtomicBoolean stop = new AtomicBoolean();
            CompletableFuture<List<Outcome>> churn = CompletableFuture.supplyAsync(() ->
                    churn(mix, stop, new ConcurrentLinkedQueue<>()));
            Thread.sleep(mixSeconds * 1000L);
            stop.set(true);
            List<Outcome> phaseC = churn.get();
            report("c mix", phaseC);

            // (d) the mix again, with a PostgreSQL restart in the middle
            AtomicBoolean stopD = new AtomicBoolean();
            Queue<Outcome> soFar = new ConcurrentLinkedQueue<>();
            CompletableFuture<List<Outcome>> churnD = CompletableFuture.supplyAsync(() -> churn(mix, stopD, soFar));
            Thread.sleep(mixSeconds * 500L);
            int port = pg.port();
            pg.stop();
            long downAt = System.nanoTime();
            Thread.sleep(5000);
            pg = EmbeddedPostgres.start(work.resolve("postgres"), port);
            long backAt = System.nanoTime();
            System.out.printf("postgres down for %.1f s%n", (backAt - downAt) / 1e9);
            Thread.sleep(mixSeconds * 500L);
            // the churn goes on until both brokers have connected someone again (or a minute has passed)
            long giveUp = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while ((firstSuccessAfter(soFar, backAt, 0) < 0 || firstSuccessAfter(soFar, backAt, 1) < 0)
                    && System.nanoTime() < giveUp) {
                Thread.sleep(200);
            }
            stopD.set(true);
            List<Outcome> phaseD = churnD.get();
            report("d mix with a postgres restart", phaseD);
            long recoveredA = firstSuccessAfter(phaseD, backAt, 0);
            long recoveredB = firstSuccessAfter(phaseD, backAt, 1);
            double recovered = recoveredA < 0 || recoveredB < 0 ? -1 : (Math.max(recoveredA, recoveredB) - backAt) / 1e9;
            System.out.printf("first successful connect after postgres was back: broker a %.2f s, broker b %.2f s%n",
                    recoveredA < 0 ? -1 : (recoveredA - backAt) / 1e9, recoveredB < 0 ? -1 : (recoveredB - backAt) / 1e9);

            all.addAll(phaseA);
            all.addAll(phaseB);
            all.addAll(phaseC);
            all.addAll(phaseD);
            Map<String, Integer> found = LedgerChecks.withDefaults().run(pg.jdbcUrl(db), pg.username(), pg.password());
            Map<String, Integer> violations = LedgerChecks.violations(found);
            violations.forEach((k, n) -> System.out.printf("  VIOLATION: %s x%d%n", k, n));
            int violationCount = violations.values().stream().mapToInt(Integer::intValue).sum();

            long ok = all.stream().filter(o -> o.status() == 200 || o.status() == 201).count();
            long errors500 = all.stream().filter(o -> o.status() >= 500 && o.status() != 503).count();
            long outage = all.stream().filter(o -> "SERVICE_UNAVAILABLE".equals(o.reason())).count();
            long refused = all.stream().filter(o -> o.status() >= 400 && o.status() < 500
                    || o.status() == 503 && !"SERVICE_UNAVAILABLE".equals(o.reason())).count();
            List<Outcome> refusalsAB = new ArrayList<>();
            phaseA.stream().filter(o -> o.status() >= 400).forEach(refusalsAB::add);
            phaseB.stream().filter(o -> o.status() >= 400).forEach(refusalsAB::add);
            System.out.printf("load average after: %.2f%n", loadAverage());
            long overloaded = all.stream().filter(o -> "OVERLOADED".equals(o.reason())).count();
            System.out.printf("overload: requests=%d ok=%d refused=%d errors_500=%d outage_503=%d refusal_p99_ms=%.1f "
                            + "recovered_s=%.1f violations=%d overloaded=%d%n", all.size(), ok, refused, errors500, outage,
                    p99Millis(refusalsAB), recovered, violationCount, overloaded);
        } finally {
            if (b != null) {
                b.close();
            }
            a.close();
            pg.stop();
        }
    }

    /** CPU spent by the brokers, PostgreSQL and this load client over a phase, per answer. */
    private static final class Cpu {
        private final long[] brokers;
        private final long postgres;
        private final double[] start;

        Cpu(BrokerProcess a, BrokerProcess b, Path work) throws Exception {
            this.brokers = new long[] {a.handle().pid(), b.handle().pid()};
            this.postgres = Long.parseLong(Files.readAllLines(work.resolve("postgres/cluster/postmaster.pid"))
                    .getFirst().strip());
            this.start = now();
        }

        private double[] now() {
            return new double[] {ProcessCpu.treeMillis(brokers[0]) + ProcessCpu.treeMillis(brokers[1]),
                    ProcessCpu.treeMillis(postgres), ProcessCpu.selfMillis()};
        }

        /** @return the brokers' CPU per answer, ms */
        double report(int answers) {
            double[] end = now();
            System.out.printf("  cpu per answer: brokers %.2f ms, postgres %.2f ms, load client %.2f ms%n",
                    (end[0] - start[0]) / answers, (end[1] - start[1]) / answers, (end[2] - start[2]) / answers);
            return (end[0] - start[0]) / answers;
        }
    }

    /** Requests over {@link LeanHttp}: keep-alive connections, one per client. */
    private static StormEstate.Transport leanTransport(List<Integer> ports) {
        List<LeanHttp> brokers = ports.stream().map(p -> new LeanHttp("http://127.0.0.1:" + p, CLIENTS)).toList();
        return (broker, bearer, path) -> {
            LeanHttp.Response r = brokers.get(broker).post(path, bearer);
            if (r.status() < 0) {
                return new StormEstate.Answer(0, null, null, null);
            }
            String session = null;
            if (r.status() == 200 || r.status() == 201) {
                int s = r.body().indexOf("\"session\":{");
                session = s < 0 ? null : new LeanHttp.Response(r.status(), r.body().substring(s)).firstString("id");
            }
            return new StormEstate.Answer(r.status(), r.status() >= 400 ? r.firstString("reason") : null, session,
                    r.retryAfter());
        };
    }

    /** Everyone of the first {@code n} users connects to each pool once more: the places end up taken. */
    private static void fill(StormEstate e, int n) {
        for (int u = 0; u < n; u++) {
            for (var pool : e.pools) {
                e.connect(u % 2, u, pool);
            }
        }
    }

    /**
     * Refusals of both kinds on both brokers before anything is measured, until the brokers' CPU per refusal
     * has settled (a round within 5% of the one before; at least 6, at most 12 rounds of 4,000 of each kind),
     * every round printed: the JIT has then compiled the refusal paths, as in brokers that have been up a while.
     * (Measured on one broker: ~1.1 ms of CPU per refusal over the first 25,000 refusals, ~0.5 ms after.)
     */
    private static void warm(BrokerProcess a, BrokerProcess b, Path work, StormEstate exhausted, StormEstate quota)
            throws Exception {
        double previous = Double.MAX_VALUE;
        for (int round = 1; round <= 12; round++) {
            Cpu cpu = new Cpu(a, b, work);
            List<Outcome> outcomes = new ArrayList<>(exhausted.connectStorm(CLIENTS, 4_000, 40, 240, exhausted.pools, n -> { }));
            outcomes.addAll(quota.connectStorm(CLIENTS, 4_000, 20, 220, List.of(quota.pooled, quota.persistent), n -> { }));
            report("warm-up round " + round, outcomes);
            double now = cpu.report(outcomes.size());
            if (round >= 6 && Math.abs(now - previous) <= 0.05 * previous) {
                return;
            }
            previous = now;
        }
    }

    private static List<Outcome> churn(StormEstate e, AtomicBoolean stop, Queue<Outcome> soFar) {
        try {
            return e.churnUntil(CLIENTS, stop, soFar);
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static long firstSuccessAfter(Collection<Outcome> outcomes, long after, int broker) {
        return outcomes.stream().filter(o -> o.broker() == broker && o.doneAt() > after
                        && (o.status() == 200 || o.status() == 201))
                .mapToLong(Outcome::doneAt).min().orElse(-1);
    }

    private static void report(String phase, List<Outcome> outcomes) {
        long first = outcomes.stream().mapToLong(o -> o.doneAt() - o.nanos()).min().orElse(0);
        long last = outcomes.stream().mapToLong(Outcome::doneAt).max().orElse(0);
        double seconds = Math.max(1e-9, (last - first) / 1e9);
        System.out.printf("phase %s: %d answers in %.1f s (%.0f/s) %s; p50 %.1f ms, p99 %.1f ms; load average %.2f%n",
                phase, outcomes.size(), seconds, outcomes.size() / seconds, StormEstate.tally(outcomes),
                percentileMillis(outcomes, 0.50), percentileMillis(outcomes, 0.99), loadAverage());
    }

    private static double p99Millis(List<Outcome> outcomes) {
        return percentileMillis(outcomes, 0.99);
    }

    private static double percentileMillis(List<Outcome> outcomes, double q) {
        if (outcomes.isEmpty()) {
            return 0;
        }
        long[] n = outcomes.stream().mapToLong(Outcome::nanos).toArray();
        Arrays.sort(n);
        return n[Math.max(0, Math.min(n.length - 1, (int) Math.ceil(n.length * q) - 1))] / 1e6;
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
