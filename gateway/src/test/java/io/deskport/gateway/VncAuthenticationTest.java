package io.deskport.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.deskport.gateway.server.GatewayConfig;
import io.deskport.gateway.server.GatewayServer;
import io.deskport.gateway.support.GuacTestClient;
import io.deskport.gateway.support.Ports;
import io.deskport.gateway.support.XvncDesktop;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** VNC authentication against a real Xvnc, and the errors a client sees when the desktop cannot be used. */
class VncAuthenticationTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String PASSWORD = "s3cret!x";

    static XvncDesktop desktop;
    static GatewayServer gateway;

    @BeforeAll
    static void start() throws Exception {
        desktop = XvncDesktop.start(Path.of("target", "xvnc-auth"), 800, 600, PASSWORD);
        gateway = new GatewayServer(GatewayConfig.defaults().withListen(InetAddress.getLoopbackAddress(), 0)).start();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.stop();
        }
        if (desktop != null) {
            desktop.close();
        }
    }

    @Test
    void theRightPasswordOpensTheDesktop() throws Exception {
        try (GuacTestClient client = GuacTestClient.connect(gateway.port(), Map.of("hostname", "127.0.0.1",
                "port", String.valueOf(desktop.port()), "password", PASSWORD))) {
            GuacamoleInstruction size = client.awaitOpcode("size", TIMEOUT);
            assertThat(size.getArgs()).containsExactly("0", "800", "600");
            // An empty Xvnc root window is one colour: it arrives as fills.
            client.await("drawing", TIMEOUT, i -> i.getOpcode().equals("img") || i.getOpcode().equals("rect"));
            client.awaitOpcode("sync", TIMEOUT);
        }
    }

    @Test
    void aWrongPasswordEndsWithAnUnauthorizedError() throws Exception {
        try (GuacTestClient client = GuacTestClient.connect(gateway.port(), Map.of("hostname", "127.0.0.1",
                "port", String.valueOf(desktop.port()), "password", "wrong"))) {
            GuacamoleInstruction error = client.awaitOpcode("error", TIMEOUT);
            assertThat(error.getArgs().get(1)).isEqualTo("769");
            assertThat(error.getArgs().get(0)).contains("rejected the authentication");
            client.awaitOpcode("disconnect", TIMEOUT);
            assertThat(client.count("img")).isZero();
        }
    }

    @Test
    void anUnreachableDesktopEndsWithUpstreamNotFound() throws Exception {
        int closedPort = Ports.ephemeral();
        try (GuacTestClient client = GuacTestClient.connect(gateway.port(), Map.of("hostname", "127.0.0.1",
                "port", String.valueOf(closedPort)))) {
            GuacamoleInstruction error = client.awaitOpcode("error", TIMEOUT);
            assertThat(error.getArgs().get(1)).isEqualTo("519");
            client.awaitOpcode("disconnect", TIMEOUT);
        }
    }
}
