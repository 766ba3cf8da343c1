package io.deskport.broker.brokering;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Back-pressure on connects: at most N at once; the next waits its turn a bounded time, then is refused. */
class ConnectAdmissionTest {

    /** Threads for tasks that block holding a turn (the common pool may have a single thread on a small machine). */
    private static final ExecutorService THREADS = Executors.newVirtualThreadPerTaskExecutor();

    /** A task that takes a turn through {@code admit}, counts {@code inside} down and holds it until {@code release}. */
    private static CompletableFuture<String> holding(Function<Supplier<String>, String> admit, String name,
                                                     CountDownLatch inside, CountDownLatch release) {
        return CompletableFuture.supplyAsync(() -> admit.apply(() -> {
            inside.countDown();
            await(release);
            return name;
        }), THREADS);
    }

    private static SessionProperties limit(int concurrent, Duration wait) {
        return limit(concurrent, wait, wait);
    }

    private static SessionProperties limit(int concurrent, Duration wait, Duration endingWait) {
        return limit(concurrent, wait, endingWait, 256);
    }

    private static SessionProperties limit(int concurrent, Duration wait, Duration endingWait, int maxWaiting) {
        return new SessionProperties(Duration.ofSeconds(5), Duration.ofMinutes(10), concurrent, wait, Duration.ofSeconds(2),
                Duration.ZERO, Duration.ofSeconds(10), endingWait, maxWaiting);
    }

    @Test
    void aConnectBeyondTheLimitIsRefusedAsOverloadedWithWhenToComeBackAndTriesNothing() throws Exception {
        ConnectAdmission admission = new ConnectAdmission(limit(1, Duration.ofMillis(50)), null);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<String> first = holding(admission::admit, "first", inside, finish);
        inside.await();

        boolean[] tried = {false};
        assertThatThrownBy(() -> admission.admit(() -> tried[0] = true))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.OVERLOADED);
                    assertThat(e.reason().status().value()).isEqualTo(503);
                    assertThat(e.figures()).containsEntry("retryAfterSeconds", 2L).containsEntry("concurrentConnects", 1);
                });
        assertThat(tried[0]).as("the refused connect never ran").isFalse();

        finish.countDown();
        assertThat(first.get()).isEqualTo("first");
        assertThat(admission.admit(() -> "next")).as("the turn is given back").isEqualTo("next");
    }

    @Test
    void aConnectWaitsForItsTurnWithinTheAdmissionWait() throws Exception {
        ConnectAdmission admission = new ConnectAdmission(limit(1, Duration.ofSeconds(30)), null);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<String> first = holding(admission::admit, "first", inside, finish);
        inside.await();
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> admission.admit(() -> "second"), THREADS);
        assertThat(second).isNotDone();
        finish.countDown();
        assertThat(second.get()).isEqualTo("second");
        assertThat(first.get()).isEqualTo("first");
    }

    @Test
    void aConnectThatWouldNotGetItsTurnWithinTheWaitIsRefusedAtOnceRatherThanAfterWaitingItOut() throws Exception {
        Duration wait = Duration.ofMillis(500);
        ConnectAdmission admission = new ConnectAdmission(limit(1, wait), null);
        // connects have been holding their turn for a second each: a connect behind one of them would wait ~1 s
        admission.admit(() -> {
            sleep(Duration.ofSeconds(1));
            return "slow";
        });
        assertThat(admission.expectedWait()).isGreaterThanOrEqualTo(Duration.ofSeconds(1).toNanos());
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<String> holder = holding(admission::admit, "holder", inside, finish);
        inside.await();

        long start = System.nanoTime();
        assertThatThrownBy(() -> admission.admit(() -> "never"))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.reason()).isEqualTo(Reason.OVERLOADED));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("refused without waiting out the admission wait")
                .isLessThan(wait);
        finish.countDown();
        assertThat(holder.get()).isEqualTo("holder");
    }

    @Test
    void disconnectsAndLogoffsTakeTurnsOfTheirOwnRefusedAsOverloadedBeyondTheLimit() throws Exception {
        ConnectAdmission admission = new ConnectAdmission(limit(1, Duration.ofMillis(50)), null);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<String> logoff = holding(admission::admitEnding, "logoff", inside, finish);
        inside.await();

        boolean[] tried = {false};
        assertThatThrownBy(() -> admission.admitEnding(() -> tried[0] = true))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.reason()).isEqualTo(Reason.OVERLOADED);
                    assertThat(e.figures()).containsEntry("retryAfterSeconds", 2L).containsEntry("concurrentEndings", 1);
                    assertThat(e.getMessage()).contains("disconnected or ended");
                });
        assertThat(tried[0]).as("the refused logoff never ran").isFalse();
        assertThat(admission.admit(() -> "connect")).as("a connect has its own turns").isEqualTo("connect");

        finish.countDown();
        assertThat(logoff.get()).isEqualTo("logoff");
        assertThat(admission.admitEnding(() -> "next")).as("the turn is given back").isEqualTo("next");
    }

    @Test
    void aLogoffWaitsForItsTurnLongerThanAConnect() throws Exception {
        ConnectAdmission admission = new ConnectAdmission(limit(1, Duration.ofMillis(50), Duration.ofSeconds(30)), null);
        CountDownLatch inside = new CountDownLatch(2);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<String> connect = holding(admission::admit, "connect", inside, finish);
        CompletableFuture<String> logoff = holding(admission::admitEnding, "logoff", inside, finish);
        inside.await();

        assertThatThrownBy(() -> admission.admit(() -> "refused"))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.reason()).isEqualTo(Reason.OVERLOADED));
        CompletableFuture<String> waiting = CompletableFuture.supplyAsync(() -> admission.admitEnding(() -> "waited"), THREADS);
        Thread.sleep(300);
        assertThat(waiting.isDone()).as("still waiting for its turn, well past a connect's wait").isFalse();
        finish.countDown();
        assertThat(waiting.get()).isEqualTo("waited");
        assertThat(connect.get()).isEqualTo("connect");
        assertThat(logoff.get()).isEqualTo("logoff");
    }

    @Test
    void beyondTheWaitersAllowedAConnectIsRefusedAtOnceHoweverLongItMayWait() throws Exception {
        // turns so long that the expected wait never refuses: only the number waiting does
        ConnectAdmission admission = new ConnectAdmission(limit(1, Duration.ofSeconds(60), Duration.ofSeconds(60), 2), null);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        CompletableFuture<String> first = holding(admission::admit, "first", inside, finish);
        inside.await();
        CompletableFuture<String> second = CompletableFuture.supplyAsync(() -> admission.admit(() -> "second"), THREADS);
        CompletableFuture<String> third = CompletableFuture.supplyAsync(() -> admission.admit(() -> "third"), THREADS);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (admission.waitingConnects() < 2 && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(5));
        }
        assertThat(admission.waitingConnects()).as("two connects wait for the turn").isEqualTo(2);

        long t0 = System.nanoTime();
        boolean[] tried = {false};
        assertThatThrownBy(() -> admission.admit(() -> tried[0] = true))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.reason()).isEqualTo(Reason.OVERLOADED));
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("refused at once, not after the 60 s wait")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(tried[0]).isFalse();

        finish.countDown();
        assertThat(first.get()).isEqualTo("first");
        assertThat(second.get()).as("the ones waiting get their turns").isEqualTo("second");
        assertThat(third.get()).isEqualTo("third");
    }

    @Test
    void byDefaultTwiceTheProcessorsRunAtOnceAtMostThePoolsSizeAndAtLeastOne() {
        assertThat(ConnectAdmission.automaticLimit(16, 2)).isEqualTo(4);
        assertThat(ConnectAdmission.automaticLimit(16, 32)).isEqualTo(16);
        assertThat(ConnectAdmission.automaticLimit(0, 4)).isEqualTo(1);
        SessionProperties automatic = limit(0, Duration.ofMillis(50));
        assertThat(new ConnectAdmission(automatic, null).limit())
                .isEqualTo(Math.min(10, 2 * Runtime.getRuntime().availableProcessors()));
        assertThat(new ConnectAdmission(limit(7, Duration.ofMillis(50)), null).limit()).as("as set").isEqualTo(7);
    }

    @Test
    void aFailingConnectGivesItsTurnBack() {
        ConnectAdmission admission = new ConnectAdmission(limit(1, Duration.ZERO), null);
        assertThatThrownBy(() -> admission.admit(() -> {
            throw new IllegalStateException("boom");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(admission.admit(() -> "after")).isEqualTo("after");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
