package io.deskport.broker.metering;

import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

/**
 * The cost report ({@code GET /api/v1/usage/cost}) over a tenant's daily roll-ups: VM-hours running and stopped per
 * pool and size against session-hours, their ratio, the range's bounds, CSV, refusals, and one tenant's pools kept
 * from another's admin.
 */
@BrokerTest
class UsageCostTest {

    private static final String COST = "/api/v1/usage/cost";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    TestTenant tenant;
    final UUID office = UUID.randomUUID();
    final UUID lab = UUID.randomUUID();

    @BeforeEach
    void tenantWithThreeDaysOfRollups() {
        tenant = TestTenant.create(context, port, 10, 10);
        for (int d = 1; d <= 3; d++) {
            LocalDate day = LocalDate.of(2026, 10, d);
            // office: 2 vCPU desktops run 11 h a day, stop 13 h; sessions 10 h (two users of 5 h)
            day(day, "SESSION_SECONDS", office, UUID.randomUUID(), null, 5 * 3600);
            day(day, "SESSION_SECONDS", office, UUID.randomUUID(), null, 5 * 3600);
            day(day, "DESKTOP_RUNNING_SECONDS", office, null, 2, 11 * 3600);
            day(day, "DESKTOP_STOPPED_SECONDS", office, null, 2, 13 * 3600);
            // lab: two sizes, no sessions
            day(day, "DESKTOP_RUNNING_SECONDS", lab, null, 4, 2 * 3600);
            day(day, "DESKTOP_RUNNING_SECONDS", lab, null, 8, 3600);
        }
        day(LocalDate.of(2026, 10, 4), "DESKTOP_RUNNING_SECONDS", office, null, 2, 24 * 3600); // outside the range
    }

    private void day(LocalDate day, String metric, UUID pool, UUID user, Integer vcpus, long seconds) {
        jdbc.sql("insert into usage_rollup (tenant_id, granularity, period_start, period_end, local_start, utc_offset_seconds, "
                        + "time_zone, complete, metric, pool_id, user_id, vcpus, memory_mib, disk_mib, value) "
                        + "values (?, 'DAY', ?, ?, ?, 0, 'UTC', true, ?, ?, ?, ?, ?, ?, ?)")
                .params(tenant.id, day.atStartOfDay().atOffset(ZoneOffset.UTC), day.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC),
                        day.atStartOfDay(), metric, pool, user, vcpus, vcpus == null ? null : vcpus * 1024,
                        vcpus == null ? null : 10240, seconds)
                .update();
    }

    private JsonNode pool(JsonNode report, UUID id) {
        for (JsonNode p : report.get("pools")) {
            if (p.get("poolId").asString().equals(id.toString())) {
                return p;
            }
        }
        throw new AssertionError("no pool " + id + " in " + report);
    }

    @Test
    void vmHoursByStateAndSizeAreSetAgainstSessionHoursPerPool() {
        JsonNode report = check(tenant.admin.get(COST + "?from=2026-10-01&to=2026-10-03"), 200).body();

        JsonNode o = pool(report, office);
        assertThat(o.get("sessionHours").decimalValue()).isEqualByComparingTo("30");
        assertThat(o.get("runningVmHours").decimalValue()).isEqualByComparingTo("33");
        assertThat(o.get("stoppedVmHours").decimalValue()).isEqualByComparingTo("39");
        assertThat(o.get("vmHoursPerSessionHour").decimalValue()).isEqualByComparingTo("1.1");
        assertThat(o.get("sizes")).singleElement().satisfies(s -> {
            assertThat(s.get("vcpus").asInt()).isEqualTo(2);
            assertThat(s.get("memoryMiB").asInt()).isEqualTo(2048);
        });
        JsonNode l = pool(report, lab);
        assertThat(l.get("sizes")).hasSize(2);
        assertThat(l.get("runningVmHours").decimalValue()).isEqualByComparingTo("9");
        assertThat(l.get("vmHoursPerSessionHour").isNull()).isTrue();
        assertThat(report.get("runningVmHours").decimalValue()).isEqualByComparingTo("42");
        assertThat(report.get("vmHoursPerSessionHour").decimalValue()).isEqualByComparingTo("1.4");
    }

    @Test
    void onePoolAndCsvCanBeAskedFor() {
        JsonNode onlyOffice = check(tenant.admin.get(COST + "?from=2026-10-01&to=2026-10-04&poolId=" + office), 200).body();
        HttpResponse<String> csv = raw(tenant.admin, COST + "?from=2026-10-01&to=2026-10-03&format=csv");

        assertThat(onlyOffice.get("pools")).singleElement()
                .satisfies(p -> assertThat(p.get("runningVmHours").decimalValue()).isEqualByComparingTo("57"));
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines).hasSize(4); // header, office, lab's two sizes
        assertThat(lines[0]).startsWith("poolId,from,to,vcpus");
        assertThat(csv.body()).contains(office + ",2026-10-01,2026-10-03,2,2048,10240,33.000000,39.000000,30.000000,1.1000");
    }

    private HttpResponse<String> raw(Api api, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + api.token()).GET().build();
        try {
            return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anotherTenantSeesNoneOfThesePools() {
        TestTenant other = TestTenant.create(context, port, 10, 10);

        JsonNode report = check(other.admin.get(COST + "?from=2026-10-01&to=2026-10-03"), 200).body();

        assertThat(report.get("pools")).isEmpty();
        assertThat(report.get("vmHoursPerSessionHour").isNull()).isTrue();
    }

    @Test
    void aBadRangeIsRefused() {
        assertThat(check(tenant.admin.get(COST + "?from=2026-10-05&to=2026-10-01"), 400).reason())
                .isEqualTo("VALIDATION_FAILED");
        assertThat(check(tenant.admin.get(COST + "?from=yesterday"), 400).reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(check(tenant.admin.get(COST + "?from=2024-01-01&to=2026-10-01"), 400).reason())
                .isEqualTo("VALIDATION_FAILED");
    }
}
