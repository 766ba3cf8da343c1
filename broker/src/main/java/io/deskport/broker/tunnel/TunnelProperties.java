package io.deskport.broker.tunnel;

import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tunnel and gateway settings ({@code deskport.tunnel.*}).
 *
 * @param ticketTtl how long a tunnel ticket may wait before it is used (at most 60 s)
 * @param gateway {@code embedded} (the gateway runs inside the broker) or {@code remote}
 * @param gatewayHost host of a remote gateway or guacd
 * @param gatewayPort port of a remote gateway or guacd
 * @param recordingDir where the embedded gateway may write session recordings
 * @param consoleMoveWait how long a tunnel whose console went away while its desktop moves to another hypervisor host
 *                        waits for the desktop's new console before it gives up (and the browser reconnects itself)
 */
@ConfigurationProperties("deskport.tunnel")
record TunnelProperties(@DefaultValue("60s") Duration ticketTtl, @DefaultValue("embedded") String gateway,
                        @DefaultValue("127.0.0.1") String gatewayHost, @DefaultValue("4822") int gatewayPort,
                        @DefaultValue("./data/recordings") Path recordingDir,
                        @DefaultValue("60s") Duration consoleMoveWait) {

    TunnelProperties {
        if (ticketTtl.isNegative() || ticketTtl.isZero() || ticketTtl.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException("deskport.tunnel.ticket-ttl must be between 1 s and 60 s, not " + ticketTtl);
        }
        if (!gateway.equals("embedded") && !gateway.equals("remote")) {
            throw new IllegalArgumentException("deskport.tunnel.gateway must be 'embedded' or 'remote', not '" + gateway + "'");
        }
    }
}
