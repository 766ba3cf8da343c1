package io.deskport.broker.tunnel;

import java.io.IOException;
import java.util.function.Supplier;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.net.GuacamoleTunnel;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser's end of a tunnel or a shadow: Guacamole instructions sent one message at a time (the relay and the
 * broker's own answers share the socket), and a close that guacamole-common-js understands (the reason is the
 * Guacamole status code).
 */
final class BrowserSocket {

    private static final Logger log = LoggerFactory.getLogger(BrowserSocket.class);

    private final Session ws;
    /** What the logs call it, e.g. "tunnel 0b1…" or "shadow 7f2…" (a tunnel learns its id after the socket opens). */
    private final Supplier<String> name;
    private final Object sendLock = new Object();

    BrowserSocket(Session ws, Supplier<String> name) {
        this.ws = ws;
        this.name = name;
    }

    /** Sends one message; a browser that left meanwhile is an IOException. */
    void send(String text) throws IOException {
        synchronized (sendLock) {
            try {
                ws.getBasicRemote().sendText(text);
            } catch (IllegalStateException e) {
                throw new IOException("the WebSocket is closed", e); // closed by the browser meanwhile
            }
        }
    }

    /** Whether the browser's WebSocket is still open. */
    boolean isOpen() {
        return ws.isOpen();
    }

    /** Sends an answer of the broker's own; a browser that left meanwhile is noticed by the relay. */
    void sendQuietly(String text) {
        try {
            send(text);
        } catch (IOException e) {
            log.debug("{}: the browser went away ({})", name.get(), e.getMessage());
        }
    }

    /** Closes the WebSocket with the Guacamole status as its reason (once; a closed socket is left alone). */
    void close(GuacamoleStatus status, String why) {
        log.debug("Closing {}: {} ({})", name.get(), status, why);
        try {
            synchronized (sendLock) {
                if (ws.isOpen()) {
                    ws.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(status.getWebSocketCode()),
                            Integer.toString(status.getGuacamoleStatusCode())));
                }
            }
        } catch (IOException | IllegalStateException e) {
            log.debug("Closing the WebSocket of {} failed: {}", name.get(), e.getMessage());
        }
    }

    /** Closes the gateway connection of {@code name} if it is open; a failure is only logged. */
    static void closeGateway(GuacamoleTunnel tunnel, String name) {
        if (tunnel != null && tunnel.isOpen()) {
            try {
                tunnel.close();
            } catch (GuacamoleException e) {
                log.debug("Closing the gateway connection of {} failed: {}", name, e.getMessage());
            }
        }
    }
}
