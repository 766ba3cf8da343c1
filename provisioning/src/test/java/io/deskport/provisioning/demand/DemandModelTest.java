package io.deskport.provisioning.demand;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The logon curve: slots, weekdays, the tenant's time zone (with a daylight-saving change) and holidays. */
class DemandModelTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    /** A Monday. */
    private static final LocalDate MONDAY = LocalDate.of(2026, 3, 2);

    /** Adds {@code n} arrivals at a local wall-clock time. */
    private static void arrive(Map<Instant, Integer> arrivals, ZoneId zone, LocalDate day, int hour, int minute, int n) {
        arrivals.merge(LocalDateTime.of(day, LocalTime.of(hour, minute)).atZone(zone).toInstant(), n, Integer::sum);
    }

    private static Instant at(LocalDate day, int hour, int minute, ZoneId zone) {
        return LocalDateTime.of(day, LocalTime.of(hour, minute)).atZone(zone).toInstant();
    }

    @Test
    void arrivalsAreLearnedPerFiveMinuteSlotOfTheLocalDayAsAMeanOverTheDaysOfThatKind() {
        Map<Instant, Integer> arrivals = new HashMap<>();
        for (int week = 0; week < 3; week++) {
            LocalDate monday = MONDAY.plusWeeks(week);
            arrive(arrivals, BERLIN, monday, 8, 2, 10 + week * 5); // 10, 15, 20 in the 08:00 slot
            arrive(arrivals, BERLIN, monday.plusDays(1), 8, 2, 3);  // Tuesdays
        }
        DemandModel m = DemandModel.learn(BERLIN, Set.of(), arrivals, at(MONDAY, 0, 0, BERLIN),
                at(MONDAY.plusWeeks(3), 0, 0, BERLIN));

        assertThat(m.daysSeen(DayKind.MONDAY)).isEqualTo(3);
        assertThat(m.expected(DayKind.MONDAY, DemandModel.slotOf(LocalTime.of(8, 0)))).isCloseTo(15.0, within(1e-9));
        assertThat(m.expected(DayKind.MONDAY, DemandModel.slotOf(LocalTime.of(8, 5)))).isZero();
        assertThat(m.expected(DayKind.TUESDAY, DemandModel.slotOf(LocalTime.of(8, 0)))).isCloseTo(3.0, within(1e-9));
        assertThat(m.expected(DayKind.WEDNESDAY, DemandModel.slotOf(LocalTime.of(8, 0)))).isZero();
    }

    @Test
    void aSlotsSpreadIsHowMuchItsDaysDiffer() {
        Map<Instant, Integer> arrivals = new HashMap<>();
        for (int week = 0; week < 3; week++) {
            arrive(arrivals, BERLIN, MONDAY.plusWeeks(week), 8, 2, 10 + week * 5); // 10, 15, 20
            arrive(arrivals, BERLIN, MONDAY.plusWeeks(week).plusDays(1), 8, 2, 7);  // Tuesdays alike
        }
        DemandModel m = DemandModel.learn(BERLIN, Set.of(), arrivals, at(MONDAY, 0, 0, BERLIN),
                at(MONDAY.plusWeeks(3), 0, 0, BERLIN));
        int eight = DemandModel.slotOf(LocalTime.of(8, 0));

        assertThat(m.spread(DayKind.MONDAY, eight)).isCloseTo(Math.sqrt(50.0 / 3), within(1e-9));
        assertThat(m.spread(DayKind.TUESDAY, eight)).isZero();
        // half a slot's window strays by half its spread
        assertThat(m.spread(at(MONDAY.plusWeeks(3), 8, 2, BERLIN).plusSeconds(30), Duration.ofSeconds(150)))
                .isCloseTo(Math.sqrt(50.0 / 3) / 2, within(1e-9));
    }

    @Test
    void slotsAreTheTenantsWallClockNotUtc() {
        Map<Instant, Integer> arrivals = new HashMap<>();
        ZoneId tokyo = ZoneId.of("Asia/Tokyo");
        arrive(arrivals, tokyo, MONDAY, 9, 0, 7); // 00:00 UTC
        DemandModel m = DemandModel.learn(tokyo, Set.of(), arrivals, at(MONDAY, 0, 0, tokyo),
                at(MONDAY.plusDays(1), 0, 0, tokyo));

        assertThat(m.expected(DayKind.MONDAY, DemandModel.slotOf(LocalTime.of(9, 0)))).isEqualTo(7.0);
        assertThat(m.expected(DayKind.MONDAY, 0)).isZero();
        assertThat(m.expected(DayKind.SUNDAY, 0)).isZero(); // 00:00 UTC is Monday in Tokyo
    }

    @Test
    void aStormAtEightStaysAtEightLocalAcrossTheChangeToSummerTime() {
        // winter Mondays (UTC+1) teach 08:00 local; the forecast for a summer Monday (UTC+2) still peaks at 08:00 local
        Map<Instant, Integer> arrivals = new HashMap<>();
        for (int week = 0; week < 3; week++) {
            arrive(arrivals, BERLIN, MONDAY.plusWeeks(week), 8, 0, 30);
        }
        DemandModel m = DemandModel.learn(BERLIN, Set.of(), arrivals, at(MONDAY, 0, 0, BERLIN),
                at(MONDAY.plusWeeks(3), 0, 0, BERLIN));
        LocalDate summerMonday = LocalDate.of(2026, 3, 30); // Europe's change: Sunday 29 March 2026

        assertThat(m.forecast(at(summerMonday, 8, 0, BERLIN), Duration.ofMinutes(5))).isCloseTo(30.0, within(1e-9));
        assertThat(m.forecast(at(summerMonday, 7, 0, BERLIN), Duration.ofMinutes(5))).isZero();
        assertThat(m.forecast(at(summerMonday, 8, 0, BERLIN).minus(Duration.ofHours(1)), Duration.ofMinutes(5))).isZero();
    }

    @Test
    void aForecastWindowAcrossTheSkippedHourReadsTheSlotsTheInstantsReallyHave() {
        // Sunday 29 March 2026: 02:00 becomes 03:00; a window from 01:55 for ten minutes covers 01:55 and 03:00
        Map<Instant, Integer> arrivals = new HashMap<>();
        LocalDate sunday = LocalDate.of(2026, 3, 22);
        arrive(arrivals, BERLIN, sunday, 1, 55, 6);
        arrive(arrivals, BERLIN, sunday, 3, 0, 12);
        DemandModel m = DemandModel.learn(BERLIN, Set.of(), arrivals, at(sunday, 0, 0, BERLIN),
                at(sunday.plusDays(1), 0, 0, BERLIN));

        double f = m.forecast(at(LocalDate.of(2026, 3, 29), 1, 55, BERLIN), Duration.ofMinutes(10));

        assertThat(f).isCloseTo(18.0, within(1e-9));
    }

    @Test
    void holidaysAreLearnedApartAndDoNotDragTheirWeekdayDown() {
        Map<Instant, Integer> arrivals = new HashMap<>();
        LocalDate holiday = MONDAY.plusWeeks(1);
        for (int week = 0; week < 3; week++) {
            LocalDate monday = MONDAY.plusWeeks(week);
            arrive(arrivals, BERLIN, monday, 8, 0, monday.equals(holiday) ? 2 : 40);
        }
        DemandModel m = DemandModel.learn(BERLIN, Set.of(holiday), arrivals, at(MONDAY, 0, 0, BERLIN),
                at(MONDAY.plusWeeks(3), 0, 0, BERLIN));
        int eight = DemandModel.slotOf(LocalTime.of(8, 0));

        assertThat(m.daysSeen(DayKind.MONDAY)).isEqualTo(2);
        assertThat(m.daysSeen(DayKind.HOLIDAY)).isEqualTo(1);
        assertThat(m.expected(DayKind.MONDAY, eight)).isEqualTo(40.0);
        assertThat(m.expected(DayKind.HOLIDAY, eight)).isEqualTo(2.0);
    }

    @Test
    void aHolidayTheHistoryNeverSawIsForecastLikeTheQuieterWeekendDay() {
        Map<Instant, Integer> arrivals = new HashMap<>();
        LocalDate saturday = MONDAY.plusDays(5);
        arrive(arrivals, BERLIN, MONDAY, 8, 0, 40);
        arrive(arrivals, BERLIN, saturday, 10, 0, 4);
        arrive(arrivals, BERLIN, saturday.plusDays(1), 10, 0, 1); // Sunday: quieter
        LocalDate futureHoliday = MONDAY.plusWeeks(1);
        DemandModel m = DemandModel.learn(BERLIN, List.of(futureHoliday), arrivals, at(MONDAY, 0, 0, BERLIN),
                at(MONDAY.plusWeeks(1), 0, 0, BERLIN));

        assertThat(m.dayKind(at(futureHoliday, 8, 0, BERLIN))).isEqualTo(DayKind.HOLIDAY);
        assertThat(m.forecast(at(futureHoliday, 8, 0, BERLIN), Duration.ofMinutes(5))).isZero();
        assertThat(m.forecast(at(futureHoliday, 10, 0, BERLIN), Duration.ofMinutes(5))).isEqualTo(1.0);
        assertThat(m.forecast(at(MONDAY.plusWeeks(1).plusDays(7), 8, 0, BERLIN), Duration.ofMinutes(5))).isEqualTo(40.0);
    }

    @Test
    void aDayTheWindowCoversOnlyInPartIsNotLearned() {
        Map<Instant, Integer> arrivals = new HashMap<>();
        arrive(arrivals, BERLIN, MONDAY, 8, 0, 40);
        DemandModel m = DemandModel.learn(BERLIN, Set.of(), arrivals, at(MONDAY, 6, 0, BERLIN),
                at(MONDAY.plusDays(1), 12, 0, BERLIN));

        assertThat(m.daysSeen(DayKind.MONDAY)).isZero();
        assertThat(m.expected(DayKind.MONDAY, DemandModel.slotOf(LocalTime.of(8, 0)))).isZero();
    }

    @Test
    void aWindowCountsThePartOfEachSlotItCovers() {
        Map<Instant, Integer> arrivals = new HashMap<>();
        arrive(arrivals, BERLIN, MONDAY, 8, 0, 10);
        arrive(arrivals, BERLIN, MONDAY, 8, 5, 20);
        DemandModel m = DemandModel.learn(BERLIN, Set.of(), arrivals, at(MONDAY, 0, 0, BERLIN),
                at(MONDAY.plusDays(1), 0, 0, BERLIN));
        Instant nextMonday = at(MONDAY.plusWeeks(1), 8, 2, BERLIN).plusSeconds(30); // 08:02:30

        // half of the 08:00 slot (5) and half of the 08:05 slot (10)
        assertThat(m.forecast(nextMonday, Duration.ofMinutes(5))).isCloseTo(15.0, within(1e-9));
    }

    /** Three weeks of Mondays: 10 logons in each 5-minute slot from 08:00 to 12:00, and 1 in each afternoon slot. */
    private static Map<Instant, Integer> threeMondays() {
        Map<Instant, Integer> arrivals = new HashMap<>();
        for (int week = 0; week < 3; week++) {
            for (int slot = 0; slot < 48; slot++) {
                arrive(arrivals, BERLIN, MONDAY.plusWeeks(week), 8 + slot / 12, (slot % 12) * 5, 10);
            }
            for (int slot = 0; slot < 60; slot++) {
                arrive(arrivals, BERLIN, MONDAY.plusWeeks(week), 12 + slot / 12, (slot % 12) * 5, 1);
            }
        }
        return arrivals;
    }

    @Test
    void aWorkingDayOfTheCalendarIsLearnedAndForecastLikeTheWeekdayItWorksLike() {
        Map<Instant, Integer> arrivals = threeMondays();
        LocalDate saturday = MONDAY.plusDays(5);
        // the first Saturday was worked like a Monday: its logons count as a Monday's
        arrive(arrivals, BERLIN, saturday, 8, 0, 40);
        LocalDate nextSaturday = MONDAY.plusWeeks(3).plusDays(5);
        Map<LocalDate, DayKind> worked = Map.of(saturday, DayKind.MONDAY, nextSaturday, DayKind.MONDAY);
        DemandModel m = DemandModel.learn(BERLIN, Set.of(), worked, arrivals, at(MONDAY, 0, 0, BERLIN),
                at(MONDAY.plusWeeks(3), 0, 0, BERLIN));

        assertThat(m.daysSeen(DayKind.MONDAY)).isEqualTo(4);
        assertThat(m.daysSeen(DayKind.SATURDAY)).isEqualTo(2);
        assertThat(m.expected(DayKind.MONDAY, DemandModel.slotOf(LocalTime.of(8, 0)))).isCloseTo((30 + 40) / 4.0, within(1e-9));
        assertThat(m.expected(DayKind.SATURDAY, DemandModel.slotOf(LocalTime.of(8, 0)))).isZero();
        assertThat(m.dayKind(at(nextSaturday, 9, 0, BERLIN))).isEqualTo(DayKind.MONDAY);
        assertThat(m.forecast(at(nextSaturday, 9, 0, BERLIN), Duration.ofMinutes(5))).isCloseTo(7.5, within(1e-9));
        assertThat(m.forecast(at(nextSaturday.plusDays(7), 9, 0, BERLIN), Duration.ofMinutes(5))).isZero();
    }

    @Test
    void aDayRunningWellAboveItsCurveRaisesTheRestOfItsForecastAtOnce() {
        Map<Instant, Integer> arrivals = threeMondays();
        LocalDate today = MONDAY.plusWeeks(3);
        for (int slot = 0; slot < 6; slot++) {
            arrive(arrivals, BERLIN, today, 8, slot * 5, 20); // twice the usual since 08:00
        }
        DemandModel m = DemandModel.learn(BERLIN, Set.of(), arrivals, at(MONDAY, 0, 0, BERLIN), at(today, 8, 30, BERLIN));

        assertThat(m.today().observed()).isEqualTo(120);
        assertThat(m.today().expected()).isCloseTo(60, within(1e-9));
        assertThat(m.today().factor()).isCloseTo(121.0 / 61, within(1e-9));
        assertThat(m.correctedForecast(at(today, 8, 30, BERLIN), Duration.ofMinutes(5))).isCloseTo(10 * 121.0 / 61, within(1e-9));
        assertThat(m.forecast(at(today, 8, 30, BERLIN), Duration.ofMinutes(5))).as("the curve itself").isCloseTo(10, within(1e-9));
        assertThat(m.correction(at(today.plusWeeks(1), 8, 30, BERLIN))).as("only today").isEqualTo(1);
        assertThat(new SpareTargets(3).forecast(m, at(today, 8, 30, BERLIN), Duration.ofSeconds(50), Duration.ofSeconds(10),
                0, 100).explain()).contains("(MONDAY, today running 98% above its usual)");
    }

    @Test
    void aQuietMorningLowersNothingUntilAQuarterOfTheDaysLogonsWereDueAndChanceAloneNeverDoes() {
        Map<Instant, Integer> arrivals = threeMondays();
        LocalDate today = MONDAY.plusWeeks(3);
        // nobody came from 08:00 to 08:30: 60 were due, but the day's 540 usual logons are mostly still to come
        DemandModel early = DemandModel.learn(BERLIN, Set.of(), arrivals, at(MONDAY, 0, 0, BERLIN), at(today, 8, 30, BERLIN));
        assertThat(early.today().factor()).isEqualTo(1);

        // half the office out: 5 per slot until 11:00 (360 were due of the day's 540: over a quarter)
        for (int slot = 0; slot < 36; slot++) {
            arrive(arrivals, BERLIN, today, 8 + slot / 12, (slot % 12) * 5, 5);
        }
        DemandModel quiet = DemandModel.learn(BERLIN, Set.of(), arrivals, at(MONDAY, 0, 0, BERLIN), at(today, 11, 0, BERLIN));
        assertThat(quiet.today().factor()).isCloseTo(181.0 / 361, within(1e-9));

        // within chance: 10, 10, 12, 9… as usual, nothing changes
        Map<Instant, Integer> usual = threeMondays();
        int[] counts = {10, 12, 9, 11, 8, 10};
        for (int slot = 0; slot < counts.length; slot++) {
            arrive(usual, BERLIN, today, 8, slot * 5, counts[slot]);
        }
        assertThat(DemandModel.learn(BERLIN, Set.of(), usual, at(MONDAY, 0, 0, BERLIN), at(today, 8, 30, BERLIN))
                .today().factor()).isEqualTo(1);
    }
}
