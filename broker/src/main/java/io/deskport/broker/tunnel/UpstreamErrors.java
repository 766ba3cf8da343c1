package io.deskport.broker.tunnel;

import java.util.Locale;
import java.util.Optional;

import org.apache.guacamole.protocol.GuacamoleStatus;

import io.deskport.broker.brokering.ConsoleFailure;

/**
 * Reads the in-band {@code error} a display gateway (ours or guacd) sends when it cannot reach the desktop
 * behind a tunnel: which {@link ConsoleFailure} it is, if it is one. Our gateway reports a refused or
 * unroutable console as 519 with the socket's words ("Connection refused"), a console that does not answer
 * in time as 514, a rejected VNC password as 769; guacd says 519 or 520 for any VNC connect failure.
 */
final class UpstreamErrors {

    private UpstreamErrors() {
    }

    /** @return the failure, or empty for an error that is not about reaching the desktop (e.g. the gateway's own) */
    static Optional<ConsoleFailure> classify(int status, String message) {
        String words = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (status == GuacamoleStatus.UPSTREAM_NOT_FOUND.getGuacamoleStatusCode()) {
            return Optional.of(words.contains("refused") ? ConsoleFailure.REFUSED : ConsoleFailure.UNREACHABLE);
        }
        if (status == GuacamoleStatus.UPSTREAM_UNAVAILABLE.getGuacamoleStatusCode()) {
            return Optional.of(ConsoleFailure.UNREACHABLE);
        }
        if (status == GuacamoleStatus.UPSTREAM_TIMEOUT.getGuacamoleStatusCode()) {
            return Optional.of(ConsoleFailure.TIMEOUT);
        }
        if (status == GuacamoleStatus.CLIENT_UNAUTHORIZED.getGuacamoleStatusCode()
                || status == GuacamoleStatus.CLIENT_FORBIDDEN.getGuacamoleStatusCode()) {
            return Optional.of(ConsoleFailure.AUTHENTICATION_FAILED);
        }
        if (status == GuacamoleStatus.UPSTREAM_ERROR.getGuacamoleStatusCode()) {
            return Optional.of(ConsoleFailure.ERROR);
        }
        return Optional.empty();
    }
}
