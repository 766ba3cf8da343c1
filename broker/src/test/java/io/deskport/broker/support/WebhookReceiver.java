package io.deskport.broker.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A webhook receiver for tests: a real HTTP server on loopback that records every delivery (its headers as sent,
 * lower-cased, and its body) and answers as the test says: 200, 500, or 200 after a pause longer than the
 * sender waits. It can be down (nothing listens on its port) and come back on the same port.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** How it answers. */
    public enum Mode { OK, FAIL, SLOW }

    /**
     * One request as it arrived.
     *
     * @param answered the status it was answered with (for SLOW: after the pause)
     */
    public record Delivery(String id, String timestamp, String signature, String contentType, String body,
                           Map<String, List<String>> headers, int answered, long arrivedNanos) {
    }

    private final int port;
    private final ConcurrentLinkedQueue<Delivery> received = new ConcurrentLinkedQueue<>();
    private final AtomicInteger arrivals = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger mostAtOnce = new AtomicInteger();
    private volatile Mode mode = Mode.OK;
    private volatile Duration pause = Duration.ofSeconds(2);
    private HttpServer server;
    private ExecutorService executor;

    private WebhookReceiver(int port) {
        this.port = port;
    }

    /** A receiver on a free loopback port, not started: nothing listens yet. */
    public static WebhookReceiver down() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new WebhookReceiver(s.getLocalPort());
        }
    }

    /** A receiver listening now, answering 200. */
    public static WebhookReceiver up() throws IOException {
        WebhookReceiver r = down();
        r.start();
        return r;
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/hooks/deskport";
    }

    /** Starts listening (again) on its port. */
    public synchronized void start() throws IOException {
        if (server != null) {
            return;
        }
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Stops listening: connections are refused. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }

    public void mode(Mode m) {
        mode = m;
    }

    /** How long a SLOW answer takes. */
    public void pause(Duration d) {
        pause = d;
    }

    private void handle(HttpExchange ex) throws IOException {
        long arrived = System.nanoTime();
        arrivals.incrementAndGet();
        mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        int status;
        try {
            String body;
            try (InputStream in = ex.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Mode m = mode;
            if (m == Mode.SLOW) {
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            status = m == Mode.FAIL ? 500 : 200;
            Map<String, List<String>> headers = new LinkedHashMap<>();
            ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), List.copyOf(v)));
            received.add(new Delivery(first(headers, "webhook-id"), first(headers, "webhook-timestamp"),
                    first(headers, "webhook-signature"), first(headers, "content-type"), body, headers, status, arrived));
        } finally {
            // held from its arrival until its answer is sent, not until the handler ends: by then the sender may
            // have sent its next request on the same connection
            inFlight.decrementAndGet();
        }
        try {
            ex.sendResponseHeaders(status, -1);
        } catch (IOException e) {
            // the sender gave up waiting (SLOW): the delivery arrived all the same
        } finally {
            ex.close();
        }
    }

    private static String first(Map<String, List<String>> headers, String name) {
        List<String> v = headers.get(name);
        return v == null || v.isEmpty() ? null : v.getFirst();
    }

    /** Every request that arrived, in order. */
    public List<Delivery> deliveries() {
        return new ArrayList<>(received);
    }

    /** The ids of deliveries answered with 200 (SLOW ones included: the receiver took them). */
    public Set<String> accepted() {
        Set<String> ids = new LinkedHashSet<>();
        received.stream().filter(d -> d.answered() == 200).forEach(d -> ids.add(d.id()));
        return ids;
    }

    /** The most requests it held at once (arrived, not yet answered) since it was made or this was last reset. */
    public int mostAtOnce() {
        return mostAtOnce.get();
    }

    /** Starts counting {@link #mostAtOnce()} again from the requests held now. */
    public void resetMostAtOnce() {
        mostAtOnce.set(inFlight.get());
    }

    /** Requests that arrived, answered or not yet. */
    public int arrivals() {
        return arrivals.get();
    }

    @Override
    public void close() {
        stop();
    }
}
