package io.deskport.gateway.server;

import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Decides when the next frame may go out, like guacd: never sooner than the minimum frame duration after
 * the previous one, and not while a viewer still has a frame to acknowledge with {@code sync}, waiting at
 * most the configured lag limit for slow viewers. Expensive frames stretch the interval (up to
 * {@value #MAX_FRAME_MILLIS} ms) so that encoding takes at most about 1/{@value #COST_FACTOR} of a core per
 * connection: a screen full of changing text then streams at a lower frame rate instead of burning CPU.
 *
 * <p>User input changes that for {@value #INPUT_RESPONSE_MILLIS} ms after a key, a click or a drag: small
 * changes (the echo of a key) go out as a frame of their own as soon as the desktop's update brings them,
 * ahead of the full frame, which keeps its pace; and a viewer may have {@value #RESPONSIVE_FRAMES_IN_FLIGHT}
 * frames unacknowledged instead of one, so that the echo need not wait for the viewer to finish drawing
 * the frame before. A slow viewer still holds the gateway back. After a key press, no full frame starts
 * until a small frame has shown a change standing alone in a quiet part of the screen (most likely the
 * echo, see {@link #echoSent}), for at most {@value #KEY_HOLD_MILLIS} ms: the echo then reaches a viewer that is not
 * busy receiving and decoding a screenful of other changes. A full frame still goes out at least every
 * {@value #MAX_FRAME_MILLIS} + {@value #KEY_HOLD_MILLIS} ms, so that key repeat cannot starve the screen.
 *
 * <p>The desktop is asked for its next update when the next frame may go out ({@link #mayRequest}): while
 * nobody types, it collects its changes in between, which saves decoding; shortly after input, it is
 * asked again as soon as an update arrives, so that it sends the echo of a key the moment it is drawn.
 * Right after a key press, when the connection knows where the last echo appeared, only that typing area
 * is asked for at first ({@link #ask}): otherwise the update that answers carries every change collected
 * since the last frame, and the echo comes behind them, or at the desktop's next frame.
 *
 * <p>The frame thread waits in {@link #awaitFrame}; the desktop reader ({@link #changesArrived}), the
 * viewers ({@link #viewerProgressed}, {@link #inputArrived}) and the end of the connection wake it.
 */
final class FramePacer {

    static final long MAX_FRAME_MILLIS = 100;
    /** Encoding may take at most 1/COST_FACTOR of a core while the screen keeps changing. */
    static final int COST_FACTOR = 32;
    /**
     * How long after user input frames follow the desktop's updates at once: the update right after a key
     * often comes before the application has drawn its echo, so the next ones must be prompt as well.
     */
    static final long INPUT_RESPONSE_MILLIS = 40;
    static final int RESPONSIVE_FRAMES_IN_FLIGHT = 2;
    /** How long after input small changes go out at once, as frames of their own. */
    static final long ECHO_WAIT_MILLIS = 150;
    static final int SMALL_FRAMES_IN_FLIGHT = 3;
    /**
     * How long after a key press full frames wait for its echo at most: a busy desktop (Xvnc drawing a
     * scrolling terminal and a moving window) echoes most keys within 15-40 ms.
     */
    static final long KEY_HOLD_MILLIS = 60;
    /**
     * How long after a key press only the typing area (around the last echo) is asked for, when one is
     * known: Xvnc then sends the echo at its first frame after drawing it, as a small update of its own,
     * not behind the changes collected elsewhere since the last frame.
     */
    static final long TYPING_AREA_MILLIS = 25;

    private final long minFrameMillis;
    private final long maxLagWaitMillis;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private volatile long lastFrameAt;
    private volatile long lastFrameCostMillis;
    private volatile long lastInputAt = Long.MIN_VALUE / 2;
    private volatile long lastKeyPressAt = Long.MIN_VALUE / 2;
    private volatile boolean echoSent = true;
    private volatile long typingAreaAskedFor = Long.MIN_VALUE;
    private volatile boolean changesPending;
    private volatile boolean smallChangesPending;
    private volatile boolean stopped;

    FramePacer(long minFrameMillis, long maxLagWaitMillis) {
        this.minFrameMillis = minFrameMillis;
        this.maxLagWaitMillis = maxLagWaitMillis;
    }

    /** Records that a frame was sent at {@code now}, and the CPU time it took to encode. */
    void frameSent(long now, long costNanos) {
        lastFrameAt = now;
        lastFrameCostMillis = costNanos / 1_000_000;
    }

    /** @return the shortest time from the last frame to the next while nobody types, given the last frame's cost */
    long frameInterval() {
        return Math.max(minFrameMillis, Math.min(MAX_FRAME_MILLIS, lastFrameCostMillis * COST_FACTOR));
    }

    /**
     * @return true within {@value #INPUT_RESPONSE_MILLIS} ms of the last user input, and while full frames
     *         wait for the echo of a key
     */
    boolean responsive(long now) {
        return now - lastInputAt < INPUT_RESPONSE_MILLIS || (!echoSent && now - lastKeyPressAt < KEY_HOLD_MILLIS);
    }

    /**
     * @return 0 if a full frame may go out at {@code now}, otherwise how long to wait at most before asking
     *         again (a viewer's acknowledgement or input may shorten it)
     */
    long millisUntilNextFrame(Collection<Viewer> viewers, long now) {
        long wait = lastFrameAt + frameInterval() - now;
        if (!echoSent) {
            long holdEnd = Math.min(lastKeyPressAt + KEY_HOLD_MILLIS, lastFrameAt + MAX_FRAME_MILLIS + KEY_HOLD_MILLIS);
            wait = Math.max(wait, holdEnd - now);
        }
        if (wait > 0) {
            return wait;
        }
        if (viewersKeepUp(viewers, now)) {
            return 0;
        }
        long lagLeft = lastFrameAt + maxLagWaitMillis - now;
        return Math.max(0, lagLeft);
    }

    /**
     * @return true if a frame of small changes may go out now: within {@value #ECHO_WAIT_MILLIS} ms of input
     *         (a busy desktop may take that long to echo a key), with at most
     *         {@value #SMALL_FRAMES_IN_FLIGHT} frames in flight (small frames cost a viewer next to nothing)
     */
    boolean smallFrameAllowed(Collection<Viewer> viewers, long now) {
        return now - lastInputAt < ECHO_WAIT_MILLIS && framesInFlight(viewers) < SMALL_FRAMES_IN_FLIGHT;
    }

    private boolean viewersKeepUp(Collection<Viewer> viewers, long now) {
        return framesInFlight(viewers) < (responsive(now) ? RESPONSIVE_FRAMES_IN_FLIGHT : 1);
    }

    /**
     * @return true if the desktop may be asked for its next update now: when the next frame may go out. So
     *         while nobody types, the desktop collects its changes until the next frame is due and sends
     *         them in one update; shortly after input, the gateway keeps asking, and the desktop sends each
     *         change as it happens. That does not wait for the viewers to acknowledge frames: the echo of a
     *         key must reach the gateway while a viewer is still drawing an earlier frame (it then goes out
     *         as a small frame of its own), and the window is short, so decoding a few more updates is all
     *         it costs.
     */
    boolean mayRequest(Collection<Viewer> viewers, long now) {
        return responsive(now) || millisUntilNextFrame(viewers, now) <= 0;
    }

    /** What to ask the desktop for. */
    enum Ask {
        NOTHING,
        /** The changes within the typing area (see {@link #TYPING_AREA_MILLIS}). */
        TYPING_AREA,
        /** The changes anywhere on the screen. */
        EVERYTHING
    }

    /** The connection's update requests, as the pacer needs to know them. */
    interface Requests {
        /** @return whether the desktop was asked for the whole screen and has not answered yet */
        boolean everythingAsked();

        /** @return whether the desktop was asked for anything (the whole screen or an area) and has not answered yet */
        boolean anythingAsked();

        /** @return whether the connection knows where the echo of the last keys appeared */
        boolean typingAreaKnown();
    }

    /**
     * @return what to ask the desktop for now: the whole screen when {@link #mayRequest} allows it, except
     *         for {@value #TYPING_AREA_MILLIS} ms after a key press (until its echo is sent) when the typing
     *         area is known and the next frame is not due yet: then only that area
     */
    Ask ask(Collection<Viewer> viewers, long now, Requests requests) {
        if (requests.everythingAsked()) {
            return Ask.NOTHING;
        }
        // as mayRequest, with the time to the next frame worked out once
        boolean frameDue = millisUntilNextFrame(viewers, now) <= 0;
        if (!frameDue && !responsive(now)) {
            return Ask.NOTHING;
        }
        if (!frameDue && inTypingAreaWindow(now) && requests.typingAreaKnown()) {
            if (requests.anythingAsked()) {
                return Ask.NOTHING;
            }
            // once per key press: if the desktop answered with something else than the echo, the next
            // request is for everything, as without a typing area
            if (typingAreaAskedFor != lastKeyPressAt) {
                return Ask.TYPING_AREA;
            }
        }
        return Ask.EVERYTHING;
    }

    /** Records that the typing area was asked for, after the last key press. */
    void typingAreaAsked() {
        typingAreaAskedFor = lastKeyPressAt;
    }

    private boolean inTypingAreaWindow(long now) {
        return !echoSent && now - lastKeyPressAt < TYPING_AREA_MILLIS;
    }

    /**
     * Records user input (a key, a click or a drag): frames follow the desktop's updates at once for a
     * while, and a waiting frame thread is woken.
     */
    void inputArrived() {
        inputArrived(System.currentTimeMillis());
    }

    void inputArrived(long now) {
        lastInputAt = now;
        signal();
    }

    /** Records a key press: user input, after which full frames wait for the echo. */
    void keyPressed() {
        keyPressed(System.currentTimeMillis());
    }

    void keyPressed(long now) {
        lastKeyPressAt = now;
        echoSent = false;
        inputArrived(now);
    }

    /**
     * A small frame showed a change standing alone in a quiet part of the screen (see
     * {@code Display.takeQuietChangeSent()}): full frames need not wait any longer.
     */
    void echoSent() {
        echoSent = true;
        signal();
    }

    /** The desktop's drawing changed the display: a frame is wanted. */
    void changesArrived() {
        changesArrived(true, false);
    }

    /**
     * Tells what changes the display holds after an update or a frame.
     *
     * @param any   whether anything is waiting to be sent
     * @param small whether a small change (see {@code Display.hasSmallChanges()}) is among it
     */
    void changesArrived(boolean any, boolean small) {
        changesPending = any;
        smallChangesPending = small;
        if (any) {
            signal();
        }
    }

    /** A viewer acknowledged a frame, or left. */
    void viewerProgressed() {
        signal();
    }

    /** Ends {@link #awaitFrame} for good. */
    void stop() {
        stopped = true;
        signal();
    }

    /** What the frame thread should do next. */
    enum Next {
        /** Send all changes as a frame. */
        FRAME,
        /** Send only the small changes (shortly after input). */
        SMALL_CHANGES,
        /** Nothing to send now; ask the desktop for an update if it is due. */
        NOTHING
    }

    /**
     * Blocks until there is something to do: changes that may go out, or a request to send ({@link #ask});
     * or until nothing happened for {@code idleMillis}. The caller reports what changes remain with
     * {@link #changesArrived(boolean, boolean)} after sending, and sends what {@link #ask} says after
     * {@link Next#NOTHING}.
     */
    Next awaitFrame(Collection<Viewer> viewers, Requests requests, long idleMillis) throws InterruptedException {
        lock.lock();
        try {
            while (!stopped) {
                long now = System.currentTimeMillis();
                if (smallChangesPending && smallFrameAllowed(viewers, now)) {
                    smallChangesPending = false;
                    return Next.SMALL_CHANGES;
                }
                boolean work = changesPending || !requests.everythingAsked();
                if (!work) {
                    if (!wake.await(idleMillis, TimeUnit.MILLISECONDS)) {
                        return Next.NOTHING;
                    }
                    continue;
                }
                long wait = millisUntilNextFrame(viewers, now);
                if (wait <= 0) {
                    boolean frame = changesPending;
                    changesPending = false;
                    smallChangesPending = false;
                    return frame ? Next.FRAME : Next.NOTHING;
                }
                if (ask(viewers, now, requests) != Ask.NOTHING) {
                    return Next.NOTHING; // a request is due now (shortly after input)
                }
                wake.await(Math.max(1, sleepMillis(wait, now)), TimeUnit.MILLISECONDS);
            }
            return Next.NOTHING;
        } finally {
            lock.unlock();
        }
    }

    /**
     * How long the frame thread sleeps when a frame is {@code untilFrame} ms away and no request is due now: at
     * most to the end of the typing-area window after a key press, when the whole screen is asked for again.
     * Call with the lock held.
     */
    long sleepMillis(long untilFrame, long now) {
        return inTypingAreaWindow(now) ? Math.min(untilFrame, lastKeyPressAt + TYPING_AREA_MILLIS - now) : untilFrame;
    }

    private void signal() {
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private static int framesInFlight(Collection<Viewer> viewers) {
        int most = 0;
        for (Viewer v : viewers) {
            if (!v.isClosing()) {
                most = Math.max(most, v.framesInFlight());
            }
        }
        return most;
    }
}
