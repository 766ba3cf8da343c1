package io.deskport.gateway.rfb;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An RFB 3.8 client (also talks to 3.3 and 3.7 servers). {@link #connect(RfbOptions)} performs the
 * handshake; {@link #run(RfbListener)} then reads server messages on the calling thread until the
 * connection ends, while other threads send input through {@link #pointer}, {@link #key},
 * {@link #clipboard} and {@link #requestUpdate}.
 *
 * <p>Frame pacing is left to the caller: the client asks for an update once after connecting (and after
 * a resize) and then only when {@link #requestUpdate(boolean)} is called, so the server coalesces
 * changes in between.
 */
public final class RfbClient implements Closeable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RfbClient.class);

    private final Socket socket;
    private final RfbInput in;
    private final OutputStream out;
    private final ReentrantLock writeLock = new ReentrantLock();
    private final RfbOptions options;
    private final RfbHandshake.ServerInit init;
    private final UpdateReader updates;
    private volatile int width;
    private volatile int height;

    private RfbClient(Socket socket, RfbInput in, OutputStream out, RfbOptions options, RfbHandshake.ServerInit init) {
        this.socket = socket;
        this.in = in;
        this.out = out;
        this.options = options;
        this.init = init;
        this.width = init.width();
        this.height = init.height();
        this.updates = new UpdateReader(in, options, this::onResize);
        this.updates.initialSize(width, height);
    }

    /**
     * Opens the TCP connection and performs the RFB handshake.
     *
     * @return a connected client; the server has been asked for a full first update
     * @throws RfbException classified by {@link RfbException#kind()} if the server cannot be used
     */
    public static RfbClient connect(RfbOptions options) throws RfbException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(options.host(), options.port()),
                    (int) options.connectTimeout().toMillis());
        } catch (UnknownHostException e) {
            closeQuietly(socket);
            throw new RfbException(RfbException.Kind.UNREACHABLE, "Unknown VNC host " + options.host(), e);
        } catch (ConnectException | NoRouteToHostException e) {
            closeQuietly(socket);
            throw new RfbException(RfbException.Kind.UNREACHABLE,
                    "Unable to connect to VNC server " + options.host() + ":" + options.port() + " (" + e.getMessage() + ")", e);
        } catch (SocketTimeoutException e) {
            closeQuietly(socket);
            throw new RfbException(RfbException.Kind.TIMEOUT,
                    "Timed out connecting to VNC server " + options.host() + ":" + options.port(), e);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new RfbException(RfbException.Kind.UNREACHABLE,
                    "Unable to connect to VNC server " + options.host() + ":" + options.port() + " (" + e.getMessage() + ")", e);
        }
        try {
            socket.setSoTimeout((int) options.connectTimeout().toMillis());
            RfbInput in = new RfbInput(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            RfbHandshake.ServerInit init = new RfbHandshake(in, out, options).perform();
            socket.setSoTimeout((int) options.stallTimeout().toMillis());
            RfbClient client = new RfbClient(socket, in, out, options, init);
            client.sendPixelFormat();
            client.sendEncodings();
            client.requestUpdate(false);
            LOG.debug("RFB 3.{} handshake with {}:{} done: {}x{} \"{}\", server pixel format {}", init.minorVersion(),
                    options.host(), options.port(), init.width(), init.height(), init.name(), init.format());
            return client;
        } catch (RfbException e) {
            closeQuietly(socket);
            if (e.kind() == RfbException.Kind.TIMEOUT) {
                throw new RfbException(RfbException.Kind.TIMEOUT, "VNC server did not complete the handshake in time", e);
            }
            throw e;
        } catch (SocketTimeoutException e) {
            closeQuietly(socket);
            throw new RfbException(RfbException.Kind.TIMEOUT, "VNC server did not complete the handshake in time", e);
        } catch (IOException e) {
            closeQuietly(socket);
            throw new RfbException(RfbException.Kind.CLOSED,
                    "VNC server closed the connection during the handshake (" + e.getMessage() + ")", e);
        }
    }

    /** @return the framebuffer width */
    public int width() {
        return width;
    }

    /** @return the framebuffer height */
    public int height() {
        return height;
    }

    /** @return the desktop name from ServerInit */
    public String desktopName() {
        return init.name();
    }

    /** @return true if the server announced ExtendedDesktopSize, so {@link #requestDesktopSize} can work */
    public boolean canResize() {
        return updates.screenLayoutKnown();
    }

    /**
     * Reads and dispatches server messages until the connection ends.
     *
     * @throws RfbException when the server misbehaves, stalls or closes the connection
     */
    public void run(RfbListener listener) throws IOException {
        try {
            listen(listener);
        } finally {
            closeQuietly(socket);
            updates.close();
        }
    }

    private void listen(RfbListener listener) throws IOException {
        listener.resize(width, height);
        while (true) {
            int type = in.awaitMessageType();
            switch (type) {
                case 0 -> {
                    listener.updateStarted();
                    if (updates.read(listener)) {
                        requestUpdate(false);
                    }
                    listener.updateComplete();
                }
                case 1 -> { // SetColourMapEntries: irrelevant in true colour, but must be consumed
                    in.skip(1);
                    in.u16();
                    in.skip(in.u16() * 6L);
                }
                case 2 -> listener.bell();
                case 3 -> readCutText(listener);
                case 150 -> { // EndOfContinuousUpdates: nothing to do
                }
                default -> throw RfbException.protocol("VNC server sent unknown message type " + type);
            }
        }
    }

    private void readCutText(RfbListener listener) throws IOException {
        in.skip(3);
        int declared = in.s32();
        if (declared < 0) {
            throw RfbException.protocol("VNC server sent extended clipboard data that was never negotiated");
        }
        long length = in.u32Value(declared, "clipboard text", 16L << 20);
        int keep = (int) Math.min(length, 256 * 1024);
        byte[] text = new byte[keep];
        in.readFully(text, 0, keep);
        in.skip(length - keep);
        listener.clipboard(new String(text, options.clipboardCharset()));
    }

    /** Asks the server for the next framebuffer update. */
    public void requestUpdate(boolean incremental) throws IOException {
        requestUpdate(incremental, 0, 0, width, height);
    }

    /**
     * Asks for the changes within one area of the screen (FramebufferUpdateRequest): the server sends them
     * when there are some, and keeps the changes elsewhere for a later request.
     */
    public void requestUpdate(boolean incremental, int x, int y, int w, int h) throws IOException {
        send(new byte[] {3, (byte) (incremental ? 1 : 0), (byte) (x >> 8), (byte) x, (byte) (y >> 8), (byte) y,
                (byte) (w >> 8), (byte) w, (byte) (h >> 8), (byte) h});
    }

    /** Sends a pointer event; {@code buttons} uses the same bits as Guacamole's mouse mask. */
    public void pointer(int x, int y, int buttons) throws IOException {
        x = Math.max(0, Math.min(x, 0xffff));
        y = Math.max(0, Math.min(y, 0xffff));
        send(new byte[] {5, (byte) buttons, (byte) (x >> 8), (byte) x, (byte) (y >> 8), (byte) y});
    }

    /** Sends a key event for an X11 keysym. */
    public void key(int keysym, boolean down) throws IOException {
        send(new byte[] {4, (byte) (down ? 1 : 0), 0, 0,
                (byte) (keysym >> 24), (byte) (keysym >> 16), (byte) (keysym >> 8), (byte) keysym});
    }

    /** Sends the local clipboard text to the server (ClientCutText), encoded with the configured charset. */
    public void clipboard(String text) throws IOException {
        byte[] data = text.replace("\r\n", "\n").getBytes(options.clipboardCharset());
        byte[] msg = new byte[8 + data.length];
        msg[0] = 6;
        msg[4] = (byte) (data.length >> 24);
        msg[5] = (byte) (data.length >> 16);
        msg[6] = (byte) (data.length >> 8);
        msg[7] = (byte) data.length;
        System.arraycopy(data, 0, msg, 8, data.length);
        send(msg);
    }

    /**
     * Asks the server to resize its desktop (SetDesktopSize). Ignored if the server did not announce
     * ExtendedDesktopSize.
     */
    public void requestDesktopSize(int w, int h) throws IOException {
        if (!canResize() || w <= 0 || h <= 0) {
            return;
        }
        w = Math.min(w, options.maxWidth());
        h = Math.min(h, options.maxHeight());
        int id = updates.screenId();
        int flags = updates.screenFlags();
        send(new byte[] {(byte) 251, 0, (byte) (w >> 8), (byte) w, (byte) (h >> 8), (byte) h, 1, 0,
                (byte) (id >> 24), (byte) (id >> 16), (byte) (id >> 8), (byte) id, 0, 0, 0, 0,
                (byte) (w >> 8), (byte) w, (byte) (h >> 8), (byte) h,
                (byte) (flags >> 24), (byte) (flags >> 16), (byte) (flags >> 8), (byte) flags});
    }

    /** Closes the connection; a thread blocked in {@link #run} ends with an exception. */
    @Override
    public void close() {
        closeQuietly(socket);
    }

    private void onResize(int w, int h) {
        width = w;
        height = h;
    }

    private void sendPixelFormat() throws IOException {
        byte[] msg = new byte[20];
        msg[0] = 0;
        PixelFormat.rgb888(options.swapRedBlue()).write(msg, 4);
        send(msg);
    }

    private void sendEncodings() throws IOException {
        List<Integer> codes = new ArrayList<>();
        for (String name : options.encodings()) {
            int code = switch (name.toLowerCase()) {
                case "zrle" -> Encodings.ZRLE;
                case "hextile" -> Encodings.HEXTILE;
                case "copyrect" -> Encodings.COPY_RECT;
                case "raw" -> Encodings.RAW;
                default -> Integer.MIN_VALUE; // encodings this client cannot decode (tight, zlib, ...)
            };
            if (code != Integer.MIN_VALUE && !codes.contains(code)) {
                codes.add(code);
            }
        }
        if (!codes.contains(Encodings.RAW)) {
            codes.add(Encodings.RAW);
        }
        codes.add(Encodings.LAST_RECT);
        codes.add(Encodings.EXTENDED_DESKTOP_SIZE);
        codes.add(Encodings.DESKTOP_SIZE);
        if (options.localCursor()) {
            codes.add(Encodings.CURSOR);
        }
        if (options.compressLevel() >= 0 && options.compressLevel() <= 9) {
            codes.add(Encodings.COMPRESS_LEVEL_0 + options.compressLevel());
        }
        if (options.qualityLevel() >= 0 && options.qualityLevel() <= 9) {
            codes.add(Encodings.QUALITY_LEVEL_0 + options.qualityLevel());
        }
        byte[] msg = new byte[4 + 4 * codes.size()];
        msg[0] = 2;
        msg[2] = (byte) (codes.size() >> 8);
        msg[3] = (byte) codes.size();
        for (int i = 0; i < codes.size(); i++) {
            int c = codes.get(i);
            msg[4 + 4 * i] = (byte) (c >> 24);
            msg[5 + 4 * i] = (byte) (c >> 16);
            msg[6 + 4 * i] = (byte) (c >> 8);
            msg[7 + 4 * i] = (byte) c;
        }
        send(msg);
    }

    private void send(byte[] msg) throws IOException {
        writeLock.lock();
        try {
            out.write(msg);
            out.flush();
        } finally {
            writeLock.unlock();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
