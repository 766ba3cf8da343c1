package io.deskport.gateway.protocol;

import java.io.IOException;

/**
 * Thrown when a Guacamole peer breaks the wire format or the handshake rules. Carries the status the
 * gateway reports back in its {@code error} instruction.
 */
public class ProtocolException extends IOException {

    private final GuacamoleStatus status;

    /**
     * @param message what was wrong, safe to show to the user and to log
     * @param status  the status to report to the peer
     */
    public ProtocolException(String message, GuacamoleStatus status) {
        super(message);
        this.status = status;
    }

    /** Creates an exception for malformed input ({@link GuacamoleStatus#CLIENT_BAD_REQUEST}). */
    public ProtocolException(String message) {
        this(message, GuacamoleStatus.CLIENT_BAD_REQUEST);
    }

    /** @return the status to report to the peer */
    public GuacamoleStatus status() {
        return status;
    }
}
