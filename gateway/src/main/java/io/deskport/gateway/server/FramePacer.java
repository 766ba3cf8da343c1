package io.deskport.gateway.server;

import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Decides when the next frame may start, like guacd: never sooner than the minimum frame duration after
 * the previous one, and not before every viewer has acknowledged the previous frame with {@code sync},
 * waiting at most the configured lag limit for slow viewers. Expensive frames stretch the interval (up to
 * {@value #MAX_FRAME_MILLIS} ms) so that decoding and encoding take at most about 1/{@value #COST_FACTOR} of a core per
 * connection: a screen full of changing text then streams at a lower frame rate instead of burning CPU.
 * User input cuts that stretch short ({@link #inputArrived()}): for {@value #INPUT_RESPONSE_MILLIS} ms after a
 * key, a click or a drag, frames follow after the shortest frame interval, and the first need not wait for the acknowledgement of the frame in
 * flight either — but only one frame may be pushed past an acknowledgement that way, so a slow client
 * still holds the gateway back (at most two frames in flight). Typing stays responsive while something
 * else floods the screen.
 */
final class FramePacer {

    static final long MAX_FRAME_MILLIS = 100;
    /** Decoding plus encoding may take at most 1/COST_FACTOR of a core while the screen keeps changing. */
    static final int COST_FACTOR = 16;
    /**
     * How long after user input frames are not stretched for cost: the frame requested right after a key
     * often comes before the application has drawn its echo, so the next ones must be prompt as well.
     * 40 ms gave the same latency as 100 ms in bench/streaming for a quarter less CPU while typing.
     */
    static final long INPUT_RESPONSE_MILLIS = 40;

    private final long minFrameMillis;
    private final long maxLagWaitMillis;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition acknowledged = lock.newCondition();
    private volatile long lastFrameAt;
    private volatile long lastFrameCostMillis;
    private volatile boolean inputPending;
    private volatile long lastInputAt;
    private boolean pushedPastAcknowledgement;

    FramePacer(long minFrameMillis, long maxLagWaitMillis) {
        this.minFrameMillis = minFrameMillis;
        this.maxLagWaitMillis = maxLagWaitMillis;
    }

    /** Records that a frame was sent now, and the CPU time it took to produce. */
    void frameSent(long costNanos) {
        lastFrameAt = System.currentTimeMillis();
        lastFrameCostMillis = costNanos / 1_000_000;
    }

    /** @return the shortest time from the last frame to the next, given the last frame's cost */
    long frameInterval() {
        return Math.max(minFrameMillis, Math.min(MAX_FRAME_MILLIS, lastFrameCostMillis * COST_FACTOR));
    }

    /**
     * Records that a viewer sent input the user waits to see (a key, a click or a drag): the next frame
     * is not held back for cost, and a waiting {@link #awaitNextFrame} is woken.
     */
    void inputArrived() {
        lastInputAt = System.currentTimeMillis();
        inputPending = true;
        viewerProgressed();
    }

    /** Wakes a waiting {@link #awaitNextFrame} because a viewer acknowledged a frame or left. */
    void viewerProgressed() {
        lock.lock();
        try {
            acknowledged.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Blocks until the next frame may be produced. */
    void awaitNextFrame(Collection<Viewer> viewers) throws InterruptedException {
        long start = lastFrameAt;
        long deadline = start + maxLagWaitMillis;
        lock.lock();
        try {
            while (true) {
                long now = System.currentTimeMillis();
                boolean responsive = inputPending || now - lastInputAt < INPUT_RESPONSE_MILLIS;
                long wait = start + (responsive ? minFrameMillis : frameInterval()) - now;
                if (wait <= 0) {
                    break;
                }
                acknowledged.await(wait, TimeUnit.MILLISECONDS); // input may shorten the wait
            }
            boolean input = inputPending;
            inputPending = false;
            if (input && !pushedPastAcknowledgement) {
                pushedPastAcknowledgement = anyBehind(viewers);
                return;
            }
            while (anyBehind(viewers)) {
                long remaining = deadline - System.currentTimeMillis();
                if (remaining <= 0) {
                    return;
                }
                acknowledged.await(remaining, TimeUnit.MILLISECONDS);
                if (inputPending && !pushedPastAcknowledgement) {
                    inputPending = false;
                    pushedPastAcknowledgement = true;
                    return;
                }
            }
            pushedPastAcknowledgement = false;
        } finally {
            lock.unlock();
        }
    }

    private static boolean anyBehind(Collection<Viewer> viewers) {
        for (Viewer v : viewers) {
            if (!v.isClosing() && v.unacknowledgedSince() != 0) {
                return true;
            }
        }
        return false;
    }
}
