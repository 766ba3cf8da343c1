package io.deskport.gateway.server;

import io.deskport.gateway.display.Display;
import io.deskport.gateway.display.ImagePolicy;
import io.deskport.gateway.protocol.GuacamoleStatus;
import io.deskport.gateway.protocol.InstructionWriter;
import io.deskport.gateway.rfb.RfbClient;
import io.deskport.gateway.rfb.RfbException;
import io.deskport.gateway.rfb.RfbListener;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to a VNC desktop shared by one or more Guacamole viewers. Its RFB thread reads the
 * desktop's updates into the {@link Display} and asks for the next update at once while the viewers keep
 * up, so that the desktop sends what changes as soon as it changes (a key's echo above all). Its frame
 * thread sends the display's changes as frames to every viewer (and the recording) whenever the
 * {@link FramePacer} allows. Viewers' input goes straight to the desktop unless they are read-only.
 */
final class VncConnection implements ActiveConnection, RfbListener, Viewer.Events {

    private static final Logger LOG = LoggerFactory.getLogger(VncConnection.class);
    private static final int CLIPBOARD_STREAM = 3;
    private static final int CLIPBOARD_BLOCK = 4096;
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private final String id;
    private final VncSettings settings;
    private final GatewayConfig config;
    private final Consumer<VncConnection> onEnded;
    private final Instant started = Instant.now();
    private final List<Viewer> viewers = new CopyOnWriteArrayList<>();
    private final ReentrantLock displayLock = new ReentrantLock();
    private final SyncClock clock = new SyncClock();
    private final GuacamoleCanvas canvas = new GuacamoleCanvas(this::broadcastFrame, clock);
    private final Display display = new Display(canvas);
    private final FramePacer pacer;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Recorder recorder;
    private volatile Viewer owner;
    private volatile RfbClient rfb;
    private volatile String desktopName = "";
    private volatile int lastButtons;
    /** Whether the desktop has been asked for an update (of the whole screen or an area) it has not sent yet. */
    private final AtomicBoolean anythingAsked = new AtomicBoolean(true);
    /** Whether the desktop has been asked for an update of the whole screen it has not sent yet. */
    private final AtomicBoolean everythingAsked = new AtomicBoolean(true);
    /** How far around the last echo the typing area reaches: the next characters, the lines above and below. */
    static final int TYPING_MARGIN_X = 160;
    static final int TYPING_MARGIN_Y = 32;
    /** Around where the echo of the last keys appeared (null until one did): see {@link FramePacer#ask}. */
    private volatile Display.Area typingArea;
    private final FramePacer.Requests requests = new FramePacer.Requests() {
        @Override
        public boolean everythingAsked() {
            // nothing can be asked without a desktop connection
            return rfb == null || ended.get() || everythingAsked.get();
        }

        @Override
        public boolean anythingAsked() {
            return anythingAsked.get();
        }

        @Override
        public boolean typingAreaKnown() {
            return typingArea != null;
        }
    };

    VncConnection(String id, VncSettings settings, GatewayConfig config, Recorder recorder,
                  Consumer<VncConnection> onEnded) {
        this.id = id;
        this.settings = settings;
        this.config = config;
        this.recorder = recorder;
        this.onEnded = onEnded;
        this.pacer = new FramePacer(config.minFrame().toMillis(), config.maxLagWait().toMillis());
    }

    /** Attaches the owner and starts connecting to the desktop in the background. */
    void start(Viewer first) {
        owner = first;
        viewers.add(first);
        first.start(this);
        // Platform threads, so that the CPU time of decoding and encoding can be measured for pacing.
        Thread.ofPlatform().daemon(true).name("gateway-rfb-" + id).start(this::runUpstream);
        Thread.ofPlatform().daemon(true).name("gateway-frames-" + id).start(this::runFrames);
    }

    /**
     * Attaches a viewer joining by id: it first receives the whole current screen, then the same frames
     * as everyone else.
     *
     * @return false if the connection has already ended
     */
    boolean join(Viewer viewer) {
        displayLock.lock();
        try {
            if (ended.get()) {
                return false;
            }
            if (display.width() > 0) {
                // Everyone else first receives what is pending, so that the newcomer starts from the same picture.
                display.flush(imagePolicy());
                GuacamoleCanvas snapshot = new GuacamoleCanvas(viewer::send, clock);
                if (!desktopName.isEmpty()) {
                    snapshot.writer().begin("name").arg(desktopName).end();
                }
                display.drawFullScreen(snapshot);
            }
            viewers.add(viewer);
        } finally {
            displayLock.unlock();
        }
        viewer.start(this);
        LOG.info("Connection {}: {} joined ({}), {} viewers", id, viewer.id(),
                viewer.interactive() ? "interactive" : "view only", viewers.size());
        return true;
    }

    private void runUpstream() {
        try {
            RfbClient client = connectWithRetries();
            rfb = client;
            if (ended.get()) {
                client.close();
                return;
            }
            desktopName = client.desktopName();
            LOG.info("Connection {}: connected to VNC server {}:{} ({}x{}, \"{}\")", id, settings.hostname(),
                    settings.port(), client.width(), client.height(), desktopName);
            withDisplay(() -> canvas.writer().begin("name").arg(desktopName).end());
            client.run(this);
        } catch (RfbException e) {
            if (!ended.get()) {
                LOG.info("Connection {}: VNC server {}:{}: {}", id, settings.hostname(), settings.port(), e.getMessage());
                end(e.getMessage(), UpstreamFailures.status(e));
            }
        } catch (IOException e) {
            if (!ended.get()) {
                end("VNC connection failed: " + e.getMessage(), GuacamoleStatus.UPSTREAM_ERROR);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end(null, GuacamoleStatus.SUCCESS);
        } catch (RuntimeException e) {
            LOG.error("Connection {}: internal error", id, e);
            end("Internal error in the display gateway.", GuacamoleStatus.SERVER_ERROR);
        } finally {
            // An update that failed half way leaves the display locked by this thread.
            while (displayLock.isHeldByCurrentThread()) {
                displayLock.unlock();
            }
            pacer.stop();
            withDisplay(display::close);
        }
    }

    /** The frame thread: sends a frame whenever there are changes and the pacer allows one. */
    private void runFrames() {
        try {
            while (!ended.get()) {
                switch (pacer.awaitFrame(viewers, requests, config.maxLagWait().toMillis())) {
                    case FRAME -> sendFrame(false);
                    case SMALL_CHANGES -> sendFrame(true);
                    case NOTHING -> { }
                }
                requestUpdateIfDue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("Connection {}: internal error", id, e);
            end("Internal error in the display gateway.", GuacamoleStatus.SERVER_ERROR);
        }
    }

    /** Sends the pending changes, or only the small ones (shortly after input), as a frame. */
    private void sendFrame(boolean smallOnly) {
        displayLock.lock();
        try {
            if (smallOnly) {
                display.flushSmall(imagePolicy());
                Display.Area echo = display.takeQuietChange();
                if (echo != null) {
                    typingArea = display.around(echo, TYPING_MARGIN_X, TYPING_MARGIN_Y);
                    pacer.echoSent();
                }
            } else {
                long start = THREADS.getCurrentThreadCpuTime();
                // Shortly after input, a typed character goes out ahead of a screenful of other changes.
                boolean smallFirst = pacer.responsive(System.currentTimeMillis());
                if (display.hasPendingChanges() && display.flush(imagePolicy(), smallFirst)) {
                    // The cost of encoding this frame: what a longer interval between frames saves.
                    pacer.frameSent(System.currentTimeMillis(), THREADS.getCurrentThreadCpuTime() - start);
                }
            }
            pacer.changesArrived(display.hasPendingChanges(), display.hasSmallChanges());
        } finally {
            displayLock.unlock();
        }
    }

    /**
     * Asks the desktop for what {@link FramePacer#ask} says: nothing while a request is outstanding or the
     * next frame may not go out yet (then the desktop keeps collecting changes, which costs nothing here),
     * the whole screen, or right after a key press only the typing area. Called from any thread.
     */
    private void requestUpdateIfDue() {
        RfbClient client = rfb;
        if (client == null || ended.get()) {
            return;
        }
        try {
            switch (pacer.ask(viewers, System.currentTimeMillis(), requests)) {
                case EVERYTHING -> {
                    if (everythingAsked.compareAndSet(false, true)) {
                        anythingAsked.set(true);
                        client.requestUpdate(true);
                    }
                }
                case TYPING_AREA -> {
                    Display.Area area = typingArea;
                    if (area != null && anythingAsked.compareAndSet(false, true)) {
                        pacer.typingAreaAsked();
                        client.requestUpdate(true, area.x(), area.y(), area.width(), area.height());
                    }
                }
                case NOTHING -> { }
            }
        } catch (IOException e) {
            // The reader notices the broken connection on its next read.
            LOG.debug("Connection {}: update request failed: {}", id, e.toString());
        }
    }

    private RfbClient connectWithRetries() throws RfbException, InterruptedException {
        if (settings.hostname().isEmpty()) {
            throw new RfbException(RfbException.Kind.UNREACHABLE, "No VNC server hostname was given");
        }
        int attempts = settings.autoretry() + 1;
        for (int attempt = 1; ; attempt++) {
            try {
                return RfbClient.connect(settings.rfbOptions(config.upstreamTimeout(), config.maxFramebufferSize()));
            } catch (RfbException e) {
                boolean retryable = e.kind() == RfbException.Kind.UNREACHABLE || e.kind() == RfbException.Kind.TIMEOUT;
                if (!retryable || attempt >= attempts || ended.get()) {
                    throw e;
                }
                LOG.info("Connection {}: attempt {} of {} failed ({}); retrying in 1 s", id, attempt, attempts, e.getMessage());
                Thread.sleep(1000);
            }
        }
    }

    // ---- RFB → display -------------------------------------------------------------------------

    @Override
    public void resize(int width, int height) {
        // Sent at once, so that clients learn the screen size even before the first update arrives.
        withDisplay(() -> display.resize(width, height));
        typingArea = null;
        pacer.changesArrived();
    }

    @Override
    public void updateStarted() {
        // Held for the whole update, so that frames show whole updates.
        displayLock.lock();
    }

    @Override
    public void pixels(int x, int y, int width, int height, int[] data, int offset, int scan) {
        // Called per decoded tile, inside an update (the display is locked).
        display.pixels(x, y, width, height, data, offset, scan);
    }

    @Override
    public void fill(int x, int y, int width, int height, int rgb) {
        display.fill(x, y, width, height, rgb);
    }

    @Override
    public void copy(int srcX, int srcY, int width, int height, int dstX, int dstY) {
        withDisplay(() -> display.copy(srcX, srcY, width, height, dstX, dstY));
    }

    @Override
    public void cursor(int hotX, int hotY, int width, int height, int[] argb) {
        withDisplay(() -> display.cursor(hotX, hotY, width, height, argb));
    }

    @Override
    public void updateComplete() {
        boolean changed = display.hasPendingChanges();
        boolean small = changed && display.hasSmallChanges();
        displayLock.unlock();
        // one update answers every request sent before it (the server merges them)
        anythingAsked.set(false);
        everythingAsked.set(false);
        if (changed) {
            pacer.changesArrived(true, small);
        }
        if (pacer.responsive(System.currentTimeMillis())) {
            // Shortly after input: ask again at once, so that the echo of a key comes as soon as it is drawn.
            // Otherwise the frame thread asks when the next frame is due.
            requestUpdateIfDue();
        }
    }

    @Override
    public void clipboard(String text) {
        if (settings.disableCopy()) {
            return;
        }
        InstructionWriter w = new InstructionWriter();
        w.begin("clipboard").arg(CLIPBOARD_STREAM).arg("text/plain").end();
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        for (int pos = 0; pos < utf8.length; pos += CLIPBOARD_BLOCK) {
            w.begin("blob").arg(CLIPBOARD_STREAM).argBase64(utf8, pos, Math.min(CLIPBOARD_BLOCK, utf8.length - pos)).end();
        }
        w.begin("end").arg(CLIPBOARD_STREAM).end();
        byte[] bytes = w.toByteArray();
        withDisplay(() -> broadcast(bytes, 0));
    }

    private ImagePolicy imagePolicy() {
        Viewer first = owner;
        boolean jpeg = !settings.forceLossless() && first != null && first.client().acceptsImage("image/jpeg");
        long lag = 0;
        for (Viewer v : viewers) {
            lag = Math.max(lag, v.processingLag());
        }
        return ImagePolicy.forLag(jpeg, lag);
    }

    private void broadcastFrame(byte[] frame, long timestamp) {
        broadcast(frame, timestamp);
    }

    private void broadcast(byte[] bytes, long timestamp) {
        for (Viewer v : viewers) {
            v.send(bytes, timestamp);
        }
        recorder.output(bytes, timestamp != 0);
    }

    private void withDisplay(Runnable action) {
        displayLock.lock();
        try {
            action.run();
        } finally {
            displayLock.unlock();
        }
    }

    // ---- viewers → RFB -------------------------------------------------------------------------

    @Override
    public void mouse(Viewer viewer, int x, int y, int buttons) {
        if (viewer.interactive()) {
            sendToDesktop(c -> c.pointer(x, y, buttons));
            // Clicks and drags are waited for; plain pointer moves are not (the cursor is drawn locally).
            if (buttons != 0 || buttons != lastButtons) {
                pacer.inputArrived();
                requestUpdateIfDue();
            }
            lastButtons = buttons;
        }
        recorder.mouse(x, y, buttons, clock.next());
    }

    @Override
    public void key(Viewer viewer, int keysym, boolean pressed) {
        if (viewer.interactive()) {
            sendToDesktop(c -> c.key(keysym, pressed));
            if (pressed) {
                pacer.keyPressed();
            } else {
                pacer.inputArrived();
            }
            requestUpdateIfDue();
        }
        recorder.key(keysym, pressed, clock.next());
    }

    @Override
    public void resize(Viewer viewer, int width, int height) {
        if (viewer.interactive() && viewer == owner) {
            sendToDesktop(c -> c.requestDesktopSize(width, height));
        }
    }

    @Override
    public void clipboard(Viewer viewer, String text) {
        if (viewer.interactive() && !settings.disablePaste()) {
            sendToDesktop(c -> c.clipboard(text));
        }
    }

    @Override
    public void syncAcknowledged(Viewer viewer) {
        pacer.viewerProgressed();
        requestUpdateIfDue();
    }

    @Override
    public void left(Viewer viewer) {
        viewers.remove(viewer);
        pacer.viewerProgressed();
        LOG.info("Connection {}: {} left, {} viewers remain", id, viewer.id(), viewers.size());
        if (viewers.isEmpty()) {
            end(null, GuacamoleStatus.SUCCESS);
        }
    }

    private interface DesktopAction {
        void apply(RfbClient client) throws IOException;
    }

    private void sendToDesktop(DesktopAction action) {
        RfbClient client = rfb;
        if (client == null || ended.get()) {
            return;
        }
        try {
            action.apply(client);
        } catch (IOException e) {
            LOG.debug("Connection {}: sending input failed: {}", id, e.toString());
        }
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    /** Ends the connection, telling every viewer why (or just disconnecting them if message is null). */
    void end(String message, GuacamoleStatus status) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        if (message != null) {
            LOG.info("Connection {} to {}:{} ended: {} ({})", id, settings.hostname(), settings.port(), message, status.code());
        } else {
            LOG.info("Connection {} to {}:{} ended", id, settings.hostname(), settings.port());
        }
        for (Viewer v : viewers) {
            v.close(message, status);
        }
        RfbClient client = rfb;
        if (client != null) {
            client.close();
        }
        recorder.close();
        pacer.stop();
        onEnded.accept(this);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String protocol() {
        return "vnc";
    }

    @Override
    public String remoteHost() {
        return settings.hostname();
    }

    @Override
    public int remotePort() {
        return settings.port();
    }

    @Override
    public Instant started() {
        return started;
    }

    @Override
    public int viewerCount() {
        return viewers.size();
    }

    @Override
    public Optional<Path> recording() {
        return recorder.file();
    }

    @Override
    public void close() {
        end("Connection closed by the gateway.", GuacamoleStatus.SESSION_CLOSED);
    }

    /** @return the settings the owner connected with */
    VncSettings settings() {
        return settings;
    }

    /** @return the encoder's counters */
    io.deskport.gateway.display.FrameStatistics statistics() {
        return display.statistics();
    }
}
