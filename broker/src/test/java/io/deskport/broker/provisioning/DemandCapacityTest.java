package io.deskport.broker.provisioning;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Capacity that follows demand, on a real PostgreSQL and the simulated driver, with the broker's clock fixed where
 * each test puts it: the capacity settings and holiday calendar through the admin API (tenant-scoped, refused with
 * problem+json reasons), the ready time measured from the task journal, and the reconciler raising a pool's spares
 * ahead of a forecast logon storm (and keeping only its floor at night). The loop is off: each test drives the passes.
 */
@BrokerTest
@TestPropertySource(properties = {
        "deskport.provisioning.enabled=false",
        "deskport.provisioning.simulate-when-empty=false",
        "deskport.provisioning.interval=2s",
        "deskport.provisioning.max-operations-per-host=20",
        "deskport.provisioning.max-operations-per-pool=20"})
class DemandCapacityTest {

    /** Monday 30 November 2026, 07:59 UTC (the test tenants' time zone). */
    static final Instant MONDAY_0759 = Instant.parse("2026-11-30T07:59:00Z");

    /** The broker's clock in these tests: set by each test. */
    static final class SettableClock extends Clock {
        volatile Instant now = MONDAY_0759;

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    @TestConfiguration
    static class FixedClock {
        @Bean
        @Primary
        SettableClock settableClock() {
            return new SettableClock();
        }
    }

    private static final String SIM = "{\"cpusPerHost\":\"16\",\"memoryMiBPerHost\":\"65536\"}";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    Reconciler reconciler;
    @Autowired
    TaskJournal journal;
    @Autowired
    PoolCapacity capacity;
    @Autowired
    SettableClock clock;
    @Autowired
    JdbcClient jdbc;

    TestTenant tenant;
    ProvisioningApi api;
    final List<UUID> testHosts = new ArrayList<>();

    @BeforeEach
    void setUp() {
        clock.now = MONDAY_0759;
        tenant = TestTenant.create(context, port, 100, 100);
        api = new ProvisioningApi(tenant, tenant.platformAdmin(context, "operator"), ProvisioningApi.imageRoot(context));
    }

    @AfterEach
    void removeEverything() {
        check(tenant.admin.get("/api/v1/admin/pools"), 200).body()
                .forEach(p -> check(tenant.admin.delete("/api/v1/admin/pools/" + p.get("id").asString()), 204));
        reconcileUntil(() -> journal.open().isEmpty() && reconciler.tasksRunning() == 0);
        testHosts.forEach(h -> check(api.platform.delete("/api/v1/admin/hypervisor-hosts/" + h), 204));
        api.removeImageFiles();
    }

    private void reconcileUntil(Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            reconciler.tick();
            return condition.call();
        });
    }

    private UUID pooledPool(String name, int max) {
        UUID host = api.host("sim-" + name + "-" + tenant.slug, "simulated", SIM);
        testHosts.add(host);
        return api.pool(name, "POOLED", "{\"minSize\":0,\"maxSize\":" + max + ",\"spareTarget\":0,\"vcpus\":1,"
                + "\"memoryMiB\":256,\"diskMiB\":64}", "office.qcow2");
    }

    private String capacityPath(UUID pool) {
        return "/api/v1/admin/pools/" + pool + "/provisioning/capacity";
    }

    /** {@code n} ended sessions of the pool created at {@code at} (the history the demand model learns from). */
    private void pastSessions(UUID pool, UUID user, Instant at, int n) {
        for (int i = 0; i < n; i++) {
            OffsetDateTime created = at.plusSeconds(i).atOffset(ZoneOffset.UTC);
            jdbc.sql("insert into session (id, tenant_id, pool_id, user_id, state, end_reason, created_at, state_changed_at, "
                            + "ended_at) values (?, ?, ?, ?, 'ENDED', 'LOGOFF', ?, ?, ?)")
                    .params(Ids.newId(), tenant.id, pool, user, created, created.plusHours(8), created.plusHours(8)).update();
        }
    }

    @Test
    void aPoolIsFixedUntilItsAdminSwitchesItToDemandWithAFloorAndACap() {
        UUID pool = pooledPool("office", 20);

        Api.Response before = check(tenant.admin.get(capacityPath(pool)), 200);
        assertThat(before.body().get("mode").asString()).isEqualTo("FIXED");
        assertThat(before.header("ETag")).isEqualTo("\"0\"");

        Api.Response after = check(tenant.admin.replace(capacityPath(pool),
                "{\"mode\":\"DEMAND\",\"floor\":1,\"cap\":8,\"historyWeeks\":3}"), 200);
        assertThat(after.body().get("mode").asString()).isEqualTo("DEMAND");
        assertThat(after.body().get("floor").asInt()).isEqualTo(1);
        assertThat(after.body().get("cap").asInt()).isEqualTo(8);
        assertThat(after.body().get("historyWeeks").asInt()).isEqualTo(3);
        assertThat(after.body().get("readyTimeSeconds").asLong()).isEqualTo(120); // nothing measured yet
        assertThat(after.body().get("explain").asString()).contains("ready time 120 s");
        assertThat(after.body().get("curve").get("forecast").size()).isEqualTo(288);
        assertThat(after.header("ETag")).isEqualTo("\"1\"");
        assertThat(check(tenant.admin.get(capacityPath(pool)), 200).body().get("mode").asString()).isEqualTo("DEMAND");
    }

    @Test
    void badCapacitySettingsAreRefusedWithTheirReason() {
        UUID pool = pooledPool("office", 20);

        Api.Response floorOverCap = tenant.admin.replace(capacityPath(pool), "{\"mode\":\"DEMAND\",\"floor\":6,\"cap\":2}");
        Api.Response capOverMax = tenant.admin.replace(capacityPath(pool), "{\"mode\":\"DEMAND\",\"floor\":0,\"cap\":21}");
        Api.Response unknownMode = tenant.admin.replace(capacityPath(pool), "{\"mode\":\"SOMETIMES\"}");
        Api.Response negative = tenant.admin.replace(capacityPath(pool), "{\"floor\":-1}");
        Api.Response noIfMatch = tenant.admin.put(capacityPath(pool), "{\"mode\":\"DEMAND\"}");

        assertThat(check(floorOverCap, 400).reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(floorOverCap.contentType()).startsWith("application/problem+json");
        assertThat(check(capOverMax, 400).reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(check(unknownMode, 400).reason()).isIn("MALFORMED_REQUEST", "VALIDATION_FAILED");
        assertThat(check(negative, 400).reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(check(noIfMatch, 428).reason()).isEqualTo("PRECONDITION_REQUIRED");
        assertThat(check(tenant.admin.get(capacityPath(pool)), 200).body().get("mode").asString()).isEqualTo("FIXED");
    }

    @Test
    void anotherTenantsPoolAndHolidaysAreNotFound() {
        UUID pool = pooledPool("office", 20);
        check(tenant.admin.put("/api/v1/admin/capacity/holidays/2026-12-24", "{\"label\":\"Christmas Eve\"}"), 200);
        TestTenant other = TestTenant.create(context, port, 10, 10);

        assertThat(check(other.admin.get(capacityPath(pool)), 404).reason()).isEqualTo("NOT_FOUND");
        assertThat(check(other.admin.replace(capacityPath(pool), "{\"mode\":\"DEMAND\"}"), 404).reason())
                .isEqualTo("NOT_FOUND");
        assertThat(check(other.admin.get("/api/v1/admin/capacity/holidays?from=2026-12-01&to=2026-12-31"), 200).body())
                .isEmpty();
        assertThat(check(other.admin.delete("/api/v1/admin/capacity/holidays/2026-12-24"), 404).reason())
                .isEqualTo("NOT_FOUND");
        assertThat(check(tenant.admin.get("/api/v1/admin/capacity/holidays?from=2026-12-01&to=2026-12-31"), 200).body())
                .singleElement().satisfies(h -> {
                    assertThat(h.get("day").asString()).isEqualTo("2026-12-24");
                    assertThat(h.get("label").asString()).isEqualTo("Christmas Eve");
                });
    }

    @Test
    void badHolidaysAreRefused() {
        assertThat(check(tenant.admin.put("/api/v1/admin/capacity/holidays/2026-13-40", "{\"label\":\"x\"}"), 400)
                .reason()).isIn("VALIDATION_FAILED", "MALFORMED_REQUEST");
        assertThat(check(tenant.admin.put("/api/v1/admin/capacity/holidays/2026-12-24", "{\"label\":\" \"}"), 400)
                .reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(check(tenant.admin.get("/api/v1/admin/capacity/holidays?from=2026-12-31&to=2026-12-01"), 400)
                .reason()).isEqualTo("VALIDATION_FAILED");
        // a working day names the weekday it works like, a holiday none
        assertThat(check(tenant.admin.put("/api/v1/admin/capacity/holidays/2026-12-19",
                "{\"label\":\"Bridge day made up\",\"kind\":\"WORKING_DAY\"}"), 400).raw()).contains("worksLike");
        assertThat(check(tenant.admin.put("/api/v1/admin/capacity/holidays/2026-12-24",
                "{\"label\":\"Christmas Eve\",\"worksLike\":\"MONDAY\"}"), 400).raw()).contains("worksLike");
        assertThat(check(tenant.admin.put("/api/v1/admin/capacity/holidays/2026-12-19",
                "{\"label\":\"x\",\"kind\":\"WORKDAY\"}"), 400).reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(check(tenant.admin.put("/api/v1/admin/capacity/holidays/2026-12-19",
                "{\"label\":\"x\",\"kind\":\"WORKING_DAY\",\"worksLike\":\"HOLIDAY\"}"), 400).reason())
                .isEqualTo("VALIDATION_FAILED");
    }

    @Test
    void aWorkingDayOfTheCalendarIsKeptWithTheWeekdayItWorksLike() {
        check(tenant.admin.put("/api/v1/admin/capacity/holidays/2026-12-19",
                "{\"label\":\"Bridge day made up\",\"kind\":\"WORKING_DAY\",\"worksLike\":\"FRIDAY\"}"), 200);
        check(tenant.admin.put("/api/v1/admin/capacity/holidays/2026-12-24", "{\"label\":\"Christmas Eve\"}"), 200);
        var days = check(tenant.admin.get("/api/v1/admin/capacity/holidays?from=2026-12-01&to=2026-12-31"), 200).body();
        assertThat(days).hasSize(2);
        assertThat(days.get(0).get("kind").asString()).isEqualTo("WORKING_DAY");
        assertThat(days.get(0).get("worksLike").asString()).isEqualTo("FRIDAY");
        assertThat(days.get(1).get("kind").asString()).isEqualTo("HOLIDAY");
        assertThat(days.get(1).path("worksLike").asString(null)).isNull();
        // made a holiday again, it works like no weekday
        check(tenant.admin.put("/api/v1/admin/capacity/holidays/2026-12-19", "{\"label\":\"Closed after all\"}"), 200);
        assertThat(check(tenant.admin.get("/api/v1/admin/capacity/holidays?from=2026-12-19&to=2026-12-19"), 200).body()
                .get(0).get("kind").asString()).isEqualTo("HOLIDAY");
        check(tenant.admin.delete("/api/v1/admin/capacity/holidays/2026-12-19"), 204);
        check(tenant.admin.delete("/api/v1/admin/capacity/holidays/2026-12-24"), 204);
    }

    @Test
    void theReadyTimeIsTheNinetiethPercentileOfThePoolsRecentOperationsThatMadeADesktopReady() {
        UUID pool = pooledPool("office", 20);
        UUID otherPool = pooledPool("other", 20);
        OffsetDateTime t0 = OffsetDateTime.parse("2026-11-29T10:00:00Z");
        for (int i = 1; i <= 10; i++) {
            task(pool, i % 2 == 0 ? "START" : "CREATE", "SUCCEEDED", t0.plusMinutes(i), i * 10);
        }
        task(pool, "STOP", "SUCCEEDED", t0.plusMinutes(30), 900);       // does not make a desktop ready
        task(pool, "START", "FAILED", t0.plusMinutes(31), 900);         // did not
        task(otherPool, "START", "SUCCEEDED", t0.plusMinutes(32), 900); // another pool's

        assertThat(capacity.recentReadyTimes(pool, 50)).hasSize(10);
        check(tenant.admin.replace(capacityPath(pool), "{\"mode\":\"DEMAND\",\"floor\":0,\"cap\":5}"), 200);
        assertThat(check(tenant.admin.get(capacityPath(pool)), 200).body().get("readyTimeSeconds").asLong()).isEqualTo(90);
    }

    private void task(UUID pool, String type, String state, OffsetDateTime created, int seconds) {
        jdbc.sql("insert into provisioning_task (id, tenant_id, pool_id, desktop_id, type, reason, idempotency_key, state, "
                        + "max_attempts, attempts, created_at, started_at, finished_at) values (?, ?, ?, ?, ?, 'SPARE_TARGET', ?, ?, "
                        + "1, 1, ?, ?, ?)")
                .params(Ids.newId(), tenant.id, pool, Ids.newId(), type, "test:" + Ids.newId(), state, created, created,
                        created.plusSeconds(seconds)).update();
    }

    @Test
    void theReconcilerRaisesSparesAheadOfAForecastStormAndPowersThemOffAtNight() {
        UUID pool = pooledPool("office", 30);
        UUID user = tenant.user("history-user");
        // two Mondays of history: 24 logons between 08:00 and 08:05 each
        pastSessions(pool, user, Instant.parse("2026-11-16T08:00:00Z"), 24);
        pastSessions(pool, user, Instant.parse("2026-11-23T08:00:00Z"), 24);
        check(tenant.admin.replace(capacityPath(pool), "{\"mode\":\"DEMAND\",\"floor\":1,\"cap\":12,\"historyWeeks\":3}"),
                200);

        // at 07:50 the storm is beyond the window (ready time 120 s, unmeasured, plus the 2 s interval): the floor
        clock.now = Instant.parse("2026-11-30T07:50:00Z");
        reconciler.tick();
        assertThat(api.tasks(pool)).singleElement().satisfies(t -> {
            assertThat(t.get("type").asString()).isEqualTo("CREATE");
            assertThat(t.get("reason").asString()).isEqualTo("FORECAST");
        });
        assertThat(api.poolStatus(pool).get("notes").toString()).contains("SPARE_FORECAST").contains("forecast 0.0 logons");
        reconcileUntil(() -> api.free(pool, "READY") == 1);

        // at 07:59 the window reaches 62 s into the 08:00 slot: 24 × 62/300 = 4.96 logons, + 3σ = 12 spares (the cap)
        clock.now = MONDAY_0759;
        // (the curve and ready time learned at 07:50 are used again: within DemandForecasts.RELEARN)
        reconciler.tick();
        List<JsonNode> morning = api.tasks(pool);
        assertThat(morning).hasSize(12).allSatisfy(t -> assertThat(t.get("reason").asString()).isEqualTo("FORECAST"));
        assertThat(api.poolStatus(pool).get("notes").toString()).contains("SPARE_FORECAST")
                .contains("forecast 5.0 logons in the next 2.0 min, ready time 120 s (MONDAY): 12 spares (floor 1, cap 12)");
        reconcileUntil(() -> api.free(pool, "READY") == 12);

        // in the evening the forecast is empty: the spares beyond the floor are powered off, not deleted
        clock.now = Instant.parse("2026-11-30T22:00:00Z");
        reconcileUntil(() -> api.free(pool, "STOPPED") == 11);
        assertThat(api.free(pool, "READY")).isEqualTo(1);
        assertThat(api.tasks(pool)).filteredOn(t -> t.get("type").asString().equals("STOP")).hasSize(11)
                .allSatisfy(t -> assertThat(t.get("reason").asString()).isEqualTo("FORECAST_LOW"));
    }

    @Test
    void aSharedPoolOffPeakDrainsTheHostsTheNextHourDoesNotNeedAndResumesThemBeforeTheStorm() {
        UUID pool = tenant.pool("apps", "SHARED", null);
        UUID a = tenant.host(pool, "host-a", 10);
        UUID b = tenant.host(pool, "host-b", 10);
        UUID c = tenant.host(pool, "host-c", 10);
        UUID user = tenant.user("history-user");
        pastSessions(pool, user, Instant.parse("2026-11-16T08:00:00Z"), 30);
        pastSessions(pool, user, Instant.parse("2026-11-23T08:00:00Z"), 30);
        check(tenant.admin.replace(capacityPath(pool), "{\"mode\":\"DEMAND\",\"floor\":1,\"historyWeeks\":3}"), 200);

        // at night nothing is forecast: the floor's one host stays open, the others are drained and reported
        clock.now = Instant.parse("2026-11-30T03:00:00Z");
        reconciler.tick();
        assertThat(draining(a, b, c)).containsExactly(false, true, true);
        JsonNode night = check(tenant.admin.get(capacityPath(pool)), 200).body();
        assertThat(night.get("consolidation").get("hostsOpen").asInt()).isEqualTo(1);
        assertThat(night.get("explain").asString()).contains("1 of 3 hosts open (floor 1)")
                .contains("host-b (empty: can be powered off)");

        // an admin drains the open host: consolidation opens one of its own again, and never resumes the admin's
        check(tenant.admin.post("/api/v1/admin/session-hosts/" + a + "/drain"), 200);
        clock.now = Instant.parse("2026-11-30T03:05:00Z");
        reconciler.tick();
        assertThat(draining(a, b, c)).containsExactly(true, false, true);

        // an hour before the storm (30 logons at 08:00 on Mondays) every host it drained is open again
        clock.now = Instant.parse("2026-11-30T07:30:00Z");
        reconciler.tick();
        assertThat(draining(a, b, c)).containsExactly(true, false, false);
        assertThat(check(tenant.admin.get(capacityPath(pool)), 200).body().get("explain").asString())
                .contains("forecast 30.0 logons in the next hour");
    }

    private List<Boolean> draining(UUID... ids) {
        List<Boolean> out = new ArrayList<>();
        for (UUID id : ids) {
            out.add(check(tenant.admin.get("/api/v1/admin/session-hosts/" + id), 200).body().get("draining").asBoolean());
        }
        return out;
    }
}
