package io.deskport.broker.support;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import io.deskport.broker.database.EmbeddedPostgres;
import io.deskport.gateway.support.XvncDesktop;

import static io.deskport.broker.support.Api.json;
import static org.awaitility.Awaitility.await;

/**
 * A rolling restart of two broker replicas under open tunnels, from the outside: one embedded PostgreSQL, two
 * {@link BrokerProcess}es behind a {@link ReadinessBalancer}, a pooled pool of tiny real Xvnc desktops (320×240),
 * one user per desktop with a {@link PortalLikeTunnel} through the balancer; then each replica in turn is sent
 * SIGTERM, must exit within the grace period, and is started again, and every tunnel must be showing its desktop
 * again before the next. Used by {@code RollingRestartTest} and by {@code bench/rolling-restart}.
 */
public final class RollingRestart {

    /** Kubernetes' termination grace period the Helm chart sets. */
    public static final Duration GRACE = Duration.ofSeconds(60);
    private static final XvncDesktop.Displays DISPLAYS = new XvncDesktop.Displays(120, 149);
    private static final String VNC_PASSWORD = "rolling-vnc-pw";

    /** What a run saw; {@link #summary()} is bench/rolling-restart's last line. */
    public record Result(int tunnels, int reconnected, int lost, long maxGapMs, List<Long> shutdownMillis,
                         List<String> problems) {
        public String summary() {
            return "rolling-restart: tunnels=" + tunnels + " reconnected=" + reconnected + " lost=" + lost
                    + " max_gap_ms=" + maxGapMs;
        }
    }

    private RollingRestart() {
    }

    /** Runs it in {@code dir} with {@code tunnels} desktops, telling its steps to {@code out}. */
    public static Result run(Path dir, int tunnels, PrintStream out) throws Exception {
        EmbeddedPostgres postgres = EmbeddedPostgres.start(dir.resolve("postgres"), 0);
        List<XvncDesktop> desktops = new ArrayList<>();
        List<PortalLikeTunnel> clients = new ArrayList<>();
        BrokerProcess[] brokers = new BrokerProcess[2];
        ReadinessBalancer balancer = null;
        try {
            String database = "rolling";
            postgres.ensureDatabase(database);
            String operatorPassword = "platform-op-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
            for (int i = 0; i < 2; i++) {
                brokers[i] = BrokerProcess.start("ab".substring(i, i + 1), dir, postgres.jdbcUrl(database),
                        postgres.username(), postgres.password(), operatorPassword, List.of());
                if (i == 0) {
                    brokers[0].awaitHealthy(Duration.ofSeconds(120)); // the first one migrates the schema
                }
            }
            brokers[1].awaitHealthy(Duration.ofSeconds(120));
            balancer = ReadinessBalancer.over(List.of(brokers[0].port(), brokers[1].port()));
            ReadinessBalancer lb = balancer;
            await("both replicas ready behind the balancer").atMost(Duration.ofSeconds(30))
                    .until(() -> lb.isReady(0) && lb.isReady(1));
            int port = balancer.port();

            for (int i = 0; i < tunnels; i++) {
                desktops.add(XvncDesktop.start(DISPLAYS, dir.resolve("xvnc"), 320, 240, VNC_PASSWORD));
            }
            out.println("started " + tunnels + " Xvnc desktops");
            Api operator = new Api(port).login("platform", "operator", operatorPassword);
            String slug = "r" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
            UUID tenantId = TestTenant.check(operator.post("/api/v1/admin/tenants", json("slug", slug, "name",
                    "Rolling " + slug, "maxConcurrentSessions", tunnels + 10, "maxDesktops", tunnels + 10)), 201).id();
            Api admin = operator.inTenant(tenantId);
            UUID pool = TestTenant.check(admin.post("/api/v1/admin/pools", json("name", "office", "kind", "POOLED")), 201).id();
            UUID group = TestTenant.check(admin.post("/api/v1/admin/groups", json("name", "everyone")), 201).id();
            TestTenant.check(admin.post("/api/v1/admin/pools/" + pool + "/entitlements", json("groupId", group.toString())), 201);
            for (int i = 0; i < tunnels; i++) {
                TestTenant.check(admin.post("/api/v1/admin/pools/" + pool + "/desktops", json("name", "xvnc-" + i,
                        "consoleHost", "127.0.0.1", "consolePort", desktops.get(i).port(), "consolePassword", VNC_PASSWORD,
                        "state", "READY")), 201);
            }
            String password = "rolling-" + UUID.randomUUID();
            Map<String, UUID> desktopOf = new HashMap<>();
            for (int u = 0; u < tunnels; u++) {
                UUID id = TestTenant.check(admin.post("/api/v1/admin/users", json("username", "user" + u,
                        "password", password)), 201).id();
                TestTenant.check(admin.put("/api/v1/admin/groups/" + group + "/members/" + id, null), 200);
                Api user = new Api(port).login(slug, "user" + u, password);
                String session = TestTenant.check(user.post("/api/v1/pools/" + pool + "/connect"), 201).body()
                        .get("session").get("id").asString();
                clients.add(new PortalLikeTunnel(user, port, session));
            }
            await("every tunnel shows its desktop").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> clients.stream().allMatch(PortalLikeTunnel::isShowing));
            for (PortalLikeTunnel c : clients) {
                desktopOf.put(c.sessionId(), desktopOf(postgres, database, c.sessionId()));
            }
            out.println(tunnels + " tunnels open, spread over the replicas through the balancer");

            List<Long> shutdowns = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (BrokerProcess b : brokers) {
                long shown = clients.stream().mapToLong(PortalLikeTunnel::tunnelsShown).sum();
                long t0 = System.nanoTime();
                b.close(); // SIGTERM, then waits for the exit
                long ms = (System.nanoTime() - t0) / 1_000_000;
                shutdowns.add(ms);
                out.println("replica " + b.name() + " stopped by SIGTERM in " + ms + " ms");
                if (b.isAlive() || ms > GRACE.toMillis()) {
                    problems.add("replica " + b.name() + " did not exit within " + GRACE);
                }
                b.restart();
                b.awaitHealthy(Duration.ofSeconds(120));
                // every tunnel on the stopped replica reconnected (to the other one), the rest kept theirs
                await("the tunnels are back").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                        .until(() -> clients.stream().allMatch(c -> c.isShowing() || c.lost() != null));
                out.println("replica " + b.name() + " restarted; " + (clients.stream()
                        .mapToLong(PortalLikeTunnel::tunnelsShown).sum() - shown) + " tunnels reconnected meanwhile");
            }
            for (PortalLikeTunnel c : clients) {
                out.println("session " + c.sessionId() + " reconnects: " + c.history());
            }
            int reconnected = 0;
            int lost = 0;
            long maxGap = 0;
            for (PortalLikeTunnel c : clients) {
                reconnected += c.reconnects() > 0 ? 1 : 0;
                maxGap = Math.max(maxGap, c.maxGap().toMillis());
                String state = stateOf(postgres, database, c.sessionId());
                UUID desktop = desktopOf(postgres, database, c.sessionId());
                if (c.lost() != null || !"CONNECTED".equals(state) || !desktopOf.get(c.sessionId()).equals(desktop)) {
                    lost++;
                    problems.add("session " + c.sessionId() + ": " + (c.lost() != null ? c.lost() : "state " + state
                            + ", desktop " + desktop + " (was " + desktopOf.get(c.sessionId()) + ")"));
                }
            }
            Map<String, Integer> ledger = LedgerChecks.withDefaults().run(postgres.jdbcUrl(database), postgres.username(),
                    postgres.password());
            LedgerChecks.violations(ledger).forEach((check, n) -> problems.add("ledger: " + check + " (" + n + ")"));
            return new Result(tunnels, reconnected, lost, maxGap, shutdowns, problems);
        } finally {
            clients.forEach(PortalLikeTunnel::close);
            for (BrokerProcess b : brokers) {
                if (b != null) {
                    b.close();
                }
            }
            if (balancer != null) {
                balancer.close();
            }
            desktops.forEach(XvncDesktop::close);
            postgres.stop();
        }
    }

    private static String stateOf(EmbeddedPostgres postgres, String database, String sessionId) throws Exception {
        return read(postgres, database, "select state from session where id = ?::uuid", sessionId);
    }

    private static UUID desktopOf(EmbeddedPostgres postgres, String database, String sessionId) throws Exception {
        String d = read(postgres, database, "select desktop_id::text from session where id = ?::uuid", sessionId);
        return d == null ? null : UUID.fromString(d);
    }

    private static String read(EmbeddedPostgres postgres, String database, String sql, String param) throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(database), postgres.username(), postgres.password());
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            ResultSet rs = ps.executeQuery();
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
