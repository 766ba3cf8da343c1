package io.deskport.gateway.server;

import io.deskport.gateway.display.Display;
import io.deskport.gateway.display.ImagePolicy;
import io.deskport.gateway.protocol.GuacamoleStatus;
import io.deskport.gateway.rfb.RfbClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to a VNC desktop shared by one or more Guacamole viewers. Its RFB thread
 * ({@link UpstreamReader}) reads the desktop's updates into the {@link Display}, and asks for the next
 * update at once while the viewers keep up, so that the desktop sends what changes as soon as it changes
 * (a key's echo above all). Its frame thread sends the display's changes as frames to every viewer (and
 * the recording) whenever the {@link FramePacer} allows, and asks the desktop for updates as the pacer
 * says. Viewers' input goes straight to the desktop unless they are read-only ({@link InputRouter}).
 * The connection itself keeps the viewers, the frames and the lifecycle.
 */
final class VncConnection implements ActiveConnection, Viewer.Events, UpstreamReader.Events, InputRouter.Connection {

    private static final Logger LOG = LoggerFactory.getLogger(VncConnection.class);
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private final String id;
    private final VncSettings settings;
    private final GatewayConfig config;
    private final Consumer<VncConnection> onEnded;
    private final Instant started = Instant.now();
    private final List<Viewer> viewers = new CopyOnWriteArrayList<>();
    private final SyncClock clock = new SyncClock();
    private final GuacamoleCanvas canvas = new GuacamoleCanvas(this::broadcastFrame, clock);
    private final Display display = new Display(canvas);
    private final SharedDisplay shared = new SharedDisplay(display);
    private final FramePacer pacer;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final Recorder recorder;
    private final DesktopLink desktop;
    private final UpstreamReader reader;
    private final InputRouter input;
    private volatile Viewer owner;
    private volatile String desktopName = "";
    /** How far around the last echo the typing area reaches: the next characters, the lines above and below. */
    static final int TYPING_MARGIN_X = 160;
    static final int TYPING_MARGIN_Y = 32;
    /** Around where the echo of the last keys appeared (null until one did): see {@link FramePacer#ask}. */
    private volatile Display.Area typingArea;
    private final FramePacer.Requests requests = new FramePacer.Requests() {
        @Override
        public boolean everythingAsked() {
            return desktop.everythingAsked();
        }

        @Override
        public boolean anythingAsked() {
            return desktop.anythingAsked();
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
        this.desktop = new DesktopLink(id, ended);
        this.reader = new UpstreamReader(id, settings, config, shared, this);
        this.input = new InputRouter(settings, desktop, recorder, clock, this);
    }

    /** Attaches the owner and starts connecting to the desktop in the background. */
    void start(Viewer first) {
        owner = first;
        viewers.add(first);
        first.start(this);
        // Platform threads, so that the CPU time of decoding and encoding can be measured for pacing.
        Thread.ofPlatform().daemon(true).name("gateway-rfb-" + id).start(reader::run);
        Thread.ofPlatform().daemon(true).name("gateway-frames-" + id).start(this::runFrames);
    }

    /**
     * Attaches a viewer joining by id: it first receives the whole current screen, then the same frames
     * as everyone else.
     *
     * @return false if the connection has already ended
     */
    boolean join(Viewer viewer) {
        shared.lock();
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
            shared.unlock();
        }
        viewer.start(this);
        LOG.info("Connection {}: {} joined ({}), {} viewers", id, viewer.id(),
                viewer.interactive() ? "interactive" : "view only", viewers.size());
        return true;
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
        shared.lock();
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
            shared.unlock();
        }
    }

    /**
     * Asks the desktop for what {@link FramePacer#ask} says: nothing while a request is outstanding or the
     * next frame may not go out yet (then the desktop keeps collecting changes, which costs nothing here),
     * the whole screen, or right after a key press only the typing area. Called from any thread.
     */
    private void requestUpdateIfDue() {
        RfbClient client = desktop.client();
        if (client == null) {
            return;
        }
        try {
            switch (pacer.ask(viewers, System.currentTimeMillis(), requests)) {
                case EVERYTHING -> {
                    if (desktop.claimEverything()) {
                        client.requestUpdate(true);
                    }
                }
                case TYPING_AREA -> {
                    Display.Area area = typingArea;
                    if (area != null && desktop.claimAnything()) {
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

    // ---- the RFB thread's events ---------------------------------------------------------------

    @Override
    public boolean connected(RfbClient client) {
        desktop.connected(client);
        if (ended.get()) {
            return false;
        }
        desktopName = client.desktopName();
        LOG.info("Connection {}: connected to VNC server {}:{} ({}x{}, \"{}\")", id, settings.hostname(),
                settings.port(), client.width(), client.height(), desktopName);
        shared.run(() -> canvas.writer().begin("name").arg(desktopName).end());
        return true;
    }

    @Override
    public void resized() {
        typingArea = null;
        pacer.changesArrived();
    }

    @Override
    public void updateApplied(boolean changed, boolean smallChanges) {
        desktop.updateReceived();
        if (changed) {
            pacer.changesArrived(true, smallChanges);
        }
        if (pacer.responsive(System.currentTimeMillis())) {
            // Shortly after input: ask again at once, so that the echo of a key comes as soon as it is drawn.
            // Otherwise the frame thread asks when the next frame is due.
            requestUpdateIfDue();
        }
    }

    @Override
    public void desktopClipboard(String text) {
        input.desktopClipboard(text);
    }

    @Override
    public void failed(String message, GuacamoleStatus status) {
        end(message, status);
    }

    @Override
    public void stopped() {
        pacer.stop();
    }

    @Override
    public boolean ended() {
        return ended.get();
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

    // ---- viewers ---------------------------------------------------------------------------------

    @Override
    public void mouse(Viewer viewer, int x, int y, int buttons) {
        input.mouse(viewer, x, y, buttons);
    }

    @Override
    public void key(Viewer viewer, int keysym, boolean pressed) {
        input.key(viewer, keysym, pressed);
    }

    @Override
    public void resize(Viewer viewer, int width, int height) {
        input.resize(viewer, width, height);
    }

    @Override
    public void clipboard(Viewer viewer, String text) {
        input.clipboard(viewer, text);
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

    @Override
    public boolean isOwner(Viewer viewer) {
        return viewer == owner;
    }

    @Override
    public void inputSent(boolean keyPress) {
        if (keyPress) {
            pacer.keyPressed();
        } else {
            pacer.inputArrived();
        }
        requestUpdateIfDue();
    }

    @Override
    public void toViewers(byte[] instructions) {
        shared.run(() -> broadcast(instructions, 0));
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
        desktop.close();
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
