package io.deskport.broker.pools;

import java.time.Instant;

/**
 * What the console of a desktop said when it was registered.
 *
 * @param result      what was found
 * @param rfbVersion  the RFB version the VNC server announced (REACHABLE only), e.g. {@code 3.8}
 * @param width       its screen width (REACHABLE only)
 * @param height      its screen height (REACHABLE only)
 * @param desktopName the name the VNC server gave (REACHABLE only)
 * @param detail      what happened, in words
 * @param checkedAt   when
 */
public record ConsoleCheck(Result result, String rfbVersion, Integer width, Integer height, String desktopName,
                           String detail, Instant checkedAt) {

    /** What a console check found. */
    public enum Result {
        /** A VNC server answered and accepted the password. */
        REACHABLE,
        /** Nothing listens at the address: the connection was refused. */
        REFUSED,
        /** The address cannot be reached (no route, unknown host). */
        UNREACHABLE,
        /** The connection or the VNC handshake did not finish in time. */
        TIMEOUT,
        /** The VNC server rejected the password (or needs one that was not given). */
        AUTHENTICATION_FAILED,
        /** Something answered, but not a VNC server. */
        NOT_VNC,
        /** The VNC server broke off the handshake. */
        ERROR,
        /** The check did not run (switched off, or it could not): the desktop was registered as asked. */
        NOT_CHECKED;

        /** @return true when the check ran and found the console unusable */
        public boolean failed() {
            return this != REACHABLE && this != NOT_CHECKED;
        }
    }

    static ConsoleCheck failed(Result result, String detail, Instant at) {
        return new ConsoleCheck(result, null, null, null, null, detail, at);
    }

    static ConsoleCheck notChecked(String why, Instant at) {
        return new ConsoleCheck(Result.NOT_CHECKED, null, null, null, null, why, at);
    }
}
