package io.deskport.broker.metering;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PreDestroy;

import org.springframework.stereotype.Component;

/**
 * Sends signed deliveries to an endpoint over HTTP/1.1 with keep-alive: one shared client (its connection pool
 * reused across passes), at most {@code parallelism} requests in flight per pass, each bounded by the request
 * timeout, redirects never followed (an endpoint cannot send the broker elsewhere).
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
    private final ExecutorService executor;
    private final HttpClient http;

    WebhookSender(WebhookProperties settings) {
        this.settings = settings;
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("webhook-http-", 0).factory());
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).executor(executor).build();
    }

    /**
     * Sends the deliveries in order, at most {@code parallelism} at a time, and stops starting new ones when the
     * first {@code parallelism} all failed (an endpoint that is down costs one round, not the batch) or when the
     * deadline has passed.
     *
     * @return the results of the deliveries that were sent: a prefix of {@code deliveries}, in their order
     */
    List<Result> send(URI url, WebhookSigner signer, List<Delivery> deliveries, Instant deadline) throws InterruptedException {
        int parallelism = settings.parallelism();
        Semaphore inFlight = new Semaphore(parallelism);
        AtomicInteger failures = new AtomicInteger();
        AtomicInteger successes = new AtomicInteger();
        List<CompletableFuture<Result>> sent = new ArrayList<>();
        for (Delivery d : deliveries) {
            inFlight.acquire();
            if (successes.get() == 0 && failures.get() >= parallelism || Instant.now().isAfter(deadline)) {
                inFlight.release();
                break;
            }
            long timestamp = Instant.now().getEpochSecond();
            HttpRequest request = HttpRequest.newBuilder(url).timeout(settings.requestTimeout())
                    .header("Content-Type", CloudEvents.MEDIA_TYPE)
                    .header("User-Agent", USER_AGENT)
                    .header("webhook-id", d.id())
                    .header("webhook-timestamp", Long.toString(timestamp))
                    .header("webhook-signature", signer.signature(d.id(), timestamp, d.body()))
                    .POST(HttpRequest.BodyPublishers.ofString(d.body())).build();
            Instant at = Instant.now();
            long start = System.nanoTime();
            CompletableFuture<Result> result = http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .handle((response, failure) -> {
                        long ms = (System.nanoTime() - start) / 1_000_000;
                        Result r = failure != null ? new Result(at, null, ms, describe(failure))
                                : response.statusCode() / 100 == 2 ? new Result(at, response.statusCode(), ms, null)
                                : new Result(at, response.statusCode(), ms, "HTTP " + response.statusCode());
                        (r.succeeded() ? successes : failures).incrementAndGet();
                        inFlight.release();
                        return r;
                    });
            sent.add(result);
        }
        List<Result> results = new ArrayList<>(sent.size());
        for (CompletableFuture<Result> f : sent) {
            results.add(f.join());
        }
        return results;
    }

    /** @return the failures of a delivery all at once, e.g. when its address is not allowed now */
    static Result refused(String why) {
        return new Result(Instant.now(), null, 0, why);
    }

    private String describe(Throwable failure) {
        Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (t instanceof HttpConnectTimeoutException) {
            return "connect timed out after " + human(settings.connectTimeout());
        }
        if (t instanceof HttpTimeoutException) {
            return "no answer within " + human(settings.requestTimeout());
        }
        if (t instanceof ConnectException) {
            return "connection refused";
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
        http.shutdownNow();
        executor.shutdownNow();
    }
}
