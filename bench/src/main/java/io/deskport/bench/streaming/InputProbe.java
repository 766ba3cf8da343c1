package io.deskport.bench.streaming;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Types into the probe window and measures input latency: from the moment a key press is handed to the
 * tunnel to the end ({@code sync}) of the first frame, fully drawn, in which the probe window's pixels
 * differ from what they were just before the key was sent.
 *
 * <p>Why this is robust: the probe window shows one character that its program rewrites in place on
 * every key, the letters cycle a…z so consecutive keys always draw different glyphs, its cursor is
 * hidden, and no other window ever covers it (the drag path keeps away). So "the probe area changed" can
 * only mean "this key's echo arrived", whatever else happens on the screen. Keys are sent one at a time
 * (the next only once the previous was seen or timed out) at random intervals of 150–300 ms, so they
 * land at random points of the gateway's frame cycle. A key not seen within {@link #TIMEOUT_NANOS}
 * counts as a miss and enters the percentiles at that value.
 */
final class InputProbe {

    static final long TIMEOUT_NANOS = 1_000_000_000L;

    /** Where keys go. */
    interface Keyboard {
        void type(int keysym);
    }

    private final Desktop.Area area;
    private final List<Long> latencies = new ArrayList<>();
    private final List<Long> toFrameStart = new ArrayList<>();
    private int misses;
    private long baseline;
    private long sentAt;
    private boolean pending;
    private boolean recording;
    private int next;

    InputProbe(Desktop.Area area) {
        this.area = area;
    }

    /** Called by the Guacamole viewer at every {@code sync}, after the frame was drawn. */
    synchronized void frameRendered(GuacamoleScreen screen, long frameStartNanos) {
        if (pending && screen.hash(area) != baseline) {
            if (recording) {
                toFrameStart.add(Math.max(0, frameStartNanos - sentAt));
            }
            seen();
        }
    }

    /** @return for keys seen by a Guacamole viewer: time from the key to the first message of its frame */
    synchronized long[] toFrameStartSorted() {
        return toFrameStart.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    /**
     * Called by the RFB client at the end of a FramebufferUpdate with a rectangle over the probe area (the
     * RFB client does not decode pixels; the VNC server only sends areas that changed).
     */
    synchronized void areaUpdated() {
        if (pending) {
            seen();
        }
    }

    Desktop.Area area() {
        return area;
    }

    private void seen() {
        if (recording) {
            latencies.add(System.nanoTime() - sentAt);
        }
        pending = false;
        notifyAll();
    }

    /**
     * Types keys until the deadline.
     *
     * @param screen the Guacamole screen to watch, or null when an RFB client reports {@link #areaUpdated()}
     * @param record whether measured latencies count (false while warming up)
     */
    void type(Keyboard keyboard, GuacamoleScreen screen, long untilNanos, boolean record) throws InterruptedException {
        while (System.nanoTime() < untilNanos) {
            Thread.sleep(150 + ThreadLocalRandom.current().nextInt(151));
            int keysym = 'a' + next++ % 26;
            synchronized (this) {
                recording = record;
                if (screen != null) {
                    baseline = screen.hash(area);
                }
                pending = true;
                sentAt = System.nanoTime();
            }
            keyboard.type(keysym);
            {
                synchronized (this) {
                    long deadline = sentAt + TIMEOUT_NANOS;
                    while (pending) {
                        long wait = deadline - System.nanoTime();
                        if (wait <= 0) {
                            pending = false;
                            if (record) {
                                misses++;
                                latencies.add(TIMEOUT_NANOS);
                            }
                            break;
                        }
                        wait(Math.max(1, wait / 1_000_000));
                    }
                }
            }
        }
    }

    synchronized long[] latenciesSorted() {
        return latencies.stream().mapToLong(Long::longValue).sorted().toArray();
    }

    synchronized int misses() {
        return misses;
    }

    synchronized void reset() {
        latencies.clear();
        misses = 0;
    }
}
