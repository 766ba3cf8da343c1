package io.deskport.gateway.server;

import io.deskport.gateway.display.Display;
import io.deskport.gateway.protocol.GuacamoleStatus;
import io.deskport.gateway.rfb.RfbClient;
import io.deskport.gateway.rfb.RfbException;
import io.deskport.gateway.rfb.RfbListener;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RFB thread of a {@link VncConnection}: connects to the VNC server (retrying as the settings allow),
 * then reads the desktop's updates into the display until the connection fails or ends, holding the
 * display's lock for each whole update so that frames never show half of one. What happens besides
 * drawing (connected, resized, an update complete, the desktop's clipboard, a failure) it reports to the
 * connection.
 */
final class UpstreamReader implements RfbListener {

    /** What the reader reports to its connection, on the RFB thread. */
    interface Events {
        /** @return false if the connection ended meanwhile: the client is closed and reading stops */
        boolean connected(RfbClient client);

        /** The desktop's screen changed size (the display has the new size). */
        void resized();

        /** A whole update was applied and the display unlocked. */
        void updateApplied(boolean changed, boolean smallChanges);

        /** The desktop's clipboard now holds this text. */
        void desktopClipboard(String text);

        /** The desktop cannot be used: end the connection, telling the viewers why (nothing if message is null). */
        void failed(String message, GuacamoleStatus status);

        /** Reading stopped, for whatever reason; the display is closed next. */
        void stopped();

        /** @return whether the connection has ended */
        boolean ended();
    }

    /** Logs as the connection it belongs to. */
    private static final Logger LOG = LoggerFactory.getLogger(VncConnection.class);

    private final String id;
    private final VncSettings settings;
    private final GatewayConfig config;
    private final SharedDisplay shared;
    /** The shared display, drawn on while the RFB thread holds its lock for the update. */
    private final Display display;
    private final Events events;

    UpstreamReader(String id, VncSettings settings, GatewayConfig config, SharedDisplay shared, Events events) {
        this.id = id;
        this.settings = settings;
        this.config = config;
        this.shared = shared;
        this.display = shared.display();
        this.events = events;
    }

    /** The thread's body: connects, reads until the end, then closes the display. */
    void run() {
        try {
            RfbClient client = connectWithRetries();
            if (!events.connected(client)) {
                client.close();
                return;
            }
            client.run(this);
        } catch (RfbException e) {
            if (!events.ended()) {
                LOG.info("Connection {}: VNC server {}:{}: {}", id, settings.hostname(), settings.port(), e.getMessage());
                events.failed(e.getMessage(), UpstreamFailures.status(e));
            }
        } catch (IOException e) {
            if (!events.ended()) {
                events.failed("VNC connection failed: " + e.getMessage(), GuacamoleStatus.UPSTREAM_ERROR);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            events.failed(null, GuacamoleStatus.SUCCESS);
        } catch (RuntimeException e) {
            LOG.error("Connection {}: internal error", id, e);
            events.failed("Internal error in the display gateway.", GuacamoleStatus.SERVER_ERROR);
        } finally {
            // An update that failed half way leaves the display locked by this thread.
            shared.releaseHeld();
            events.stopped();
            shared.run(display::close);
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
                if (!retryable || attempt >= attempts || events.ended()) {
                    throw e;
                }
                LOG.info("Connection {}: attempt {} of {} failed ({}); retrying in 1 s", id, attempt, attempts, e.getMessage());
                Thread.sleep(1000);
            }
        }
    }

    @Override
    public void resize(int width, int height) {
        // Sent at once, so that clients learn the screen size even before the first update arrives.
        shared.run(() -> display.resize(width, height));
        events.resized();
    }

    @Override
    public void updateStarted() {
        // Held for the whole update, so that frames show whole updates.
        shared.lock();
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
        shared.run(() -> display.copy(srcX, srcY, width, height, dstX, dstY));
    }

    @Override
    public void cursor(int hotX, int hotY, int width, int height, int[] argb) {
        shared.run(() -> display.cursor(hotX, hotY, width, height, argb));
    }

    @Override
    public void updateComplete() {
        boolean changed = display.hasPendingChanges();
        boolean small = changed && display.hasSmallChanges();
        shared.unlock();
        events.updateApplied(changed, small);
    }

    @Override
    public void clipboard(String text) {
        events.desktopClipboard(text);
    }
}
