package io.deskport.broker.licensing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The seat arithmetic of the reports, on the edge cases: hand-overs, midnights, daylight-saving days, open holdings. */
class SeatTimelineTest {

    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final Instant T0 = Instant.parse("2026-10-01T10:00:00Z");

    private static Instant at(String localDateTime) {
        return LocalDateTime.parse(localDateTime).atZone(BERLIN).toInstant();
    }

    private static Instant plus(long minutes) {
        return T0.plus(Duration.ofMinutes(minutes));
    }

    private static LicenceTerm licence(int seats, Instant from, Instant until, int graceDays) {
        return new LicenceTerm(UUID.randomUUID(), seats, from, until, Enforcement.SOFT, 10, graceDays);
    }

    private static final List<LicenceTerm> TEN = List.of(licence(10, Instant.parse("2020-01-01T00:00:00Z"), null, 0));

    /** The periods of each local day from {@code first} to {@code last} in Berlin. */
    private static List<Instant> days(String first, String last) {
        List<Instant> bounds = new ArrayList<>();
        for (LocalDate d = LocalDate.parse(first); !d.isAfter(LocalDate.parse(last).plusDays(1)); d = d.plusDays(1)) {
            bounds.add(d.atStartOfDay(BERLIN).toInstant());
        }
        return bounds;
    }

    @Test
    void aSeatReleasedAndAnotherTakenAtTheSameInstantCountsOnce() {
        SeatTimeline t = SeatTimeline.builder()
                .hold("ann", plus(0), plus(60))
                .hold("bob", plus(60), plus(120))
                .hold("cid", plus(120), plus(180))
                .hold("dan", plus(90), plus(90)) // held for no time
                .build(TEN);

        assertThat(t.inUseAt(plus(59))).isEqualTo(1);
        assertThat(t.inUseAt(plus(60))).as("the release counts first").isEqualTo(1);
        assertThat(t.inUseAt(plus(90))).isEqualTo(1);
        assertThat(t.inUseAt(plus(180))).as("released at 180: not held at 180").isZero();
        SeatTimeline.Peak p = t.peak(plus(-60), plus(240));
        assertThat(p.peak()).isEqualTo(1);
        assertThat(p.peakAt()).as("first reached").isEqualTo(plus(0));
        assertThat(p.holders()).as("the one held for no time held nothing").isEqualTo(3);

        // a real overlap of one microsecond is two
        SeatTimeline overlap = SeatTimeline.builder().hold("ann", plus(0), plus(60).plusNanos(1000))
                .hold("bob", plus(60), plus(120)).build(TEN);
        SeatTimeline.Peak q = overlap.peak(plus(0), plus(120));
        assertThat(q.peak()).isEqualTo(2);
        assertThat(q.peakAt()).isEqualTo(plus(60));
    }

    @Test
    void thePeakIsFirstReachedAtTheEarliestInstantAndAPeriodEndIsExclusive() {
        SeatTimeline t = SeatTimeline.builder()
                .hold("a", plus(10), plus(20))
                .hold("b", plus(15), plus(20))
                .hold("c", plus(30), plus(50))
                .hold("d", plus(40), plus(45))
                .hold("e", plus(100), plus(110))
                .hold("f", plus(100), plus(110))
                .hold("g", plus(100), plus(110))
                .build(TEN);

        SeatTimeline.Peak p = t.peak(plus(0), plus(100));
        assertThat(p.peak()).as("three at 100 is not in [0, 100)").isEqualTo(2);
        assertThat(p.peakAt()).isEqualTo(plus(15));
        assertThat(p.holders()).isEqualTo(4);
        assertThat(t.peak(plus(100), plus(101)).peak()).isEqualTo(3);
        assertThat(t.peak(plus(60), plus(100)).peak()).as("nothing held").isZero();
        assertThat(t.peak(plus(60), plus(100)).peakAt()).as("a peak of 0 is reached at the start").isEqualTo(plus(60));
        assertThat(t.peak(plus(60), plus(100)).holders()).isZero();
    }

    @Test
    void seatsHeldAcrossMidnightCountOnBothDaysFromTheStartOfTheSecond() {
        SeatTimeline t = SeatTimeline.builder()
                .hold("night", at("2026-10-01T22:00"), at("2026-10-02T02:00"))
                .hold("day", at("2026-10-02T09:00"), at("2026-10-02T10:00"))
                .hold("day", at("2026-10-02T11:00"), at("2026-10-02T12:00"))
                .build(TEN);

        List<SeatTimeline.Peak> peaks = t.peaks(days("2026-10-01", "2026-10-03"));
        assertThat(peaks).hasSize(3);
        assertThat(peaks.get(0).peak()).isEqualTo(1);
        assertThat(peaks.get(0).peakAt()).isEqualTo(at("2026-10-01T22:00"));
        assertThat(peaks.get(1).peak()).isEqualTo(1);
        assertThat(peaks.get(1).peakAt()).as("held at the start of the day: counts at its start")
                .isEqualTo(at("2026-10-02T00:00"));
        assertThat(peaks.get(1).holders()).as("the night holder and one other, twice").isEqualTo(2);
        assertThat(peaks.get(2).peak()).isZero();
        assertThat(peaks.get(2).holders()).isZero();
        assertThat(peaks.get(1).seats()).isEqualTo(10);
    }

    @Test
    void theDayTheClocksGoBackHas25HoursAndTheDayTheyGoForward23() {
        // 2026-10-25: 03:00 CEST becomes 02:00 CET; the hour 02:00-03:00 happens twice
        List<Instant> october = days("2026-10-24", "2026-10-26");
        assertThat(Duration.between(october.get(1), october.get(2))).isEqualTo(Duration.ofHours(25));
        SeatTimeline t = SeatTimeline.builder()
                // the first 02:30 to the second 02:30: an hour in the repeated hour
                .hold("twice", Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-25T01:30:00Z"))
                .hold("overlap", Instant.parse("2026-10-25T01:00:00Z"), Instant.parse("2026-10-25T01:10:00Z"))
                // 23:30 local on the 25th: 22:30 UTC, after the first 24 hours of the day
                .hold("late", at("2026-10-25T23:30"), at("2026-10-25T23:45"))
                .hold("late2", at("2026-10-25T23:40"), at("2026-10-26T00:10"))
                .build(TEN);
        List<SeatTimeline.Peak> peaks = t.peaks(october);
        assertThat(peaks.get(0).peak()).isZero();
        assertThat(peaks.get(1).peak()).isEqualTo(2);
        assertThat(peaks.get(1).peakAt()).as("the second time 03:00 CEST was 02:00 CET")
                .isEqualTo(Instant.parse("2026-10-25T01:00:00Z"));
        assertThat(peaks.get(1).holders()).as("all four on the 25th").isEqualTo(4);
        assertThat(peaks.get(2).peak()).as("late2 until 00:10 on the 26th").isEqualTo(1);
        assertThat(peaks.get(2).peakAt()).isEqualTo(at("2026-10-26T00:00"));
        assertThat(peaks.get(2).holders()).isEqualTo(1);

        // 2026-03-29: 02:00 CET becomes 03:00 CEST
        List<Instant> march = days("2026-03-29", "2026-03-30");
        assertThat(Duration.between(march.get(0), march.get(1))).isEqualTo(Duration.ofHours(23));
        SeatTimeline spring = SeatTimeline.builder()
                .hold("a", at("2026-03-29T01:30"), at("2026-03-29T03:30")) // one hour long
                .hold("b", at("2026-03-29T03:10"), at("2026-03-29T03:20"))
                // 00:30 on the 30th is 22:30 UTC on the 29th: within 24 hours of the 29th's start, but the 30th
                .hold("c", at("2026-03-30T00:30"), at("2026-03-30T01:00"))
                .hold("d", at("2026-03-30T00:40"), at("2026-03-30T00:50"))
                .build(TEN);
        assertThat(Duration.between(at("2026-03-29T01:30"), at("2026-03-29T03:30"))).isEqualTo(Duration.ofHours(1));
        List<SeatTimeline.Peak> sp = spring.peaks(march);
        assertThat(sp.get(0).peak()).isEqualTo(2);
        assertThat(sp.get(0).peakAt()).isEqualTo(at("2026-03-29T03:10"));
        assertThat(sp.get(0).holders()).isEqualTo(2);
        assertThat(sp.get(1).peak()).isEqualTo(2);
        assertThat(sp.get(1).holders()).isEqualTo(2);
    }

    @Test
    void aHoldingStillHeldCountsFromItsStartOnAndIntoEveryLaterPeriod() {
        SeatTimeline t = SeatTimeline.builder()
                .hold("open", at("2026-10-02T08:00"), null)
                .hold("closed", at("2026-10-02T09:00"), at("2026-10-02T10:00"))
                .build(TEN);
        List<SeatTimeline.Peak> peaks = t.peaks(days("2026-10-01", "2026-10-05"));
        assertThat(peaks).extracting(SeatTimeline.Peak::peak).containsExactly(0, 2, 1, 1, 1);
        assertThat(peaks).extracting(SeatTimeline.Peak::holders).containsExactly(0, 2, 1, 1, 1);
        assertThat(peaks.get(3).peakAt()).isEqualTo(at("2026-10-04T00:00"));
        assertThat(t.inUseAt(Instant.parse("2100-01-01T00:00:00Z"))).isEqualTo(1);
    }

    @Test
    void theSeatsInForceFollowTheLicencesAndTheirGrace() {
        Instant from = at("2026-10-01T00:00");
        Instant until = at("2026-10-10T00:00");
        LicenceTerm first = licence(5, from, until, 2);
        LicenceTerm renewal = licence(8, at("2026-10-11T00:00"), null, 0);
        SeatTimeline t = SeatTimeline.builder().build(List.of(first, renewal));

        assertThat(t.seatsAt(at("2026-09-30T23:59"))).as("none yet").isZero();
        assertThat(t.seatsAt(from)).isEqualTo(5);
        assertThat(t.seatsAt(until)).as("in grace").isEqualTo(5);
        assertThat(t.seatsAt(at("2026-10-11T00:00"))).as("the renewal, valid, before the grace ends").isEqualTo(8);
    }

    @Test
    void overuseRunsFromTheFirstSeatBeyondTheLicenceToTheReleaseThatEndsItWithItsPeak() {
        LicenceTerm two = licence(2, at("2026-10-01T00:00"), at("2026-10-03T00:00"), 0);
        SeatTimeline t = SeatTimeline.builder()
                .hold("a", at("2026-10-01T08:00"), at("2026-10-01T18:00"))
                .hold("b", at("2026-10-01T08:00"), at("2026-10-01T18:00"))
                .hold("c", at("2026-10-01T09:00"), at("2026-10-01T12:00")) // third: over by 1 from 09:00
                .hold("d", at("2026-10-01T10:00"), at("2026-10-01T11:00")) // over by 2 from 10:00 to 11:00
                .hold("e", at("2026-10-01T12:00"), at("2026-10-01T13:00")) // takes c's place at 12:00: still over
                .hold("f", at("2026-10-02T20:00"), null) // three held when the licence ends: over by 3 from then
                .hold("g", at("2026-10-02T21:00"), null)
                .hold("h", at("2026-10-02T22:00"), null)
                .build(List.of(two));

        List<OverusePeriod> periods = t.overuse(at("2026-10-01T00:00"), at("2026-10-04T00:00"));
        assertThat(periods).hasSize(2);
        OverusePeriod first = periods.get(0);
        assertThat(first.startedAt()).isEqualTo(at("2026-10-01T09:00"));
        assertThat(first.endedAt()).as("the hand-over at 12:00 does not end it").isEqualTo(at("2026-10-01T13:00"));
        assertThat(first.seats()).isEqualTo(2);
        assertThat(first.peakExcess()).isEqualTo(2);
        assertThat(first.peakAt()).isEqualTo(at("2026-10-01T10:00"));
        assertThat(first.peakSeatsInUse()).isEqualTo(4);
        assertThat(first.duration(Instant.MAX)).isEqualTo(Duration.ofHours(4));
        OverusePeriod second = periods.get(1);
        assertThat(second.startedAt()).isEqualTo(at("2026-10-02T22:00"));
        assertThat(second.seats()).as("the seats when it started").isEqualTo(2);
        assertThat(second.peakExcess()).as("the licence ends with three held: no seats at all").isEqualTo(3);
        assertThat(second.peakAt()).isEqualTo(at("2026-10-03T00:00"));
        assertThat(second.ongoing()).as("still held at the end of the range").isTrue();

        // read from the middle of a period: it starts at the range's start (the reports look further back)
        List<OverusePeriod> late = t.overuse(at("2026-10-01T10:30"), at("2026-10-01T12:30"));
        assertThat(late).hasSize(1);
        assertThat(late.getFirst().startedAt()).isEqualTo(at("2026-10-01T10:30"));
        assertThat(late.getFirst().ongoing()).isTrue();
    }

    @Test
    void overuseOfASingleMicrosecondIsAPeriodAndNoneIsNone() {
        LicenceTerm one = licence(1, at("2026-10-01T00:00"), null, 0);
        Instant x = at("2026-10-01T08:00");
        SeatTimeline t = SeatTimeline.builder().hold("a", x.minusSeconds(60), x.plusNanos(1000)).hold("b", x, x.plusSeconds(60))
                .build(List.of(one));
        List<OverusePeriod> periods = t.overuse(at("2026-10-01T00:00"), at("2026-10-02T00:00"));
        assertThat(periods).hasSize(1);
        assertThat(periods.getFirst().duration(Instant.MAX)).isEqualTo(Duration.ofNanos(1000));

        SeatTimeline handOver = SeatTimeline.builder().hold("a", x.minusSeconds(60), x).hold("b", x, x.plusSeconds(60))
                .build(List.of(one));
        assertThat(handOver.overuse(at("2026-10-01T00:00"), at("2026-10-02T00:00"))).isEmpty();
    }
}
