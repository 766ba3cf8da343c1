package io.deskport.bench.console;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import io.deskport.bench.adminapi.Estate;
import io.deskport.bench.adminapi.ListHttp;
import io.deskport.bench.adminapi.RequestPlans;
import io.deskport.broker.database.EmbeddedPostgres;
import io.deskport.broker.support.BrokerProcess;


/**
 * bench/console (issue #22): the admin API calls behind each page of the console, over a tenant of 10,000 desktops,
 * 200 session hosts and 200 hypervisor hosts, 2,000 users, 100,000 ended sessions and 1,000,000 audit lines
 * ({@link Estate}), with three smaller tenants beside it (a fifth of it each, so that every list filters by tenant)
 * and its licences ({@link LicenceEstate}); the tenants' audit lines interleaved by time as a broker writes them
 * ({@link Estate#seedAll}). One broker on an embedded PostgreSQL; every view of every page
 * ({@link ConsolePages}: opening it, each filter, sort, next and deep page) is made concrete once (next links
 * followed), then all views take turns: {@code warmup} rounds, then
 * {@code rounds} measured rounds, each call over one keep-alive HTTP/1.1 connection with the tenant admin's bearer
 * token (the tenant list with the platform operator's), from writing the request to the last byte of the answer.
 *
 * <p>Last line: {@code console: pages=N p95_ms=P slowest=<page> dashboard_ms=D} — {@code p95_ms} over every
 * measurement of every call of every page, {@code slowest} the page whose calls have the highest p95,
 * {@code dashboard_ms} the p95 of {@code GET /api/v1/admin/dashboard} ({@code n/a} while the broker has none).
 * Targets: p95_ms ≤ 100, dashboard_ms ≤ 300.
 *
 * <p>Then, unless {@code --no-write-cost}: what the indexes of migration V28 cost the writes of a connect ({@link WriteCost}).
 *
 * <p>Arguments: {@code work-dir [--rounds 20] [--warmup 5] [--others 3] [--explain] [--no-write-cost]
 * [--broker.setting=value ...]}.
 */
public final class ConsoleBench {

    static final double TARGET_MS = 100;
    static final double DASHBOARD_TARGET_MS = 300;
    static final String DASHBOARD = ConsolePages.API + "/dashboard";

    /** A view made concrete: its calls' paths. */
    record ReadyView(ConsolePages.View view, List<ConsolePages.Resolved> calls) {
    }

    /** A view's measurements: ms[call][round]. */
    record Result(ReadyView view, double[][] ms) {

        double total(int round) {
            double t = 0;
            for (double[] call : ms) {
                t += call[round];
            }
            return t;
        }
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "bench/target/console");
        int rounds = 20;
        int warmup = 5;
        int others = 3;
        boolean explainAll = false;
        boolean writeCost = true;
        List<String> brokerArgs = new ArrayList<>(List.of(
                // the seeded managed desktops have no VMs behind them: a reconciler would mark them GHOST and replace
                // them, and prune the seeded tasks (older than its retention); it runs nowhere here
                "--deskport.provisioning.enabled=false"));
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--others" -> others = Integer.parseInt(args[++i]);
                case "--explain" -> explainAll = true;
                case "--no-write-cost" -> writeCost = false;
                default -> brokerArgs.add(args[i]);
            }
        }
        Files.createDirectories(work);
        System.out.printf("load average at the start: %s%n", loadAverage());
        System.out.println("broker settings: " + brokerArgs);
        RequestPlans.drift().forEach(d -> System.out.println("  WARNING: bench/admin-api's rebuilt listing differs from the broker: " + d));

        EmbeddedPostgres pg = EmbeddedPostgres.start(work.resolve("postgres"), 0);
        String db = "console";
        pg.ensureDatabase(db);
        String url = pg.jdbcUrl(db);
        String operatorPassword = "platform-op-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        BrokerProcess broker = BrokerProcess.start("console", work, url, pg.username(), pg.password(), operatorPassword,
                brokerArgs);
        try {
            broker.awaitHealthy(Duration.ofSeconds(180));
            long t0 = System.nanoTime();
            Estate estate = Estate.create(broker.port(), operatorPassword, "estate", Estate.Scale.ISSUE_18);
            List<Estate> small = new ArrayList<>();
            for (int i = 1; i <= others; i++) {
                small.add(Estate.create(broker.port(), operatorPassword, "branch-" + i, Estate.Scale.ISSUE_18.divided(5)));
            }
            System.out.printf("%d tenants, their admins and pools made through the API in %.1f s; seeding with SQL:%n",
                    1 + others, (System.nanoTime() - t0) / 1e9);
            List<Estate> all = new ArrayList<>(List.of(estate));
            all.addAll(small);
            Estate.seedAll(url, pg.username(), pg.password(), all);
            t0 = System.nanoTime();
            LicenceEstate licences = new LicenceEstate();
            licences.create(broker.port(), estate.adminToken, estate);
            System.out.printf("licence products, licences and pool requirements made through the API in %.1f s%n",
                    (System.nanoTime() - t0) / 1e9);
            licences.seed(url, pg.username(), pg.password(), estate);
            try (Connection c = DriverManager.getConnection(url, pg.username(), pg.password()); Statement st = c.createStatement()) {
                t0 = System.nanoTime();
                // the dashboard's last hour of connects and refusals (V29's connect_tally, which each broker adds its
                // in-memory counts to every couple of seconds): two hours of minutes, for the estate's pools
                int tallies = st.executeUpdate("insert into connect_tally (tenant_id, minute, outcome, pool_id, count) "
                        + "select p.tenant_id, date_trunc('minute', now()) - m * interval '1 minute', o.outcome, p.id, "
                        + "1 + (abs(hashtext(p.id::text || m || o.outcome)) % 40) from desktop_pool p "
                        + "cross join generate_series(1, 120) m cross join (values ('CREATED'), ('RECONNECTED'), "
                        + "('POOL_EXHAUSTED'), ('LICENCE_EXHAUSTED'), ('TENANT_QUOTA')) o(outcome) "
                        + "where p.tenant_id = '" + estate.tenant + "' and (o.outcome in ('CREATED', 'RECONNECTED') "
                        + "or abs(hashtext(p.id::text || m)) % 7 = 0)");
                System.out.printf("  connect tallies of the last two hours: %,d rows%n", tallies);
                st.execute("vacuum (analyze)");
                st.execute("checkpoint");
                System.out.printf("  vacuum (analyze) of the whole database, checkpoint: %.1f s%n", (System.nanoTime() - t0) / 1e9);
                try (ResultSet rs = st.executeQuery("select id from app_user where tenant_id = '" + estate.tenant
                        + "' and username = 'user0250'")) {
                    rs.next();
                    estate.ids.put("tenantAdmin", rs.getString(1));
                }
                awaitRollups(st);
            }
            System.out.printf("load average after seeding: %s%n", loadAverage());

            List<ConsolePages.View> views = new ArrayList<>(ConsolePages.views(estate, licences));
            List<ReadyView> ready;
            List<Result> results;
            try (ListHttp http = new ListHttp("127.0.0.1", broker.port())) {
                int dashboard = http.get(DASHBOARD, estate.adminToken).status();
                System.out.printf("GET %s answers %d%s%n", DASHBOARD, dashboard, dashboard == 200 ? ": measured" : ": not measured");
                if (dashboard == 200) {
                    views.add(new ConsolePages.View("dashboard", "first", "", List.of(ConsolePages.Call.get("dashboard", DASHBOARD))));
                }
                ready = resolve(http, estate, views);
                results = measure(http, estate, ready, warmup, rounds);
            }
            System.out.printf("load average after measuring: %s%n", loadAverage());
            report(results, rounds, warmup);
            try (Connection c = DriverManager.getConnection(url, pg.username(), pg.password())) {
                explain(c, estate, results, explainAll);
            }
            if (writeCost) {
                // the broker waits meanwhile: the indexes are dropped (and put back) in a transaction of their own
                WriteCost.measure(url, pg.username(), pg.password(), estate.tenant, estate.pool("persistent-7").id(),
                        20_000, 5_000);
            }
            summary(results);
        } finally {
            broker.close();
            pg.stop();
        }
    }

    /** The roll-up pass reads the usage events the seed's API calls wrote (the PER_DESKTOP seats): it is let finish. */
    private static void awaitRollups(Statement st) throws Exception {
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 180e9) {
            try (ResultSet rs = st.executeQuery("select count(*) from usage_event e, usage_rollup_state s "
                    + "where (e.tx, e.seq) > (s.cursor_tx, s.cursor_seq)")) {
                rs.next();
                long behind = rs.getLong(1);
                if (behind <= 0) {
                    System.out.printf("  usage roll-ups up to date after %.0f s%n", (System.nanoTime() - t0) / 1e9);
                    return;
                }
            }
            Thread.sleep(2_000);
        }
        System.out.println("  usage roll-ups still behind after 180 s (measuring anyway)");
    }

    // --- making the views concrete

    private static ListHttp.Response get(ListHttp http, Estate e, String path, boolean operator, int status) throws Exception {
        ListHttp.Response r = http.get(path, operator ? e.operatorToken : e.adminToken);
        if (r.status() != status) {
            throw new IllegalStateException("GET " + path + " answered " + r.status() + ": "
                    + r.text().substring(0, Math.min(500, r.text().length())));
        }
        return r;
    }

    /** Follows next links, once per view. */
    private static List<ReadyView> resolve(ListHttp http, Estate e, List<ConsolePages.View> views) throws Exception {
        List<ReadyView> out = new ArrayList<>();
        long t0 = System.nanoTime();
        for (ConsolePages.View v : views) {
            List<ConsolePages.Resolved> calls = new ArrayList<>();
            boolean missing = false;
            for (ConsolePages.Call c : v.calls()) {
                String path = c.list();
                int page = 1;
                ListHttp.Response r = get(http, e, path, c.operator(), c.status());
                while (page <= c.walk() && r.next() != null) {
                    path = r.next();
                    page++;
                    r = get(http, e, path, c.operator(), c.status());
                }
                if (page <= c.walk()) {
                    System.out.printf("  %s %s: the list has %d page(s) only, not measured%n", v.page(), v.label(), page);
                    missing = true;
                    break;
                }
                calls.add(new ConsolePages.Resolved(c.label(), path, c.operator(), c.status()));
            }
            if (!missing) {
                out.add(new ReadyView(v, calls));
            }
        }
        System.out.printf("%d views of %d pages made concrete in %.1f s%n", out.size(),
                out.stream().map(r -> r.view().page()).distinct().count(), (System.nanoTime() - t0) / 1e9);
        return out;
    }

    // --- measuring

    private static List<Result> measure(ListHttp http, Estate e, List<ReadyView> views, int warmup, int rounds) throws Exception {
        long t0 = System.nanoTime();
        for (int w = 0; w < warmup; w++) {
            for (ReadyView v : views) {
                for (ConsolePages.Resolved c : v.calls()) {
                    time(http, e, c);
                }
            }
        }
        System.out.printf("warm-up: %d rounds of %d views in %.1f s; load average %s%n", warmup, views.size(),
                (System.nanoTime() - t0) / 1e9, loadAverage());
        double[][][] ms = new double[views.size()][][];
        for (int i = 0; i < views.size(); i++) {
            ms[i] = new double[views.get(i).calls().size()][rounds];
        }
        t0 = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < views.size(); i++) {
                List<ConsolePages.Resolved> calls = views.get(i).calls();
                for (int c = 0; c < calls.size(); c++) {
                    ms[i][c][r] = time(http, e, calls.get(c));
                }
            }
        }
        System.out.printf("measured: %d rounds of %d views in %.1f s; load average %s%n", rounds, views.size(),
                (System.nanoTime() - t0) / 1e9, loadAverage());
        List<Result> out = new ArrayList<>();
        for (int i = 0; i < views.size(); i++) {
            out.add(new Result(views.get(i), ms[i]));
        }
        return out;
    }

    /** @return the call's time in ms */
    private static double time(ListHttp http, Estate e, ConsolePages.Resolved c) throws Exception {
        return get(http, e, c.path(), c.operator(), c.status()).nanos() / 1e6;
    }

    // --- the report

    private static boolean isDashboard(Result r) {
        return r.view().view().page().equals("dashboard");
    }

    private static void report(List<Result> results, int rounds, int warmup) {
        System.out.printf("%nms over %d measured rounds (after %d warm-up rounds); a view's time is the sum of its calls "
                + "(one after the other); * a call over the %.0f ms target at its p95%n", rounds, warmup, TARGET_MS);
        System.out.printf("%-28s %-7s %-44s %5s %9s %9s %s%n", "page", "view", "what", "calls", "view p50", "view p95",
                "slowest call: p50 / p95 ms");
        for (Result r : results) {
            ConsolePages.View v = r.view().view();
            double[] totals = new double[r.ms()[0].length];
            for (int i = 0; i < totals.length; i++) {
                totals[i] = r.total(i);
            }
            int worst = 0;
            for (int c = 1; c < r.ms().length; c++) {
                if (percentile(r.ms()[c], 0.95) > percentile(r.ms()[worst], 0.95)) {
                    worst = c;
                }
            }
            double p95 = percentile(r.ms()[worst], 0.95);
            System.out.printf("%-28s %-7s %-44s %5d %9.1f %9.1f %s %.1f / %.1f%s%n", v.page(), v.kind(), shorten(v.label(), 44),
                    r.ms().length, percentile(totals, 0.5), percentile(totals, 0.95), r.view().calls().get(worst).label(),
                    percentile(r.ms()[worst], 0.5), p95, p95 > TARGET_MS ? " *" : "");
        }
        System.out.printf("%nper page: p95 of every measurement of its calls (ms)%n");
        for (Map.Entry<String, double[]> page : byPage(results).entrySet()) {
            System.out.printf("  %-28s %7.1f  (%d measurements)%n", page.getKey(), percentile(page.getValue(), 0.95),
                    page.getValue().length);
        }
        System.out.printf("%ncalls over the %.0f ms target at their p95:%n", TARGET_MS);
        boolean any = false;
        for (Result r : results) {
            for (int c = 0; c < r.ms().length; c++) {
                double p95 = percentile(r.ms()[c], 0.95);
                double limit = isDashboard(r) ? DASHBOARD_TARGET_MS : TARGET_MS;
                if (p95 > limit) {
                    any = true;
                    ConsolePages.Resolved call = r.view().calls().get(c);
                    System.out.printf("  %-20s %-38s p50 %7.1f p95 %7.1f  %s%n", r.view().view().page(),
                            shorten(r.view().view().kind() + " " + r.view().view().label(), 38), percentile(r.ms()[c], 0.5), p95,
                            shorten(call.path(), 160));
                }
            }
        }
        if (!any) {
            System.out.println("  none");
        }
    }

    private static Map<String, double[]> byPage(List<Result> results) {
        Map<String, List<Double>> m = new LinkedHashMap<>();
        for (Result r : results) {
            if (isDashboard(r)) {
                continue;
            }
            List<Double> all = m.computeIfAbsent(r.view().view().page(), k -> new ArrayList<>());
            for (double[] call : r.ms()) {
                for (double x : call) {
                    all.add(x);
                }
            }
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.stream().mapToDouble(Double::doubleValue).toArray()));
        return out;
    }

    private static String shorten(String s, int max) {
        String t = s.replaceAll("([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "$1…");
        return t.length() <= max ? t : t.substring(0, max - 1) + "…";
    }

    /** EXPLAIN (ANALYZE, BUFFERS) of the list calls over the target (every list call with {@code --explain}). */
    private static void explain(Connection c, Estate e, List<Result> results, boolean all) throws Exception {
        Set<String> done = new LinkedHashSet<>();
        for (Result r : results) {
            for (int i = 0; i < r.ms().length; i++) {
                ConsolePages.Resolved call = r.view().calls().get(i);
                if (call.operator() || !(all || percentile(r.ms()[i], 0.95) > TARGET_MS) || !done.add(call.path())) {
                    continue;
                }
                String plans = RequestPlans.explain(c, e.tenant, call.path());
                System.out.printf("%n== %s %s %s: p50 %.1f ms, p95 %.1f ms — GET %s%n", r.view().view().page(),
                        r.view().view().kind(), r.view().view().label(), percentile(r.ms()[i], 0.5),
                        percentile(r.ms()[i], 0.95), call.path());
                System.out.print(plans == null ? "  (not a list bench/admin-api rebuilds: EXPLAIN it by hand)\n" : plans);
            }
        }
    }

    private static void summary(List<Result> results) {
        Map<String, double[]> pages = byPage(results);
        double[] all = pages.values().stream().flatMapToDouble(Arrays::stream).toArray();
        String slowest = null;
        double slowestP95 = -1;
        for (Map.Entry<String, double[]> p : pages.entrySet()) {
            double p95 = percentile(p.getValue(), 0.95);
            if (p95 > slowestP95) {
                slowestP95 = p95;
                slowest = p.getKey();
            }
        }
        String dashboard = results.stream().filter(ConsoleBench::isDashboard).findFirst()
                .map(r -> String.format("%.1f", percentile(r.ms()[0], 0.95))).orElse("n/a");
        System.out.printf("%nload average at the end: %s%n", loadAverage());
        System.out.printf("console: pages=%d p95_ms=%.1f slowest=%s dashboard_ms=%s%n", pages.size(), percentile(all, 0.95),
                slowest, dashboard);
    }

    static double percentile(double[] values, double q) {
        if (values.length == 0) {
            return 0;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        return v[Math.max(0, Math.min(v.length - 1, (int) Math.ceil(v.length * q) - 1))];
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (Exception e) {
            return String.format("%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
    }
}
