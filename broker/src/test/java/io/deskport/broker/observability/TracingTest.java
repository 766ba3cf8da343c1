package io.deskport.broker.observability;

import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.shared.Spans;
import io.deskport.broker.support.TestTenant;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * OpenTelemetry tracing: switched on by configuration, a connect and a tunnel's set-up each produce their span; off
 * (the default), nothing is exported. An in-memory span exporter stands in for the OTLP collector no test can run
 * here; the exporter is wired exactly as an OTLP one would be (a SpanExporter bean in Spring Boot's span processor).
 */
class TracingTest {

    static void connectAndRefuse(ApplicationContext context, int port) {
        TestTenant tenant = TestTenant.create(context, port, 100, 100);
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 1, "READY");
        tenant.entitle(pool, tenant.user("alice"));
        tenant.entitle(pool, tenant.user("bob"));
        check(tenant.login("alice").post("/api/v1/pools/" + pool + "/connect"), 201);
        check(tenant.login("bob").post("/api/v1/pools/" + pool + "/connect"), 503);
    }

    /** A tunnel whose ticket is not valid: its set-up runs, and refuses. */
    static void tunnelAttempt(int port) throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("guacamole")
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/tunnel?token=not-a-ticket"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.countDown();
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closed.countDown();
                    }
                }).get(10, TimeUnit.SECONDS);
        assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
        ws.abort();
    }

    @Nested
    @BrokerTest
    @Import(InMemorySpans.class)
    @TestPropertySource(properties = {"management.tracing.export.enabled=true",
            "management.tracing.sampling.probability=1.0"})
    class SwitchedOnWithAnInMemoryExporter {

        @LocalServerPort
        int port;
        @Autowired
        ApplicationContext context;
        @Autowired
        InMemorySpanExporter exported;

        @Test
        void aConnectAndATunnelSetUpProduceTheirSpans() throws Exception {
            connectAndRefuse(context, port);
            tunnelAttempt(port);

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                List<SpanData> spans = exported.getFinishedSpanItems();
                assertThat(spans).filteredOn(s -> s.getName().equals("deskport.connect"))
                        .extracting(s -> s.getAttributes().get(AttributeKey.stringKey("deskport.connect.outcome")))
                        .contains("CONNECTED", "REFUSED");
                assertThat(spans).filteredOn(s -> s.getName().equals("deskport.connect"))
                        .extracting(s -> s.getAttributes().get(AttributeKey.stringKey("deskport.refusal.reason")))
                        .contains("POOL_EXHAUSTED");
                assertThat(spans).extracting(SpanData::getName).contains("deskport.tunnel.open");
            });
        }
    }

    @Nested
    @ObservabilityTestSettings
    class OffByDefault {

        @LocalServerPort
        int port;
        @Autowired
        ApplicationContext context;
        @Autowired
        InMemorySpanExporter exported;
        @Autowired
        Spans spans;

        @Test
        void nothingIsExported() throws Exception {
            assertThat(spans.enabled()).isFalse();
            connectAndRefuse(context, port);
            tunnelAttempt(port);

            // Spring Boot's span processor exports every 5 s: nothing may arrive in that time and a little more
            await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(exported.getFinishedSpanItems()).extracting(SpanData::getName).isEmpty());
        }
    }
}
