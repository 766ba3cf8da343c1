package io.deskport.broker.metering;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;

import jakarta.annotation.PreDestroy;

import org.springframework.stereotype.Component;

/**
 * Sends signed deliveries to an endpoint over HTTP/1.1 with keep-alive ({@link WebhookHttp}: its connections
 * reused across passes), as many requests in flight per pass as the relay gives it ({@link DeliveryLanes}), each
 * bounded by the request timeout, redirects never followed (an endpoint cannot send the broker elsewhere).
 */
@Component
class WebhookSender {

    /** What one delivery is. */
    record Delivery(String id, String body) {
    }

    /**
     * What became of one delivery.
     *
     * @param status the HTTP status, or null when none was answered
     * @param error  why it failed, or null when it succeeded (a 2xx answer)
     */
    record Result(Instant at, Integer status, long latencyMs, String error) {

        boolean succeeded() {
            return error == null;
        }
    }

    private static final String USER_AGENT = "Deskport-Webhooks/1";

    private final WebhookProperties settings;
    private final ExecutorService workers;
    private final WebhookHttp http;

    WebhookSender(WebhookProperties settings) {
        this.settings = settings;
        // platform threads: a delivery blocks in the socket's read, and the kernel wakes the thread when the answer
        // arrives (a virtual thread would go through the poller's thread to be woken)
        this.workers = Executors.newCachedThreadPool(Thread.ofPlatform().name("webhook-http-", 0).daemon().factory());
        this.http = new WebhookHttp(defaultTls());
    }

    private static SSLSocketFactory defaultTls() {
        try {
            return SSLContext.getDefault().getSocketFactory();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no TLS in this JVM", e);
        }
    }

    /**
     * Sends the deliveries in order, at most {@code parallelism} at a time, and stops starting new ones when the
     * first {@code parallelism} all failed (an endpoint that is down costs one round, not the batch) or when the
     * deadline has passed.
     *
     * @return the results of the deliveries that were sent: a prefix of {@code deliveries}, in their order
     */
    List<Result> send(URI url, WebhookSigner signer, List<Delivery> deliveries, int parallelism, Instant deadline)
            throws InterruptedException {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism " + parallelism);
        }
        int n = deliveries.size();
        Result[] results = new Result[n];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger successes = new AtomicInteger();
        // each of at most `parallelism` workers takes the next delivery while there is one and sending goes on:
        // the deliveries taken are a prefix, and each worker hands over once per pass, not once per request
        int lanes = Math.min(parallelism, n);
        CountDownLatch done = new CountDownLatch(lanes);
        Runnable lane = () -> {
            try {
                while (true) {
                    if (successes.get() == 0 && failures.get() >= parallelism || Instant.now().isAfter(deadline)) {
                        return;
                    }
                    int i = next.getAndIncrement();
                    if (i >= n) {
                        return;
                    }
                    Result r = sendOne(url, signer, deliveries.get(i));
                    (r.succeeded() ? successes : failures).incrementAndGet();
                    results[i] = r;
                }
            } finally {
                done.countDown();
            }
        };
        for (int i = 0; i < lanes; i++) {
            workers.execute(lane);
        }
        done.await();
        List<Result> sent = new ArrayList<>(n);
        for (Result r : results) {
            if (r == null) {
                break;
            }
            sent.add(r);
        }
        return sent;
    }

    private Result sendOne(URI url, WebhookSigner signer, Delivery d) {
        long timestamp = Instant.now().getEpochSecond();
        List<String> headers = List.of("Content-Type", CloudEvents.MEDIA_TYPE, "User-Agent", USER_AGENT,
                "webhook-id", d.id(), "webhook-timestamp", Long.toString(timestamp),
                "webhook-signature", signer.signature(d.id(), timestamp, d.body()));
        byte[] body = d.body().getBytes(StandardCharsets.UTF_8);
        Instant at = Instant.now();
        long start = System.nanoTime();
        long until = start + settings.requestTimeout().toNanos();
        try {
            int status = http.post(url, headers, body, settings.connectTimeout(), until);
            long ms = (System.nanoTime() - start) / 1_000_000;
            return status / 100 == 2 ? new Result(at, status, ms, null) : new Result(at, status, ms, "HTTP " + status);
        } catch (IOException | RuntimeException e) {
            return new Result(at, null, (System.nanoTime() - start) / 1_000_000, describe(e));
        }
    }

    /** @return the failures of a delivery all at once, e.g. when its address is not allowed now */
    static Result refused(String why) {
        return new Result(Instant.now(), null, 0, why);
    }

    private String describe(Throwable t) {
        if (t instanceof WebhookHttp.ConnectTimeout) {
            return "connect timed out after " + human(settings.connectTimeout());
        }
        if (t instanceof WebhookHttp.NoAnswer) {
            return "no answer within " + human(settings.requestTimeout());
        }
        if (t instanceof ConnectException) {
            return "connection refused";
        }
        if (t instanceof WebhookHttp.Malformed) {
            return "not an HTTP answer: " + t.getMessage();
        }
        if (t instanceof UnknownHostException) {
            return "unknown host " + t.getMessage();
        }
        if (t instanceof SSLException) {
            return "TLS failed: " + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        }
        if (t instanceof IOException) {
            return "I/O error: " + (t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static String human(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @PreDestroy
    void close() {
        http.close();
        workers.shutdownNow();
    }
}
