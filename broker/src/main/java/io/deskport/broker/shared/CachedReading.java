package io.deskport.broker.shared;

import java.time.Duration;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A figure read from the database for the metrics, served from memory for a while: the gauges of one module share one
 * reading, so a scrape costs at most one query per module per {@link MetricsProperties#readingInterval()} — nothing
 * when nobody scrapes. A failed reading keeps the last value (the database may be down; the scrape must still answer).
 *
 * @param <T> what one reading returns
 */
public final class CachedReading<T> {

    private static final Logger log = LoggerFactory.getLogger(CachedReading.class);

    private final String what;
    private final Supplier<T> read;
    private final long intervalNanos;
    private final T empty;
    private volatile T value;
    private volatile long readAt;

    /**
     * @param what     what is read, for the log line of a failed reading
     * @param read     the reading (one query)
     * @param interval how long a reading is served
     * @param empty    what is served before the first successful reading
     */
    public CachedReading(String what, Supplier<T> read, Duration interval, T empty) {
        this.what = what;
        this.read = read;
        this.intervalNanos = interval.toNanos();
        this.empty = empty;
    }

    /** The last reading, read again first when it is older than the interval. */
    public T get() {
        T current = value;
        if (current == null || System.nanoTime() - readAt >= intervalNanos) {
            synchronized (this) {
                if (value == null || System.nanoTime() - readAt >= intervalNanos) {
                    try {
                        value = read.get();
                    } catch (RuntimeException e) {
                        log.warn("Could not read {} for the metrics; serving the last reading: {}", what, e.toString());
                    }
                    readAt = System.nanoTime();
                }
                current = value;
            }
        }
        return current != null ? current : empty;
    }
}
