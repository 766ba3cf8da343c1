package io.deskport.broker.brokering;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In the broker's real filter chain the shedding comes before authentication: while every connect turn is taken
 * and the wait for one is expected to be longer than the admission wait, a connect without any token is answered
 * {@code 503 OVERLOADED} (with {@code Retry-After}), not {@code 401} — the broker did not read it. When the turns
 * are free again, the same request is refused for what it is.
 */
@BrokerTest
class ConnectSheddingInTheBrokerTest {

    private static final ExecutorService THREADS = Executors.newVirtualThreadPerTaskExecutor();

    @LocalServerPort
    int port;
    @Autowired
    ConnectAdmission admission;
    @Autowired
    SessionProperties props;

    @Test
    void aConnectIsShedBeforeItsTokenIsRead() throws Exception {
        Api anonymous = new Api(port);
        String connect = "/api/v1/pools/" + UUID.randomUUID() + "/connect";
        assertThat(anonymous.post(connect).status()).as("no token, turns free").isEqualTo(401);

        int limit = admission.limit();
        long wait = props.admissionWait().toNanos();
        try {
            // turns held long enough that a connect arriving while all are held expects to wait past the admission wait
            Duration hold = props.admissionWait().multipliedBy(4L * limit);
            while (admission.expectedWait() <= 2 * wait) {
                holdAll(limit, hold);
            }
            CountDownLatch release = new CountDownLatch(1);
            List<Future<?>> holders = holdAll(limit, release);
            try {
                Api.Response shed = anonymous.post(connect);
                assertThat(shed.status()).isEqualTo(503);
                assertThat(shed.body().get("reason").asString()).isEqualTo("OVERLOADED");
                assertThat(shed.header("Retry-After")).isEqualTo(Long.toString(props.overloadedRetryAfter().toSeconds()));
                assertThat(shed.header("X-Request-Id")).as("after the request id").isNotBlank();
            } finally {
                release.countDown();
                for (Future<?> h : holders) {
                    h.get();
                }
            }
        } finally {
            // the moving average of a turn's hold back to a connect's, for the tests after this one in the context
            for (int i = 0; i < 500; i++) {
                admission.admit(() -> null);
            }
        }
        assertThat(anonymous.post(connect).status()).as("turns free again").isEqualTo(401);
    }

    /** Every connect turn held for {@code hold}, then given back; returns when all are back. */
    private void holdAll(int limit, Duration hold) throws Exception {
        List<Future<?>> holders = new ArrayList<>();
        for (int i = 0; i < limit; i++) {
            holders.add(THREADS.submit(() -> admission.admit(() -> {
                sleep(hold);
                return null;
            })));
        }
        for (Future<?> h : holders) {
            h.get();
        }
    }

    /** Every connect turn taken until {@code release}; returns once all are held. */
    private List<Future<?>> holdAll(int limit, CountDownLatch release) throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(limit);
        List<Future<?>> holders = new ArrayList<>();
        for (int i = 0; i < limit; i++) {
            holders.add(THREADS.submit(() -> admission.admit(() -> {
                inside.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return null;
            })));
        }
        inside.await();
        return holders;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
