package io.deskport.broker.metering;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The roll-ups through {@code GET /api/v1/usage/rollups}: a real session's seconds, a half-hour time zone's hours and
 * days as JSON and CSV, the refusals of a bad range or name, and one tenant's rows kept from another's admin.
 */
@BrokerTest
class UsageRollupExportTest {

    private static final String ROLLUPS = "/api/v1/usage/rollups";
    private static final JsonMapper EXACT = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    UsageRecorder recorder;
    @Autowired
    UsageRollups rollups;
    @Autowired
    UsageEventLog log;
    @Autowired
    PlatformTransactionManager txManager;

    TestTenant tenant;

    @BeforeEach
    void tenant() {
        tenant = TestTenant.create(context, port, 10, 10);
    }

    @Test
    void aRealSessionConnectedDisconnectedAndLoggedOffIsCountedInItsHours() {
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 1, "READY");
        UUID alice = tenant.user("alice");
        tenant.entitle(pool, alice);
        Api user = tenant.login("alice");
        String session = check(user.post("/api/v1/pools/" + pool + "/connect"), 201).body().get("session").get("id").asString();
        check(user.post("/api/v1/sessions/" + session + "/disconnect"), 200);
        check(user.post("/api/v1/sessions/" + session + "/logoff"), 200);

        List<UsageEvent> lifecycle = rollUpUntil(EnumSet.of(UsageEventType.SESSION_CREATED,
                UsageEventType.SESSION_DISCONNECTED, UsageEventType.SESSION_ENDED), 3);
        assertThat(lifecycle).extracting(UsageEvent::type).containsExactly(UsageEventType.SESSION_CREATED,
                UsageEventType.SESSION_DISCONNECTED, UsageEventType.SESSION_ENDED);
        Instant created = lifecycle.getFirst().time();
        Instant ended = lifecycle.getLast().time();

        List<JsonNode> hours = rows(tenant.admin, "granularity=hour&metric=SESSION_SECONDS&userId=" + alice + "&from="
                + created.truncatedTo(ChronoUnit.HOURS) + "&to=" + ended.truncatedTo(ChronoUnit.HOURS).plusSeconds(3600));
        assertThat(hours).isNotEmpty().allSatisfy(r -> assertThat(r.get("poolId").asString()).isEqualTo(pool.toString()));
        assertThat(java.time.OffsetDateTime.parse(hours.getFirst().get("start").asString()).toInstant())
                .isEqualTo(created.truncatedTo(ChronoUnit.HOURS));
        BigDecimal total = hours.stream().map(r -> r.get("value").decimalValue()).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(total).isEqualByComparingTo(BigDecimal.valueOf(ChronoUnit.MICROS.between(created, ended), 6));

        List<JsonNode> day = rows(tenant.admin, "granularity=day&metric=PEAK_SESSIONS,DISTINCT_USERS&from="
                + created.toString().substring(0, 10) + "&to=" + created.toString().substring(0, 10));
        assertThat(day).extracting(r -> r.get("metric").asString() + "=" + r.get("value").asString())
                .containsExactly("DISTINCT_USERS=1", "PEAK_SESSIONS=1");
    }

    @Test
    void aHalfHourZonesHoursAndDaysAreAnsweredAsJsonAndCsv() throws Exception {
        Api operator = tenant.platformAdmin(context, "operator");
        check(operator.edit("/api/v1/admin/tenants/" + tenant.id, json("timeZone", "Asia/Kolkata")), 200);
        UUID pool = UUID.randomUUID();
        UUID user = UUID.randomUUID();
        // 23:30 to 00:30 in India: one UTC hour, two local days
        oneSession(pool, user, "laptop-1", Instant.parse("2026-11-10T18:00:00Z"), Instant.parse("2026-11-10T19:00:00Z"));

        List<JsonNode> hour = rows(tenant.admin, "granularity=hour&from=2026-11-10&to=2026-11-11");
        assertThat(hour).hasSize(1);
        assertThat(hour.getFirst().get("period").asString()).isEqualTo("2026-11-10T23:30+05:30");
        assertThat(offsetTime(hour.getFirst(), "start")).isEqualTo("2026-11-10T23:30+05:30");
        assertThat(offsetTime(hour.getFirst(), "end")).isEqualTo("2026-11-11T00:30+05:30");
        assertThat(hour.getFirst().get("value").asString()).isEqualTo("3600");
        assertThat(hour.getFirst().get("hours").asString()).isEqualTo("1");
        assertThat(hour.getFirst().get("timeZone").asString()).isEqualTo("Asia/Kolkata");

        List<JsonNode> days = rows(tenant.admin, "granularity=day&from=2026-11-10&to=2026-11-11");
        assertThat(days).extracting(r -> r.get("period").asString() + " " + r.get("metric").asString() + "="
                + r.get("value").asString()).containsExactly(
                "2026-11-10 DISTINCT_DEVICES=1", "2026-11-10 DISTINCT_USERS=1", "2026-11-10 PEAK_SESSIONS=1",
                "2026-11-10 SESSION_SECONDS=1800",
                "2026-11-11 DISTINCT_DEVICES=1", "2026-11-11 DISTINCT_USERS=1", "2026-11-11 PEAK_SESSIONS=1",
                "2026-11-11 SESSION_SECONDS=1800");
        assertThat(offsetTime(days.get(6), "reachedAt")).isEqualTo("2026-11-11T00:00+05:30");

        HttpResponse<String> csv = raw(tenant.admin, ROLLUPS + "?granularity=day&from=2026-11-10&to=2026-11-11", "text/csv");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(csv.headers().firstValue("Content-Disposition").orElseThrow())
                .contains("filename=\"usage-rollups-day-2026-11-10-2026-11-11.csv\"");
        String[] lines = csv.body().split("\r\n");
        assertThat(lines[0]).isEqualTo("tenantId,timeZone,granularity,period,start,end,complete,metric,poolId,userId,"
                + "productId,vcpus,memoryMiB,diskMiB,value,unit,hours,reachedAt");
        assertThat(lines).hasSize(9);
        assertThat(lines[4]).isEqualTo(tenant.id + ",Asia/Kolkata,DAY,2026-11-10,2026-11-10T00:00:00+05:30,"
                + "2026-11-11T00:00:00+05:30,true,SESSION_SECONDS," + pool + "," + user + ",,,,,1800,SECONDS,0.5,");

        HttpResponse<String> linked = raw(tenant.admin, ROLLUPS + "?granularity=hour&from=2026-11-10&to=2026-11-11&format=csv",
                "text/html,application/xhtml+xml,*/*;q=0.8");
        assertThat(linked.statusCode()).isEqualTo(200);
        assertThat(linked.body().split("\r\n")).hasSize(2);
        assertThat(linked.body()).contains(",HOUR,2026-11-10T23:30+05:30,2026-11-10T23:30:00+05:30,2026-11-11T00:30:00+05:30,true,"
                + "SESSION_SECONDS,");
    }

    @Test
    void aBadRangeGranularityMetricOrFormatIsRefusedByName() {
        assertRefused("from=2026-13-01", "from");
        assertRefused("from=yesterday", "from");
        assertRefused("from=2026-11-10&to=2026-11-01", "to");
        assertRefused("from=2025-01-01&to=2026-11-10", "to");
        assertRefused("granularity=hour&from=2026-11-01T00:00:00Z&to=2027-12-31T00:00:00Z", "to");
        assertRefused("granularity=week", "granularity");
        assertRefused("metric=SESSION_SECONDS,PARKING_SECONDS", "metric");
        assertRefused("format=xml", "format");

        Api.Response notAnId = tenant.admin.get(ROLLUPS + "?poolId=pool-1");
        assertThat(notAnId.status()).isEqualTo(400);
        assertThat(notAnId.contentType()).startsWith("application/problem+json");

        Api.Response everyone = tenant.admin.get(ROLLUPS + "?allTenants=true");
        assertThat(everyone.status()).isEqualTo(403);
        assertThat(everyone.reason()).isEqualTo("FORBIDDEN");
        // a user is not an admin
        tenant.user("bob");
        assertThat(tenant.login("bob").get(ROLLUPS).status()).isEqualTo(403);
    }

    @Test
    void anotherTenantsAdminNeverSeesTheRowsAndThePlatformSeesThem() {
        UUID pool = UUID.randomUUID();
        UUID user = UUID.randomUUID();
        oneSession(pool, user, null, Instant.parse("2026-11-12T09:15:00Z"), Instant.parse("2026-11-12T11:00:00Z"));
        String range = "granularity=hour&from=2026-11-12&to=2026-11-12";
        assertThat(rows(tenant.admin, range)).hasSize(2);

        TestTenant other = TestTenant.create(context, port, 10, 10);
        Api.Response theirs = check(other.admin.get(ROLLUPS + "?" + range), 200);
        assertThat(theirs.body().get("rows")).isEmpty();
        assertThat(theirs.raw()).doesNotContain(pool.toString()).doesNotContain(user.toString())
                .doesNotContain(tenant.id.toString());
        Api.Response naming = other.admin.inTenant(tenant.id).get(ROLLUPS + "?" + range);
        assertThat(naming.status()).isEqualTo(403);
        assertThat(naming.raw()).doesNotContain(pool.toString());
        HttpResponse<String> csv = raw(other.admin, ROLLUPS + "?" + range, "text/csv");
        assertThat(csv.body().split("\r\n")).hasSize(1);

        Api operator = other.platformAdmin(context, "operator");
        assertThat(rows(operator.inTenant(tenant.id), range)).hasSize(2);
        assertThat(rows(operator, range + "&allTenants=true"))
                .filteredOn(r -> r.get("tenantId").asString().equals(tenant.id.toString())).hasSize(2);
    }

    @Test
    void aSnapshotIsCountedFromTakenToDeletedPerPoolAndSizeForItsGigabyteHours() {
        UUID pool = UUID.randomUUID();
        UUID snapshot = UUID.randomUUID();
        new TransactionTemplate(txManager).executeWithoutResult(status -> {
            recorder.recordAt(tenant.id, UsageEventType.SNAPSHOT_CREATED, snapshot, Instant.parse("2026-11-14T09:00:00Z"),
                    UsageRecorder.data().put("snapshotId", snapshot.toString()).put("poolId", pool.toString())
                            .put("desktopId", UUID.randomUUID().toString()).put("kind", "ON_DEMAND").put("sizeMiB", 2048));
            recorder.recordAt(tenant.id, UsageEventType.SNAPSHOT_DELETED, snapshot, Instant.parse("2026-11-14T11:30:00Z"),
                    UsageRecorder.data().put("snapshotId", snapshot.toString()).put("poolId", pool.toString())
                            .put("why", "DELETED"));
        });
        rollUpUntil(EnumSet.of(UsageEventType.SNAPSHOT_CREATED, UsageEventType.SNAPSHOT_DELETED), 2);

        List<JsonNode> day = rows(tenant.admin, "granularity=day&metric=SNAPSHOT_SECONDS&from=2026-11-14&to=2026-11-14");
        assertThat(day).singleElement().satisfies(r -> {
            assertThat(r.get("value").asString()).isEqualTo("9000");
            assertThat(r.get("diskMiB").asInt()).isEqualTo(2048);
            assertThat(r.get("poolId").asString()).isEqualTo(pool.toString());
            // 2.5 hours of 2 GiB: 5 snapshot-GB-hours
            assertThat(r.get("value").decimalValue().multiply(BigDecimal.valueOf(2048))
                    .divide(BigDecimal.valueOf(1024L * 3600))).isEqualByComparingTo("5");
        });
        assertThat(rows(tenant.admin, "granularity=hour&metric=SNAPSHOT_SECONDS&from=2026-11-14&to=2026-11-14"))
                .extracting(r -> r.get("value").asString()).containsExactly("3600", "3600", "1800");
    }

    // ---- helpers ----

    /** A time of the answer as its wall clock and offset ({@code 2026-11-10T23:30+05:30}), however it is written. */
    private static String offsetTime(JsonNode row, String field) {
        return java.time.OffsetDateTime.parse(row.get(field).asString()).toString();
    }

    private void oneSession(UUID pool, UUID user, String device, Instant created, Instant ended) {
        UUID session = UUID.randomUUID();
        new TransactionTemplate(txManager).executeWithoutResult(status -> {
            var data = UsageRecorder.data().put("sessionId", session.toString()).put("poolId", pool.toString())
                    .put("userId", user.toString()).put("state", "READY");
            if (device != null) {
                data.put("deviceId", device);
            }
            recorder.recordAt(tenant.id, UsageEventType.SESSION_CREATED, session, created, data);
            recorder.recordAt(tenant.id, UsageEventType.SESSION_ENDED, session, ended, UsageRecorder.data()
                    .put("sessionId", session.toString()).put("poolId", pool.toString()).put("userId", user.toString())
                    .put("from", "READY").put("state", "ENDED").put("reason", "LOGOFF"));
        });
        rollUpUntil(EnumSet.of(UsageEventType.SESSION_CREATED, UsageEventType.SESSION_ENDED), 2);
    }

    /** Runs passes until the tenant's events of these types (this many) are visible and every one of its events read. */
    private List<UsageEvent> rollUpUntil(EnumSet<UsageEventType> types, int count) {
        List<UsageEvent> found = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<UsageEvent> those = log.after(UsageCursor.START, tenant.id, types, UsageEventLog.MAX_BATCH);
            assertThat(those).hasSize(count);
            List<UsageEvent> all = log.after(UsageCursor.START, tenant.id, null, UsageEventLog.MAX_BATCH);
            rollups.rollUpNow();
            assertThat(rollups.cursor()).isGreaterThanOrEqualTo(all.getLast().position());
            found.clear();
            found.addAll(those);
        });
        return found;
    }

    private void assertRefused(String query, String field) {
        Api.Response r = tenant.admin.get(ROLLUPS + "?" + query);
        assertThat(r.status()).as(query).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(r.body().get("errors").get(0).get("field").asString()).as(query).isEqualTo(field);
    }

    private static List<JsonNode> rows(Api api, String query) {
        Api.Response r = check(api.get(ROLLUPS + "?" + query), 200);
        List<JsonNode> rows = new ArrayList<>();
        EXACT.readTree(r.raw()).get("rows").forEach(rows::add);
        return rows;
    }

    private HttpResponse<String> raw(Api api, String path, String accept) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + api.token()).header("Accept", accept).GET().build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
