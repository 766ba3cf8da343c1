package io.deskport.gateway.server;

import io.deskport.gateway.protocol.GuacamoleStatus;
import io.deskport.gateway.rfb.RfbException;

/** Maps failures of the VNC side to the Guacamole status a client receives, as guacd reports them. */
final class UpstreamFailures {

    private UpstreamFailures() {
    }

    static GuacamoleStatus status(RfbException e) {
        return switch (e.kind()) {
            case UNREACHABLE -> GuacamoleStatus.UPSTREAM_NOT_FOUND;
            case TIMEOUT -> GuacamoleStatus.UPSTREAM_TIMEOUT;
            case AUTHENTICATION_FAILED -> GuacamoleStatus.CLIENT_UNAUTHORIZED;
            case UNSUPPORTED, PROTOCOL, CLOSED -> GuacamoleStatus.UPSTREAM_ERROR;
        };
    }
}
