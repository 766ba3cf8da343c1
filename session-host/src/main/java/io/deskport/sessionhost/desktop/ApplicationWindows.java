package io.deskport.sessionhost.desktop;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Set;

import static io.deskport.sessionhost.desktop.X11Wire.le;
import static io.deskport.sessionhost.desktop.X11Wire.pad;
import static io.deskport.sessionhost.desktop.X11Wire.readFully;

/**
 * The window manager of an application session, spoken by the agent itself over the display's Unix socket (no
 * window manager process, no desktop): every top-level window an application maps is placed at the origin and
 * sized to the whole screen, without a border, and given the keyboard focus; when the screen is resized (the
 * browser's size, through the gateway) every such window follows. Dialogs (windows transient for another) and
 * override-redirect windows (menus, tooltips) keep the place and size they ask for.
 *
 * <p>It counts the application windows shown, so that the session can end once the last application is gone.
 * A few requests and events of the core X11 protocol: SubstructureRedirect on the root window makes this
 * connection the one that decides where top-level windows go.
 */
final class ApplicationWindows implements AutoCloseable {

    private static final System.Logger log = System.getLogger(ApplicationWindows.class.getName());

    // requests
    private static final int CHANGE_WINDOW_ATTRIBUTES = 2;
    private static final int MAP_WINDOW = 8;
    private static final int CONFIGURE_WINDOW = 12;
    private static final int GET_PROPERTY = 20;
    private static final int SET_INPUT_FOCUS = 42;
    // events
    private static final int DESTROY_NOTIFY = 17;
    private static final int UNMAP_NOTIFY = 18;
    private static final int MAP_NOTIFY = 19;
    private static final int MAP_REQUEST = 20;
    private static final int CONFIGURE_NOTIFY = 22;
    private static final int CONFIGURE_REQUEST = 23;
    // event masks of the root window
    private static final int SUBSTRUCTURE_REDIRECT = 0x100000;
    private static final int SUBSTRUCTURE_NOTIFY = 0x80000;
    private static final int STRUCTURE_NOTIFY = 0x20000;
    private static final int CW_EVENT_MASK = 0x800;
    // predefined atoms
    private static final int ATOM_WM_TRANSIENT_FOR = 68;
    private static final int ATOM_WINDOW = 33;
    private static final int REVERT_TO_POINTER_ROOT = 1;

    private final SocketChannel channel;
    private final OutputStream out;
    private final InputStream in;
    private final int root;
    private final Thread loop;
    private volatile int width;
    private volatile int height;
    /** Top-level windows kept at full screen, the newest last. */
    private final Set<Integer> fitted = new LinkedHashSet<>();
    /** Top-level windows shown now (fitted or dialogs; not override-redirect ones). */
    private final Set<Integer> shown = new LinkedHashSet<>();
    private final Deque<ByteBuffer> pendingEvents = new ArrayDeque<>();
    private volatile boolean closed;

    private ApplicationWindows(SocketChannel channel, int root, int width, int height, String name) {
        this.channel = channel;
        this.out = Channels.newOutputStream(channel);
        this.in = Channels.newInputStream(channel);
        this.root = root;
        this.width = width;
        this.height = height;
        this.loop = Thread.ofVirtual().name("windows-" + name).unstarted(this::run);
    }

    /**
     * Connects to the display with the session's cookie and starts managing its top-level windows.
     *
     * @throws IOException when the display does not answer, refuses the cookie, or already has a window manager
     */
    static ApplicationWindows manage(int display, byte[] cookie) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(Path.of("/tmp/.X11-unix/X" + display)));
            OutputStream o = Channels.newOutputStream(ch);
            InputStream i = Channels.newInputStream(ch);
            X11Wire.Screen screen = X11Wire.connectionSetup(o, i, cookie);
            ApplicationWindows w = new ApplicationWindows(ch, screen.root(), screen.width(), screen.height(), ":" + display);
            w.selectRootEvents();
            w.loop.start();
            return w;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** @return how many application windows (full-screen ones and dialogs) are shown now */
    synchronized int shownWindows() {
        return shown.size();
    }

    /** @return the screen's size now, {width, height} */
    int[] screenSize() {
        return new int[] {width, height};
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            // closing anyway
        }
        loop.interrupt();
    }

    private void selectRootEvents() throws IOException {
        ByteBuffer r = le(16);
        r.put((byte) CHANGE_WINDOW_ATTRIBUTES).put((byte) 0).putShort((short) 4).putInt(root).putInt(CW_EVENT_MASK)
                .putInt(SUBSTRUCTURE_REDIRECT | SUBSTRUCTURE_NOTIFY | STRUCTURE_NOTIFY);
        send(r);
        // a GetProperty round trip: an error before its reply means another client manages the windows
        lastError = 0;
        getProperty(root, ATOM_WM_TRANSIENT_FOR);
        if (lastError == 10) {
            throw new IOException("another window manager runs on this display");
        }
    }

    private void run() {
        try {
            while (!closed) {
                ByteBuffer e = pendingEvents.isEmpty() ? readPacket() : pendingEvents.poll();
                if (e != null) {
                    handle(e);
                }
            }
        } catch (IOException e) {
            if (!closed) {
                log.log(System.Logger.Level.DEBUG, "Window management ended: {0}", e.getMessage());
            }
        }
    }

    private void handle(ByteBuffer e) throws IOException {
        int code = e.get(0) & 0x7f;
        switch (code) {
            case MAP_REQUEST -> mapRequested(e.getInt(8));
            case CONFIGURE_REQUEST -> configureRequested(e);
            case CONFIGURE_NOTIFY -> {
                int window = e.getInt(8);
                if (window == root) {
                    screenResized(Short.toUnsignedInt(e.getShort(20)), Short.toUnsignedInt(e.getShort(22)));
                }
            }
            case MAP_NOTIFY -> {
                boolean overrideRedirect = e.get(12) != 0;
                if (!overrideRedirect && e.getInt(4) == root) {
                    synchronized (this) {
                        shown.add(e.getInt(8));
                    }
                }
            }
            case UNMAP_NOTIFY, DESTROY_NOTIFY -> {
                if (e.getInt(4) == root) {
                    gone(e.getInt(8));
                }
            }
            default -> {
                // other events and errors (a window destroyed before we configured it) need nothing
            }
        }
    }

    private void mapRequested(int window) throws IOException {
        ByteBuffer transientFor = getProperty(window, ATOM_WM_TRANSIENT_FOR);
        boolean dialog = transientFor != null && transientFor.getInt(16) != 0;
        if (!dialog) {
            synchronized (this) {
                fitted.add(window);
            }
            fit(window);
        }
        ByteBuffer map = le(8);
        map.put((byte) MAP_WINDOW).put((byte) 0).putShort((short) 2).putInt(window);
        send(map);
        focus(window);
    }

    private void configureRequested(ByteBuffer e) throws IOException {
        int window = e.getInt(8);
        boolean managed;
        synchronized (this) {
            managed = fitted.contains(window);
        }
        if (managed) {
            fit(window); // an application asking for another size still fills the screen
            return;
        }
        // a window not (yet) fitted, or a dialog: grant what it asks
        int mask = Short.toUnsignedInt(e.getShort(26)) & 0x7f;
        int[] values = {e.getShort(16), e.getShort(18), Short.toUnsignedInt(e.getShort(20)),
                Short.toUnsignedInt(e.getShort(22)), Short.toUnsignedInt(e.getShort(24)), e.getInt(12), e.get(1) & 0xff};
        int n = Integer.bitCount(mask);
        ByteBuffer r = le(12 + 4 * n);
        r.put((byte) CONFIGURE_WINDOW).put((byte) 0).putShort((short) (3 + n)).putInt(window).putShort((short) mask)
                .putShort((short) 0);
        for (int bit = 0; bit < 7; bit++) {
            if ((mask & (1 << bit)) != 0) {
                r.putInt(values[bit]);
            }
        }
        send(r);
    }

    private void screenResized(int w, int h) throws IOException {
        if (w == width && h == height) {
            return;
        }
        width = w;
        height = h;
        Integer[] windows;
        synchronized (this) {
            windows = fitted.toArray(Integer[]::new);
        }
        for (int window : windows) {
            fit(window);
        }
    }

    private void gone(int window) throws IOException {
        Integer next;
        synchronized (this) {
            shown.remove(window);
            fitted.remove(window);
            next = fitted.isEmpty() ? null : fitted.toArray(Integer[]::new)[fitted.size() - 1];
        }
        if (next != null) {
            focus(next);
        }
    }

    /** Origin, the screen's size, no border. */
    private void fit(int window) throws IOException {
        ByteBuffer r = le(32);
        r.put((byte) CONFIGURE_WINDOW).put((byte) 0).putShort((short) 8).putInt(window).putShort((short) 0x1f)
                .putShort((short) 0).putInt(0).putInt(0).putInt(width).putInt(height).putInt(0);
        send(r);
    }

    private void focus(int window) throws IOException {
        ByteBuffer r = le(12);
        r.put((byte) SET_INPUT_FOCUS).put((byte) REVERT_TO_POINTER_ROOT).putShort((short) 3).putInt(window).putInt(0);
        send(r);
    }

    private int lastError;
    private int sequence;

    /** @return the reply to GetProperty (32-byte head; the value's first word at 32), or null after an error */
    private ByteBuffer getProperty(int window, int atom) throws IOException {
        ByteBuffer r = le(24);
        r.put((byte) GET_PROPERTY).put((byte) 0).putShort((short) 6).putInt(window).putInt(atom).putInt(ATOM_WINDOW)
                .putInt(0).putInt(1);
        int mine = send(r);
        while (true) {
            ByteBuffer p = readPacket();
            int type = p.get(0) & 0x7f;
            boolean ours = Short.toUnsignedInt(p.getShort(2)) == mine;
            if (type == 0 && !ours) {
                lastError = p.get(1) & 0xff; // an earlier request's error (a window gone meanwhile)
                continue;
            }
            if (type == 1) {
                // the value (a window id for WM_TRANSIENT_FOR) follows the head; expose it at 16 for the caller
                int valueLength = p.getInt(16);
                ByteBuffer answer = le(20);
                answer.putInt(0, p.get(1)).putInt(16, valueLength > 0 && p.capacity() >= 36 ? p.getInt(32) : 0);
                return answer;
            }
            if (type == 0) {
                lastError = p.get(1) & 0xff;
                return null;
            }
            pendingEvents.add(p);
        }
    }

    /** @return the request's sequence number (its low 16 bits, as replies and errors carry it) */
    private synchronized int send(ByteBuffer request) throws IOException {
        out.write(request.array());
        out.flush();
        return ++sequence & 0xffff;
    }

    /** Reads one event, error or reply (with its extra bytes). */
    private ByteBuffer readPacket() throws IOException {
        byte[] head = readFully(in, 32);
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        if (head[0] == 1) {
            int extra = b.getInt(4) * 4;
            if (extra > 0) {
                byte[] all = new byte[32 + extra];
                System.arraycopy(head, 0, all, 0, 32);
                System.arraycopy(readFully(in, extra), 0, all, 32, extra);
                return ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
            }
        }
        return b;
    }
}
