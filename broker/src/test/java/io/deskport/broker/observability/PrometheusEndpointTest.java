package io.deskport.broker.observability;

import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;

/**
 * {@code /actuator/prometheus}: the metric names the Helm chart, the alert rules and the dashboard use, and who may
 * read it (Prometheus with the scrape token, a platform admin; nobody else — as the rest of {@code /actuator}).
 */
@ObservabilityTestSettings
class PrometheusEndpointTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;

    @BeforeEach
    void newTenant() {
        tenant = TestTenant.create(context, port, 100, 100);
    }

    @Test
    void aScrapeAfterAConnectAndARefusalShowsTheMetricsTheChartAndAlertsUse() throws Exception {
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 1, "READY");
        for (String user : new String[] {"alice", "bob"}) {
            tenant.entitle(pool, tenant.user(user));
        }
        check(tenant.login("alice").post("/api/v1/pools/" + pool + "/connect"), 201);
        check(tenant.login("bob").post("/api/v1/pools/" + pool + "/connect"), 503);

        HttpResponse<String> scrape = scrape("Bearer " + ObservabilityTestSettings.SCRAPE_TOKEN);

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        assertThat(scrape.body()).contains(
                "deskport_connect_seconds_bucket{kind=\"POOLED\",outcome=\"CONNECTED\",le=",
                "deskport_connect_seconds_count{kind=\"POOLED\",outcome=\"REFUSED\"}",
                "deskport_connect_refusals_total{reason=\"POOL_EXHAUSTED\"}",
                "deskport_sessions{state=\"READY\"}",
                "deskport_pool_desktops{kind=\"POOLED\",state=\"in_use\"}",
                "deskport_pool_ready_target{kind=\"POOLED\"}",
                "deskport_pools_below_target{kind=\"POOLED\"}",
                "deskport_provisioning_task_seconds_bucket{outcome=\"SUCCEEDED\",type=\"CREATE\",le=",
                "deskport_provisioning_task_failures_total{reason=\"HOST_UNAVAILABLE\",type=\"START\"}",
                "deskport_tunnels_open ",
                "deskport_gateway_frames_total ",
                "deskport_gateway_bytes_total ",
                "deskport_gateway_input_latency_seconds_bucket{le=",
                "deskport_gateway_connections ");
        assertThat(value(scrape.body(), "deskport_connect_refusals_total{reason=\"POOL_EXHAUSTED\"}")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void withoutTheScrapeTokenOnlyAPlatformAdminMayScrape() throws Exception {
        assertThat(scrape(null).statusCode()).isEqualTo(401);
        assertThat(scrape("Bearer not-the-scrape-token-but-as-long-as-it").statusCode()).isEqualTo(401);
        tenant.user("helen", io.deskport.broker.shared.Role.TENANT_ADMIN);
        assertThat(scrape("Bearer " + tenant.login("helen").token()).statusCode()).isEqualTo(403);
        assertThat(scrape("Bearer " + tenant.platformAdmin(context, "operator").token()).statusCode()).isEqualTo(200);
    }

    @Test
    void theScrapeTokenOpensTheScrapeAndNothingElse() throws Exception {
        String bearer = "Bearer " + ObservabilityTestSettings.SCRAPE_TOKEN;
        assertThat(get("/actuator/metrics", bearer).statusCode()).isEqualTo(401);
        assertThat(get("/api/v1/me", bearer).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/prometheus", bearer).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> scrape(String authorization) throws Exception {
        return get("/actuator/prometheus", authorization);
    }

    private HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The value of a series line that starts with {@code series} (labels included). */
    static double value(String exposition, String series) {
        return exposition.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).trim())).orElseThrow();
    }
}
