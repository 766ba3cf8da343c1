package io.deskport.broker.support;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A user's desktop tab as the web portal's {@code RemoteDesktop} keeps it (web-portal/src/desktop): a tunnel to one
 * session; when the tunnel closes with a code the portal treats as a blip ({@code reconnect.ts}: SERVER_BUSY, the
 * upstream and timeout codes, a dropped connection, a used ticket) and the session has not ended, it waits the
 * portal's back-off (1 s × 2^attempt, ±20 %), fetches a fresh ticket through the API and opens a new tunnel to the
 * same session. Any other close, or an ENDED session, loses the desktop (the portal would leave it). It counts the
 * reconnects and the longest gap from a close to the new tunnel's first frame. While open it pings as the browser
 * does.
 */
public final class PortalLikeTunnel implements AutoCloseable {

    /** Guacamole codes after which the portal reconnects (reconnect.ts TRANSIENT and FRESH_TICKET). */
    private static final Set<Integer> RECONNECT = Set.of(0x200, 0x201, 0x202, 0x203, 0x207, 0x208, 0x308, 0x301);
    private static final int MAX_ATTEMPTS = 8;

    private final Api api;
    private final int port;
    private final String sessionId;
    private final Thread loop;
    private volatile boolean running = true;
    private volatile BrowserTunnel tunnel;
    private volatile int reconnects;
    private volatile long maxGapNanos;
    private volatile long openedTunnels;
    private volatile String lost;
    /** Each reconnect: its gap in ms, and the closes and failures on the way (for the benchmark's breakdown). */
    private final java.util.List<String> history = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final StringBuilder attempts = new StringBuilder();

    /**
     * @param api       the user's API client (through the load balancer)
     * @param port      the load balancer's port, for the tunnels
     * @param sessionId the session to keep a tunnel to
     */
    public PortalLikeTunnel(Api api, int port, String sessionId) {
        this.api = api;
        this.port = port;
        this.sessionId = sessionId;
        this.loop = Thread.ofVirtual().name("portal-" + sessionId).start(this::keep);
    }

    private void keep() {
        long closedAt = 0;
        int attempt = 0;
        while (running) {
            BrowserTunnel t;
            long begun = System.nanoTime();
            long ticketed;
            long opened;
            try {
                Api.Response grant = call(() -> api.post("/api/v1/sessions/" + sessionId + "/tunnel"));
                if (grant.status() != 200 && grant.status() != 201) {
                    throw new IllegalStateException("ticket refused: " + grant.status() + " " + grant.reason());
                }
                String path = grant.body().has("path") && !grant.body().get("path").isNull()
                        ? grant.body().get("path").asString() : "/tunnel";
                ticketed = System.nanoTime();
                t = BrowserTunnel.open(port, path, grant.body().get("token").asString(), 320, 240);
                opened = System.nanoTime();
            } catch (Exception e) {
                attempts.append(" open failed (").append(e.getMessage()).append(")");
                if (!waitBeforeRetry(attempt++, "could not open a tunnel: " + e.getMessage())) {
                    return;
                }
                continue;
            }
            tunnel = t;
            while (running && t.frames() == 0 && !t.isClosed()) {
                pause(10);
            }
            if (t.frames() > 0) {
                attempts.append(" [ticket ").append((ticketed - begun) / 1_000_000).append(" ms, open ")
                        .append((opened - ticketed) / 1_000_000).append(" ms, first frame ")
                        .append((System.nanoTime() - opened) / 1_000_000).append(" ms]");
                openedTunnels++;
                attempt = 0;
                if (closedAt != 0) {
                    reconnects++;
                    long gap = t.arrivalOf(t.received().stream().filter(i -> i.getOpcode().equals("sync")).findFirst()
                            .orElseThrow()) - closedAt;
                    maxGapNanos = Math.max(maxGapNanos, gap);
                    history.add(gap / 1_000_000 + " ms:" + attempts);
                }
                attempts.setLength(0);
            }
            // what guacamole-common-js sends while the screen is still: the tunnel's ping every 500 ms and the
            // client's nop every 5 s (a viewer silent for 15 s is dropped by the gateway)
            long nextPing = 0;
            long nextNop = 0;
            while (running && !t.isClosed()) {
                long now = System.nanoTime();
                try {
                    if (now - nextPing >= 0) {
                        t.send("", "ping", Long.toString(System.currentTimeMillis()));
                        nextPing = now + 500_000_000L;
                    }
                    if (now - nextNop >= 0) {
                        t.send("nop");
                        nextNop = now + 5_000_000_000L;
                    }
                } catch (RuntimeException closing) {
                    // the tunnel closes; seen below
                }
                pause(20);
            }
            if (!running) {
                return;
            }
            closedAt = closedAt == 0 || t.frames() > 0 ? t.closedAt() : closedAt;
            String close = t.awaitClose();
            attempts.append(" closed ").append(close).append(t.frames() > 0 ? "" : " before a frame");
            int code = guacamoleCode(close);
            String state = stateNow();
            if ("ENDED".equals(state)) {
                lost = "the session ended (tunnel closed with " + close + ")";
                return;
            }
            if (!RECONNECT.contains(code)) {
                lost = "the tunnel closed with " + close + ", which the portal does not bridge (session " + state + ")";
                return;
            }
            if (!waitBeforeRetry(attempt++, close)) {
                return;
            }
        }
    }

    /** The portal's back-off; false (and the desktop lost) after its last attempt. */
    private boolean waitBeforeRetry(int attempt, String why) {
        if (attempt >= MAX_ATTEMPTS) {
            lost = "gave up after " + attempt + " attempts: " + why;
            return false;
        }
        long base = Math.min(15_000, 1000L << attempt);
        pause(Math.round(base * (1 + 0.2 * (2 * ThreadLocalRandom.current().nextDouble() - 1))));
        return running;
    }

    private String stateNow() {
        try {
            Api.Response r = call(() -> api.get("/api/v1/sessions/" + sessionId));
            return r.status() == 200 ? r.body().get("state").asString() : null;
        } catch (RuntimeException e) {
            return null; // the broker could not be asked: the portal reconnects
        }
    }

    /** One API call; a browser sends a request again at once on a fresh connection when a kept-alive one was closed. */
    private static Api.Response call(java.util.function.Supplier<Api.Response> request) {
        try {
            return request.get();
        } catch (IllegalStateException e) {
            return request.get();
        }
    }

    /** "1011 513" → 513; a dropped connection counts as UPSTREAM_NOT_FOUND, as in the browser. */
    private static int guacamoleCode(String close) {
        String[] parts = close.split(" ");
        try {
            return parts.length >= 2 ? Integer.parseInt(parts[1]) : 0x207;
        } catch (NumberFormatException e) {
            return 0x207;
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public String sessionId() {
        return sessionId;
    }

    /** Whether a tunnel is open and has shown the desktop. */
    public boolean isShowing() {
        BrowserTunnel t = tunnel;
        return t != null && !t.isClosed() && t.frames() > 0;
    }

    /** Tunnels that showed the desktop so far (the first one included). */
    public long tunnelsShown() {
        return openedTunnels;
    }

    public int reconnects() {
        return reconnects;
    }

    /** Each reconnect: its gap in ms and what happened on the way. */
    public java.util.List<String> history() {
        return java.util.List.copyOf(history);
    }

    public Duration maxGap() {
        return Duration.ofNanos(maxGapNanos);
    }

    /** Why the desktop was lost, or null. */
    public String lost() {
        return lost;
    }

    @Override
    public void close() {
        running = false;
        BrowserTunnel t = tunnel;
        if (t != null) {
            try {
                t.close();
            } catch (RuntimeException ignored) {
                // closed already
            }
        }
        try {
            loop.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
