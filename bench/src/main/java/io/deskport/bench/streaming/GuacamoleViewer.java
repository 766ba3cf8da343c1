package io.deskport.bench.streaming;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.guacamole.protocol.GuacamoleInstruction;

import io.deskport.gateway.protocol.Instruction;
import io.deskport.gateway.protocol.InstructionFeed;

/**
 * A browser on the broker's WebSocket tunnel, behaving like guacamole-common-js: subprotocol
 * {@code guacamole}, a tunnel {@code ping} every 500 ms and a {@code nop} every 5 s, every drawing
 * instruction applied to a {@link GuacamoleScreen} (images decoded), and {@code sync} echoed only after
 * the frame it ends has been drawn. Counts what it receives; the {@link InputProbe} looks at the screen
 * at each frame end.
 */
final class GuacamoleViewer implements WebSocket.Listener, AutoCloseable {

    private final InstructionFeed feed = new InstructionFeed();
    private final StringBuilder partial = new StringBuilder();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final CompletableFuture<Void> firstFrame = new CompletableFuture<>();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "tunnel-keepalive");
        t.setDaemon(true);
        return t;
    });
    final GuacamoleScreen screen = new GuacamoleScreen();
    private final Object sendLock = new Object();
    private volatile InputProbe probe;
    private WebSocket socket;
    private long messageArrived;
    private long frameStart;

    // counters, written by the receiving thread
    volatile long bytes;
    volatile long frames;
    volatile long instructions;
    volatile long renderNanos;
    volatile String error;

    /** Opens {@code /tunnel?token=…} on the broker and waits for the first frame. */
    static GuacamoleViewer open(String brokerWs, String token, int width, int height) throws Exception {
        GuacamoleViewer v = new GuacamoleViewer();
        v.socket = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("guacamole")
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(URI.create(brokerWs + "/tunnel?token=" + token + "&width=" + width + "&height=" + height
                        + "&dpi=96"), v)
                .get(20, TimeUnit.SECONDS);
        v.timers.scheduleAtFixedRate(() -> v.sendRaw(new GuacamoleInstruction("", "ping",
                Long.toString(System.currentTimeMillis())).toString()), 500, 500, TimeUnit.MILLISECONDS);
        v.timers.scheduleAtFixedRate(() -> v.sendRaw("3.nop;"), 5, 5, TimeUnit.SECONDS);
        CompletableFuture.anyOf(v.firstFrame, v.closed).get(30, TimeUnit.SECONDS);
        if (v.closed.isDone()) {
            throw new IllegalStateException("tunnel closed before the first frame: " + v.closed.join());
        }
        return v;
    }

    void attach(InputProbe probe) {
        this.probe = probe;
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        messageArrived = System.nanoTime();
        bytes += utf8Length(data);
        partial.append(data);
        if (last) {
            String message = partial.toString();
            partial.setLength(0);
            try {
                feed.append(message);
                for (Instruction instruction = feed.next(); instruction != null; instruction = feed.next()) {
                    handle(instruction);
                }
            } catch (java.io.IOException | RuntimeException e) {
                error = e.toString();
                closed.complete("client failed: " + e);
            }
        }
        ws.request(1);
        return null;
    }

    private void handle(Instruction in) throws java.io.IOException {
        instructions++;
        String op = in.opcode();
        List<String> args = in.args();
        if (frameStart == 0) {
            frameStart = messageArrived;
        }
        if (op.equals("sync")) {
            frames++;
            firstFrame.complete(null);
            InputProbe p = probe;
            if (p != null) {
                p.frameRendered(screen, frameStart);
            }
            frameStart = 0;
            sendRaw(new GuacamoleInstruction("sync", args.getFirst()).toString());
            return;
        }
        if (op.equals("error")) {
            error = String.join(" ", args);
            return;
        }
        long t0 = System.nanoTime();
        InputProbe p = probe;
        if (p != null) {
            synchronized (p) {
                screen.apply(op, args);
            }
        } else {
            screen.apply(op, args);
        }
        renderNanos += System.nanoTime() - t0;
    }

    /** Sends a key press and release (X11 keysym). */
    void typeKey(int keysym) {
        sendRaw(new GuacamoleInstruction("key", Integer.toString(keysym), "1").toString());
        sendRaw(new GuacamoleInstruction("key", Integer.toString(keysym), "0").toString());
    }

    private void sendRaw(String text) {
        synchronized (sendLock) {
            if (!closed.isDone()) {
                try {
                    socket.sendText(text, true).get(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    closed.complete("send failed: " + e);
                }
            }
        }
    }

    boolean isClosed() {
        return closed.isDone();
    }

    String closeReason() {
        return closed.getNow(null);
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closed.complete(statusCode + " " + reason);
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable e) {
        closed.complete("error " + e);
    }

    @Override
    public void close() {
        timers.shutdownNow();
        if (!closed.isDone()) {
            synchronized (sendLock) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
            }
            try {
                closed.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                socket.abort();
            }
        }
    }

    static long utf8Length(CharSequence s) {
        long n = s.length();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                n += c >= 0x800 && !Character.isSurrogate(c) ? 2 : 1;
            }
        }
        return n;
    }
}
