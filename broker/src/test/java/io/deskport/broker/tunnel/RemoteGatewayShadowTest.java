package io.deskport.broker.tunnel;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.BrowserTunnel;
import io.deskport.broker.support.SecondBroker;
import io.deskport.broker.support.TestTenant;
import io.deskport.gateway.server.GatewayConfig;
import io.deskport.gateway.server.GatewayServer;
import io.deskport.gateway.support.XvncDesktop;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shadowing across broker replicas with a remote gateway (a standalone Deskport gateway every replica reaches,
 * {@code deskport.tunnel.gateway=remote}): the user's tunnel on one broker, the help desk's shadow on another. The
 * shadow joins by the connection's id kept with the session, the user is told through their own broker, and the
 * shadow ends on its broker when the user logs off on theirs. Prints how long the notice and the end took to cross.
 */
@BrokerTest
class RemoteGatewayShadowTest {

    private static final String VNC_PASSWORD = "remote-shadow";
    static GatewayServer gateway;
    static XvncDesktop desktop;
    static Path typed;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    Environment environment;

    TestTenant tenant;
    UUID pool;
    Api alice;

    @DynamicPropertySource
    static void remoteGateway(DynamicPropertyRegistry registry) throws Exception {
        gateway = new GatewayServer(GatewayConfig.defaults().withListen(InetAddress.getLoopbackAddress(), 0)).start();
        Path work = Files.createDirectories(Path.of("target", "remote-shadow-test"));
        desktop = XvncDesktop.start(work, 1024, 768, VNC_PASSWORD);
        typed = work.resolve("typed-" + desktop.display() + ".txt");
        Files.deleteIfExists(typed);
        desktop.launch("xterm", "xterm", "-T", "remote-shadow", "-geometry", "80x10+0+0", "-e", "sh", "-c", "cat > " + typed);
        desktop.awaitWindow("remote-shadow");
        registry.add("deskport.tunnel.gateway", () -> "remote");
        registry.add("deskport.tunnel.gateway-host", () -> "127.0.0.1");
        registry.add("deskport.tunnel.gateway-port", () -> gateway.port());
    }

    @AfterAll
    static void stop() {
        if (desktop != null) {
            desktop.close();
        }
        if (gateway != null) {
            gateway.stop();
        }
    }

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 10, 10);
        pool = tenant.pool("office", "POOLED", null);
        check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/desktops", json("name", "xvnc",
                "consoleHost", "127.0.0.1", "consolePort", desktop.port(), "consolePassword", VNC_PASSWORD)), 201);
        tenant.entitle(pool, tenant.user("alice"));
        alice = tenant.login("alice");
        check(tenant.admin.post("/api/v1/admin/users", json("username", "desk", "displayName", "Helen Park",
                "password", TestTenant.PASSWORD, "roles", new Api.RawJson("[\"HELPDESK\"]"))), 201);
    }

    @Test
    void aShadowOnAnotherReplicaWatchesTheUsersTunnelTellsThemAndEndsWithIt() throws Exception {
        Api.Response connected = check(alice.post("/api/v1/pools/" + pool + "/connect"), 201);
        String session = connected.body().get("session").get("id").asString();
        try (SecondBroker other = SecondBroker.on(environment, "--deskport.tunnel.gateway=remote",
                "--deskport.tunnel.gateway-host=127.0.0.1", "--deskport.tunnel.gateway-port=" + gateway.port());
             BrowserTunnel user = BrowserTunnel.open(port, connected.body().get("tunnel").get("token").asString(), 1024, 768)) {
            user.awaitOpcode("sync");
            Api deskThere = new Api(other.port()).login(tenant.slug, "desk", TestTenant.PASSWORD);
            JsonNode ticket = check(deskThere.post("/api/v1/admin/sessions/" + session + "/shadow"), 201).body();

            long opening = System.nanoTime();
            BrowserTunnel shadow = BrowserTunnel.open(other.port(), ticket.get("path").asString(),
                    ticket.get("token").asString(), 800, 600);
            assertThat(shadow.awaitOpcode("size").getArgs()).startsWith("0", "1024", "768");
            GuacamoleInstruction firstFrame = shadow.awaitOpcode("sync");
            GuacamoleInstruction told = user.awaitInstruction("the user told, through their own broker",
                    i -> i.getOpcode().equals("deskport-shadow") && i.getArgs().getFirst().equals("started"));
            assertThat(told.getArgs().get(2)).isEqualTo("Helen Park");

            // nothing the shadow types reaches the desktop; what the user types does
            for (String keysym : new String[] {"108", "101", "97", "107", "65293"}) { // "leak", Enter
                shadow.send("key", keysym, "1");
                shadow.send("key", keysym, "0");
            }
            user.send("mouse", "100", "60", "0");
            for (char c : "alice\n".toCharArray()) {
                String keysym = c == '\n' ? "65293" : Integer.toString(c);
                user.send("key", keysym, "1");
                user.send("key", keysym, "0");
            }
            await("the user's keys in the terminal").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.exists(typed) && Files.readString(typed).contains("alice"));
            assertThat(Files.readString(typed)).doesNotContain("leak");

            long loggingOff = System.nanoTime();
            check(alice.post("/api/v1/sessions/" + session + "/logoff"), 200);
            assertThat(shadow.awaitClose()).endsWith(" 523"); // SESSION_CLOSED, on the other broker
            System.out.printf("RemoteGatewayShadowTest: the user was told %d ms after the shadow's WebSocket was opened "
                            + "(%+d ms from its first frame), through another broker; the shadow closed %d ms after the "
                            + "logoff's answer on the user's broker%n",
                    (user.arrivalOf(told) - opening) / 1_000_000, (user.arrivalOf(told) - shadow.arrivalOf(firstFrame)) / 1_000_000,
                    (shadow.closedAt() - loggingOff) / 1_000_000);
        }
    }
}
