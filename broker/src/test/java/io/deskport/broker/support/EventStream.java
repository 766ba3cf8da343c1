package io.deskport.broker.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client of a server-sent event stream, as a browser's EventSource reads one: the events ({@code id},
 * {@code event}, {@code data} lines up to a blank line), the comment lines counted, the end of the stream noticed.
 */
public final class EventStream implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One event; {@code name} is "message" when the stream named none. */
    public record Event(String id, String name, String data) {

        public JsonNode json() {
            return JSON.readTree(data);
        }
    }

    private final int status;
    private final String contentType;
    private final String body;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final AtomicInteger comments = new AtomicInteger();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final Stream<String> lines;
    private final Thread reader;

    private EventStream(HttpResponse<Stream<String>> response) {
        this.status = response.statusCode();
        this.contentType = response.headers().firstValue("Content-Type").orElse("");
        this.lines = response.body();
        if (status != 200) {
            this.body = String.join("\n", lines.toList());
            this.reader = null;
            ended.complete(null);
            return;
        }
        this.body = null;
        this.reader = Thread.ofVirtual().name("event-stream").start(this::read);
    }

    /**
     * Opens {@code path} with {@code Accept: text/event-stream}.
     *
     * @param token a bearer token, or null
     * @param tenantHeader the X-Deskport-Tenant header, or null
     */
    public static EventStream open(int port, String path, String token, UUID tenantHeader) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "text/event-stream");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (tenantHeader != null) {
            b.header("X-Deskport-Tenant", tenantHeader.toString());
        }
        try {
            return new EventStream(HTTP.send(b.GET().build(), HttpResponse.BodyHandlers.ofLines()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void read() {
        String id = null;
        String name = null;
        List<String> data = new ArrayList<>();
        try {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(id, name == null ? "message" : name, String.join("\n", data)));
                    }
                    name = null;
                    data.clear();
                } else if (line.startsWith(":")) {
                    comments.incrementAndGet();
                } else {
                    int colon = line.indexOf(':');
                    String field = colon < 0 ? line : line.substring(0, colon);
                    String value = colon < 0 ? "" : line.substring(colon + 1);
                    if (value.startsWith(" ")) {
                        value = value.substring(1);
                    }
                    switch (field) {
                        case "id" -> id = value;
                        case "event" -> name = value;
                        case "data" -> data.add(value);
                        default -> {
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            // closed by us, or the connection broke: the stream has ended either way
        } finally {
            ended.complete(null);
        }
    }

    public int status() {
        return status;
    }

    public String contentType() {
        return contentType;
    }

    /** The body of an answer that was not a stream (a problem). */
    public JsonNode problem() {
        return body == null || body.isBlank() ? null : JSON.readTree(body);
    }

    /** Comment lines read so far (heartbeats). */
    public int comments() {
        return comments.get();
    }

    /**
     * The next event.
     *
     * @throws AssertionError when none comes within {@code timeout}
     */
    public Event next(Duration timeout) {
        refusedIfSo();
        try {
            Event e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (e == null) {
                throw new AssertionError("no event within " + timeout);
            }
            return e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The first event (skipping others) that matches, within {@code timeout} in all. */
    public Event next(Predicate<Event> wanted, Duration timeout) {
        refusedIfSo();
        long until = System.nanoTime() + timeout.toNanos();
        List<Event> skipped = new ArrayList<>();
        while (true) {
            long left = until - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no matching event within " + timeout + "; skipped " + skipped);
            }
            Event e;
            try {
                e = events.poll(left, TimeUnit.NANOSECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                throw new AssertionError(ie);
            }
            if (e != null && wanted.test(e)) {
                return e;
            }
            if (e != null) {
                skipped.add(e);
            }
        }
    }

    private void refusedIfSo() {
        if (status != 200) {
            throw new AssertionError("no stream: the answer was " + status + " " + body);
        }
    }

    /** Events received and not taken yet. */
    public List<Event> pending() {
        List<Event> l = new ArrayList<>();
        events.drainTo(l);
        return l;
    }

    /** Whether the server ended the stream (within {@code timeout}). */
    public boolean endsWithin(Duration timeout) {
        try {
            ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (Exception e) {
            return true;
        }
    }

    @Override
    public void close() {
        lines.close();
        if (reader != null) {
            reader.interrupt();
        }
    }
}
