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

import io.deskport.provisioning.planner.SpareForecast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The spare target ahead of demand: lead time, safety margin, floor and cap; and the measured ready time. */
class SpareTargetsTest {

    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final LocalDate MONDAY = LocalDate.of(2026, 3, 2);

    /** A Monday curve: 12 arrivals in each slot from 08:00 to 08:30 (2.4 a minute), nothing else. */
    private static DemandModel morningStorm() {
        Map<Instant, Integer> arrivals = new HashMap<>();
        for (int m = 0; m < 30; m += 5) {
            arrivals.put(LocalDateTime.of(MONDAY, LocalTime.of(8, m)).atZone(UTC).toInstant(), 12);
        }
        return DemandModel.learn(UTC, Set.of(), arrivals, MONDAY.atStartOfDay(UTC).toInstant(),
                MONDAY.plusDays(1).atStartOfDay(UTC).toInstant());
    }

    private static Instant nextMonday(int hour, int minute) {
        return LocalDateTime.of(MONDAY.plusWeeks(1), LocalTime.of(hour, minute)).atZone(UTC).toInstant();
    }

    @Test
    void theWindowIsTheReadyTimePlusTheIntervalAndTheTargetCoversItWithAMargin() {
        SpareForecast f = SpareTargets.DEFAULT.forecast(morningStorm(), nextMonday(8, 10), Duration.ofSeconds(290),
                Duration.ofSeconds(10), 0, 100);

        assertThat(f.window()).isEqualTo(Duration.ofMinutes(5));
        assertThat(f.expectedArrivals()).isCloseTo(12.0, within(1e-9));
        assertThat(f.spareTarget()).isEqualTo((int) Math.ceil(12 + 3 * Math.sqrt(12))); // 23
        assertThat(f.dayKind()).isEqualTo("MONDAY");
        assertThat(f.explain()).contains("forecast 12.0 logons in the next 5 min, ready time 290 s");
    }

    @Test
    void spareTargetsRiseOneReadyTimeBeforeTheStormBegins() {
        Duration ready = Duration.ofSeconds(110);
        Duration interval = Duration.ofSeconds(10);

        SpareForecast wellBefore = SpareTargets.DEFAULT.forecast(morningStorm(), nextMonday(7, 50), ready, interval, 1, 100);
        SpareForecast justBefore = SpareTargets.DEFAULT.forecast(morningStorm(), nextMonday(7, 59), ready, interval, 1, 100);

        assertThat(wellBefore.spareTarget()).isEqualTo(1); // the floor
        assertThat(justBefore.expectedArrivals()).isCloseTo(2.4, within(1e-9)); // 08:00–08:01 of the storm is inside the window
        assertThat(justBefore.spareTarget()).isGreaterThan(1);
    }

    @Test
    void theFloorHoldsOffPeakAndTheCapHoldsInTheStorm() {
        SpareForecast night = SpareTargets.DEFAULT.forecast(morningStorm(), nextMonday(2, 0), Duration.ofSeconds(60),
                Duration.ofSeconds(10), 3, 8);
        SpareForecast storm = SpareTargets.DEFAULT.forecast(morningStorm(), nextMonday(8, 10), Duration.ofSeconds(290),
                Duration.ofSeconds(10), 3, 8);

        assertThat(night.expectedArrivals()).isZero();
        assertThat(night.spareTarget()).isEqualTo(3);
        assertThat(storm.spareTarget()).isEqualTo(8);
    }

    @Test
    void aLongerReadyTimeLooksFurtherAheadAndKeepsMoreSpares() {
        SpareForecast quick = SpareTargets.DEFAULT.forecast(morningStorm(), nextMonday(8, 5), Duration.ofSeconds(20),
                Duration.ofSeconds(10), 0, 100);
        SpareForecast slow = SpareTargets.DEFAULT.forecast(morningStorm(), nextMonday(8, 5), Duration.ofSeconds(170),
                Duration.ofSeconds(10), 0, 100);

        assertThat(quick.expectedArrivals()).isCloseTo(1.2, within(1e-9));
        assertThat(slow.expectedArrivals()).isCloseTo(7.2, within(1e-9));
        assertThat(slow.spareTarget()).isGreaterThan(quick.spareTarget());
    }

    @Test
    void aStormThatStraysFromDayToDayGetsAWiderMarginThanAPoissonCount() {
        // three Mondays: 08:00–08:05 brings 2, 12 and 22 logons (mean 12, spread 8.2; a Poisson count's would be 3.5)
        Map<Instant, Integer> arrivals = new HashMap<>();
        int[] counts = {2, 12, 22};
        for (int w = 0; w < 3; w++) {
            arrivals.put(LocalDateTime.of(MONDAY.plusWeeks(w), LocalTime.of(8, 0)).atZone(UTC).toInstant(), counts[w]);
        }
        DemandModel m = DemandModel.learn(UTC, Set.of(), arrivals, MONDAY.atStartOfDay(UTC).toInstant(),
                MONDAY.plusWeeks(3).atStartOfDay(UTC).toInstant());
        Instant eight = LocalDateTime.of(MONDAY.plusWeeks(3), LocalTime.of(8, 0)).atZone(UTC).toInstant();

        SpareForecast f = SpareTargets.DEFAULT.forecast(m, eight, Duration.ofSeconds(290), Duration.ofSeconds(10), 0, 100);

        assertThat(f.expectedArrivals()).isCloseTo(12.0, within(1e-9));
        assertThat(f.spareTarget()).isEqualTo((int) Math.ceil(12 + 3 * Math.sqrt(200.0 / 3))); // 37, not 23
    }

    @Test
    void theReadyTimeIsTheNinetiethPercentileOfTheSamplesOrACautiousDefaultWithoutAny() {
        List<Duration> samples = new java.util.ArrayList<>();
        for (int s = 1; s <= 20; s++) {
            samples.add(Duration.ofSeconds(s * 10L));
        }

        assertThat(ReadyTime.p90(samples)).isEqualTo(Duration.ofSeconds(180));
        assertThat(ReadyTime.p90(List.of(Duration.ofSeconds(42)))).isEqualTo(Duration.ofSeconds(42));
        assertThat(ReadyTime.p90(List.of())).isEqualTo(ReadyTime.UNMEASURED);
    }
}
