package io.deskport.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A billing system's webhook endpoint, as lean as an HTTP/1.1 endpoint goes (the receiver's CPU is the load
 * client's, on the same two cores as the brokers): a plain server socket, a platform thread per connection (the
 * sender keeps a few dozen open), each request read by its Content-Length and answered 204 at once. It remembers,
 * per {@code webhook-id}, how often it came and, the first time, the lag from the event's time (its transaction's
 * time, just before its commit) to its arrival; the event's {@code time} is found in the body without parsing the
 * rest of it.
 */
final class WebhookReceiver implements AutoCloseable {

    private static final byte[] NO_CONTENT = "HTTP/1.1 204 No Content\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    private static final byte[] BAD_REQUEST =
            "HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

    private final ServerSocket server;
    private final Map<String, Integer> received = new ConcurrentHashMap<>();
    private final List<long[]> lags = new ArrayList<>();
    private final AtomicLong deliveries = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    WebhookReceiver() throws IOException {
        server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().name("webhook-receiver").daemon().start(this::accept);
    }

    String url() {
        return "http://127.0.0.1:" + server.getLocalPort() + "/hook";
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                connections.add(s);
                Thread.ofPlatform().name("webhook-receiver-connection").daemon().start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Requests on one connection until the sender closes it. */
    private void serve(Socket s) {
        try (s) {
            BufferedInputStream in = new BufferedInputStream(s.getInputStream(), 16384);
            OutputStream out = s.getOutputStream();
            while (true) {
                String line = line(in);
                if (line == null) {
                    return;
                }
                String id = null;
                boolean signed = false;
                int length = -1;
                for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                    int colon = h.indexOf(':');
                    if (colon <= 0) {
                        continue;
                    }
                    String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                    String value = h.substring(colon + 1).trim();
                    switch (name) {
                        case "webhook-id" -> id = value;
                        case "webhook-signature" -> signed = true;
                        case "content-length" -> length = Integer.parseInt(value);
                        default -> {
                        }
                    }
                }
                if (!line.startsWith("POST /hook ") || length < 0) {
                    malformed.incrementAndGet();
                    out.write(BAD_REQUEST);
                    out.flush();
                    return;
                }
                long arrived = System.currentTimeMillis();
                byte[] body = in.readNBytes(length);
                deliveries.incrementAndGet();
                if (id == null || !signed || body.length < length) {
                    malformed.incrementAndGet();
                } else if (received.merge(id, 1, Integer::sum) == 1) {
                    try {
                        long time = Instant.parse(timeOf(new String(body, StandardCharsets.UTF_8))).toEpochMilli();
                        synchronized (lags) {
                            lags.add(new long[] {Long.parseLong(id), arrived - time, arrived});
                        }
                    } catch (RuntimeException e) {
                        malformed.incrementAndGet();
                    }
                }
                out.write(NO_CONTENT);
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            // the sender closed the connection, or sent something this receiver does not read
        } finally {
            connections.remove(s);
        }
    }

    /** The CloudEvent's {@code time} attribute (a top-level string; {@code data} holds no such key before it). */
    private static String timeOf(String event) {
        int at = event.indexOf("\"time\":\"");
        if (at < 0) {
            throw new IllegalArgumentException("no time in the event");
        }
        int from = at + 8;
        return event.substring(from, event.indexOf('"', from));
    }

    private static String line(BufferedInputStream in) throws IOException {
        StringBuilder b = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                return b.isEmpty() ? null : b.toString();
            }
            if (c != '\r') {
                b.append((char) c);
            }
            if (b.length() > 8192) {
                throw new IOException("a line longer than 8 KiB");
            }
        }
        return b.toString();
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

    /** When the first delivery of each of these event ids arrived (ms since the epoch), by id. */
    java.util.Map<Long, Long> arrivals(java.util.Set<Long> ids) {
        java.util.Map<Long, Long> arrived = new java.util.HashMap<>();
        synchronized (lags) {
            for (long[] l : lags) {
                if (ids.contains(l[0])) {
                    arrived.put(l[0], l[2]);
                }
            }
        }
        return arrived;
    }

    /** The first deliveries of these event ids as {arrival, lag from the event's time}, for {@link #timeline}. */
    java.util.List<long[]> arrivalsAndLags(java.util.Set<Long> ids) {
        synchronized (lags) {
            return lags.stream().filter(l -> ids.contains(l[0])).map(l -> new long[] {l[2], l[1]}).toList();
        }
    }

    /**
     * Deliveries ({arrival ms, lag ms}) by second of arrival: per second, how many arrived and their greatest lag,
     * e.g. {@code "12:4100 13:380 ..."} — where the lag came from, a backlog or a stall.
     */
    static String timeline(java.util.List<long[]> arrivalsAndLags) {
        java.util.TreeMap<Long, long[]> bySecond = new java.util.TreeMap<>();
        for (long[] l : arrivalsAndLags) {
            long[] b = bySecond.computeIfAbsent(l[0] / 1000, k -> new long[2]);
            b[0]++;
            b[1] = Math.max(b[1], l[1]);
        }
        if (bySecond.isEmpty()) {
            return "";
        }
        long first = bySecond.firstKey();
        StringBuilder b = new StringBuilder();
        bySecond.forEach((sec, v) -> b.append(b.isEmpty() ? "" : " ").append(sec - first).append("s:").append(v[0])
                .append("/").append(v[1]).append("ms"));
        return b.toString();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        for (Socket s : connections) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
