package io.deskport.gateway.rfb;

import java.io.IOException;

/**
 * A failure talking to a VNC server, classified so that callers can report it precisely
 * (unreachable vs. timed out vs. refused credentials vs. a broken or hostile server).
 */
public class RfbException extends IOException {

    /** What kind of failure happened. */
    public enum Kind {
        /** The server could not be reached (refused, no route, unknown host). */
        UNREACHABLE,
        /** The server stopped answering within the allowed time. */
        TIMEOUT,
        /** The server rejected the credentials. */
        AUTHENTICATION_FAILED,
        /** The server asks for something this client does not support. */
        UNSUPPORTED,
        /** The server sent something that is not valid RFB or exceeds this client's limits. */
        PROTOCOL,
        /** The server closed the connection. */
        CLOSED
    }

    private final Kind kind;

    /**
     * @param kind    the kind of failure
     * @param message a description suitable for logs and for the user; never contains credentials
     */
    public RfbException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** Same as {@link #RfbException(Kind, String)} with a cause. */
    public RfbException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    /** @return the kind of failure */
    public Kind kind() {
        return kind;
    }

    static RfbException protocol(String message) {
        return new RfbException(Kind.PROTOCOL, message);
    }
}
