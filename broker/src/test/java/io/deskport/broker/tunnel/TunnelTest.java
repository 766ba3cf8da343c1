package io.deskport.broker.tunnel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.BrowserTunnel;
import io.deskport.broker.support.TestTenant;
import io.deskport.gateway.support.XvncDesktop;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole streaming path as a browser uses it: connect → one-time ticket → WebSocket tunnel → the
 * embedded gateway → a real Xvnc desktop with an xterm.
 */
@BrokerTest
class TunnelTest {

    private static final String VNC_PASSWORD = "vnc-secret";
    static XvncDesktop desktop;
    static Path typed;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    UUID pool;
    Api alice;

    @BeforeAll
    static void startDesktop() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "tunnel-test"));
        desktop = XvncDesktop.start(work, 1024, 768, VNC_PASSWORD);
        typed = work.resolve("typed-" + desktop.display() + ".txt");
        Files.deleteIfExists(typed);
        desktop.launch("xterm", "xterm", "-T", "tunnel-term", "-geometry", "80x10+0+0", "-e", "sh", "-c", "cat > " + typed);
        await("xterm mapped").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> desktop.run(null, "xdotool", "search", "--onlyvisible", "--name", "tunnel-term").exitCode() == 0);
    }

    @AfterAll
    static void stopDesktop() {
        if (desktop != null) {
            desktop.close();
        }
    }

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 10, 10);
        pool = tenant.pool("office", "POOLED", null);
        check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/desktops", json("name", "xvnc",
                "consoleHost", "127.0.0.1", "consolePort", desktop.port(), "consolePassword", VNC_PASSWORD)), 201);
        UUID user = tenant.user("alice");
        tenant.entitle(pool, user);
        alice = tenant.login("alice");
    }

    private Api.Response connect() {
        return check(alice.post("/api/v1/pools/" + pool + "/connect"), 201);
    }

    private String sessionState(String session) {
        return check(alice.get("/api/v1/sessions/" + session), 200).body().get("state").asString();
    }

    @Test
    void theBrowserSeesTheDesktopAndTypesIntoItsXterm() throws Exception {
        Api.Response connected = connect();
        String session = connected.body().get("session").get("id").asString();
        String token = connected.body().get("tunnel").get("token").asString();
        assertThat(connected.raw()).doesNotContain(VNC_PASSWORD).doesNotContain(Integer.toString(desktop.port()));

        try (BrowserTunnel tunnel = BrowserTunnel.open(port, token, 1024, 768)) {
            assertThat(tunnel.awaitOpcode("").getArgs().getFirst()).hasSize(36);
            assertThat(tunnel.awaitOpcode("size").getArgs()).startsWith("0", "1024", "768");
            tunnel.awaitOpcode("img");
            tunnel.awaitOpcode("blob");
            tunnel.awaitOpcode("sync");
            await().atMost(Duration.ofSeconds(10)).until(() -> "CONNECTED".equals(sessionState(session)));

            tunnel.send("mouse", "100", "60", "0"); // focus follows the pointer without a window manager
            for (char c : "hello\n".toCharArray()) {
                String keysym = c == '\n' ? "65293" : Integer.toString(c);
                tunnel.send("key", keysym, "1");
                tunnel.send("key", keysym, "0");
            }
            await("typed text reached the xterm").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.exists(typed) && Files.readString(typed).contains("hello"));

            tunnel.send("", "ping", "12345");
            await("ping answered").atMost(Duration.ofSeconds(10)).until(() -> tunnel.received().stream()
                    .anyMatch(i -> i.getOpcode().isEmpty() && i.getArgs().size() == 2 && i.getArgs().get(1).equals("12345")));
        }
        await("session disconnected when the tunnel closed").atMost(Duration.ofSeconds(10))
                .until(() -> "DISCONNECTED".equals(sessionState(session)));
    }

    @Test
    void aTicketOpensOneTunnelOnly() throws Exception {
        String token = connect().body().get("tunnel").get("token").asString();
        try (BrowserTunnel first = BrowserTunnel.open(port, token, 800, 600)) {
            first.awaitOpcode("sync");
            BrowserTunnel replay = BrowserTunnel.open(port, token, 800, 600);
            assertThat(replay.awaitClose()).isEqualTo("1008 769"); // CLIENT_UNAUTHORIZED
        }
    }

    @Test
    void aForgedOrTamperedTicketIsRefused() throws Exception {
        String token = connect().body().get("tunnel").get("token").asString();
        String tampered = token.substring(0, 10) + (token.charAt(10) == 'A' ? 'B' : 'A') + token.substring(11);

        assertThat(BrowserTunnel.open(port, tampered, 800, 600).awaitClose()).isEqualTo("1008 769");
        assertThat(BrowserTunnel.open(port, "garbage", 800, 600).awaitClose()).isEqualTo("1008 769");
        assertThat(BrowserTunnel.open(port, "", 800, 600).awaitClose()).isEqualTo("1008 769");
    }

    @Test
    void reconnectingTakesOverFromTheOldTunnelAndKeepsTheSession() throws Exception {
        Api.Response connected = connect();
        String session = connected.body().get("session").get("id").asString();
        try (BrowserTunnel first = BrowserTunnel.open(port, connected.body().get("tunnel").get("token").asString(), 800, 600)) {
            first.awaitOpcode("sync");
            Api.Response again = check(alice.post("/api/v1/pools/" + pool + "/connect"), 200);
            assertThat(again.body().get("session").get("id").asString()).isEqualTo(session);
            try (BrowserTunnel second = BrowserTunnel.open(port, again.body().get("tunnel").get("token").asString(), 800, 600)) {
                second.awaitOpcode("sync");
                assertThat(first.awaitClose()).endsWith(" 521"); // SESSION_CONFLICT
                assertThat(sessionState(session)).isEqualTo("CONNECTED");
            }
        }
    }

    @Test
    void loggingOffClosesTheTunnel() throws Exception {
        Api.Response connected = connect();
        String session = connected.body().get("session").get("id").asString();
        try (BrowserTunnel tunnel = BrowserTunnel.open(port, connected.body().get("tunnel").get("token").asString(), 800, 600)) {
            tunnel.awaitOpcode("sync");
            check(alice.post("/api/v1/sessions/" + session + "/logoff"), 200);
            assertThat(tunnel.awaitClose()).endsWith(" 523"); // SESSION_CLOSED
        }
        assertThat(sessionState(session)).isEqualTo("ENDED");
    }

    @Test
    void aRecordedPoolLeavesAPlayableRecordingForTheHelpDesk() throws Exception {
        check(tenant.admin.edit("/api/v1/admin/pools/" + pool, json("recordSessions", true)), 200);
        Api.Response connected = connect();
        String session = connected.body().get("session").get("id").asString();
        try (BrowserTunnel tunnel = BrowserTunnel.open(port, connected.body().get("tunnel").get("token").asString(), 640, 480)) {
            tunnel.awaitOpcode("img");
            tunnel.awaitOpcode("sync");
        }
        await("session disconnected (the gateway has closed the recording)").atMost(Duration.ofSeconds(10))
                .until(() -> "DISCONNECTED".equals(sessionState(session)));

        Api.Response list = await().atMost(Duration.ofSeconds(10)).until(
                () -> tenant.admin.get("/api/v1/admin/sessions/" + session + "/recordings"),
                r -> r.status() == 200 && r.body().size() == 1 && r.body().get(0).get("bytes").asLong() > 0);
        String name = list.body().get(0).get("name").asString();
        java.net.http.HttpResponse<String> file = await("recording complete").atMost(Duration.ofSeconds(10)).until(
                () -> java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                        + "/api/v1/admin/sessions/" + session + "/recordings/" + name))
                        .header("Authorization", "Bearer " + tenant.admin.token()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()), r -> r.body().contains("3.img,"));
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.body()).contains("4.size,").contains("3.img,").contains("4.sync,");
        assertThat(alice.get("/api/v1/admin/sessions/" + session + "/recordings").status()).isEqualTo(403);
    }

    @Test
    void aFreshTicketCanBeFetchedForMySessionButNotForOthers() {
        String session = connect().body().get("session").get("id").asString();
        tenant.user("bob");
        Api bob = tenant.login("bob");

        Api.Response mine = check(alice.post("/api/v1/sessions/" + session + "/tunnel"), 201);
        assertThat(mine.body().get("path").asString()).isEqualTo("/tunnel");
        assertThat(bob.post("/api/v1/sessions/" + session + "/tunnel").status()).isEqualTo(404);
    }

    @Test
    void anUnreachableDesktopClosesTheTunnelWithUpstreamNotFound() throws Exception {
        UUID deadPool = tenant.pool("dead", "POOLED", null);
        check(tenant.admin.post("/api/v1/admin/pools/" + deadPool + "/desktops", json("name", "gone",
                "consoleHost", "127.0.0.1", "consolePort", 1)), 201);
        tenant.entitle(deadPool, UUID.fromString(tenant.admin.get("/api/v1/admin/users?q=alice").body().get(0)
                .get("id").asString()));
        String token = check(alice.post("/api/v1/pools/" + deadPool + "/connect"), 201).body().get("tunnel").get("token").asString();

        // like guacd, the gateway reports an unreachable desktop in-band: error 519, then the stream ends
        BrowserTunnel tunnel = BrowserTunnel.open(port, token, 800, 600);
        assertThat(tunnel.awaitOpcode("error").getArgs().get(1)).isEqualTo("519");
        tunnel.awaitClose();
    }
}
