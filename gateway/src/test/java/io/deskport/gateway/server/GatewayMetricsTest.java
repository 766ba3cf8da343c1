package io.deskport.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.deskport.gateway.support.GuacTestClient;
import io.deskport.gateway.support.XvncDesktop;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The gateway's meters with a real Xvnc desktop: frames and bytes sent to the viewer, and a typed key's latency to the
 * next frame; and the standalone daemon's {@code /metrics} showing them in Prometheus' text format.
 */
class GatewayMetricsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    XvncDesktop desktop;
    GatewayServer gateway;
    StandaloneMetrics standalone;

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.stop();
        }
        if (standalone != null) {
            standalone.close();
        }
        if (desktop != null) {
            desktop.close();
        }
    }

    @Test
    void framesBytesAndATypedKeysLatencyAreCounted() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        desktop = XvncDesktop.start(Path.of("target", "xvnc-metrics"), 800, 600, null);
        desktop.launch("xterm-metrics", "xterm", "-T", "metrics-term", "-geometry", "80x10+0+0");
        desktop.awaitWindow("metrics-term");
        gateway = new GatewayServer(GatewayConfig.defaults().withListen(InetAddress.getLoopbackAddress(), 0),
                new GatewayMetrics(registry)).start();

        try (GuacTestClient client = GuacTestClient.connect(gateway.port(), Map.of("hostname", "127.0.0.1", "port",
                String.valueOf(desktop.port())))) {
            client.awaitOpcode("sync", TIMEOUT);
            assertThat(registry.get(GatewayMetrics.CONNECTIONS).gauge().value()).isEqualTo(1);
            // without a window manager the keyboard focus follows the pointer
            client.send("mouse", "100", "60", "0");
            client.type("echo");

            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(registry.get(GatewayMetrics.FRAMES).counter().count()).isGreaterThanOrEqualTo(2);
                assertThat(registry.get(GatewayMetrics.BYTES).counter().count()).isGreaterThan(1000);
                assertThat(registry.get(GatewayMetrics.INPUT_LATENCY).timer().count()).isGreaterThanOrEqualTo(1);
            });
        }
    }

    @Test
    void theStandaloneDaemonServesItsMetricsInPrometheusFormat() throws Exception {
        standalone = new StandaloneMetrics();
        gateway = new GatewayServer(GatewayConfig.defaults().withListen(InetAddress.getLoopbackAddress(), 0),
                standalone.metrics()).start();
        int port = standalone.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));

        HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("deskport_gateway_frames_total ", "deskport_gateway_bytes_total ",
                "deskport_gateway_input_latency_seconds_bucket{le=", "deskport_gateway_connections ",
                "jvm_memory_used_bytes");
    }
}
