package io.deskport.broker.tunnel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.util.UUID;

import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.net.GuacamoleTunnel;
import org.apache.guacamole.net.InetGuacamoleSocket;
import org.apache.guacamole.net.SimpleGuacamoleTunnel;
import org.apache.guacamole.protocol.ConfiguredGuacamoleSocket;
import org.apache.guacamole.protocol.GuacamoleClientInformation;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.deskport.broker.shared.ConsoleAddress;
import io.deskport.gateway.server.GatewayConfig;
import io.deskport.gateway.server.GatewayMetrics;
import io.deskport.gateway.server.GatewayServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Opens Guacamole connections to desktops through a display gateway with guacamole-common — the same
 * code for the embedded gateway (started here, on a loopback port), a standalone Deskport gateway, or a
 * real guacd — and joins running ones, view-only, for an admin who shadows a session.
 *
 * <p>The gateway names each connection in its {@code ready} ({@code $<uuid>}): that id, as a UUID, is the
 * tunnel's id on the server side (the session's current tunnel), so that any replica that can reach the gateway
 * can join the connection by it. The embedded gateway listens on this broker's loopback address only: only this
 * broker can join the connections it runs.
 */
@Component
class GatewayConnector implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GatewayConnector.class);

    private final TunnelProperties properties;
    private GatewayServer embedded;
    private final GatewayMetrics metrics;
    private volatile boolean running;

    GatewayConnector(TunnelProperties properties, ObjectProvider<MeterRegistry> meters) {
        this.properties = properties;
        // the embedded gateway's frames, bytes and input latency go to the broker's registry (/actuator/prometheus)
        this.metrics = new GatewayMetrics(meters.getIfAvailable(SimpleMeterRegistry::new));
    }

    /** The screen of the client that attaches. */
    record ClientScreen(int width, int height, int dpi, String userName) {
    }

    /** Where the gateway records the connection: a directory below the recording root, and a file name. */
    record Recording(String path, String name) {
    }

    /**
     * Connects to the desktop's console through the gateway and completes the Guacamole handshake.
     *
     * @throws GuacamoleException with the gateway's status when the gateway or the desktop cannot be reached
     */
    GuacamoleTunnel open(ConsoleAddress console, ClientScreen screen, Recording recording) throws GuacamoleException {
        GuacamoleConfiguration config = new GuacamoleConfiguration();
        config.setProtocol("vnc");
        config.setParameter("hostname", console.host());
        config.setParameter("port", Integer.toString(console.port()));
        if (console.password() != null) {
            config.setParameter("password", console.password());
        }
        if (recording != null) {
            config.setParameter("recording-path", recording.path());
            config.setParameter("recording-name", recording.name());
            config.setParameter("create-recording-path", "true");
        }
        GuacamoleClientInformation info = new GuacamoleClientInformation();
        info.setOptimalScreenWidth(screen.width());
        info.setOptimalScreenHeight(screen.height());
        info.setOptimalResolution(screen.dpi());
        info.getImageMimetypes().add("image/png");
        info.getImageMimetypes().add("image/jpeg");
        info.setName(screen.userName());
        return connect(config, info);
    }

    /**
     * Joins the gateway's running connection {@code connection} as a viewer who only watches: the joiner's
     * {@code read-only} is set (the gateway then drops whatever input it would send) and the owner's connection
     * never allows joined input.
     *
     * @throws GuacamoleException with the gateway's status, e.g. 516 (RESOURCE_NOT_FOUND) when the connection has
     *         ended or runs on another gateway
     */
    GuacamoleTunnel join(UUID connection, ClientScreen screen) throws GuacamoleException {
        GuacamoleConfiguration config = new GuacamoleConfiguration();
        config.setConnectionID("$" + connection);
        config.setParameter("read-only", "true");
        GuacamoleClientInformation info = new GuacamoleClientInformation();
        info.setOptimalScreenWidth(screen.width());
        info.setOptimalScreenHeight(screen.height());
        info.setOptimalResolution(screen.dpi());
        info.getImageMimetypes().add("image/png");
        info.getImageMimetypes().add("image/jpeg");
        info.setName(screen.userName());
        return connect(config, info);
    }

    private GuacamoleTunnel connect(GuacamoleConfiguration config, GuacamoleClientInformation info) throws GuacamoleException {
        GatewayServer gateway = embedded;
        String host = gateway != null ? InetAddress.getLoopbackAddress().getHostAddress() : properties.gatewayHost();
        int port = gateway != null ? gateway.port() : properties.gatewayPort();
        return new SimpleGuacamoleTunnel(new ConfiguredGuacamoleSocket(new InetGuacamoleSocket(host, port), config, info));
    }

    /**
     * The gateway's id of the connection behind a tunnel this connector opened, as a UUID.
     *
     * @return null when the gateway names its connections otherwise than {@code $<uuid>}
     */
    static UUID connectionOf(GuacamoleTunnel tunnel) {
        if (!(tunnel.getSocket() instanceof ConfiguredGuacamoleSocket configured) || configured.getConnectionID() == null) {
            return null;
        }
        String id = configured.getConnectionID();
        try {
            return UUID.fromString(id.startsWith("$") ? id.substring(1) : id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** @return true when the gateway is embedded in this broker (and so reachable by this broker only) */
    boolean isEmbedded() {
        return "embedded".equals(properties.gateway());
    }

    /**
     * Whether this broker can join the connection: with the embedded gateway, only when it runs it; with a remote
     * gateway, always (whether the gateway still has it is known when joining).
     */
    boolean canJoin(UUID connection) {
        GatewayServer gateway = embedded;
        if (!isEmbedded()) {
            return true;
        }
        return gateway != null && gateway.connection("$" + connection).isPresent();
    }

    @Override
    public synchronized void start() {
        if ("embedded".equals(properties.gateway())) {
            try {
                embedded = new GatewayServer(GatewayConfig.defaults()
                        .withListen(InetAddress.getLoopbackAddress(), 0)
                        .withRecordingRoot(properties.recordingDir().toAbsolutePath()), metrics).start();
                log.info("Embedded display gateway listening on {}", embedded.address());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot start the embedded display gateway", e);
            }
        } else {
            log.info("Using the display gateway (or guacd) at {}:{}", properties.gatewayHost(), properties.gatewayPort());
        }
        running = true;
    }

    @Override
    public synchronized void stop() {
        if (embedded != null) {
            embedded.stop();
            embedded = null;
        }
        running = false;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the tunnels that use it ({@link LiveTunnels}, the default phase): they are handed over first. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }
}
