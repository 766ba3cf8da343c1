package io.deskport.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;

/**
 * A billing system's webhook endpoint, as fast as the JDK's HTTP server goes: answers 204 at once and remembers,
 * per {@code webhook-id}, how often it came and, the first time, the lag from the event's time (its transaction's
 * time, just before its commit) to its arrival.
 */
final class WebhookReceiver implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, Integer> received = new ConcurrentHashMap<>();
    private final List<long[]> lags = new ArrayList<>();
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 512);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/hook", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private void handle(HttpExchange exchange) throws IOException {
        long arrived = System.currentTimeMillis();
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        String id = exchange.getRequestHeaders().getFirst("webhook-id");
        deliveries.incrementAndGet();
        if (id == null || exchange.getRequestHeaders().getFirst("webhook-signature") == null) {
            malformed.incrementAndGet();
        } else if (received.merge(id, 1, Integer::sum) == 1) {
            try {
                JsonNode event = BrokerClient.JSON.readTree(body);
                long time = Instant.parse(event.get("time").asString()).toEpochMilli();
                synchronized (lags) {
                    lags.add(new long[] {Long.parseLong(id), arrived - time});
                }
            } catch (RuntimeException e) {
                malformed.incrementAndGet();
            }
        }
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
    }

    /** Every delivery so far (duplicates included). */
    long deliveries() {
        return deliveries.get();
    }

    /** Deliveries without webhook-id or signature, or with a body that is no event. */
    long malformed() {
        return malformed.get();
    }

    /** The distinct event ids received. */
    int distinct() {
        return received.size();
    }

    boolean has(String id) {
        return received.containsKey(id);
    }

    /** Deliveries of an id beyond its first. */
    long duplicates() {
        return received.values().stream().mapToLong(n -> n - 1L).sum();
    }

    /** The lags (ms) of the first deliveries of these event ids, sorted. */
    long[] lagsOf(java.util.Set<Long> ids) {
        synchronized (lags) {
            return lags.stream().filter(l -> ids.contains(l[0])).mapToLong(l -> l[1]).sorted().toArray();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
