package io.deskport.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When the next frame may start. */
class FramePacerTest {

    private final FramePacer pacer = new FramePacer(10, 500);

    @Test
    void anExpensiveFrameStretchesTheIntervalUpToTheLongestFrame() throws Exception {
        pacer.frameSent(TimeUnit.MILLISECONDS.toNanos(40));
        assertThat(pacer.frameInterval()).isEqualTo(FramePacer.MAX_FRAME_MILLIS);

        long start = System.nanoTime();
        pacer.awaitNextFrame(List.of());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(FramePacer.MAX_FRAME_MILLIS - 5);
    }

    @Test
    void aCheapFrameIsFollowedAfterTheShortestInterval() {
        pacer.frameSent(TimeUnit.MICROSECONDS.toNanos(500));
        assertThat(pacer.frameInterval()).isEqualTo(10);
    }

    @Test
    void userInputCutsTheCostStretchShort() throws Exception {
        pacer.frameSent(TimeUnit.MILLISECONDS.toNanos(40));
        long start = System.nanoTime();
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                pacer.awaitNextFrame(List.of());
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(20);
        pacer.inputArrived();
        waiting.get(5, TimeUnit.SECONDS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(FramePacer.MAX_FRAME_MILLIS - 20);
    }

    @Test
    void framesShortlyAfterInputWaitOnlyTheShortestInterval() throws Exception {
        pacer.inputArrived();
        pacer.frameSent(TimeUnit.MILLISECONDS.toNanos(40));
        long start = System.nanoTime();
        pacer.awaitNextFrame(List.of());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(FramePacer.MAX_FRAME_MILLIS - 20);

        // once the input is older than the response window, frames are paced by cost again
        Thread.sleep(FramePacer.INPUT_RESPONSE_MILLIS);
        pacer.frameSent(TimeUnit.MILLISECONDS.toNanos(40));
        start = System.nanoTime();
        pacer.awaitNextFrame(List.of());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(FramePacer.MAX_FRAME_MILLIS - 5);
    }

    private static Viewer viewerWithAFrameInFlight(long syncTimestamp) {
        Viewer v = new Viewer("test", null, null, java.io.OutputStream.nullOutputStream(), null, true, GatewayConfig.defaults());
        v.send(new byte[0], syncTimestamp);
        return v;
    }

    @Test
    void aViewerThatHasNotAcknowledgedHoldsTheNextFrameUntilTheLagLimit() throws Exception {
        FramePacer pacer = new FramePacer(10, 200);
        pacer.frameSent(0);
        long start = System.nanoTime();
        pacer.awaitNextFrame(List.of(viewerWithAFrameInFlight(1)));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(190);
    }

    @Test
    void inputPushesOneFramePastAnUnacknowledgedFrameButNotTwo() throws Exception {
        FramePacer pacer = new FramePacer(10, 200);
        pacer.frameSent(0);
        pacer.inputArrived();
        long start = System.nanoTime();
        pacer.awaitNextFrame(List.of(viewerWithAFrameInFlight(1)));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(150);

        pacer.frameSent(0);
        pacer.inputArrived();
        start = System.nanoTime();
        pacer.awaitNextFrame(List.of(viewerWithAFrameInFlight(2)));
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(190);
    }
}
