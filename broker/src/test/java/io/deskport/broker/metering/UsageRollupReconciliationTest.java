package io.deskport.broker.metering;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The roll-ups of a generated week ({@link UsageWeek}: America/New_York, the clocks going back on the night the month
 * ends) equal, to the microsecond, what the test computes from the week's own model of sessions, power changes and
 * seats; a seat released late, with its own older time, re-opens the hours it had been counted in; and rolling the
 * week up again gives the same rows; and the same week in a half-hour zone, whose days are no union of UTC hours.
 */
@BrokerTest
class UsageRollupReconciliationTest {

    private static final JsonMapper EXACT = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();

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
    @Autowired
    JdbcClient jdbc;

    TestTenant tenant;

    @BeforeEach
    void tenantInNewYork() {
        tenant = TestTenant.create(context, port, 100, 100);
        Api operator = tenant.platformAdmin(context, "operator");
        check(operator.edit("/api/v1/admin/tenants/" + tenant.id, json("timeZone", "America/New_York")), 200);
    }

    @Test
    void theRollupsOfAWeekAcrossADaylightSavingChangeAreWhatItsHistoryAddsUpTo() {
        UsageWeek week = new UsageWeek(20261101L, 180, 60);
        int written = record(week.events());
        rollUpEverything(written);

        // the late seat is held as far as the log knows: its hours are counted, up to now
        Instant afterItsRelease = Instant.parse("2026-10-30T12:00:00Z");
        assertThat(seatSeconds(week.lateSeat.product(), afterItsRelease)).isEqualTo("3600");
        assertThat(seatSeconds(week.lateSeat.product(), Instant.parse("2026-11-20T12:00:00Z"))).isEqualTo("3600");

        // its release arrives late, with its own time, after those hours were rolled up: they are counted again
        written += record(List.of(week.lateRelease(week.lateSeat)));
        UsageRollups.Pass pass = rollUpEverything(written);
        assertThat(pass.hours()).as("the hours since the release, recomputed").isGreaterThan(24 * 30);
        assertThat(seatSeconds(week.lateSeat.product(), afterItsRelease)).isNull();
        assertThat(seatSeconds(week.lateSeat.product(), Instant.parse("2026-10-30T10:00:00Z"))).isEqualTo("1053.500001");

        Map<UsageWeek.Key, String> expected = new TreeMap<>(java.util.Comparator.comparing(UsageWeek.Key::toString));
        week.expectedSeconds(true).forEach((k, micros) -> expected.put(k, UsageWeek.seconds(micros)));
        week.expectedDistinct().forEach((k, n) -> expected.put(k, Long.toString(n)));
        Map<UsageWeek.Key, Object[]> peaks = week.expectedPeaks();
        peaks.forEach((k, p) -> expected.put(k, p[0] + " at " + p[1]));

        Map<UsageWeek.Key, String> actual = new TreeMap<>(java.util.Comparator.comparing(UsageWeek.Key::toString));
        // from before the week to today: nothing may be counted after the late seat's release
        String today = LocalDate.now(UsageWeek.NEW_YORK).toString();
        for (JsonNode row : rows("granularity=hour&from=2026-10-20&to=" + today)) {
            actual.put(key(row), value(row));
        }
        for (JsonNode row : rows("granularity=day&from=2026-10-20&to=" + today)) {
            actual.put(key(row), value(row));
        }
        for (JsonNode row : rows("granularity=month&from=2026-10-01&to=" + today)) {
            actual.put(key(row), value(row));
        }
        assertThat(expected).as("the week generated what the test means to check")
                .hasSizeGreaterThan(3000)
                .containsKey(new UsageWeek.Key("HOUR", Instant.parse("2026-11-01T05:00:00Z"), "SESSION_SECONDS",
                        week.sessions.get(180).pool(), week.sessions.get(180).user(), null, null, null, null));
        assertThat(actual).as("the roll-ups, figure by figure").containsExactlyEntriesOf(expected);

        // the hour that happens twice and the day of 25 hours, as the export labels them
        List<JsonNode> night = rows("granularity=hour&from=2026-11-01T05:00:00Z&to=2026-11-01T07:00:00Z&metric=session_seconds"
                + "&userId=" + week.sessions.get(180).user() + "&poolId=" + week.sessions.get(180).pool());
        assertThat(night).extracting(r -> r.get("period").asString())
                .containsExactly("2026-11-01T01:00-04:00", "2026-11-01T01:00-05:00");
        JsonNode first = rows("granularity=day&from=2026-11-01&to=2026-11-01&metric=PEAK_SESSIONS").getFirst();
        assertThat(OffsetDateTime.parse(first.get("start").asString())).isEqualTo(OffsetDateTime.parse("2026-11-01T00:00-04:00"));
        assertThat(OffsetDateTime.parse(first.get("end").asString())).isEqualTo(OffsetDateTime.parse("2026-11-02T00:00-05:00"));
    }

    @Test
    void inAZoneWhoseDaysDoNotBeginOnAUtcHourTheDaysAreStillWhatTheHistoryAddsUpTo() {
        // India: +05:30, so a local day runs 18:30 to 18:30 UTC and is no union of UTC hours (its seconds are computed
        // from the intervals, where New York's days are summed from their hours)
        ZoneId kolkata = ZoneId.of("Asia/Kolkata");
        check(tenant.login("operator").edit("/api/v1/admin/tenants/" + tenant.id, json("timeZone", kolkata.getId())), 200);
        UsageWeek week = new UsageWeek(20261207L, 120, 40, kolkata);
        List<UsageWeek.Event> events = new ArrayList<>(week.events());
        events.add(week.lateRelease(week.lateSeat));
        rollUpEverything(record(events));

        Map<UsageWeek.Key, String> expected = new TreeMap<>(java.util.Comparator.comparing(UsageWeek.Key::toString));
        week.expectedSeconds(true).forEach((k, micros) -> expected.put(k, UsageWeek.seconds(micros)));
        week.expectedDistinct().forEach((k, n) -> expected.put(k, Long.toString(n)));
        week.expectedPeaks().forEach((k, p) -> expected.put(k, p[0] + " at " + p[1]));
        Map<UsageWeek.Key, String> actual = new TreeMap<>(java.util.Comparator.comparing(UsageWeek.Key::toString));
        String today = LocalDate.now(kolkata).toString();
        for (String granularity : List.of("hour", "day", "month")) {
            for (JsonNode row : rows("granularity=" + granularity + "&from=2026-10-01&to=" + today)) {
                actual.put(key(row), value(row));
            }
        }
        assertThat(expected).as("the week generated what the test means to check").hasSizeGreaterThan(2000)
                .containsKey(new UsageWeek.Key("DAY", Instant.parse("2026-10-30T18:30:00Z"), "DISTINCT_USERS", null, null,
                        null, null, null, null));
        assertThat(actual).as("the roll-ups, figure by figure").containsExactlyEntriesOf(expected);
    }

    @Test
    void rollingAWeekUpAgainGivesTheSameRows() {
        UsageWeek week = new UsageWeek(7L, 60, 20);
        List<UsageWeek.Event> events = new ArrayList<>(week.events());
        events.add(week.lateRelease(week.lateSeat));
        rollUpEverything(record(events));
        List<Map<String, Object>> rolled = rowsInTheDatabase();
        assertThat(rolled).hasSizeGreaterThan(500);

        UsageRollups.Pass nothingNew = rollups.rollUpNow();
        assertThat(nothingNew.ran()).isTrue();
        assertThat(rowsInTheDatabase()).as("a pass with nothing new").isEqualTo(rolled);

        rollups.reroll(tenant.id, UsageWeek.START, UsageWeek.END);
        UsageRollups.Pass again = rollups.rollUpNow();
        assertThat(again.hours()).isGreaterThanOrEqualTo(7 * 24);
        assertThat(rowsInTheDatabase()).as("the week rolled up again").isEqualTo(rolled);

        // even from nothing: the rows come from the intervals, not from what was there
        jdbc.sql("delete from usage_rollup where tenant_id = ?").param(tenant.id).update();
        rollups.reroll(tenant.id, UsageWeek.START, UsageWeek.END);
        rollups.rollUpNow();
        assertThat(rowsInTheDatabase()).as("the week rolled up from no rows").isEqualTo(rolled);
    }

    // ---- helpers ----

    /** Writes the events as the changes' transactions would, with their (past) times; a transaction per 500. */
    private int record(List<UsageWeek.Event> events) {
        TransactionTemplate tx = new TransactionTemplate(txManager);
        for (int i = 0; i < events.size(); i += 500) {
            List<UsageWeek.Event> batch = events.subList(i, Math.min(events.size(), i + 500));
            tx.executeWithoutResult(status -> batch.forEach(e -> recorder.recordAt(tenant.id, e.type(), e.subject(), e.time(),
                    e.data())));
        }
        return events.size();
    }

    /** Runs passes until every one of the tenant's events is visible in the log and read by the roll-ups. */
    private UsageRollups.Pass rollUpEverything(int written) {
        UsageRollups.Pass[] last = new UsageRollups.Pass[1];
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
            List<UsageEvent> mine = log.after(UsageCursor.START, tenant.id, java.util.EnumSet.complementOf(
                    java.util.EnumSet.of(UsageEventType.TENANT_QUOTA_CHANGED)), UsageEventLog.MAX_BATCH);
            assertThat(mine).hasSize(written);
            last[0] = rollups.rollUpNow();
            assertThat(rollups.cursor()).isGreaterThanOrEqualTo(mine.getLast().position());
        });
        return last[0];
    }

    private String seatSeconds(UUID product, Instant hour) {
        List<JsonNode> rows = rows("granularity=hour&from=" + hour + "&to=" + hour.plusSeconds(3600) + "&productId=" + product);
        return rows.isEmpty() ? null : rows.getFirst().get("value").asString();
    }

    private List<JsonNode> rows(String query) {
        Api.Response r = check(tenant.admin.get("/api/v1/usage/rollups?" + query), 200);
        JsonNode body = EXACT.readTree(r.raw());
        List<JsonNode> rows = new ArrayList<>();
        body.get("rows").forEach(rows::add);
        assertThat(body.get("count").asInt()).isEqualTo(rows.size());
        return rows;
    }

    private static UsageWeek.Key key(JsonNode row) {
        return new UsageWeek.Key(row.get("granularity").asString(), OffsetDateTime.parse(row.get("start").asString()).toInstant(),
                row.get("metric").asString(), uuid(row, "poolId"), uuid(row, "userId"), uuid(row, "productId"),
                integer(row, "vcpus"), integer(row, "memoryMiB"), integer(row, "diskMiB"));
    }

    private static String value(JsonNode row) {
        BigDecimal v = row.get("value").decimalValue();
        String plain = v.scale() <= 0 ? v.toBigInteger().toString() : v.stripTrailingZeros().toPlainString();
        if (row.get("metric").asString().equals("PEAK_SESSIONS")) {
            return plain + " at " + OffsetDateTime.parse(row.get("reachedAt").asString()).toInstant();
        }
        return plain;
    }

    private static UUID uuid(JsonNode row, String field) {
        JsonNode v = row.get(field);
        return v == null || v.isNull() ? null : UUID.fromString(v.asString());
    }

    private static Integer integer(JsonNode row, String field) {
        JsonNode v = row.get(field);
        return v == null || v.isNull() ? null : v.asInt();
    }

    private List<Map<String, Object>> rowsInTheDatabase() {
        return jdbc.sql("select granularity, period_start, period_end, local_start, utc_offset_seconds, time_zone, complete, "
                        + "metric, pool_id, user_id, product_id, vcpus, memory_mib, disk_mib, value::text, reached_at "
                        + "from usage_rollup where tenant_id = ? order by granularity, period_start, metric, pool_id, user_id, "
                        + "product_id, vcpus, memory_mib, disk_mib")
                .param(tenant.id).query().listOfRows();
    }
}
