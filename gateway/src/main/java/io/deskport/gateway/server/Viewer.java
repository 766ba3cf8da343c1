package io.deskport.gateway.server;

import io.deskport.gateway.protocol.ClientInfo;
import io.deskport.gateway.protocol.GuacamoleStatus;
import io.deskport.gateway.protocol.Instruction;
import io.deskport.gateway.protocol.InstructionParser;
import io.deskport.gateway.protocol.InstructionWriter;
import io.deskport.gateway.protocol.ProtocolException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Guacamole client attached to a connection after its handshake. A reader thread turns the
 * client's instructions into {@link Events}; a writer thread drains a bounded queue of outgoing frames
 * and sends {@code nop} whenever nothing was sent for the keep-alive interval. Tracks the client's
 * {@code sync} echoes to measure its processing lag.
 */
final class Viewer {

    /** What a viewer reports to its connection. Called from the viewer's reader thread. */
    interface Events {
        void mouse(Viewer viewer, int x, int y, int buttons);

        void key(Viewer viewer, int keysym, boolean pressed);

        void resize(Viewer viewer, int width, int height);

        void clipboard(Viewer viewer, String text);

        void syncAcknowledged(Viewer viewer);

        void left(Viewer viewer);
    }

    private static final Logger LOG = LoggerFactory.getLogger(Viewer.class);
    private static final byte[] NOP = "3.nop;".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = new byte[0];
    private static final long MAX_QUEUED_BYTES = 64L << 20;

    private final String id;
    private final Socket socket;
    private final InstructionParser parser;
    private final OutputStream out;
    private final ClientInfo client;
    private final boolean interactive;
    private final GatewayConfig config;
    private final BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    private final AtomicBoolean closing = new AtomicBoolean();
    private final InboundClipboard clipboard = new InboundClipboard();
    private volatile long lastSentSync;
    private volatile long lastAckedSync;
    /** Timestamps of the frames sent and not yet acknowledged, oldest first. */
    private final java.util.ArrayDeque<Long> inFlight = new java.util.ArrayDeque<>();
    private volatile long processingLag;
    private final GatewayMetrics metrics;
    /** When the oldest key press not yet followed by a frame arrived (System.nanoTime), or 0. */
    private volatile long keyPressedAt;

    Viewer(String id, Socket socket, InstructionParser parser, OutputStream out, ClientInfo client,
           boolean interactive, GatewayConfig config) {
        this(id, socket, parser, out, client, interactive, config, GatewayMetrics.none());
    }

    Viewer(String id, Socket socket, InstructionParser parser, OutputStream out, ClientInfo client,
           boolean interactive, GatewayConfig config, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.id = id;
        this.socket = socket;
        this.parser = parser;
        this.out = out;
        this.client = client;
        this.interactive = interactive;
        this.config = config;
    }

    /** @return an id for logs (the user name if given, plus a short random part) */
    String id() {
        return id;
    }

    ClientInfo client() {
        return client;
    }

    /** @return whether this viewer's input reaches the desktop */
    boolean interactive() {
        return interactive;
    }

    /** Starts the reader and writer threads. */
    void start(Events events) {
        // Platform threads: a virtual thread pays a poller round trip for every blocking read and write,
        // which measured as 10–15 ms/s of CPU per viewer at 25 frames/s (bench/streaming).
        Thread.ofPlatform().daemon(true).name("gateway-viewer-write-" + id).start(this::writeLoop);
        Thread.ofPlatform().daemon(true).name("gateway-viewer-read-" + id).start(() -> readLoop(events));
    }

    /** Queues a frame ending with {@code sync,timestamp} (or other instructions when timestamp is 0). */
    void send(byte[] instructions, long syncTimestamp) {
        if (closing.get()) {
            return;
        }
        if (queuedBytes.addAndGet(instructions.length) > MAX_QUEUED_BYTES) {
            LOG.warn("Viewer {} is not reading its display updates; disconnecting it", id);
            close("Client is too slow to receive the display.", GuacamoleStatus.CLIENT_TIMEOUT);
            return;
        }
        if (syncTimestamp > 0) {
            metrics.frame();
            long pressed = keyPressedAt;
            if (pressed != 0) {
                keyPressedAt = 0;
                metrics.inputAnswered(System.nanoTime() - pressed);
            }
            lastSentSync = syncTimestamp;
            synchronized (inFlight) {
                inFlight.addLast(syncTimestamp);
            }
        }
        queue.add(instructions);
    }

    /** @return how many frames were sent to this viewer and not acknowledged yet */
    int framesInFlight() {
        synchronized (inFlight) {
            return inFlight.size();
        }
    }

    /** @return the client's last measured processing lag in milliseconds */
    long processingLag() {
        return processingLag;
    }

    /** Sends {@code error} (if a message is given) and {@code disconnect}, then closes the socket. */
    void close(String message, GuacamoleStatus status) {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        InstructionWriter w = new InstructionWriter();
        if (message != null) {
            w.begin("error").arg(message).arg(status.code()).end();
        }
        w.begin("disconnect").end();
        queue.add(w.toByteArray());
        queue.add(CLOSE);
    }

    boolean isClosing() {
        return closing.get();
    }

    private void writeLoop() {
        long keepAliveMillis = config.keepAlive().toMillis();
        try {
            while (true) {
                byte[] item = queue.poll(keepAliveMillis, TimeUnit.MILLISECONDS);
                if (item == null) {
                    out.write(NOP);
                    out.flush();
                    continue;
                }
                if (item == CLOSE) {
                    break;
                }
                queuedBytes.addAndGet(-item.length);
                out.write(item);
                metrics.bytes(item.length);
                if (queue.isEmpty()) {
                    out.flush();
                }
            }
            out.flush();
        } catch (IOException | InterruptedException e) {
            LOG.debug("Viewer {}: sending stopped: {}", id, e.toString());
            closing.set(true);
        } finally {
            closeSocket();
        }
    }

    private void readLoop(Events events) {
        try {
            socket.setSoTimeout((int) config.clientTimeout().toMillis());
            while (!closing.get()) {
                Instruction in = parser.read();
                if (in == null) {
                    LOG.debug("Viewer {} closed its connection", id);
                    break;
                }
                if (!dispatch(in, events)) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            LOG.info("Viewer {} sent nothing for {} s; disconnecting it", id, config.clientTimeout().toSeconds());
            close("User is not responding.", GuacamoleStatus.CLIENT_TIMEOUT);
        } catch (ProtocolException e) {
            LOG.info("Viewer {} broke the protocol: {}", id, e.getMessage());
            close(e.getMessage(), e.status());
        } catch (IOException e) {
            LOG.debug("Viewer {}: receiving stopped: {}", id, e.toString());
        } finally {
            close(null, GuacamoleStatus.SUCCESS);
            events.left(this);
        }
    }

    /** @return false when the client asked to disconnect */
    private boolean dispatch(Instruction in, Events events) throws IOException {
        switch (in.opcode()) {
            case "sync" -> acknowledge(in.arg(0, ""), events);
            case "mouse" -> events.mouse(this, in.intArg(0, 0), in.intArg(1, 0), in.intArg(2, 0));
            case "key" -> {
                boolean pressed = "1".equals(in.arg(1, "0"));
                if (pressed && interactive && keyPressedAt == 0) {
                    keyPressedAt = System.nanoTime();
                }
                events.key(this, in.intArg(0, 0), pressed);
            }
            case "size" -> events.resize(this, in.intArg(0, 0), in.intArg(1, 0));
            case "clipboard" -> clipboard.begin(in.arg(0, ""), in.arg(1, ""));
            case "blob" -> {
                String stream = in.arg(0, "");
                if (clipboard.append(stream, in.arg(1, ""))) {
                    send(new InstructionWriter().begin("ack").arg(stream).arg("OK").arg(0).end().toByteArray(), 0);
                } else {
                    send(new InstructionWriter().begin("ack").arg(stream).arg("Unexpected stream.")
                            .arg(GuacamoleStatus.CLIENT_BAD_REQUEST.code()).end().toByteArray(), 0);
                }
            }
            case "end" -> {
                String text = clipboard.end(in.arg(0, ""));
                if (text != null) {
                    events.clipboard(this, text);
                }
            }
            case "disconnect" -> {
                LOG.debug("Viewer {} disconnected", id);
                return false;
            }
            default -> {
                // nop, ack and instructions this gateway does not use (file, audio, argv…) are ignored, as guacd does.
            }
        }
        return true;
    }

    /** Takes an acknowledgement as if the client had sent {@code sync,timestamp}. */
    void acknowledgeForTest(long timestamp) {
        acknowledged(timestamp);
    }

    private void acknowledge(String value, Events events) {
        long timestamp;
        try {
            timestamp = Long.parseLong(value);
        } catch (NumberFormatException e) {
            return;
        }
        if (acknowledged(timestamp)) {
            events.syncAcknowledged(this);
        }
    }

    /** @return false if the timestamp names no frame sent */
    private boolean acknowledged(long timestamp) {
        if (timestamp > lastSentSync) {
            LOG.debug("Viewer {} acknowledged a frame from the future ({}); ignored", id, timestamp);
            return false;
        }
        if (timestamp > lastAckedSync) {
            lastAckedSync = timestamp;
            processingLag = Math.max(0, System.currentTimeMillis() - timestamp);
            synchronized (inFlight) {
                while (!inFlight.isEmpty() && inFlight.peekFirst() <= timestamp) {
                    inFlight.pollFirst();
                }
            }
        }
        return true;
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
