package io.deskport.broker.metering;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many requests the relay keeps in flight to each subscription's endpoint: as few as keep up, at most
 * {@code parallelism}.
 *
 * <p>Deliveries in flight are not free even when the endpoint is fast: each is a sender's thread and, at the
 * other end, a receiver's, and beside a logon storm 32 of them at once cost the connects 10–20 % of their rate
 * where 4 delivered as much (bench/README, the sixth session of 2026-12-07). How many an endpoint needs is
 * Little's law: deliveries per second × the time each takes. So after every pass the relay sizes the next one
 * from it: the pass's deliveries took {@code lanes × its sending time} of lane time, and the next pass gets as
 * many lanes as send that much within the target time (half the poll interval: an event then waits for its pass
 * about as long again as for its sending). A fast endpoint at a storm's rate needs one to a few; one answering in
 * 50 ms with 200 events a pass needs the ceiling. While the subscription is behind (a pass leaves work that is
 * already waiting: a full read of new events, a replay, retries) each pass doubles the lanes (up to the ceiling),
 * so a backlog drains at the endpoint's pace; once it caught up, the next pass shrinks them to what the arrivals
 * need. A pass whose every delivery failed changes nothing (its time is timeouts, not the endpoint's pace).
 *
 * <p>Per broker and per subscription, in memory: a broker taking a subscription over starts at {@link #INITIAL}.
 */
final class DeliveryLanes {

    private static final Logger log = LoggerFactory.getLogger(DeliveryLanes.class);

    /** Lanes of a subscription this broker has not delivered to yet. */
    static final int INITIAL = 4;

    private final int ceiling;
    private final long targetNanos;
    private final Map<UUID, Integer> lanes = new ConcurrentHashMap<>();

    DeliveryLanes(int ceiling, Duration pollInterval) {
        this.ceiling = ceiling;
        this.targetNanos = Math.max(1, pollInterval.toNanos() / 2);
    }

    /** @return the requests the next pass to this subscription may have in flight at once */
    int of(UUID subscription) {
        return lanes.getOrDefault(subscription, Math.min(INITIAL, ceiling));
    }

    /**
     * Sizes the subscription's next pass from the one that ended.
     *
     * @param used       the lanes the pass sent on (its lanes, or fewer when it had fewer deliveries)
     * @param sendNanos  how long its sending took
     * @param anySuccess whether the endpoint took any of them
     * @param behind     whether work was already waiting for the next pass when this one ended
     */
    void passed(UUID subscription, int used, long sendNanos, boolean anySuccess, boolean behind) {
        if (!anySuccess || used < 1) {
            return;
        }
        int current = of(subscription);
        int next = next(current, used, sendNanos, behind, targetNanos, ceiling);
        lanes.put(subscription, next);
        if (next != current) {
            log.debug("Webhook subscription {}: {} requests in flight from now (the last pass sent on {} in {} ms{})",
                    subscription, next, used, sendNanos / 1_000_000, behind ? ", and work is waiting" : "");
        }
    }

    /** Forgets a subscription (deleted, or disabled). */
    void forget(UUID subscription) {
        lanes.remove(subscription);
    }

    /**
     * The lanes of the next pass: {@code ceil(used × sendNanos / targetNanos)}, at least twice {@code current}
     * while behind, 1 to {@code ceiling}.
     */
    static int next(int current, int used, long sendNanos, boolean behind, long targetNanos, int ceiling) {
        double needed = Math.ceil((double) used * Math.max(0, sendNanos) / targetNanos);
        if (behind) {
            needed = Math.max(needed, 2.0 * current);
        }
        return (int) Math.max(1, Math.min(ceiling, needed));
    }
}
