package io.deskport.broker.observability;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real Prometheus (Debian's, the same binary as promtool; its own data directory under target/, a free port)
 * scrapes this test broker's {@code /actuator/prometheus} with the scrape token; after a few connects, a refusal,
 * a pool short of ready desktops, a hypervisor host, a licence and a webhook subscription, every PromQL expression of
 * the chart's Grafana dashboard returns data through Prometheus's HTTP API.
 */
@ObservabilityTestSettings
class DashboardQueriesTest {

    static final Path DASHBOARD = Path.of("../helm/deskport/files/grafana/deskport-dashboard.json");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    private Process prometheus;

    @AfterEach
    void stopPrometheus() throws InterruptedException {
        if (prometheus != null) {
            prometheus.destroy();
            if (!prometheus.waitFor(10, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void everyQueryOfTheDashboardReturnsDataFromARealPrometheusScrapingTheBroker() throws Exception {
        String prometheusUrl = startPrometheus();
        TestTenant tenant = TestTenant.create(context, port, 100, 100);
        estateWithSomethingToShow(tenant);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(query(prometheusUrl, "up{job=\"deskport-broker\"} == 1")).isNotEmpty());
        List<String> expressions = dashboardExpressions();
        assertThat(expressions).hasSizeGreaterThan(20);
        Map<String, Integer> empty = new TreeMap<>();
        // the database figures are read every second here, scraped every second: give both time to show
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            empty.clear();
            for (String expr : expressions) {
                List<JsonNode> result = query(prometheusUrl, expr);
                if (result.isEmpty()) {
                    empty.put(expr, 0);
                }
            }
            assertThat(empty.keySet()).as("dashboard queries without data").isEmpty();
        });
    }

    private void estateWithSomethingToShow(TestTenant tenant) {
        tenant.simulatedHypervisor(context);
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 1, "READY");
        for (String user : new String[] {"alice", "bob"}) {
            tenant.entitle(pool, tenant.user(user));
        }
        check(tenant.login("alice").post("/api/v1/pools/" + pool + "/connect"), 201);
        check(tenant.login("alice").post("/api/v1/pools/" + pool + "/connect"), 200);
        check(tenant.login("bob").post("/api/v1/pools/" + pool + "/connect"), 503);
        // a provisioned pool without an image: nothing can be cloned, so it stays short of its two ready desktops
        UUID shortPool = tenant.pool("lab", "POOLED", null);
        check(tenant.admin.replace("/api/v1/admin/pools/" + shortPool + "/provisioning",
                "{\"minSize\":0,\"maxSize\":2,\"spareTarget\":2}"), 200);
        Api.Response product = check(tenant.admin.post("/api/v1/admin/licence-products", json("name", "Office suite",
                "model", "CONCURRENT_USER")), 201);
        check(tenant.admin.post("/api/v1/admin/licence-products/" + product.id() + "/licences", json("seats", 10,
                "enforcement", "HARD", "validFrom", "2001-01-01T00:00:00Z",
                "validUntil", Instant.now().plus(Duration.ofDays(30)).toString())), 201);
        // an endpoint nobody answers (TEST-NET-3): the subscription's delivery is shown waiting and failing
        check(tenant.admin.post("/api/v1/admin/webhooks", json("url", "https://203.0.113.10/hook", "enabled", true)), 201);
    }

    /** Every {@code expr} of the dashboard's panels, with Grafana's rate interval given a value. */
    static List<String> dashboardExpressions() throws IOException {
        JsonNode dashboard = JSON.readTree(Files.readString(DASHBOARD));
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                expressions.add(target.get("expr").asString().replace("$__rate_interval", "30s"));
            }
        }
        return expressions;
    }

    private static List<JsonNode> query(String prometheusUrl, String expr) throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(prometheusUrl + "/api/v1/query?query="
                + URLEncoder.encode(expr, StandardCharsets.UTF_8))).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(expr + ": " + res.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.get("status").asString()).isEqualTo("success");
        List<JsonNode> result = new ArrayList<>();
        body.get("data").get("result").forEach(result::add);
        return result;
    }

    private String startPrometheus() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "prometheus-" + UUID.randomUUID()));
        int promPort;
        try (ServerSocket s = new ServerSocket(0)) {
            promPort = s.getLocalPort();
        }
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: deskport-broker
                    metrics_path: /actuator/prometheus
                    authorization:
                      type: Bearer
                      credentials: %s
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(ObservabilityTestSettings.SCRAPE_TOKEN, port));
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + config.toAbsolutePath(),
                "--storage.tsdb.path=" + dir.resolve("data").toAbsolutePath(),
                "--web.listen-address=127.0.0.1:" + promPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        String url = "http://127.0.0.1:" + promPort;
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(prometheus.isAlive()).as("prometheus runs; see " + dir.resolve("prometheus.log")).isTrue();
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return url;
    }
}
