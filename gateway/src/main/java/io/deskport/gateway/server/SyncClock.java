package io.deskport.gateway.server;

import java.util.concurrent.atomic.AtomicLong;

/** Millisecond timestamps for {@code sync} that never go backwards, even if the wall clock does. */
final class SyncClock {

    private final AtomicLong last = new AtomicLong();

    /**
     * @return the current time in milliseconds, or the previous value plus one if that is later: every
     *         frame has its own timestamp, so that an acknowledgement names exactly one frame
     */
    long next() {
        long now = System.currentTimeMillis();
        return last.accumulateAndGet(now, (previous, time) -> Math.max(previous + 1, time));
    }

    /** @return the last timestamp handed out */
    long last() {
        return last.get();
    }
}
