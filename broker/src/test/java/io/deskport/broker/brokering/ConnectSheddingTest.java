package io.deskport.broker.brokering;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.FilterChain;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Load shed before it is read: a connect the admission would refuse at once is answered by {@link ConnectShedding}
 * (no token checked, no controller reached) with the admission's own refusal; everything else goes on. (The filter
 * in the broker's real chain, ahead of authentication: {@link ConnectSheddingInTheBrokerTest}.)
 */
class ConnectSheddingTest {

    private static final ExecutorService THREADS = Executors.newVirtualThreadPerTaskExecutor();

    /** One turn of each kind, no waiting room: once a turn is taken, the next of its kind is refused at once. */
    private static ConnectAdmission oneTurnNoWaiting() {
        return new ConnectAdmission(new SessionProperties(Duration.ofSeconds(5), Duration.ofMinutes(10), 1,
                Duration.ofMillis(50), Duration.ofSeconds(2), Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(5), 0),
                null);
    }

    /** Takes a turn (through {@code admit}) and holds it until {@code release}; returns once it is held. */
    private static void hold(java.util.function.Function<java.util.function.Supplier<String>, String> admit,
                             CountDownLatch release) throws InterruptedException {
        CountDownLatch inside = new CountDownLatch(1);
        THREADS.submit(() -> admit.apply(() -> {
            inside.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "held";
        }));
        inside.await();
    }

    private record Answer(MockHttpServletResponse response, boolean passedOn) {
    }

    private static Answer send(ConnectShedding filter, String method, String path) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
        MockHttpServletResponse response = new MockHttpServletResponse();
        AtomicInteger chain = new AtomicInteger();
        FilterChain next = (req, res) -> chain.incrementAndGet();
        filter.doFilter(request, response, next);
        return new Answer(response, chain.get() == 1);
    }

    @Test
    void aConnectThatWouldBeRefusedAtOnceIsAnsweredWithTheAdmissionsRefusalWithoutBeingRead() throws Exception {
        ConnectAdmission admission = oneTurnNoWaiting();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ConnectShedding filter = new ConnectShedding(admission, new ConnectMeters(registry));
        String connect = "/api/v1/pools/" + UUID.randomUUID() + "/connect";

        assertThat(send(filter, "POST", connect).passedOn()).as("a turn is free: the connect goes on").isTrue();

        CountDownLatch release = new CountDownLatch(1);
        hold(admission::admit, release);
        Answer shed = send(filter, "POST", connect);
        assertThat(shed.passedOn()).as("refused before the token or the controller").isFalse();
        assertThat(shed.response().getStatus()).isEqualTo(503);
        assertThat(shed.response().getHeader("Retry-After")).isEqualTo("2");
        assertThat(shed.response().getContentType()).isEqualTo("application/problem+json");
        String body = shed.response().getContentAsString();
        assertThat(body).contains("\"reason\":\"OVERLOADED\"", "\"concurrentConnects\":1", "\"retryAfterSeconds\":2",
                "\"instance\":\"" + connect + "\"", "\"status\":503");
        assertThat(registry.get(ConnectMeters.REFUSALS).tag("reason", "OVERLOADED").counter().count()).isEqualTo(1);
        assertThat(registry.get(ConnectMeters.CONNECT).tag("kind", ConnectMeters.NO_KIND).tag("outcome", "REFUSED")
                .timer().count()).isEqualTo(1);

        String launch = "/api/v1/applications/" + UUID.randomUUID().toString().toUpperCase() + "/launch";
        assertThat(send(filter, "POST", launch).passedOn()).as("an application's launch is a connect").isFalse();
        // not a connect: goes on whatever the connects' turns
        assertThat(send(filter, "GET", connect).passedOn()).isTrue();
        assertThat(send(filter, "POST", connect + "/x").passedOn()).isTrue();
        assertThat(send(filter, "POST", "/api/v1/pools/not-a-pool-id-but-thirty-six-long/connect").passedOn()).isTrue();
        assertThat(send(filter, "POST", "/api/v1/pools").passedOn()).isTrue();
        assertThat(send(filter, "POST", "/api/v1/sessions/" + UUID.randomUUID() + "/logoff").passedOn())
                .as("a logoff takes the endings' turns, which are free").isTrue();

        release.countDown();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        boolean passed;
        while (!(passed = send(filter, "POST", connect).passedOn()) && System.nanoTime() < deadline) {
            Thread.sleep(1); // the holder gives its turn back in a moment
        }
        assertThat(passed).as("with the turn given back the connect goes on").isTrue();
    }

    @Test
    void aLogoffOrDisconnectIsShedByTheEndingsOwnTurns() throws Exception {
        ConnectAdmission admission = oneTurnNoWaiting();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ConnectShedding filter = new ConnectShedding(admission, new ConnectMeters(registry));
        UUID session = UUID.randomUUID();
        CountDownLatch release = new CountDownLatch(1);
        hold(admission::admitEnding, release);
        try {
            for (String end : new String[] {"/logoff", "/disconnect"}) {
                Answer shed = send(filter, "POST", "/api/v1/sessions/" + session + end);
                assertThat(shed.passedOn()).as(end).isFalse();
                assertThat(shed.response().getStatus()).isEqualTo(503);
                assertThat(shed.response().getContentAsString()).contains("\"reason\":\"OVERLOADED\"", "\"concurrentEndings\":1");
            }
            assertThat(send(filter, "POST", "/api/v1/pools/" + UUID.randomUUID() + "/connect").passedOn())
                    .as("the connects' turns are free").isTrue();
            assertThat(send(filter, "POST", "/api/v1/sessions/" + session + "/tunnel").passedOn()).isTrue();
            assertThat(registry.get(ConnectMeters.REFUSALS).tag("reason", "OVERLOADED").counter().count())
                    .as("a shed logoff is not a refused connect").isZero();
        } finally {
            release.countDown();
        }
    }

    @Test
    void onlyAPathOfPrefixUuidSuffixNamesARequestToShed() {
        String id = "0b6f2c1e-8f0a-4d1b-9c3e-2a7d5e4f6a10";
        assertThat(ConnectShedding.names("/api/v1/pools/" + id + "/connect", "/api/v1/pools/", "/connect")).isTrue();
        assertThat(ConnectShedding.names("/api/v1/pools/" + id + "/connectx", "/api/v1/pools/", "/connect")).isFalse();
        assertThat(ConnectShedding.names("/api/v1/pools/" + id.replace('b', 'z') + "/connect", "/api/v1/pools/", "/connect"))
                .isFalse();
        assertThat(ConnectShedding.names("/api/v2/pools/" + id + "/connect", "/api/v1/pools/", "/connect")).isFalse();
        assertThat(ConnectShedding.names("", "/api/v1/pools/", "/connect")).isFalse();
    }
}
