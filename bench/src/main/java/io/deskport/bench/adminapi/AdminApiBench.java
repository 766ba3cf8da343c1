package io.deskport.bench.adminapi;

import java.lang.management.ManagementFactory;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.deskport.broker.database.EmbeddedPostgres;
import io.deskport.broker.support.BrokerProcess;

/**
 * bench/admin-api (issue #18, "Admin API for an estate of 10,000 desktops"): one broker on an embedded PostgreSQL
 * holding the {@link Estate}; every admin list endpoint is timed over HTTP with the tenant admin's bearer token (the
 * tenant list with the platform operator's): its first page, a filtered page, a page in a non-default order and a
 * deep page (the page reached by following {@code Link rel="next"} 50 times with {@code limit=100}), and further
 * filters of each list beside them. Each request is sent {@code warmup} times, then measured {@code rounds} times,
 * all requests taking turns in each round. For every request over the target its statements are EXPLAINed. Last line:
 * {@code admin-api: lists=N p95_ms=P slowest=<list> deep_page_ms=D}: p95 over every measurement of the four kinds
 * of every list, {@code slowest} the list whose own measurements have the highest p95, {@code deep_page_ms} the
 * slowest deep page's median. Targets: p95_ms ≤ 50, deep_page_ms ≤ 50.
 *
 * <p>Arguments: {@code work-dir [--rounds 20] [--warmup 10] [--explain-all] [--broker.setting=value ...]}.
 */
public final class AdminApiBench {

    static final double TARGET_MS = 50;
    private static final List<String> KINDS = List.of("first", "filtered", "sorted", "deep");

    /** One request the bench measures. */
    record Variant(Lists.Endpoint endpoint, String kind, String label, UUID pathPool, String path) {
    }

    /** A measured request: its timings (ms), the total its first answer named, the page it is (deep: its number). */
    record Result(Variant variant, double[] ms, String total, int page) {

        double median() {
            return percentile(ms, 0.5);
        }

        double p95() {
            return percentile(ms, 0.95);
        }
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "bench/target/admin-api");
        int rounds = 20;
        int warmup = 10;
        boolean explainAll = false;
        List<String> brokerArgs = new ArrayList<>(List.of(
                // the seeded managed desktops have no VMs behind them: a reconciler would start marking them GHOST
                // and replacing them, and would prune the seeded tasks (older than its retention); it runs nowhere here
                "--deskport.provisioning.enabled=false"));
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                case "--explain-all" -> explainAll = true;
                default -> brokerArgs.add(args[i]);
            }
        }
        Files.createDirectories(work);
        System.out.printf("load average before: %s%n", loadAverage());
        System.out.println("broker settings: " + brokerArgs);
        List<String> drift = Lists.checkAgainstBroker();
        if (drift.isEmpty()) {
            System.out.println("the bench's reconstruction of the listings' SQL matches the broker's static listings");
        } else {
            drift.forEach(d -> System.out.println("  WARNING: listing SQL reconstruction differs from the broker: " + d));
        }

        EmbeddedPostgres pg = EmbeddedPostgres.start(work.resolve("postgres"), 0);
        String db = "adminapi";
        pg.ensureDatabase(db);
        String operatorPassword = "platform-op-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        BrokerProcess broker = BrokerProcess.start("admin", work, pg.jdbcUrl(db), pg.username(), pg.password(),
                operatorPassword, brokerArgs);
        try {
            broker.awaitHealthy(Duration.ofSeconds(180));
            long t0 = System.nanoTime();
            Estate estate = Estate.create(broker.port(), operatorPassword);
            System.out.printf("tenant, admin and %d pools made through the API in %.1f s; seeding with SQL:%n",
                    estate.pools.size(), (System.nanoTime() - t0) / 1e9);
            estate.seed(pg.jdbcUrl(db), pg.username(), pg.password());
            System.out.printf("load average after seeding: %s%n", loadAverage());

            List<Variant> variants = variants(estate);
            List<Result> results;
            try (ListHttp http = new ListHttp("127.0.0.1", broker.port())) {
                variants = withDeepPages(http, estate, variants);
                results = measure(http, estate, variants, warmup, rounds);
            }
            System.out.printf("load average after measuring: %s%n", loadAverage());
            report(results, rounds, warmup);
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(db), pg.username(), pg.password())) {
                explain(c, estate, results, explainAll);
            }
            summary(results);
        } finally {
            broker.close();
            pg.stop();
        }
    }

    // --- the requests

    private static String q(String name, String value) {
        return name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static List<Variant> variants(Estate e) {
        Map<String, String> id = e.ids;
        UUID big = e.pool("callcentre").id();
        UUID shared = e.pool("apps-0").id();
        String dayAgo = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        String weekAgo = Instant.now().minus(7, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        String sixDaysAgo = Instant.now().minus(6, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS).toString();
        List<Variant> v = new ArrayList<>();
        // endpoint, pool of its path, filtered, sorted, where the deep walk starts
        Object[][] main = {
            {Lists.USERS, null, q("q", "user12"), "sort=-createdAt", ""},
            {Lists.GROUPS, null, q("memberId", id.get("user")), "sort=-createdAt", ""},
            {Lists.TENANTS, null, q("q", "estate"), "sort=-createdAt", ""},
            {Lists.POOLS, null, "kind=SHARED", "sort=-updatedAt", ""},
            {Lists.DESKTOPS, null, "state=FAILED", "sort=-stateChangedAt", ""},
            {Lists.POOL_DESKTOPS, big, "state=IN_USE", "sort=-stateChangedAt", ""},
            {Lists.SESSION_HOSTS, null, "state=UNREACHABLE", "sort=-activeSessions", ""},
            {Lists.POOL_SESSION_HOSTS, shared, "draining=true", "sort=-activeSessions", ""},
            {Lists.HYPERVISOR_HOSTS, null, "reachable=false", "sort=-createdAt", ""},
            {Lists.SESSIONS, null, "liveOnly=false&" + q("userId", id.get("user")), "sort=-stateChangedAt", "liveOnly=false"},
            {Lists.AUDIT, null, q("actorId", id.get("user")), "sort=id", ""},
            {Lists.TASKS, null, "state=FAILED", "sort=createdAt", ""},
            {Lists.POOL_TASKS, big, "state=FAILED", "sort=createdAt", ""},
            {Lists.ENTITLEMENTS, big, q("groupId", id.get("group")), "sort=-createdAt", ""},
        };
        for (Object[] m : main) {
            Lists.Endpoint ep = (Lists.Endpoint) m[0];
            UUID pool = (UUID) m[1];
            v.add(variant(ep, "first", "", pool, ""));
            v.add(variant(ep, "filtered", (String) m[2], pool, (String) m[2]));
            v.add(variant(ep, "sorted", (String) m[3], pool, (String) m[3]));
            // the deep page's path is found by walking (withDeepPages); this holds where the walk starts
            v.add(variant(ep, "deep", (String) m[4], pool, (String) m[4]));
        }
        // further filters: every filter of every list at least once (not part of p95_ms; reported beside it)
        Object[][] extra = {
            {Lists.USERS, null, "role=TENANT_ADMIN"},
            {Lists.USERS, null, "enabled=false"},
            {Lists.GROUPS, null, q("q", "dept-01")},
            {Lists.POOLS, null, "enabled=false"},
            {Lists.POOLS, null, q("q", "persistent")},
            {Lists.DESKTOPS, null, q("poolId", big.toString()) + "&state=READY"},
            {Lists.DESKTOPS, null, q("userId", id.get("assignedUser"))},
            {Lists.DESKTOPS, null, "managed=false"},
            {Lists.DESKTOPS, null, q("q", "10.20.3.")},
            {Lists.POOL_DESKTOPS, big, q("q", "vdi-0-0042")},
            {Lists.SESSION_HOSTS, null, q("poolId", e.pool("apps-1").id().toString())},
            {Lists.SESSION_HOSTS, null, "draining=true"},
            {Lists.SESSION_HOSTS, null, q("q", "rdsh-15")},
            {Lists.POOL_SESSION_HOSTS, shared, "state=AVAILABLE"},
            {Lists.HYPERVISOR_HOSTS, null, "driverId=simulated"},
            {Lists.HYPERVISOR_HOSTS, null, "maintenance=true"},
            {Lists.HYPERVISOR_HOSTS, null, q("q", "hv-1")},
            {Lists.SESSIONS, null, "liveOnly=false"},
            {Lists.SESSIONS, null, "liveOnly=false&sort=-stateChangedAt"},
            {Lists.SESSIONS, null, "state=DISCONNECTED"},
            {Lists.SESSIONS, null, q("poolId", big.toString())},
            {Lists.SESSIONS, null, "liveOnly=false&" + q("poolId", e.pool("apps-1").id().toString())},
            {Lists.SESSIONS, null, "liveOnly=false&" + q("desktopId", id.get("desktop"))},
            {Lists.SESSIONS, null, "liveOnly=false&" + q("hostId", id.get("sessionHost"))},
            {Lists.SESSIONS, null, "liveOnly=false&" + q("since", dayAgo)},
            {Lists.SESSIONS, null, "liveOnly=false&" + q("q", "user0042")},
            {Lists.AUDIT, null, "objectType=SESSION&" + q("objectId", id.get("session"))},
            {Lists.AUDIT, null, "objectType=DESKTOP"},
            {Lists.AUDIT, null, "action=SESSION_ENDED"},
            {Lists.AUDIT, null, "action=USER_CREATED"},
            {Lists.AUDIT, null, q("since", weekAgo) + "&" + q("until", sixDaysAgo)},
            {Lists.TASKS, null, "type=CREATE"},
            {Lists.TASKS, null, q("desktopId", id.get("taskDesktop"))},
            {Lists.TASKS, null, q("hostId", id.get("hypervisorHost"))},
            {Lists.TASKS, null, q("since", dayAgo)},
            {Lists.POOL_TASKS, big, "type=CREATE"},
            {Lists.ENTITLEMENTS, big, q("userId", id.get("user"))},
        };
        for (Object[] x : extra) {
            v.add(variant((Lists.Endpoint) x[0], "extra", (String) x[2], (UUID) x[1], (String) x[2]));
        }
        return v;
    }

    private static Variant variant(Lists.Endpoint ep, String kind, String label, UUID pool, String query) {
        String path = ep.path(pool) + "?limit=100" + (query.isEmpty() ? "" : "&" + query);
        return new Variant(ep, kind, java.net.URLDecoder.decode(label, StandardCharsets.UTF_8), pool, path);
    }

    private static String token(Estate e, Variant v) {
        return v.endpoint().platform() ? e.operatorToken : e.adminToken;
    }

    /**
     * Walks each deep variant's list from its first page along {@code Link rel="next"}, 50 pages (or to the last),
     * and makes the variant the request of the page reached; a list of one page has no deep page (dropped).
     */
    private static List<Variant> withDeepPages(ListHttp http, Estate e, List<Variant> variants) throws Exception {
        List<Variant> out = new ArrayList<>();
        for (Variant v : variants) {
            if (!v.kind().equals("deep")) {
                out.add(v);
                continue;
            }
            long t0 = System.nanoTime();
            String path = v.path();
            int page = 1;
            String next = get(http, e, v, path).next();
            while (next != null && page < 51) {
                path = next;
                page++;
                next = get(http, e, v, path).next();
            }
            if (page == 1) {
                System.out.printf("  deep page of %s: one page only, none measured%n", v.endpoint().name());
                continue;
            }
            System.out.printf("  deep page of %s: page %d%s (walked in %.1f s)%n", v.endpoint().name(), page,
                    next == null ? " (the last)" : "", (System.nanoTime() - t0) / 1e9);
            out.add(new Variant(v.endpoint(), "deep", "page " + page, v.pathPool(), path));
        }
        return out;
    }

    private static ListHttp.Response get(ListHttp http, Estate e, Variant v, String path) throws Exception {
        ListHttp.Response r = http.get(path, token(e, v));
        if (r.status() != 200 || r.body().length == 0 || r.body()[0] != '[') {
            throw new IllegalStateException("GET " + path + " answered " + r.status() + ": "
                    + r.text().substring(0, Math.min(500, r.text().length())));
        }
        return r;
    }

    /** {@code warmup} rounds, then {@code rounds} measured rounds; in each round every request once, in turn. */
    private static List<Result> measure(ListHttp http, Estate e, List<Variant> variants, int warmup, int rounds)
            throws Exception {
        long t0 = System.nanoTime();
        for (int w = 0; w < warmup; w++) {
            for (Variant v : variants) {
                get(http, e, v, v.path());
            }
        }
        System.out.printf("warm-up: %d rounds of %d requests in %.1f s; load average %s%n", warmup, variants.size(),
                (System.nanoTime() - t0) / 1e9, loadAverage());
        double[][] ms = new double[variants.size()][rounds];
        String[] totals = new String[variants.size()];
        int[] items = new int[variants.size()];
        t0 = System.nanoTime();
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < variants.size(); i++) {
                Variant v = variants.get(i);
                ListHttp.Response answer = get(http, e, v, v.path());
                ms[i][r] = answer.nanos() / 1e6;
                if (r == 0) {
                    String total = answer.header("x-total-count");
                    totals[i] = total == null ? "" : ("false".equals(answer.header("x-total-count-exact")) ? "≥" : "") + total;
                    items[i] = countItems(answer.text());
                    // a first page holds min(limit, total) rows, and names the next page while more follow
                    if (total != null && (items[i] != Math.min(100, Long.parseLong(total))
                            || (answer.next() != null) != (Long.parseLong(total) > 100))) {
                        System.out.printf("  WARNING: %s answered %d rows and %s next link with X-Total-Count %s%n", v.path(),
                                items[i], answer.next() == null ? "no" : "a", total);
                    }
                }
            }
        }
        System.out.printf("measured: %d rounds of %d requests in %.1f s; load average %s%n", rounds, variants.size(),
                (System.nanoTime() - t0) / 1e9, loadAverage());
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < variants.size(); i++) {
            Variant v = variants.get(i);
            int page = v.kind().equals("deep") ? Integer.parseInt(v.label().substring(5)) : 1;
            results.add(new Result(v, ms[i], totals[i], page));
        }
        return results;
    }

    /** The number of objects in a JSON array of objects (top-level braces). */
    private static int countItems(String json) {
        int depth = 0;
        int n = 0;
        boolean string = false;
        for (int i = 0; i < json.length(); i++) {
            char ch = json.charAt(i);
            if (string) {
                if (ch == '\\') {
                    i++;
                } else if (ch == '"') {
                    string = false;
                }
            } else if (ch == '"') {
                string = true;
            } else if (ch == '{' || ch == '[') {
                if (ch == '{' && depth == 1) {
                    n++;
                }
                depth++;
            } else if (ch == '}' || ch == ']') {
                depth--;
            }
        }
        return n;
    }

    // --- the report

    private static void report(List<Result> results, int rounds, int warmup) {
        System.out.printf("%nmedian ms over %d measured rounds (after %d warm-up rounds); rows: X-Total-Count of the first "
                + "page; * over the %.0f ms target (median or p95)%n", rounds, warmup, TARGET_MS);
        System.out.printf("%-31s %7s %9s %9s %9s %16s %9s%n", "list", "rows", "first", "filtered", "sorted", "deep (page)",
                "p95");
        for (Lists.Endpoint ep : Lists.ALL) {
            Map<String, Result> byKind = new LinkedHashMap<>();
            results.stream().filter(r -> r.variant().endpoint() == ep && !r.variant().kind().equals("extra"))
                    .forEach(r -> byKind.put(r.variant().kind(), r));
            if (byKind.isEmpty()) {
                continue;
            }
            StringBuilder line = new StringBuilder(String.format("%-31s %7s", ep.name(),
                    byKind.containsKey("first") ? byKind.get("first").total() : ""));
            for (String kind : KINDS) {
                Result r = byKind.get(kind);
                String cell = r == null ? "—" : String.format("%.1f%s", r.median(), over(r) ? "*" : "");
                if (kind.equals("deep")) {
                    cell = r == null ? "— (1 page)" : cell + " (" + r.page() + ")";
                    line.append(String.format(" %16s", cell));
                } else {
                    line.append(String.format(" %9s", cell));
                }
            }
            line.append(String.format(" %9.1f", percentile(all(byKind.values()), 0.95)));
            System.out.println(line);
        }
        System.out.printf("%nfurther filters (not in p95_ms):%n%-31s %-52s %7s %9s %9s%n", "list", "filter", "rows",
                "median", "p95");
        for (Result r : results) {
            if (r.variant().kind().equals("extra")) {
                System.out.printf("%-31s %-52s %7s %8.1f%s %9.1f%n", r.variant().endpoint().name(), shorten(r.variant().label()),
                        r.total(), r.median(), over(r) ? "*" : " ", r.p95());
            }
        }
    }

    private static String shorten(String label) {
        // ids are long and say little: keep their first 8 characters
        return label.replaceAll("([0-9a-f]{8})-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "$1…");
    }

    static boolean over(Result r) {
        return r.median() > TARGET_MS || r.p95() > TARGET_MS;
    }

    private static double[] all(java.util.Collection<Result> rs) {
        return rs.stream().flatMapToDouble(r -> Arrays.stream(r.ms())).toArray();
    }

    private static void explain(Connection c, Estate e, List<Result> results, boolean all) throws Exception {
        List<Result> chosen = results.stream().filter(r -> all || over(r)).toList();
        System.out.printf("%nEXPLAIN (ANALYZE, BUFFERS) of the statements of %d request(s)%s:%n", chosen.size(),
                all ? "" : " over the target");
        for (Result r : chosen) {
            Variant v = r.variant();
            System.out.printf("%n== %s %s%s: median %.1f ms, p95 %.1f ms — GET %s%n", v.endpoint().name(), v.kind(),
                    v.kind().equals("first") ? "" : " (" + shorten(v.label()) + ")", r.median(), r.p95(), v.path());
            for (Lists.Statement s : Lists.statements(v.endpoint(), e.tenant, v.pathPool(), v.path())) {
                System.out.print(Explain.explain(c, s));
            }
        }
    }

    private static void summary(List<Result> results) {
        List<Result> main = results.stream().filter(r -> !r.variant().kind().equals("extra")).toList();
        double p95 = percentile(all(main), 0.95);
        String slowest = null;
        double slowestP95 = -1;
        for (Lists.Endpoint ep : Lists.ALL) {
            double p = percentile(all(main.stream().filter(r -> r.variant().endpoint() == ep).toList()), 0.95);
            if (p > slowestP95) {
                slowestP95 = p;
                slowest = ep.name();
            }
        }
        double deep = main.stream().filter(r -> r.variant().kind().equals("deep")).mapToDouble(Result::median).max().orElse(0);
        long lists = main.stream().map(r -> r.variant().endpoint()).distinct().count();
        System.out.printf("%nload average at the end: %s%n", loadAverage());
        System.out.printf("admin-api: lists=%d p95_ms=%.1f slowest=%s deep_page_ms=%.1f%n", lists, p95, slowest, deep);
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
