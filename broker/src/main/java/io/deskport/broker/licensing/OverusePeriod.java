package io.deskport.broker.licensing;

import java.time.Duration;
import java.time.Instant;

/**
 * A period when more seats of a product were in use than the licence in force has (SOFT enforcement lets a connect
 * use its margin; a lowered or expired licence leaves its holders their seats), found from the seat history.
 *
 * @param startedAt the instant the seats in use first exceeded the seats in force
 * @param endedAt the instant they no longer did; null while it lasts
 * @param seats the seats in force when it started
 * @param peakExcess the most seats in use beyond the seats in force at any instant of it
 * @param peakAt the first instant the peak excess was reached
 * @param peakSeatsInUse the seats in use then
 */
record OverusePeriod(Instant startedAt, Instant endedAt, int seats, int peakExcess, Instant peakAt, int peakSeatsInUse) {

    /** @return whether it lasts still (at the end of the history read) */
    boolean ongoing() {
        return endedAt == null;
    }

    /** @return how long it lasted, or has lasted until {@code now} while it lasts */
    Duration duration(Instant now) {
        return Duration.between(startedAt, endedAt == null ? now : endedAt);
    }
}
