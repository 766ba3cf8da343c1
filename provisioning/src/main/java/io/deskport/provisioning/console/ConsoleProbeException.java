package io.deskport.provisioning.console;

/** A console did not answer as a VNC server should; {@link #failure()} says how. */
public class ConsoleProbeException extends Exception {

    /** How the probe failed. */
    public enum Failure {
        /** No TCP connection (refused, unreachable, timed out). */
        UNREACHABLE,
        /** Something answered, but not with an RFB banner. */
        NOT_RFB,
        /** The server offers no security type the probe can use (e.g. a password is needed but none was given). */
        UNSUPPORTED_SECURITY,
        /** The server rejected the password. */
        AUTH_FAILED,
        /** The server broke the protocol or closed the connection mid-handshake. */
        PROTOCOL_ERROR
    }

    private final Failure failure;

    public ConsoleProbeException(Failure failure, String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
    }

    /** Returns how the probe failed. */
    public Failure failure() {
        return failure;
    }
}
