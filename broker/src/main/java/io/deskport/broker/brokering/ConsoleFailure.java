package io.deskport.broker.brokering;

/**
 * Why a session's desktop could not be reached through the display gateway, and how many attempts in a
 * row each kind of failure is given before the session ends as {@link EndReason#DESKTOP_UNREACHABLE}: a
 * refused or unreachable console may be a desktop that is just restarting, a console that does not answer
 * within the gateway's timeout has already been waited for, and a VNC password that was rejected will not
 * be accepted on a second try.
 */
public enum ConsoleFailure {
    /** Nothing listens at the console's address: the connection was refused. */
    REFUSED(3),
    /** The console's address cannot be reached (no route, unknown host). */
    UNREACHABLE(3),
    /** The console did not answer, or did not finish the VNC handshake, in time. */
    TIMEOUT(2),
    /** The console rejected the desktop's VNC password. */
    AUTHENTICATION_FAILED(1),
    /** The console answered, but not as a usable VNC server (protocol error, closed mid-handshake). */
    ERROR(3);

    private final int attemptsBeforeEnd;

    ConsoleFailure(int attemptsBeforeEnd) {
        this.attemptsBeforeEnd = attemptsBeforeEnd;
    }

    /** @return how many failures of this kind in a row end the session */
    public int attemptsBeforeEnd() {
        return attemptsBeforeEnd;
    }
}
