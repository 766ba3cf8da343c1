package io.deskport.gateway.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link GatewayServer}. Build one with {@link #defaults()} and the {@code with…} methods.
 *
 * @param bindAddress       address to listen on (guacd default: 127.0.0.1)
 * @param port              TCP port, 0 for an ephemeral one (guacd default: 4822)
 * @param recordingRoot     if set, relative {@code recording-path} values resolve against it and paths
 *                          outside it are refused; if null any absolute path is accepted, as with guacd
 * @param handshakeTimeout  time allowed for each handshake instruction (guacd: 15 s)
 * @param clientTimeout     silence from a client after which it is dropped (guacd: 15 s)
 * @param keepAlive         silence towards a client after which a {@code nop} is sent (guacd: 5 s)
 * @param upstreamTimeout   time to connect to a desktop and for it to finish a started message
 * @param minFrame          shortest interval between two frames (guacd: 10 ms)
 * @param maxLagWait        longest wait for a lagging client before the next frame (guacd: 500 ms)
 * @param maxFramebufferSize largest desktop width and height accepted from a VNC server
 * @param maxConnections    most simultaneous client sockets (handshakes and viewers)
 */
public record GatewayConfig(InetAddress bindAddress, int port, Path recordingRoot, Duration handshakeTimeout,
                            Duration clientTimeout, Duration keepAlive, Duration upstreamTimeout, Duration minFrame,
                            Duration maxLagWait, int maxFramebufferSize, int maxConnections) {

    /** guacd's default port. */
    public static final int DEFAULT_PORT = 4822;

    public GatewayConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        if (maxFramebufferSize < 1 || maxFramebufferSize > 16384) {
            throw new IllegalArgumentException("maxFramebufferSize must be 1..16384");
        }
    }

    /** @return guacd's defaults: 127.0.0.1:4822, 15 s timeouts, 5 s keep-alive, frames of 10 ms and more */
    public static GatewayConfig defaults() {
        try {
            return new GatewayConfig(InetAddress.getByName("127.0.0.1"), DEFAULT_PORT, null, Duration.ofSeconds(15),
                    Duration.ofSeconds(15), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofMillis(10),
                    Duration.ofMillis(500), 8192, 1024);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return a copy listening on the given address and port (0 = ephemeral) */
    public GatewayConfig withListen(InetAddress address, int newPort) {
        return new GatewayConfig(address, newPort, recordingRoot, handshakeTimeout, clientTimeout, keepAlive,
                upstreamTimeout, minFrame, maxLagWait, maxFramebufferSize, maxConnections);
    }

    /** @return a copy restricting recordings to the given directory */
    public GatewayConfig withRecordingRoot(Path root) {
        return new GatewayConfig(bindAddress, port, root, handshakeTimeout, clientTimeout, keepAlive,
                upstreamTimeout, minFrame, maxLagWait, maxFramebufferSize, maxConnections);
    }

    /** @return a copy with different timeouts */
    public GatewayConfig withTimeouts(Duration handshake, Duration client, Duration keepAliveInterval, Duration upstream) {
        return new GatewayConfig(bindAddress, port, recordingRoot, handshake, client, keepAliveInterval, upstream,
                minFrame, maxLagWait, maxFramebufferSize, maxConnections);
    }

    /** @return a copy with a different frame pacing */
    public GatewayConfig withFramePacing(Duration shortestFrame, Duration longestLagWait) {
        return new GatewayConfig(bindAddress, port, recordingRoot, handshakeTimeout, clientTimeout, keepAlive,
                upstreamTimeout, shortestFrame, longestLagWait, maxFramebufferSize, maxConnections);
    }
}
