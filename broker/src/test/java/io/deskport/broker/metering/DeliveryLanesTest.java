package io.deskport.broker.metering;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The relay's requests in flight per endpoint ({@link DeliveryLanes}): Little's law from the last pass, doubled
 * while behind, 1 to the ceiling. (The relay following a real endpoint's pace: {@code WebhookDeliveryTest}.)
 */
class DeliveryLanesTest {

    private static final long MS = 1_000_000;
    private static final long TARGET = 50 * MS;

    @Test
    void aFastEndpointThatKeepsUpNeedsFewLanes() {
        // 32 lanes sent a pass in 3 ms: 96 ms of lane time fits in two lanes' 50 ms
        assertThat(DeliveryLanes.next(32, 32, 3 * MS, false, TARGET, 32)).isEqualTo(2);
        // one delivery in 1 ms
        assertThat(DeliveryLanes.next(32, 1, MS, false, TARGET, 32)).isEqualTo(1);
        assertThat(DeliveryLanes.next(4, 4, 0, false, TARGET, 32)).as("never none").isEqualTo(1);
    }

    @Test
    void aSlowEndpointGetsAsManyAsItsPaceNeedsUpToTheCeiling() {
        // 4 lanes took 200 ms: 800 ms of lane time needs 16 lanes for 50 ms
        assertThat(DeliveryLanes.next(4, 4, 200 * MS, false, TARGET, 32)).isEqualTo(16);
        assertThat(DeliveryLanes.next(4, 4, 2_000 * MS, false, TARGET, 32)).isEqualTo(32);
        assertThat(DeliveryLanes.next(4, 4, 2_000 * MS, false, TARGET, 8)).isEqualTo(8);
    }

    @Test
    void behindTheLanesDoubleEvenWhenEachPassWasQuick() {
        assertThat(DeliveryLanes.next(4, 4, MS, true, TARGET, 32)).isEqualTo(8);
        assertThat(DeliveryLanes.next(8, 8, MS, true, TARGET, 32)).isEqualTo(16);
        assertThat(DeliveryLanes.next(32, 32, MS, true, TARGET, 32)).isEqualTo(32);
        // and when the pass's own pace asks for more than twice, that
        assertThat(DeliveryLanes.next(2, 2, 500 * MS, true, TARGET, 32)).isEqualTo(20);
    }

    @Test
    void aPassWithoutASuccessChangesNothingAndEachSubscriptionHasItsOwn() {
        DeliveryLanes lanes = new DeliveryLanes(32, Duration.ofMillis(100));
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        assertThat(lanes.of(a)).isEqualTo(DeliveryLanes.INITIAL);
        lanes.passed(a, 4, 10_000 * MS, false, true);
        assertThat(lanes.of(a)).as("timeouts are not the endpoint's pace").isEqualTo(DeliveryLanes.INITIAL);
        lanes.passed(a, 4, 1_000 * MS, true, false);
        assertThat(lanes.of(a)).isEqualTo(32);
        assertThat(lanes.of(b)).isEqualTo(DeliveryLanes.INITIAL);
        lanes.forget(a);
        assertThat(lanes.of(a)).isEqualTo(DeliveryLanes.INITIAL);
        assertThat(new DeliveryLanes(2, Duration.ofMillis(100)).of(a)).as("never above the ceiling").isEqualTo(2);
    }
}
