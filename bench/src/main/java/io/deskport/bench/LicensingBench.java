package io.deskport.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.deskport.broker.support.LedgerChecks;

/**
 * bench/licensing: what licence seats cost the connect. The logon storm's saturation phase
 * ({@link LogonStorm#saturate}) runs several times back to back on one broker, one database, one tenant with the
 * same users and pools, alternately plain and licensed — A B A B A by default, so that a drift of the shared
 * machine during the run falls on both sides alike. In a licensed phase the pools' sessions consume two products
 * made for that phase, a {@code CONCURRENT_USER} and a {@code NAMED_USER} one, both HARD with a seat for every
 * user: every connect takes a seat of each (a first-use assignment for the named one), every logoff gives the
 * concurrent seat back. Between phases the requirement goes (its named seats stay held), everyone is logged off,
 * the ledger is checked and the database settles (autovacuum idle, a checkpoint).
 * Last line: {@code licensing: plain_connects_per_s=A licensed_connects_per_s=B relative=R violations=V}, with A
 * and B the means of the plain and the licensed phases and R = B / A.
 */
public final class LicensingBench {

    private final Map<String, String> opt;
    private final LogonStorm storm;
    private final BenchLicences licences;
    private final LedgerChecks ledger = LedgerChecks.withDefaults();
    private final StatementStatistics statistics;
    /** Rows of the ledger that must not exist, seats over capacity among them, and expectations missed. */
    private int violations;
    /** Answers other than a new session (capacity and seats cover every user). */
    private int unexpected;

    private LicensingBench(Map<String, String> opt) {
        this.opt = opt;
        this.storm = new LogonStorm(opt);
        this.licences = new BenchLicences(opt.get("jdbc"), opt.get("db-user"), opt.get("db-password"));
        this.statistics = new StatementStatistics(opt.get("jdbc"), opt.get("db-user"), opt.get("db-password"),
                Integer.parseInt(opt.getOrDefault("statements", "15")));
    }

    public static void main(String[] args) throws Exception {
        // pairs: licensed phases, each followed by a plain one (after a first plain one); warmup-rounds: plain rounds
        // of every user before the one licensed round; seats: each product's seats (default: one per user)
        new LicensingBench(LogonStorm.options(args, Map.of("pairs", "2", "warmup-rounds", "2", "settle-seconds", "60")))
                .run();
    }

    /** The two products a licensed phase's connects take a seat of. */
    private record Products(UUID concurrent, UUID named) {
    }

    private record Phase(int number, boolean licensed, String loadAtStart, LogonStorm.Saturation saturation) {

        String mode() {
            return licensed ? "licensed" : "plain";
        }

        double connectsPerS() {
            return saturation.connectsPerS();
        }
    }

    private void run() throws Exception {
        System.out.printf("load average at start: %s%n", loadAverage());
        LogonStorm.Estate estate = storm.setUp();
        int users = estate.users();
        int seats = Integer.parseInt(opt.getOrDefault("seats", Integer.toString(users)));
        List<UUID> pools = estate.pools().stream().map(LogonStorm.Pool::id).toList();

        // warm-up, not measured: every user, so that each PERSISTENT pool's users have their own desktops before
        // the first measured phase and every phase sees the same estate; plain rounds, then a licensed one (its
        // products then dropped from the pools), so that both paths are compiled and the licence functions planned
        storm.warmUp(estate, users, Integer.parseInt(opt.get("warmup-rounds")));
        Products warm = requireProducts(estate, pools, "warm-up", seats);
        storm.warmUp(estate, users, 1);
        unrequire(pools, warm);
        violations += check("warm-up", estate, null, 0, 0);

        int pairs = Integer.parseInt(opt.get("pairs"));
        List<Phase> phases = new ArrayList<>();
        for (int n = 1; n <= 2 * pairs + 1; n++) {
            boolean licensed = n % 2 == 0;
            settle(opt);
            Products products = licensed ? requireProducts(estate, pools, "phase-" + n, seats) : null;
            String load = loadAverage();
            System.out.printf("%n--- phase %d: %s (load average %s)%n", n, licensed
                    ? "licensed: every connect takes a CONCURRENT_USER and a NAMED_USER seat" : "plain", load);
            boolean statements = statistics.reset();
            LogonStorm.Saturation s = storm.saturate(estate);
            if (statements) {
                statistics.print(users);
            }
            phases.add(new Phase(n, licensed, load, s));
            String label = "phase " + n + " (" + (licensed ? "licensed" : "plain") + ")";
            // an answer other than a new session is a violation once (capacity covers every user); the ledger's
            // expectations then follow from the sessions that were made
            unexpected += LogonStorm.unexpected(s.outcomes(), label);
            int connected = (int) Arrays.stream(s.outcomes()).filter(o -> o.status() == 201).count();
            violations += check(label + ", connected", estate, products, connected, connected);
            storm.logOff(estate, s.outcomes());
            violations += check(label + ", logged off", estate, products, 0, connected);
            if (licensed) {
                unrequire(pools, products);
            }
        }

        summary(phases);
        System.out.printf("load average at end: %s%n", loadAverage());
        System.out.printf("violations: %d in the ledger and the seats held, %d answers other than a new session%n",
                violations, unexpected);
        double plain = mean(phases, false, Phase::connectsPerS);
        double licensed = mean(phases, true, Phase::connectsPerS);
        System.out.printf("licensing: plain_connects_per_s=%.0f licensed_connects_per_s=%.0f relative=%.2f violations=%d%n",
                plain, licensed, licensed / plain, violations + unexpected);
    }

    /** Two fresh products for the pools' sessions: a new named seat for every user, whatever earlier phases held. */
    private Products requireProducts(LogonStorm.Estate estate, List<UUID> pools, String name, int seats) throws Exception {
        Products p = new Products(licences.product(estate.tenant(), "rds-cal-" + name, "CONCURRENT_USER", seats),
                licences.product(estate.tenant(), "vdi-named-" + name, "NAMED_USER", seats));
        licences.require(pools, p.concurrent());
        licences.require(pools, p.named());
        return p;
    }

    private void unrequire(List<UUID> pools, Products p) throws Exception {
        licences.unrequire(pools, p.concurrent());
        licences.unrequire(pools, p.named());
    }

    /**
     * The ledger (every check of {@link LedgerChecks}, the licence checks among them), no shard above its
     * capacity, the live sessions expected and, for a licensed phase, the seats its products hold: a concurrent
     * seat per live session (each user has at most one), a named seat for every user who has connected.
     *
     * @param live    the live sessions there must be
     * @param named   the users who connected in this phase, each holding a named seat
     * @return violations found, each printed
     */
    private int check(String phase, LogonStorm.Estate estate, Products products, int live, int named) throws Exception {
        long t0 = System.nanoTime();
        int found = 0;
        Map<String, Integer> wrong = LedgerChecks.violations(ledger.run(opt.get("jdbc"), opt.get("db-user"),
                opt.get("db-password")));
        for (var e : wrong.entrySet()) {
            System.out.printf("  VIOLATION after %s: %s ×%d%n", phase, e.getKey(), e.getValue());
            found += e.getValue();
        }
        int over = licences.shardsOverCapacity();
        if (over > 0) {
            System.out.printf("  VIOLATION after %s: licence shard above its capacity ×%d%n", phase, over);
            found += over;
        }
        found += storm.expectLive(estate.tenant(), live, phase);
        if (products != null) {
            found += expectHeld(phase, "CONCURRENT_USER", products.concurrent(), live);
            found += expectHeld(phase, "NAMED_USER", products.named(), named);
        }
        System.out.printf("ledger after %s: %d violations (%.1f s)%n", phase, found, (System.nanoTime() - t0) / 1e9);
        return found;
    }

    private int expectHeld(String phase, String model, UUID product, int expected) throws Exception {
        int held = licences.held(product);
        if (held != expected) {
            System.out.printf("  VIOLATION after %s: %d %s seats held, expected %d%n", phase, held, model, expected);
            return Math.abs(held - expected);
        }
        return 0;
    }

    /**
     * Lets the database settle before a phase, so that no phase pays for the one before: autovacuum is idle
     * (waiting at most settle-seconds), a checkpoint is done.
     */
    static void settle(Map<String, String> opt) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + Long.parseLong(opt.get("settle-seconds")) * 1_000_000_000L;
        int vacuums;
        try (Connection c = DriverManager.getConnection(opt.get("jdbc"), opt.get("db-user"), opt.get("db-password"));
             Statement st = c.createStatement()) {
            while ((vacuums = autovacuumWorkers(st)) > 0 && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            st.execute("checkpoint");
        }
        System.out.printf("settled in %.1f s (autovacuum workers: %d)%n", (System.nanoTime() - t0) / 1e9, vacuums);
    }

    private static int autovacuumWorkers(Statement st) throws Exception {
        try (ResultSet rs = st.executeQuery("select count(*) from pg_stat_activity where backend_type = 'autovacuum worker'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void summary(List<Phase> phases) {
        System.out.printf("%nphase  mode       connects/s   p50 ms   p99 ms  OVERLOADED   cpu per connect: broker  postgres  client"
                + "   load average at start%n");
        for (Phase p : phases) {
            long[] lat = LogonStorm.latencies(p.saturation().outcomes());
            System.out.printf("%5d  %-9s %11.0f %8.1f %8.1f %11d %24.2f %9.2f %7.2f   %s%n", p.number(), p.mode(),
                    p.connectsPerS(), LogonStorm.pct(lat, 50), LogonStorm.pct(lat, 99), p.saturation().overloaded(),
                    p.saturation().brokerCpuMs(), p.saturation().postgresCpuMs(), p.saturation().clientCpuMs(),
                    p.loadAtStart());
        }
        // each licensed phase against the mean of the plain phases either side of it
        StringBuilder each = new StringBuilder();
        for (int i = 1; i + 1 < phases.size(); i += 2) {
            double around = (phases.get(i - 1).connectsPerS() + phases.get(i + 1).connectsPerS()) / 2;
            each.append(each.isEmpty() ? "" : ", ").append(String.format("phase %d %.2f", phases.get(i).number(),
                    phases.get(i).connectsPerS() / around));
        }
        System.out.printf("each licensed phase / the mean of the plain phases either side: %s%n", each);
        System.out.printf("mean cpu per connect: plain broker %.2f ms, postgres %.2f ms; licensed broker %.2f ms, "
                        + "postgres %.2f ms; the licences' cost: broker %+.2f ms, postgres %+.2f ms%n",
                mean(phases, false, p -> p.saturation().brokerCpuMs()), mean(phases, false, p -> p.saturation().postgresCpuMs()),
                mean(phases, true, p -> p.saturation().brokerCpuMs()), mean(phases, true, p -> p.saturation().postgresCpuMs()),
                mean(phases, true, p -> p.saturation().brokerCpuMs()) - mean(phases, false, p -> p.saturation().brokerCpuMs()),
                mean(phases, true, p -> p.saturation().postgresCpuMs()) - mean(phases, false, p -> p.saturation().postgresCpuMs()));
    }

    private static double mean(List<Phase> phases, boolean licensed, java.util.function.ToDoubleFunction<Phase> f) {
        return phases.stream().filter(p -> p.licensed() == licensed).mapToDouble(f).average().orElse(Double.NaN);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }
}
