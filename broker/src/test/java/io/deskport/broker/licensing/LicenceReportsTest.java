package io.deskport.broker.licensing;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

/**
 * The compliance reports through the admin API, against a month of seat history generated at random (seeded) and
 * written straight into the licensing tables: the peaks per local day and month, and the overuse periods, are
 * computed here again by brute force — the count of holdings at every instant a seat was taken — and must be what
 * the API answers, in Europe/Berlin (whose clocks go back on 2026-10-25, a day of 25 hours) and again after the
 * tenant's time zone changes.
 */
@BrokerTest
class LicenceReportsTest {

    private static final String REPORTS = "/api/v1/admin/licence-reports";
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    JdbcTemplate jdbcTemplate;

    TestTenant tenant;
    Api operator;

    /** A holding as the test knows it; {@code released} null: still held. */
    record Holding(String holder, Instant taken, Instant released) {

        boolean heldAt(Instant t) {
            return !taken.isAfter(t) && (released == null || t.isBefore(released));
        }

        boolean overlaps(Instant start, Instant end) {
            return taken.isBefore(end) && (released == null || released.isAfter(start)) && !taken.equals(released);
        }
    }

    @org.junit.jupiter.api.AfterEach
    void removeFabricatedSeats() {
        if (tenant != null) {
            io.deskport.broker.support.FabricatedLicences.remove(jdbc, tenant.id);
        }
    }

    @BeforeEach
    void tenantInBerlin() {
        tenant = TestTenant.create(context, port, 100, 100);
        operator = tenant.platformAdmin(context, "operator");
        Api.Response changed = check(operator.edit("/api/v1/admin/tenants/" + tenant.id, json("timeZone", "Europe/Berlin")), 200);
        assertThat(changed.body().get("timeZone").asString()).isEqualTo("Europe/Berlin");
    }

    // ---- the month of history ----

    /**
     * October 2026 in Berlin and a little around it: a few thousand holdings, short and long, some across one or
     * many midnights, some in the hour that happens twice on the 25th, some taken the very instant another is
     * released, to the microsecond; and three still held.
     */
    static List<Holding> generatedMonth(long seed) {
        Random rnd = new Random(seed);
        Instant monthStart = LocalDate.of(2026, 10, 1).atStartOfDay(BERLIN).toInstant();
        List<Holding> holdings = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String holder = "user-" + rnd.nextInt(180);
            int kind = rnd.nextInt(100);
            Instant taken;
            if (kind < 10 && !holdings.isEmpty()) {
                taken = holdings.get(rnd.nextInt(holdings.size())).released(); // handed over the same instant
            } else if (kind < 20) {
                // around the change on the 25th: 00:00 UTC to 02:00 UTC is 02:00 CEST to 02:00 CET (the hour twice)
                taken = Instant.parse("2026-10-24T23:00:00Z").plus(randomMicros(rnd, Duration.ofHours(4)), ChronoUnit.MICROS);
            } else if (kind < 30) {
                LocalDate day = LocalDate.of(2026, 10, 1).plusDays(rnd.nextInt(31));
                taken = day.atStartOfDay(BERLIN).toInstant().minus(Duration.ofHours(2))
                        .plus(randomMicros(rnd, Duration.ofHours(4)), ChronoUnit.MICROS);
            } else if (kind < 35) {
                // exactly at a local midnight: the first instant of a day, the end of the one before
                taken = LocalDate.of(2026, 9, 30).plusDays(rnd.nextInt(33)).atStartOfDay(BERLIN).toInstant();
            } else if (kind < 37) {
                taken = Instant.parse("2026-10-25T01:00:00Z"); // 03:00 CEST becomes 02:00 CET
            } else {
                taken = monthStart.minus(Duration.ofDays(1)).plus(randomMicros(rnd, Duration.ofDays(33)), ChronoUnit.MICROS);
            }
            int length = rnd.nextInt(100);
            Duration held = length < 60 ? Duration.ofMinutes(1 + rnd.nextInt(180))
                    : length < 90 ? Duration.ofMinutes(180 + rnd.nextInt(420))
                    : length < 98 ? Duration.ofMinutes(600 + rnd.nextInt(1800))
                    : Duration.ofHours(48 + rnd.nextInt(192));
            held = held.plus(rnd.nextInt(1_000_000), ChronoUnit.MICROS);
            Instant released = taken.plus(held);
            if (rnd.nextInt(100) < 5) {
                // given back exactly at the next local midnight
                released = LocalDate.ofInstant(taken, BERLIN).plusDays(1).atStartOfDay(BERLIN).toInstant();
            }
            holdings.add(new Holding(holder, taken, released));
        }
        holdings.add(new Holding("still-1", Instant.parse("2026-10-30T08:00:00.123456Z"), null));
        holdings.add(new Holding("still-2", Instant.parse("2026-10-31T09:30:00Z"), null));
        holdings.add(new Holding("still-3", Instant.parse("2026-10-31T22:59:59.999999Z"), null));
        return holdings;
    }

    private static long randomMicros(Random rnd, Duration within) {
        return (long) (rnd.nextDouble() * within.toNanos() / 1000);
    }

    private UUID product(String name, String model) {
        UUID id = UUID.randomUUID();
        jdbc.sql("insert into licence_product (id, tenant_id, name, vendor, sku, model) values (?, ?, ?, 'Contoso', 'SKU-1', ?)")
                .params(id, tenant.id, name, model).update();
        return id;
    }

    private UUID licence(UUID product, int seats, Instant from, Instant until, String enforcement, int margin, int graceDays) {
        UUID id = UUID.randomUUID();
        jdbc.sql("insert into licence (id, tenant_id, product_id, seats, valid_from, valid_until, enforcement, overuse_margin, "
                        + "grace_days, reference) values (?, ?, ?, ?, ?, ?, ?, ?, ?, 'PO-4711')")
                .params(id, tenant.id, product, seats, utc(from), until == null ? null : utc(until), enforcement, margin, graceDays)
                .update();
        return id;
    }

    private void insert(UUID product, List<Holding> holdings, UUID user) {
        jdbcTemplate.batchUpdate("insert into licence_seat (tenant_id, product_id, holder, user_id, taken_at, last_used_at, "
                        + "released_at, release_reason) values (?, ?, ?, ?, ?, ?, ?, ?)", holdings, 500, (ps, h) -> {
                    ps.setObject(1, tenant.id);
                    ps.setObject(2, product);
                    ps.setString(3, h.holder());
                    ps.setObject(4, h.released() == null ? user : null);
                    ps.setObject(5, utc(h.taken()));
                    ps.setObject(6, utc(h.released() == null ? h.taken() : h.released()));
                    ps.setObject(7, h.released() == null ? null : utc(h.released()));
                    ps.setString(8, h.released() == null ? null : "LOGOFF");
                });
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(java.time.ZoneOffset.UTC);
    }

    // ---- brute force ----

    /** A peak as the test expects it. */
    record Expected(String period, Instant start, Instant end, int peak, Instant peakAt, int holders) {
    }

    /**
     * The peak of each period by brute force: the count of holdings held at the period's start and at every instant
     * inside it that a seat was taken (only a take raises the count), each counted over every holding.
     */
    static Expected bruteForcePeak(String label, List<Holding> holdings, Instant start, Instant end) {
        List<Instant> candidates = new ArrayList<>();
        candidates.add(start);
        holdings.stream().map(Holding::taken).filter(t -> t.isAfter(start) && t.isBefore(end)).sorted().forEach(candidates::add);
        int best = -1;
        Instant bestAt = null;
        for (Instant c : candidates) {
            int n = 0;
            for (Holding h : holdings) {
                if (h.heldAt(c)) {
                    n++;
                }
            }
            if (n > best) {
                best = n;
                bestAt = c;
            }
        }
        Set<String> holders = new HashSet<>();
        holdings.stream().filter(h -> h.overlaps(start, end)).forEach(h -> holders.add(h.holder()));
        return new Expected(label, start, end, best, bestAt, holders.size());
    }

    static List<Expected> bruteForceDays(List<Holding> holdings, LocalDate from, LocalDate to, ZoneId zone) {
        List<Expected> expected = new ArrayList<>();
        for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
            expected.add(bruteForcePeak(d.toString(), holdings, d.atStartOfDay(zone).toInstant(),
                    d.plusDays(1).atStartOfDay(zone).toInstant()));
        }
        return expected;
    }

    static List<Expected> bruteForceMonths(List<Holding> holdings, YearMonth from, YearMonth to, ZoneId zone) {
        List<Expected> expected = new ArrayList<>();
        for (YearMonth m = from; !m.isAfter(to); m = m.plusMonths(1)) {
            expected.add(bruteForcePeak(m.toString(), holdings, m.atDay(1).atStartOfDay(zone).toInstant(),
                    m.plusMonths(1).atDay(1).atStartOfDay(zone).toInstant()));
        }
        return expected;
    }

    private void assertPeaks(JsonNode report, List<Expected> expected, int seats, ZoneId zone) {
        JsonNode peaks = report.get("peaks");
        assertThat(peaks.size()).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            Expected e = expected.get(i);
            JsonNode p = peaks.get(i);
            String what = e.period() + " in " + zone + ": " + p;
            assertThat(p.get("period").asString()).as(what).isEqualTo(e.period());
            assertThat(time(p, "start")).as(what).isEqualTo(e.start());
            assertThat(time(p, "end")).as(what).isEqualTo(e.end());
            assertThat(p.get("peak").asInt()).as(what).isEqualTo(e.peak());
            assertThat(time(p, "peakAt")).as(what).isEqualTo(e.peakAt());
            assertThat(p.get("holders").asInt()).as(what).isEqualTo(e.holders());
            assertThat(p.get("seats").asInt()).as(what).isEqualTo(seats);
            for (String member : List.of("start", "end", "peakAt")) {
                OffsetDateTime t = OffsetDateTime.parse(p.get(member).asString());
                assertThat(t.getOffset()).as("%s: %s in the tenant's offset", what, member)
                        .isEqualTo(zone.getRules().getOffset(t.toInstant()));
            }
        }
    }

    private static Instant time(JsonNode node, String member) {
        return node.get(member).isNull() ? null : OffsetDateTime.parse(node.get(member).asString()).toInstant();
    }

    // ---- the tests ----

    @Test
    void aGeneratedMonthWithADaylightSavingChangeGivesThePeaksPerDayAndMonthComputedIndependently() {
        List<Holding> month = generatedMonth(20261025L);
        UUID office = product("Office CAL", "CONCURRENT_USER");
        licence(office, 40, Instant.parse("2026-01-01T00:00:00Z"), null, "HARD", 0, 0);
        insert(office, month, null);

        // DAY, over the change and the month's edges
        LocalDate from = LocalDate.of(2026, 9, 28);
        LocalDate to = LocalDate.of(2026, 11, 3);
        JsonNode days = check(tenant.admin.get(REPORTS + "/peaks?productId=" + office + "&from=" + from + "&to=" + to
                + "&period=DAY"), 200).body();
        assertThat(days.get("timeZone").asString()).isEqualTo("Europe/Berlin");
        assertThat(days.get("productName").asString()).isEqualTo("Office CAL");
        List<Expected> expectedDays = bruteForceDays(month, from, to, BERLIN);
        assertPeaks(days, expectedDays, 40, BERLIN);
        JsonNode changeDay = days.get("peaks").get((int) ChronoUnit.DAYS.between(from, LocalDate.of(2026, 10, 25)));
        assertThat(changeDay.get("start").asString()).isEqualTo("2026-10-25T00:00:00+02:00");
        assertThat(changeDay.get("end").asString()).isEqualTo("2026-10-26T00:00:00+01:00");
        // the data is not trivial: peaks differ from day to day, and the day of the change is busy
        assertThat(expectedDays.stream().map(Expected::peak).distinct().count()).isGreaterThan(5);
        assertThat(expectedDays.stream().mapToInt(Expected::peak).max().orElseThrow()).isGreaterThan(20);

        // MONTH: September (its last days), October, November (the long holdings and the three still held)
        JsonNode months = check(tenant.admin.get(REPORTS + "/peaks?productId=" + office
                + "&from=2026-09-01&to=2026-11-30&period=MONTH"), 200).body();
        List<Expected> expectedMonths = bruteForceMonths(month, YearMonth.of(2026, 9), YearMonth.of(2026, 11), BERLIN);
        assertPeaks(months, expectedMonths, 40, BERLIN);
        assertThat(expectedMonths.get(1).peak()).as("October's peak is its busiest day's")
                .isEqualTo(expectedDays.stream().filter(e -> e.period().startsWith("2026-10")).mapToInt(Expected::peak).max()
                        .orElseThrow());
        // a month of the range cut by its ends counts the part inside
        JsonNode partial = check(tenant.admin.get(REPORTS + "/peaks?productId=" + office
                + "&from=2026-10-10&to=2026-10-20&period=MONTH"), 200).body();
        assertPeaks(partial, List.of(bruteForcePeak("2026-10", month, LocalDate.of(2026, 10, 10).atStartOfDay(BERLIN).toInstant(),
                LocalDate.of(2026, 10, 21).atStartOfDay(BERLIN).toInstant())), 40, BERLIN);

        // the CSV form of the same report
        HttpResponse<String> csv = raw(tenant.admin, REPORTS + "/peaks?productId=" + office + "&from=" + from + "&to=" + to,
                "text/csv");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(csv.headers().firstValue("Content-Disposition").orElseThrow())
                .startsWith("attachment").contains("filename=\"licence-peaks-day-2026-09-28-2026-11-03.csv\"");
        List<List<String>> rows = parseCsv(csv.body());
        assertThat(rows.getFirst()).containsExactly("productId", "productName", "period", "start", "end", "peak", "peakAt",
                "seats", "holders");
        assertThat(rows).hasSize(expectedDays.size() + 1);
        for (int i = 0; i < expectedDays.size(); i++) {
            Expected e = expectedDays.get(i);
            List<String> row = rows.get(i + 1);
            assertThat(row.get(0)).isEqualTo(office.toString());
            assertThat(row.get(2)).isEqualTo(e.period());
            assertThat(OffsetDateTime.parse(row.get(3)).toInstant()).isEqualTo(e.start());
            assertThat(OffsetDateTime.parse(row.get(4)).toInstant()).isEqualTo(e.end());
            assertThat(Integer.parseInt(row.get(5))).isEqualTo(e.peak());
            assertThat(OffsetDateTime.parse(row.get(6))).isEqualTo(e.peakAt().atZone(BERLIN).toOffsetDateTime());
            assertThat(row.get(7)).isEqualTo("40");
            assertThat(Integer.parseInt(row.get(8))).isEqualTo(e.holders());
        }
        List<String> csvChangeDay = rows.get((int) ChronoUnit.DAYS.between(from, LocalDate.of(2026, 10, 25)) + 1);
        assertThat(csvChangeDay.subList(2, 5)).containsExactly("2026-10-25", "2026-10-25T00:00:00+02:00",
                "2026-10-26T00:00:00+01:00");
        assertThat(csv.body()).contains("\r\n");

        // the time zone changes: the same history counted in Tokyo's days
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        check(operator.edit("/api/v1/admin/tenants/" + tenant.id, json("timeZone", "Asia/Tokyo")), 200);
        JsonNode inTokyo = check(tenant.admin.get(REPORTS + "/peaks?productId=" + office + "&from=2026-10-01&to=2026-10-31"),
                200).body();
        assertThat(inTokyo.get("timeZone").asString()).isEqualTo("Asia/Tokyo");
        List<Expected> tokyoDays = bruteForceDays(month, LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 31), tokyo);
        assertPeaks(inTokyo, tokyoDays, 40, tokyo);
        assertThat(inTokyo.get("peaks").get(0).get("start").asString()).isEqualTo("2026-10-01T00:00:00+09:00");
        assertThat(tokyoDays).as("other days, other peaks")
                .isNotEqualTo(bruteForceDays(month, LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 31), BERLIN));
    }

    @Test
    void overusePeriodsAgainstALicenceWithFewerSeatsAreThoseFoundByBruteForce() {
        List<Holding> month = generatedMonth(4711L);
        UUID office = product("Office \"Pro\", CAL", "CONCURRENT_USER");
        Instant renewal = LocalDate.of(2026, 10, 15).atStartOfDay(BERLIN).toInstant();
        licence(office, 32, Instant.parse("2026-09-01T00:00:00Z"), renewal, "SOFT", 50, 0);
        licence(office, 36, renewal, null, "SOFT", 50, 0);
        insert(office, month, null);

        JsonNode report = check(tenant.admin.get(REPORTS + "/overuse?productId=" + office + "&from=2026-10-01&to=2026-10-31"),
                200).body();
        Instant from = LocalDate.of(2026, 10, 1).atStartOfDay(BERLIN).toInstant();
        Instant to = LocalDate.of(2026, 11, 1).atStartOfDay(BERLIN).toInstant();
        List<OverusePeriod> expected = bruteForceOveruse(month, t -> t.isBefore(Instant.parse("2026-09-01T00:00:00Z")) ? 0
                : t.isBefore(renewal) ? 32 : 36).stream()
                .filter(p -> p.startedAt().isBefore(to) && (p.endedAt() == null || p.endedAt().isAfter(from))).toList();
        assertThat(expected.size()).as("the history overuses the licence now and then").isGreaterThan(5);
        assertThat(expected.stream().map(OverusePeriod::seats).distinct()).as("before and after the renewal")
                .containsExactlyInAnyOrder(32, 36);
        JsonNode periods = report.get("periods");
        assertThat(periods.size()).isEqualTo(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            OverusePeriod e = expected.get(i);
            JsonNode p = periods.get(i);
            assertThat(time(p, "startedAt")).as(p.toString()).isEqualTo(e.startedAt());
            assertThat(time(p, "endedAt")).as(p.toString()).isEqualTo(e.endedAt());
            assertThat(p.get("seats").asInt()).as(p.toString()).isEqualTo(e.seats());
            assertThat(p.get("peakExcess").asInt()).as(p.toString()).isEqualTo(e.peakExcess());
            assertThat(time(p, "peakAt")).as(p.toString()).isEqualTo(e.peakAt());
            assertThat(p.get("peakSeatsInUse").asInt()).as(p.toString()).isEqualTo(e.peakSeatsInUse());
            assertThat(p.get("durationSeconds").asLong()).isEqualTo(Duration.between(e.startedAt(), e.endedAt()).toSeconds());
        }

        // a range that starts inside a period gives it whole: its start before the range, as the sweep keeps it
        OverusePeriod longest = expected.stream().max(Comparator.comparing(p -> Duration.between(p.startedAt(), p.endedAt())))
                .orElseThrow();
        LocalDate inside = LocalDate.ofInstant(longest.endedAt().minusNanos(1000), BERLIN);
        JsonNode cut = check(tenant.admin.get(REPORTS + "/overuse?productId=" + office + "&from=" + inside + "&to=" + inside), 200)
                .body();
        assertThat(cut.get("periods").findValuesAsString("startedAt").stream().map(s -> OffsetDateTime.parse(s).toInstant()))
                .contains(longest.startedAt());

        // the CSV form, for a browser's link: quoted as RFC 4180 says
        HttpResponse<String> csv = raw(tenant.admin, REPORTS + "/overuse?productId=" + office
                + "&from=2026-10-01&to=2026-10-31&format=csv", "text/html,application/xhtml+xml,*/*;q=0.8");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/csv");
        assertThat(csv.body()).startsWith("productId,productName,startedAt,endedAt,durationSeconds,seats,peakExcess,peakAt,"
                + "peakSeatsInUse\r\n");
        assertThat(csv.body()).contains(office + ",\"Office \"\"Pro\"\", CAL\",");
        List<List<String>> rows = parseCsv(csv.body());
        assertThat(rows).hasSize(expected.size() + 1);
        assertThat(rows.get(1).get(1)).isEqualTo("Office \"Pro\", CAL");
        assertThat(OffsetDateTime.parse(rows.get(1).get(2)).toInstant()).isEqualTo(expected.getFirst().startedAt());
    }

    /** Overuse by brute force: the excess evaluated at every instant anything changes, over the whole history. */
    static List<OverusePeriod> bruteForceOveruse(List<Holding> holdings, java.util.function.Function<Instant, Integer> seats) {
        TreeSet<Instant> instants = new TreeSet<>();
        for (Holding h : holdings) {
            instants.add(h.taken());
            if (h.released() != null) {
                instants.add(h.released());
            }
        }
        instants.add(Instant.parse("2026-09-01T00:00:00Z"));
        instants.add(LocalDate.of(2026, 10, 15).atStartOfDay(BERLIN).toInstant());
        List<OverusePeriod> periods = new ArrayList<>();
        Instant start = null;
        int startSeats = 0;
        int peak = 0;
        Instant peakAt = null;
        int peakInUse = 0;
        for (Instant t : instants) {
            int inUse = (int) holdings.stream().filter(h -> h.heldAt(t)).count();
            int excess = inUse - seats.apply(t);
            if (excess > 0 && start == null) {
                start = t;
                startSeats = seats.apply(t);
                peak = 0;
            }
            if (start != null && excess > peak) {
                peak = excess;
                peakAt = t;
                peakInUse = inUse;
            }
            if (excess <= 0 && start != null) {
                periods.add(new OverusePeriod(start, t, startSeats, peak, peakAt, peakInUse));
                start = null;
            }
        }
        if (start != null) {
            periods.add(new OverusePeriod(start, null, startSeats, peak, peakAt, peakInUse));
        }
        return periods;
    }

    @Test
    void usageHoldersAndExpiringLicences() {
        UUID alice = tenant.user("alice");
        List<Holding> month = generatedMonth(7L);
        UUID office = product("Office CAL", "CONCURRENT_USER");
        UUID licence = licence(office, 40, Instant.parse("2026-01-01T00:00:00Z"), null, "HARD", 0, 0);
        insert(office, month, alice);
        UUID cad = product("CAD seats", "NAMED_USER");
        Instant now = Instant.now();
        UUID ending = licence(cad, 5, now.minus(Duration.ofDays(30)), now.plus(Duration.ofDays(10)).plus(Duration.ofHours(1)),
                "SOFT", 2, 0);
        UUID renewal = licence(cad, 6, now.plus(Duration.ofDays(10)).plus(Duration.ofHours(1)), null, "SOFT", 2, 0);
        UUID old = product("Old suite", "PER_DEVICE");
        UUID inGrace = licence(old, 3, now.minus(Duration.ofDays(60)), now.minus(Duration.ofDays(2)).plus(Duration.ofHours(1)),
                "HARD", 0, 7);
        insert(old, List.of(new Holding("device-a", now.minus(Duration.ofDays(5)), null),
                new Holding("device-b", now.minus(Duration.ofDays(4)), null),
                new Holding("device-c", now.minus(Duration.ofDays(3)), null),
                new Holding("device-d", now.minus(Duration.ofDays(3)), null)), alice);

        // seats in use now
        JsonNode usage = check(tenant.admin.get(REPORTS + "/usage"), 200).body();
        assertThat(usage.get("timeZone").asString()).isEqualTo("Europe/Berlin");
        assertThat(usage.get("products").findValuesAsString("name")).containsExactly("CAD seats", "Office CAL", "Old suite");
        JsonNode officeNow = usage.get("products").get(1);
        assertThat(officeNow.get("seatsInUse").asInt()).as("the three still held").isEqualTo(3);
        assertThat(officeNow.get("seats").asInt()).isEqualTo(40);
        assertThat(officeNow.get("licenceId").asString()).isEqualTo(licence.toString());
        assertThat(officeNow.get("validUntil").isNull()).isTrue();
        assertThat(officeNow.get("overuse").asInt()).isZero();
        JsonNode cadNow = usage.get("products").get(0);
        assertThat(cadNow.get("enforcement").asString()).isEqualTo("SOFT");
        assertThat(cadNow.get("capacity").asInt()).isEqualTo(7);
        assertThat(cadNow.get("seatsInUse").asInt()).isZero();
        JsonNode oldNow = usage.get("products").get(2);
        assertThat(oldNow.get("inGrace").asBoolean()).isTrue();
        assertThat(oldNow.get("seatsInUse").asInt()).isEqualTo(4);
        assertThat(oldNow.get("overuse").asInt()).isEqualTo(1);
        assertThat(OffsetDateTime.parse(oldNow.get("validUntil").asString()).getOffset())
                .isEqualTo(BERLIN.getRules().getOffset(now));
        HttpResponse<String> usageCsv = raw(tenant.admin, REPORTS + "/usage", "text/csv");
        assertThat(parseCsv(usageCsv.body())).hasSize(4);
        assertThat(usageCsv.headers().firstValue("Content-Disposition").orElseThrow()).contains("licence-usage-");

        // the holders, a page at a time, with their last use; all of them in the CSV form
        Api.Response firstPage = check(tenant.admin.get(REPORTS + "/holders?productId=" + office + "&limit=2&sort=-takenAt"), 200);
        assertThat(firstPage.header("X-Total-Count")).isEqualTo("3");
        assertThat(firstPage.body().findValuesAsString("holder")).containsExactly("still-3", "still-2");
        assertThat(firstPage.body().get(0).get("username").asString()).isEqualTo("alice");
        assertThat(firstPage.body().get(0).get("kind").asString()).isEqualTo("USER");
        assertThat(time(firstPage.body().get(0), "lastUsedAt")).isEqualTo(Instant.parse("2026-10-31T22:59:59.999999Z"));
        assertThat(firstPage.body().get(0).get("lastUsedAt").asString()).isEqualTo("2026-10-31T23:59:59.999999+01:00");
        assertThat(tenant.admin.all(REPORTS + "/holders?productId=" + office + "&limit=1")).hasSize(3);
        assertThat(tenant.admin.all(REPORTS + "/holders?limit=2")).as("every product's").hasSize(7);
        List<List<String>> holders = parseCsv(raw(tenant.admin, REPORTS + "/holders?limit=1&format=csv", "*/*").body());
        assertThat(holders).as("the CSV form is not paged").hasSize(8);
        assertThat(holders.stream().skip(1).map(r -> r.get(3))).containsOnly("USER", "DEVICE");

        // licences ending within 90 days, or in their grace period
        JsonNode expiring = check(tenant.admin.get(REPORTS + "/expiring"), 200).body();
        assertThat(expiring.get("withinDays").asInt()).isEqualTo(90);
        assertThat(expiring.get("licences").findValuesAsString("licenceId"))
                .containsExactly(inGrace.toString(), ending.toString());
        JsonNode grace = expiring.get("licences").get(0);
        assertThat(grace.get("state").asString()).isEqualTo("IN_GRACE");
        assertThat(grace.get("daysLeft").asLong()).isEqualTo(-2);
        assertThat(grace.get("graceDaysLeft").asLong()).isEqualTo(5);
        assertThat(grace.get("renewedBy").isNull()).isTrue();
        JsonNode soon = expiring.get("licences").get(1);
        assertThat(soon.get("state").asString()).isEqualTo("EXPIRING");
        assertThat(soon.get("daysLeft").asLong()).isEqualTo(10);
        assertThat(soon.get("renewedBy").asString()).isEqualTo(renewal.toString());
        assertThat(check(tenant.admin.get(REPORTS + "/expiring?withinDays=5"), 200).body().get("licences")
                .findValuesAsString("licenceId")).containsExactly(inGrace.toString());
        assertThat(parseCsv(raw(tenant.admin, REPORTS + "/expiring", "text/csv").body())).hasSize(3);
    }

    @Test
    void badInputUnknownProductsAndOtherTenantsProductsAreProblemsInEitherForm() {
        UUID office = product("Office CAL", "CONCURRENT_USER");
        String peaks = REPORTS + "/peaks?productId=" + office;

        for (String bad : List.of("&from=2026-13-01", "&from=2026-02-30", "&to=yesterday", "&from=2026-10-02&to=2026-10-01",
                "&from=2025-01-01&to=2026-12-31", "&period=WEEK", "&format=xml")) {
            Api.Response r = tenant.admin.get(peaks + bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.contentType()).as(bad).startsWith("application/problem+json");
            assertThat(r.reason()).as(bad).isEqualTo("VALIDATION_FAILED");
            assertThat(r.body().get("errors").get(0).get("field").asString()).as(bad)
                    .isIn("from", "to", "period", "format");
        }
        assertThat(tenant.admin.get(peaks + "&from=2025-11-01&to=2026-12-31").body().get("detail").asString())
                .contains("400 days");
        assertThat(tenant.admin.get(REPORTS + "/peaks").body().get("errors").get(0).get("field").asString())
                .isEqualTo("productId");
        assertThat(tenant.admin.get(REPORTS + "/expiring?withinDays=-1").reason()).isEqualTo("VALIDATION_FAILED");

        // a product nobody has, and another tenant's: 404, also when CSV was asked for
        TestTenant other = TestTenant.create(context, port, 10, 10);
        UUID theirs = UUID.randomUUID();
        jdbc.sql("insert into licence_product (id, tenant_id, name, model) values (?, ?, 'Theirs', 'NAMED_USER')")
                .params(theirs, other.id).update();
        for (UUID product : List.of(UUID.randomUUID(), theirs)) {
            for (String report : List.of("/peaks", "/overuse", "/holders")) {
                Api.Response r = tenant.admin.get(REPORTS + report + "?productId=" + product);
                assertThat(r.status()).as(report).isEqualTo(404);
                assertThat(r.reason()).isEqualTo("NOT_FOUND");
                HttpResponse<String> csv = raw(tenant.admin, REPORTS + report + "?productId=" + product, "text/csv");
                assertThat(csv.statusCode()).as(report).isEqualTo(404);
                assertThat(csv.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
                assertThat(csv.body()).contains("NOT_FOUND");
            }
        }
        // the platform admin reads the other tenant's reports by naming it
        assertThat(check(operator.inTenant(other.id).get(REPORTS + "/peaks?productId=" + theirs), 200).body()
                .get("productName").asString()).isEqualTo("Theirs");
        assertThat(tenant.admin.inTenant(other.id).get(REPORTS + "/usage").status()).isEqualTo(403);
        tenant.user("plain");
        assertThat(tenant.login("plain").get(REPORTS + "/usage").status()).as("a user").isEqualTo(403);
    }

    @Test
    void theTenantsTimeZoneIsAnIanaRegionId() {
        String path = "/api/v1/admin/tenants/" + tenant.id;
        for (String bad : List.of("Mars/Olympus_Mons", "+02:00", "UTC+2", "europe/berlin", "", "Z")) {
            Api.Response r = operator.edit(path, json("timeZone", bad));
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.reason()).as(bad).isEqualTo("VALIDATION_FAILED");
            assertThat(r.body().get("detail").asString()).as(bad).contains("timeZone").contains("IANA");
            assertThat(r.body().get("errors").get(0).get("field").asString()).isEqualTo("timeZone");
        }
        Api.Response read = check(operator.get(path), 200);
        assertThat(read.body().get("timeZone").asString()).as("unchanged").isEqualTo("Europe/Berlin");
        check(operator.patch(path, "application/merge-patch+json", read.header("ETag"), json("timeZone", "America/New_York")), 200);
        assertThat(check(operator.get(path), 200).body().get("timeZone").asString()).isEqualTo("America/New_York");
        assertThat(operator.patch(path, "application/merge-patch+json", "*", "{\"timeZone\":null}").reason())
                .isEqualTo("VALIDATION_FAILED");

        Api.Response created = check(operator.post("/api/v1/admin/tenants", json("slug", "tz" + Long.toHexString(System.nanoTime()),
                "name", "Zoned", "maxConcurrentSessions", 1, "maxDesktops", 1, "timeZone", "Australia/Lord_Howe")), 201);
        assertThat(created.body().get("timeZone").asString()).isEqualTo("Australia/Lord_Howe");
        Api.Response plain = check(operator.post("/api/v1/admin/tenants", json("slug", "tz" + Long.toHexString(System.nanoTime()),
                "name", "Plain", "maxConcurrentSessions", 1, "maxDesktops", 1)), 201);
        assertThat(plain.body().get("timeZone").asString()).isEqualTo("UTC");
        Api.Response refused = operator.post("/api/v1/admin/tenants", json("slug", "tz" + Long.toHexString(System.nanoTime()),
                "name", "Bad", "maxConcurrentSessions", 1, "maxDesktops", 1, "timeZone", "CEST"));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.reason()).isEqualTo("VALIDATION_FAILED");
    }

    // ---- HTTP with another Accept, and CSV read back ----

    private HttpResponse<String> raw(Api as, String path, String accept) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + as.token()).header("Accept", accept).GET().build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** RFC 4180, strictly: records end with CRLF; quoted fields may hold commas, CRLF and doubled quotes. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\r') {
                assertThat(text.charAt(i + 1)).as("CRLF").isEqualTo('\n');
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                i++;
            } else {
                assertThat(c).as("a bare LF").isNotEqualTo('\n');
                field.append(c);
            }
        }
        assertThat(record).as("the last record ends with CRLF").isEmpty();
        return records;
    }
}
