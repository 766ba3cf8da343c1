package io.deskport.gateway.server;

import io.deskport.gateway.rfb.RfbClient;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection's line to its VNC server, shared by the RFB thread that connects it, the viewers' threads
 * that send input over it and the frame thread that asks for updates: the client once connected, and
 * which updates have been asked for and not yet sent. Nothing is sent before the connection is
 * established or after it has ended. Called from any thread.
 */
final class DesktopLink {

    /** Something sent to the desktop. */
    interface Action {
        void apply(RfbClient client) throws IOException;
    }

    /** Logs as the connection it belongs to. */
    private static final Logger LOG = LoggerFactory.getLogger(VncConnection.class);

    private final String id;
    private final AtomicBoolean ended;
    private volatile RfbClient client;
    /** Whether the desktop has been asked for an update (of the whole screen or an area) it has not sent yet. */
    private final AtomicBoolean anythingAsked = new AtomicBoolean(true);
    /** Whether the desktop has been asked for an update of the whole screen it has not sent yet. */
    private final AtomicBoolean everythingAsked = new AtomicBoolean(true);

    /**
     * @param id    the connection's id, for logs
     * @param ended the connection's flag, set when it ends
     */
    DesktopLink(String id, AtomicBoolean ended) {
        this.id = id;
        this.ended = ended;
    }

    /** The RFB thread connected (and the handshake completed). */
    void connected(RfbClient connectedClient) {
        client = connectedClient;
    }

    /** @return the client, or null before the connection is established or after it ended */
    RfbClient client() {
        RfbClient c = client;
        return c == null || ended.get() ? null : c;
    }

    /** Sends input to the desktop; a failure is only logged (the reader notices the broken connection). */
    void send(Action action) {
        RfbClient c = client();
        if (c == null) {
            return;
        }
        try {
            action.apply(c);
        } catch (IOException e) {
            LOG.debug("Connection {}: sending input failed: {}", id, e.toString());
        }
    }

    /** @return whether an update of the whole screen is outstanding (or none can be asked for: not connected) */
    boolean everythingAsked() {
        // nothing can be asked without a desktop connection
        return client == null || ended.get() || everythingAsked.get();
    }

    /** @return whether an update of the whole screen or an area is outstanding */
    boolean anythingAsked() {
        return anythingAsked.get();
    }

    /** @return true if no update of the whole screen was outstanding, and now one is to be asked for */
    boolean claimEverything() {
        if (everythingAsked.compareAndSet(false, true)) {
            anythingAsked.set(true);
            return true;
        }
        return false;
    }

    /** @return true if no update at all was outstanding, and now one (of an area) is to be asked for */
    boolean claimAnything() {
        return anythingAsked.compareAndSet(false, true);
    }

    /** An update arrived: it answers every request sent before it (the server merges them). */
    void updateReceived() {
        anythingAsked.set(false);
        everythingAsked.set(false);
    }

    /** Closes the connection to the desktop, if there is one. */
    void close() {
        RfbClient c = client;
        if (c != null) {
            c.close();
        }
    }
}
