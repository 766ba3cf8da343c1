package io.deskport.broker.replicas;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;

import io.deskport.broker.database.EmbeddedPostgres;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.BrokerProcess;
import io.deskport.broker.support.LedgerChecks;
import io.deskport.broker.support.PortalLikeTunnel;
import io.deskport.broker.support.TestTenant;
import io.deskport.gateway.support.XvncDesktop;

import static io.deskport.broker.support.Api.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A broker replica killed with -9 while it serves a tunnel to a real Xvnc desktop: its session was CONNECTED and no
 * broker is left to see the tunnel close. The other replica sees the killed one's presence lock gone from
 * {@code pg_locks} and, after the grace period, marks the session DISCONNECTED (as a dropped network would), while
 * the session whose tunnel it serves itself stays CONNECTED; the user reconnects through the survivor to the same
 * session on the same desktop, and the ledger of the broker core holds throughout.
 */
class KilledReplicaTunnelsTest {

    private static final XvncDesktop.Displays DISPLAYS = new XvncDesktop.Displays(150, 159);
    private static final String VNC_PASSWORD = "killed-vnc-pw";
    private static final String DATABASE = "killed";

    @Test
    void aKilledReplicasConnectedSessionsAreMarkedDisconnectedByTheOtherAndResumeThere() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "killed-replica");
        EmbeddedPostgres postgres = EmbeddedPostgres.start(dir.resolve("postgres"), 0);
        List<XvncDesktop> desktops = new ArrayList<>();
        List<PortalLikeTunnel> clients = new ArrayList<>();
        BrokerProcess[] brokers = new BrokerProcess[2];
        try {
            postgres.ensureDatabase(DATABASE);
            String operatorPassword = "platform-op-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
            for (int i = 0; i < 2; i++) {
                brokers[i] = BrokerProcess.start("ab".substring(i, i + 1), dir, postgres.jdbcUrl(DATABASE),
                        postgres.username(), postgres.password(), operatorPassword,
                        List.of("--deskport.sessions.timer-interval=1s", "--deskport.sessions.orphaned-tunnel-grace=2s"));
            }
            brokers[0].awaitHealthy(Duration.ofSeconds(180));
            brokers[1].awaitHealthy(Duration.ofSeconds(180));
            for (int i = 0; i < 2; i++) {
                desktops.add(XvncDesktop.start(DISPLAYS, dir.resolve("xvnc"), 320, 240, VNC_PASSWORD));
            }

            Api operator = new Api(brokers[1].port()).login("platform", "operator", operatorPassword);
            String slug = "k" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
            UUID tenantId = TestTenant.check(operator.post("/api/v1/admin/tenants", json("slug", slug, "name",
                    "Killed " + slug, "maxConcurrentSessions", 10, "maxDesktops", 10)), 201).id();
            Api admin = operator.inTenant(tenantId);
            UUID pool = TestTenant.check(admin.post("/api/v1/admin/pools", json("name", "office", "kind", "POOLED")), 201).id();
            UUID group = TestTenant.check(admin.post("/api/v1/admin/groups", json("name", "everyone")), 201).id();
            TestTenant.check(admin.post("/api/v1/admin/pools/" + pool + "/entitlements", json("groupId", group.toString())), 201);
            for (int i = 0; i < 2; i++) {
                TestTenant.check(admin.post("/api/v1/admin/pools/" + pool + "/desktops", json("name", "xvnc-" + i,
                        "consoleHost", "127.0.0.1", "consolePort", desktops.get(i).port(), "consolePassword", VNC_PASSWORD,
                        "state", "READY")), 201);
            }
            // user 0 works through replica a, user 1 through replica b
            String password = "killed-" + UUID.randomUUID();
            List<Api> users = new ArrayList<>();
            List<String> sessions = new ArrayList<>();
            for (int u = 0; u < 2; u++) {
                UUID id = TestTenant.check(admin.post("/api/v1/admin/users", json("username", "user" + u,
                        "password", password)), 201).id();
                TestTenant.check(admin.put("/api/v1/admin/groups/" + group + "/members/" + id, null), 200);
                int port = brokers[u].port();
                Api user = new Api(port).login(slug, "user" + u, password);
                users.add(user);
                String session = TestTenant.check(user.post("/api/v1/pools/" + pool + "/connect"), 201).body()
                        .get("session").get("id").asString();
                sessions.add(session);
                clients.add(new PortalLikeTunnel(user, port, session));
            }
            await("both tunnels show their desktops").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> clients.stream().allMatch(PortalLikeTunnel::isShowing));
            String desktopOfUser0 = read(postgres, "select desktop_id::text from session where id = ?::uuid", sessions.get(0));
            String replicaA = read(postgres, "select tunnel_replica::text from session where id = ?::uuid", sessions.get(0));
            String replicaB = read(postgres, "select tunnel_replica::text from session where id = ?::uuid", sessions.get(1));
            assertThat(replicaA).as("the tunnel's replica is recorded").isNotNull().isNotEqualTo(replicaB);
            assertThat(replicaB).isNotNull();

            // replica a dies with user 0's tunnel open; user 0's browser is gone too (its client stops trying)
            brokers[0].kill9();
            clients.get(0).close();

            await("the survivor marks the killed replica's session DISCONNECTED").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> "DISCONNECTED".equals(stateOf(postgres, sessions.get(0))));
            assertThat(read(postgres, "select coalesce(tunnel_replica::text, 'none') from session where id = ?::uuid",
                    sessions.get(0))).isEqualTo("none");
            await("the survivor's own session stays CONNECTED").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                    .until(() -> "CONNECTED".equals(stateOf(postgres, sessions.get(1))) && clients.get(1).isShowing());
            assertLedgerHolds(postgres);

            // user 0 comes back through the survivor: the same session, on the same desktop
            Api again = new Api(brokers[1].port()).login(slug, "user0", password);
            String resumed = TestTenant.check(again.post("/api/v1/pools/" + pool + "/connect"), 200).body()
                    .get("session").get("id").asString();
            assertThat(resumed).isEqualTo(sessions.get(0));
            PortalLikeTunnel back = new PortalLikeTunnel(again, brokers[1].port(), resumed);
            clients.add(back);
            await("user 0's desktop shows again").atMost(Duration.ofSeconds(30)).until(back::isShowing);
            assertThat(stateOf(postgres, resumed)).isEqualTo("CONNECTED");
            assertThat(read(postgres, "select desktop_id::text from session where id = ?::uuid", resumed))
                    .isEqualTo(desktopOfUser0);
            assertThat(read(postgres, "select tunnel_replica::text from session where id = ?::uuid", resumed))
                    .isEqualTo(replicaB);
            assertLedgerHolds(postgres);
        } finally {
            clients.forEach(PortalLikeTunnel::close);
            for (BrokerProcess b : brokers) {
                if (b != null) {
                    b.close();
                }
            }
            desktops.forEach(XvncDesktop::close);
            postgres.stop();
        }
    }

    private static void assertLedgerHolds(EmbeddedPostgres postgres) throws Exception {
        Map<String, Integer> found = LedgerChecks.withDefaults().run(postgres.jdbcUrl(DATABASE), postgres.username(),
                postgres.password());
        assertThat(LedgerChecks.violations(found)).as("ledger checks").isEmpty();
    }

    private static String stateOf(EmbeddedPostgres postgres, String sessionId) throws Exception {
        return read(postgres, "select state from session where id = ?::uuid", sessionId);
    }

    private static String read(EmbeddedPostgres postgres, String sql, String param) throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(DATABASE), postgres.username(), postgres.password());
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            ResultSet rs = ps.executeQuery();
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
