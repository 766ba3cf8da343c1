package io.deskport.bench.streaming;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * noVNC 1.3 (Debian's {@code novnc}) as websockify sees it: RFB over a binary WebSocket (subprotocol
 * {@code binary}), 32-bit true colour, exactly noVNC's default SetEncodings (CopyRect, Tight, TightPNG,
 * Hextile, RRE, Raw, quality 6, compression 2, and its pseudo-encodings including Fence and
 * ContinuousUpdates), and noVNC's update loop: an incremental FramebufferUpdateRequest as soon as an update
 * has been read — or, as noVNC does when the server supports it (TigerVNC does), continuous updates with
 * fences answered. Every message is parsed to its end (Tight, Hextile, RRE, Raw, CopyRect, cursors, …) so
 * that requests and fence answers are as timely as noVNC's; pixels are not decoded. Counts the WebSocket
 * payload bytes received.
 */
final class NoVncClient implements WebSocket.Listener, AutoCloseable {

    /** How updates are asked for. */
    enum Mode {
        /** noVNC's behaviour with a server that supports continuous updates (TigerVNC). */
        CONTINUOUS,
        /** noVNC's behaviour otherwise: one incremental request after each update. */
        REQUEST
    }

    private static final int[] NOVNC_ENCODINGS = {
        1, 7, -260, 5, 2, 0, // CopyRect, Tight, TightPNG, Hextile, RRE, Raw
        -32 + 6, -256 + 2, // quality level 6, compression level 2
        -223, -224, -258, -308, -309, -312, -313, -307, 0xc0a1e5ce, // pseudo-encodings
        0x574d5664, -239 // VMware cursor, cursor
    };

    private final LinkedBlockingQueue<ByteBuffer> queue = new LinkedBlockingQueue<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final Mode mode;
    private final String password;
    private final Object sendLock = new Object();
    private WebSocket socket;
    private Thread reader;
    private volatile InputProbe probe;
    private int width;
    private int height;

    volatile long bytes;
    volatile long updates;
    volatile boolean continuous;
    final Map<String, Long> rectangles = new TreeMap<>();
    volatile String failure;

    private NoVncClient(Mode mode, String password) {
        this.mode = mode;
        this.password = password;
    }

    static NoVncClient open(String url, String password, Mode mode) throws Exception {
        NoVncClient c = new NoVncClient(mode, password);
        c.socket = HttpClient.newHttpClient().newWebSocketBuilder().subprotocols("binary")
                .connectTimeout(Duration.ofSeconds(10)).buildAsync(URI.create(url), c).get(20, TimeUnit.SECONDS);
        c.reader = Thread.ofPlatform().daemon(true).name("novnc-reader").start(c::readLoop);
        return c;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
        bytes += data.remaining();
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        queue.add(copy);
        ws.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
        closed.complete(statusCode + " " + reason);
        queue.add(ByteBuffer.allocate(0));
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
        closed.complete("error " + error);
        queue.add(ByteBuffer.allocate(0));
    }

    /** Sends a key press and release (X11 keysym), as noVNC's plain KeyEvent. */
    void typeKey(int keysym) {
        for (int down = 1; down >= 0; down--) {
            send(new byte[] {4, (byte) down, 0, 0, (byte) (keysym >> 24), (byte) (keysym >> 16), (byte) (keysym >> 8), (byte) keysym});
        }
    }

    private void readLoop() {
        try {
            DataInputStream in = new DataInputStream(new QueueInput());
            handshake(in);
            while (true) {
                int type = in.readUnsignedByte();
                switch (type) {
                    case 0 -> {
                        readUpdate(in);
                        updates++;
                        if (!continuous) {
                            requestUpdate(true);
                        }
                    }
                    case 1 -> {
                        in.skipNBytes(3);
                        in.skipNBytes(in.readUnsignedShort() * 6L);
                    }
                    case 2 -> {
                        // bell
                    }
                    case 3 -> {
                        in.skipNBytes(3);
                        in.skipNBytes(Math.abs((long) in.readInt()));
                    }
                    case 150 -> { // EndOfContinuousUpdates: noVNC then enables them once
                        if (mode == Mode.CONTINUOUS && !continuous) {
                            continuous = true;
                            send(new byte[] {(byte) 150, 1, 0, 0, 0, 0, (byte) (width >> 8), (byte) width,
                                    (byte) (height >> 8), (byte) height});
                        }
                    }
                    case 248 -> { // ServerFence: answer with BlockBefore/BlockAfter only, as noVNC does
                        in.skipNBytes(3);
                        int flags = in.readInt();
                        int length = in.readUnsignedByte();
                        byte[] payload = in.readNBytes(length);
                        byte[] answer = new byte[9 + length];
                        answer[0] = (byte) 248;
                        int f = flags & 3;
                        answer[4] = (byte) (f >> 24);
                        answer[5] = (byte) (f >> 16);
                        answer[6] = (byte) (f >> 8);
                        answer[7] = (byte) f;
                        answer[8] = (byte) length;
                        System.arraycopy(payload, 0, answer, 9, length);
                        send(answer);
                    }
                    case 250 -> in.skipNBytes(3); // XVP
                    default -> throw new IOException("unexpected RFB message type " + type);
                }
            }
        } catch (EOFException e) {
            // closed
        } catch (IOException | RuntimeException e) {
            if (!closed.isDone()) {
                failure = e.toString();
            }
        }
    }

    private void handshake(DataInputStream in) throws IOException {
        byte[] version = in.readNBytes(12);
        if (!new String(version, StandardCharsets.US_ASCII).startsWith("RFB ")) {
            throw new IOException("not RFB");
        }
        send("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
        int n = in.readUnsignedByte();
        byte[] types = in.readNBytes(n);
        boolean vncAuth = false;
        for (byte t : types) {
            vncAuth |= t == 2;
        }
        if (!vncAuth) {
            throw new IOException("server does not offer VNC authentication");
        }
        send(new byte[] {2});
        byte[] challenge = in.readNBytes(16);
        send(des(challenge));
        if (in.readInt() != 0) {
            throw new IOException("VNC authentication failed");
        }
        send(new byte[] {1}); // shared
        width = in.readUnsignedShort();
        height = in.readUnsignedShort();
        in.skipNBytes(16);
        in.skipNBytes(in.readInt());
        // SetPixelFormat: 32 bpp, depth 24, little endian, true colour, 255/255/255, shifts 0/8/16 (noVNC's)
        send(new byte[] {0, 0, 0, 0, 32, 24, 0, 1, 0, (byte) 255, 0, (byte) 255, 0, (byte) 255, 0, 8, 16, 0, 0, 0});
        byte[] enc = new byte[4 + 4 * NOVNC_ENCODINGS.length];
        enc[0] = 2;
        enc[3] = (byte) NOVNC_ENCODINGS.length;
        for (int i = 0; i < NOVNC_ENCODINGS.length; i++) {
            int e = NOVNC_ENCODINGS[i];
            enc[4 + 4 * i] = (byte) (e >> 24);
            enc[5 + 4 * i] = (byte) (e >> 16);
            enc[6 + 4 * i] = (byte) (e >> 8);
            enc[7 + 4 * i] = (byte) e;
        }
        send(enc);
        requestUpdate(false);
    }

    private byte[] des(byte[] challenge) throws IOException {
        byte[] key = new byte[8];
        byte[] raw = password.getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 8 && i < raw.length; i++) {
            key[i] = (byte) (Integer.reverse(raw[i] & 0xff) >>> 24);
        }
        try {
            Cipher c = Cipher.getInstance("DES/ECB/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "DES"));
            return c.doFinal(challenge);
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(e);
        }
    }

    void attach(InputProbe probe) {
        this.probe = probe;
    }

    private void readUpdate(DataInputStream in) throws IOException {
        in.skipNBytes(1);
        int count = in.readUnsignedShort();
        InputProbe p = probe;
        boolean probeArea = false;
        try {
            for (int i = 0; i < count; i++) {
                probeArea |= readRectangle(in, p);
            }
        } catch (LastRect e) {
            // the end of an update with an unknown count
        }
        if (probeArea) {
            p.areaUpdated();
        }
    }

    private static final class LastRect extends Exception {
        LastRect() {
            super(null, null, false, false);
        }
    }

    /** @return whether the rectangle covers part of the probe's area */
    private boolean readRectangle(DataInputStream in, InputProbe p) throws IOException, LastRect {
        int x = in.readUnsignedShort();
        int y = in.readUnsignedShort();
        int w = in.readUnsignedShort();
        int h = in.readUnsignedShort();
        int encoding = in.readInt();
        if (encoding == -224) {
            throw new LastRect();
        }
        rectangles.merge(name(encoding), 1L, Long::sum);
        RfbRectangles.skip(in, encoding, x, y, w, h);
        if (encoding == -223 || encoding == -308) {
            width = w;
            height = h;
        }
        if (p == null || encoding < 0 || encoding == 0x574d5664) { // pseudo-encodings draw nothing
            return false;
        }
        Desktop.Area a = p.area();
        return x < a.x() + a.width() && a.x() < x + w && y < a.y() + a.height() && a.y() < y + h;
    }

    private static String name(int encoding) {
        return switch (encoding) {
            case 0 -> "raw";
            case 1 -> "copyrect";
            case 2 -> "rre";
            case 5 -> "hextile";
            case 7 -> "tight";
            case -260 -> "tightpng";
            case -239 -> "cursor";
            case 0x574d5664 -> "vmware-cursor";
            default -> "pseudo(" + encoding + ")";
        };
    }

    private void requestUpdate(boolean incremental) {
        send(new byte[] {3, (byte) (incremental ? 1 : 0), 0, 0, 0, 0, (byte) (width >> 8), (byte) width,
                (byte) (height >> 8), (byte) height});
    }

    private void send(byte[] message) {
        synchronized (sendLock) {
            if (closed.isDone()) {
                return;
            }
            try {
                socket.sendBinary(ByteBuffer.wrap(message), true).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                closed.complete("send failed: " + e);
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        synchronized (sendLock) {
            if (!closed.isDone()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
            }
        }
        try {
            closed.get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            socket.abort();
        }
        queue.add(ByteBuffer.allocate(0));
        reader.join(5000);
    }

    /** The received WebSocket payloads as one stream; an empty buffer marks the end. */
    private final class QueueInput extends InputStream {
        private ByteBuffer current = ByteBuffer.allocate(0);

        private boolean fill() throws IOException {
            while (!current.hasRemaining()) {
                try {
                    current = queue.take();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                if (!current.hasRemaining()) {
                    queue.add(current); // keep the end marker for later reads
                    return false;
                }
            }
            return true;
        }

        @Override
        public int read() throws IOException {
            return fill() ? current.get() & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, current.remaining());
            current.get(b, off, n);
            return n;
        }
    }
}
