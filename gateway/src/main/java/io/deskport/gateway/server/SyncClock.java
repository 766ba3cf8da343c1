package io.deskport.gateway.server;

import java.util.concurrent.atomic.AtomicLong;

/** Millisecond timestamps for {@code sync} that never go backwards, even if the wall clock does. */
final class SyncClock {

    private final AtomicLong last = new AtomicLong();

    /** @return the current time in milliseconds, at least the previous value */
    long next() {
        long now = System.currentTimeMillis();
        return last.accumulateAndGet(now, Math::max);
    }

    /** @return the last timestamp handed out */
    long last() {
        return last.get();
    }
}
