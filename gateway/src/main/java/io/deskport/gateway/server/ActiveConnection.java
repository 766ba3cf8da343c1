package io.deskport.gateway.server;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/** A connection to a remote desktop currently served by a {@link GatewayServer}. */
public interface ActiveConnection {

    /** @return the connection id as sent in {@code ready}, e.g. {@code $1b4e28ba-2fa1-11d2-883f-0016d3cca427} */
    String id();

    /** @return the protocol name, {@code vnc} */
    String protocol();

    /** @return host name of the remote desktop */
    String remoteHost();

    /** @return port of the remote desktop */
    int remotePort();

    /** @return when the owner's handshake completed */
    Instant started();

    /** @return the number of Guacamole clients attached (owner and joined users) */
    int viewerCount();

    /** @return the session recording file, if this connection is recorded */
    Optional<Path> recording();

    /** Ends the connection: every attached client receives {@code error} (session closed) and {@code disconnect}. */
    void close();
}
