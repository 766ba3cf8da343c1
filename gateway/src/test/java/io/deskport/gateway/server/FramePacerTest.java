package io.deskport.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When the next frame may go out, and when the desktop may be asked for more. */
class FramePacerTest {

    private static final long T = 1_000_000;
    private final FramePacer pacer = new FramePacer(10, 500);

    /** The connection's requests as a test sets them. */
    private record Asked(boolean everything, boolean anything, boolean areaKnown) implements FramePacer.Requests {
        @Override
        public boolean everythingAsked() {
            return everything;
        }

        @Override
        public boolean anythingAsked() {
            return anything;
        }

        @Override
        public boolean typingAreaKnown() {
            return areaKnown;
        }
    }

    private static final Asked ALL_ASKED = new Asked(true, true, false);
    private static final Asked NOTHING_ASKED = new Asked(false, false, true);

    private static Viewer viewerWithFramesInFlight(int frames) {
        Viewer v = new Viewer("test", null, null, java.io.OutputStream.nullOutputStream(), null, true, GatewayConfig.defaults());
        for (int i = 1; i <= frames; i++) {
            v.send(new byte[0], i);
        }
        return v;
    }

    @Test
    void anExpensiveFrameStretchesTheIntervalUpToTheLongestFrame() {
        pacer.frameSent(T, TimeUnit.MILLISECONDS.toNanos(40));
        assertThat(pacer.frameInterval()).isEqualTo(FramePacer.MAX_FRAME_MILLIS);
        assertThat(pacer.millisUntilNextFrame(List.of(), T)).isEqualTo(FramePacer.MAX_FRAME_MILLIS);
        assertThat(pacer.millisUntilNextFrame(List.of(), T + FramePacer.MAX_FRAME_MILLIS)).isZero();
    }

    @Test
    void aCheapFrameIsFollowedAfterTheShortestInterval() {
        pacer.frameSent(T, TimeUnit.MICROSECONDS.toNanos(500));
        assertThat(pacer.frameInterval()).isEqualTo(10);
        assertThat(pacer.millisUntilNextFrame(List.of(), T + 4)).isEqualTo(6);
    }

    @Test
    void userInputLetsSmallChangesGoOutAtOnceWhileFullFramesKeepTheirPace() {
        pacer.frameSent(T, TimeUnit.MILLISECONDS.toNanos(40));
        assertThat(pacer.smallFrameAllowed(List.of(), T + 20)).isFalse();
        pacer.inputArrived(T + 20);
        assertThat(pacer.smallFrameAllowed(List.of(), T + 20)).isTrue();
        assertThat(pacer.smallFrameAllowed(List.of(), T + 20 + FramePacer.ECHO_WAIT_MILLIS - 1)).isTrue();
        assertThat(pacer.smallFrameAllowed(List.of(), T + 20 + FramePacer.ECHO_WAIT_MILLIS)).isFalse();
        assertThat(pacer.millisUntilNextFrame(List.of(), T + 20)).isPositive();
    }

    @Test
    void onceTheInputIsOlderThanTheResponseWindowFramesArePacedByCostAgain() {
        pacer.inputArrived(T);
        pacer.frameSent(T + 10, TimeUnit.MILLISECONDS.toNanos(40));
        assertThat(pacer.millisUntilNextFrame(List.of(), T + FramePacer.INPUT_RESPONSE_MILLIS)).isPositive();
    }

    @Test
    void aViewerThatHasNotAcknowledgedHoldsTheNextFrameAndTheNextRequestUntilTheLagLimit() {
        FramePacer pacer = new FramePacer(10, 200);
        pacer.frameSent(T, 0);
        List<Viewer> behind = List.of(viewerWithFramesInFlight(1));
        assertThat(pacer.millisUntilNextFrame(behind, T + 50)).isEqualTo(150);
        assertThat(pacer.mayRequest(behind, T + 50)).isFalse();
        assertThat(pacer.millisUntilNextFrame(behind, T + 200)).isZero();
        assertThat(pacer.mayRequest(behind, T + 200)).isTrue();
        assertThat(pacer.mayRequest(List.of(viewerWithFramesInFlight(0)), T + 50)).isTrue();
    }

    @Test
    void whileNobodyTypesTheDesktopIsAskedForMoreOnlyWhenTheNextFrameIsDue() {
        pacer.frameSent(T, TimeUnit.MILLISECONDS.toNanos(3));
        assertThat(pacer.mayRequest(List.of(), T + 1)).isFalse();
        assertThat(pacer.mayRequest(List.of(), T + pacer.frameInterval())).isTrue();
        pacer.inputArrived(T + 2);
        assertThat(pacer.mayRequest(List.of(), T + 2)).isTrue();
    }

    @Test
    void afterInputAViewerMayHaveMoreFramesInFlight() {
        FramePacer pacer = new FramePacer(10, 200);
        pacer.inputArrived(T);
        pacer.frameSent(T, 0);
        assertThat(pacer.millisUntilNextFrame(List.of(viewerWithFramesInFlight(1)), T + 10)).isZero();
        assertThat(pacer.millisUntilNextFrame(List.of(viewerWithFramesInFlight(2)), T + 10)).isPositive();
        assertThat(pacer.smallFrameAllowed(List.of(viewerWithFramesInFlight(2)), T + 1)).isTrue();
        assertThat(pacer.smallFrameAllowed(List.of(viewerWithFramesInFlight(3)), T + 1)).isFalse();
    }

    @Test
    void afterInputTheDesktopIsAskedForMoreWhateverTheViewersHaveInFlight() {
        FramePacer pacer = new FramePacer(10, 200);
        pacer.frameSent(T, 0);
        List<Viewer> drawing = List.of(viewerWithFramesInFlight(3));
        assertThat(pacer.mayRequest(drawing, T + 5)).isFalse();
        pacer.inputArrived(T + 5);
        assertThat(pacer.mayRequest(drawing, T + 5)).isTrue();
        assertThat(pacer.mayRequest(drawing, T + 5 + FramePacer.INPUT_RESPONSE_MILLIS - 1)).isTrue();
        // afterwards the viewer holds the desktop back again, until the lag limit
        assertThat(pacer.mayRequest(drawing, T + 5 + FramePacer.INPUT_RESPONSE_MILLIS)).isFalse();
    }

    @Test
    void afterAKeyPressFullFramesWaitForTheEchoAtMostTheHold() {
        pacer.frameSent(T, 0);
        pacer.keyPressed(T + 5);
        assertThat(pacer.millisUntilNextFrame(List.of(), T + 20)).isEqualTo(5 + FramePacer.KEY_HOLD_MILLIS - 20);
        assertThat(pacer.millisUntilNextFrame(List.of(), T + 5 + FramePacer.KEY_HOLD_MILLIS)).isZero();
        // meanwhile the desktop is asked for updates, so that the echo can come
        assertThat(pacer.mayRequest(List.of(viewerWithFramesInFlight(2)), T + 5 + FramePacer.KEY_HOLD_MILLIS - 1)).isTrue();
    }

    @Test
    void rightAfterAKeyPressOnlyTheTypingAreaIsAskedForThenEverythingAgain() {
        pacer.frameSent(T, 0);
        assertThat(pacer.ask(List.of(), T + 1, NOTHING_ASKED)).isEqualTo(FramePacer.Ask.NOTHING);
        pacer.keyPressed(T + 5);
        assertThat(pacer.ask(List.of(), T + 5, NOTHING_ASKED)).isEqualTo(FramePacer.Ask.TYPING_AREA);
        // one request at a time: an area asked for is awaited, and never asked for over a request for everything
        assertThat(pacer.ask(List.of(), T + 6, new Asked(false, true, true))).isEqualTo(FramePacer.Ask.NOTHING);
        assertThat(pacer.ask(List.of(), T + 6, new Asked(true, true, true))).isEqualTo(FramePacer.Ask.NOTHING);
        // without a known typing area, everything at once, as after any input
        assertThat(pacer.ask(List.of(), T + 6, new Asked(false, false, false))).isEqualTo(FramePacer.Ask.EVERYTHING);
        // when the window ends without the echo (it appeared elsewhere), everything, even over the area request
        long end = T + 5 + FramePacer.TYPING_AREA_MILLIS;
        assertThat(pacer.ask(List.of(), end - 1, new Asked(false, true, true))).isEqualTo(FramePacer.Ask.NOTHING);
        assertThat(pacer.ask(List.of(), end, new Asked(false, true, true))).isEqualTo(FramePacer.Ask.EVERYTHING);
    }

    @Test
    void theTypingAreaIsAskedForOncePerKeyPress() {
        pacer.frameSent(T, 0);
        pacer.keyPressed(T + 5);
        assertThat(pacer.ask(List.of(), T + 5, NOTHING_ASKED)).isEqualTo(FramePacer.Ask.TYPING_AREA);
        pacer.typingAreaAsked();
        // the area's update came without the echo (a blinking caret, say): everything next
        assertThat(pacer.ask(List.of(), T + 10, NOTHING_ASKED)).isEqualTo(FramePacer.Ask.EVERYTHING);
        pacer.frameSent(T + 190, 0);
        pacer.keyPressed(T + 200);
        assertThat(pacer.ask(List.of(), T + 200, NOTHING_ASKED)).isEqualTo(FramePacer.Ask.TYPING_AREA);
    }

    @Test
    void onceTheEchoIsSentEverythingIsAskedForAgain() {
        pacer.frameSent(T, 0);
        pacer.keyPressed(T + 5);
        pacer.echoSent();
        assertThat(pacer.ask(List.of(), T + 6, NOTHING_ASKED)).isEqualTo(FramePacer.Ask.EVERYTHING);
    }

    @Test
    void whenTheTypingAreaWasAskedForInVainTheFrameThreadWakesToAskForEverything() throws Exception {
        pacer.frameSent(T, 0);
        pacer.keyPressed(T + 5);
        Asked areaOut = new Asked(false, true, true);
        // the area request is out and nothing came back: the thread sleeps to the end of the window, not the hold
        long untilFrame = pacer.millisUntilNextFrame(List.of(), T + 10);
        assertThat(untilFrame).isGreaterThan(FramePacer.TYPING_AREA_MILLIS);
        assertThat(pacer.ask(List.of(), T + 10, areaOut)).isEqualTo(FramePacer.Ask.NOTHING);
        assertThat(pacer.sleepMillis(untilFrame, T + 10)).isEqualTo(5 + FramePacer.TYPING_AREA_MILLIS - 10);
        // and when it wakes there, the whole screen is asked for
        assertThat(pacer.ask(List.of(), T + 5 + FramePacer.TYPING_AREA_MILLIS, areaOut)).isEqualTo(FramePacer.Ask.EVERYTHING);
        // without a key press, it sleeps until the frame
        FramePacer idle = new FramePacer(10, 200);
        idle.frameSent(T, 0);
        assertThat(idle.sleepMillis(40, T + 10)).isEqualTo(40);
    }

    @Test
    void theFrameThreadReturnsNothingOnceTheAreaWindowIsOverSoThatEverythingIsAskedFor() throws Exception {
        pacer.frameSent(System.currentTimeMillis(), 0);
        pacer.keyPressed();
        // no bound on how long this takes (a loaded machine may be slow): only what it answers
        assertThat(pacer.awaitFrame(List.of(), new Asked(false, true, true), 60_000)).isEqualTo(FramePacer.Next.NOTHING);
        assertThat(pacer.ask(List.of(), System.currentTimeMillis(), new Asked(false, true, true)))
                .isEqualTo(FramePacer.Ask.EVERYTHING);
    }

    @Test
    void theEchoEndsTheHold() {
        pacer.frameSent(T, 0);
        pacer.keyPressed(T + 5);
        pacer.echoSent();
        assertThat(pacer.millisUntilNextFrame(List.of(), T + 20)).isZero();
    }

    @Test
    void aKeyReleaseOrAClickDoesNotHoldFullFrames() {
        pacer.frameSent(T, 0);
        pacer.inputArrived(T + 5);
        assertThat(pacer.millisUntilNextFrame(List.of(), T + 20)).isZero();
    }

    @Test
    void keyRepeatCannotStarveTheScreen() {
        pacer.frameSent(T, 0);
        long now = T;
        for (; now < T + FramePacer.MAX_FRAME_MILLIS + FramePacer.KEY_HOLD_MILLIS; now += 20) {
            pacer.keyPressed(now);
        }
        assertThat(pacer.millisUntilNextFrame(List.of(), now)).isZero();
    }

    @Test
    void anAcknowledgementTakesTheFrameOutOfFlight() {
        Viewer v = viewerWithFramesInFlight(3);
        assertThat(v.framesInFlight()).isEqualTo(3);
        v.acknowledgeForTest(2);
        assertThat(v.framesInFlight()).isEqualTo(1);
    }

    @Test
    void smallChangesAfterInputGoFirst() throws Exception {
        pacer.frameSent(System.currentTimeMillis(), TimeUnit.MILLISECONDS.toNanos(4));
        pacer.inputArrived();
        pacer.changesArrived(true, true);
        assertThat(pacer.awaitFrame(List.of(), ALL_ASKED, 1000)).isEqualTo(FramePacer.Next.SMALL_CHANGES);
    }

    @Test
    void theFrameThreadWakesWhenChangesArriveAndEndsWhenStopped() throws Exception {
        CompletableFuture<FramePacer.Next> waiting = new CompletableFuture<>();
        Thread frameThread = new Thread(() -> {
            try {
                waiting.complete(pacer.awaitFrame(List.of(), ALL_ASKED, 60_000));
            } catch (InterruptedException e) {
                waiting.completeExceptionally(e);
            }
        });
        frameThread.start();
        // asleep in the pacer (no changes yet), however long the machine takes to get it there
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> frameThread.getState() == Thread.State.TIMED_WAITING);
        assertThat(waiting).isNotDone();
        pacer.changesArrived();
        assertThat(waiting.get(30, TimeUnit.SECONDS)).isEqualTo(FramePacer.Next.FRAME);

        CompletableFuture<FramePacer.Next> stopped = CompletableFuture.supplyAsync(() -> {
            try {
                return pacer.awaitFrame(List.of(), ALL_ASKED, 60_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        pacer.stop();
        assertThat(stopped.get(30, TimeUnit.SECONDS)).isEqualTo(FramePacer.Next.NOTHING);
    }
}
