package io.deskport.gateway.server;

import io.deskport.gateway.protocol.GuacamoleStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A guacd-compatible display gateway: accepts Guacamole protocol connections (for example from
 * guacamole-common's {@code ConfiguredGuacamoleSocket}) and serves them from VNC desktops.
 *
 * <pre>{@code
 * GatewayServer gateway = new GatewayServer(GatewayConfig.defaults().withListen(InetAddress.getLoopbackAddress(), 0));
 * gateway.start();
 * int port = gateway.port();          // the bound port (ephemeral here)
 * ...
 * gateway.stop();                     // ends every connection
 * }</pre>
 *
 * Thread-safe. Each client uses two virtual threads (input and output) and each desktop connection one
 * platform thread (RFB reading and display encoding, whose CPU time paces the frames).
 */
public final class GatewayServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GatewayServer.class);

    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final ConnectionRegistry registry = new ConnectionRegistry();
    private ServerSocket serverSocket;
    private Thread acceptor;
    private volatile boolean running;

    /** @param config listen address, timeouts and limits */
    public GatewayServer(GatewayConfig config) {
        this(config, GatewayMetrics.none());
    }

    /**
     * @param config  listen address, timeouts and limits
     * @param metrics where frames, bytes, input latency and open connections are counted
     */
    public GatewayServer(GatewayConfig config, GatewayMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        metrics.connectionsFrom(() -> registry.all().size());
    }

    /**
     * Binds the listening socket and starts accepting clients.
     *
     * @return this server
     * @throws IOException if the address cannot be bound
     * @throws IllegalStateException if already started
     */
    public synchronized GatewayServer start() throws IOException {
        if (serverSocket != null) {
            throw new IllegalStateException("Gateway already started");
        }
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(config.bindAddress(), config.port()), 128);
        serverSocket = socket;
        running = true;
        acceptor = Thread.ofPlatform().name("gateway-accept-" + socket.getLocalPort()).daemon(true).start(this::acceptLoop);
        LOG.info("Gateway listening on {}:{}", config.bindAddress().getHostAddress(), socket.getLocalPort());
        return this;
    }

    /**
     * @return the port the server listens on (the actual one when configured with port 0)
     * @throws IllegalStateException if not started
     */
    public synchronized int port() {
        if (serverSocket == null) {
            throw new IllegalStateException("Gateway not started");
        }
        return serverSocket.getLocalPort();
    }

    /** @return the address and port the server listens on */
    public synchronized InetSocketAddress address() {
        return new InetSocketAddress(config.bindAddress(), port());
    }

    /** @return whether the server accepts connections */
    public boolean isRunning() {
        return running;
    }

    /** @return the connections currently served */
    public List<ActiveConnection> connections() {
        return List.copyOf(registry.all());
    }

    /** @return the connection with the given id (including the leading {@code $}), if active */
    public Optional<ActiveConnection> connection(String id) {
        return Optional.ofNullable(registry.find(id));
    }

    /** Stops accepting clients and ends every connection. Idempotent. */
    public synchronized void stop() {
        if (serverSocket == null || !running) {
            return;
        }
        running = false;
        try {
            serverSocket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (VncConnection c : registry.all()) {
            c.end("The gateway is shutting down.", GuacamoleStatus.SERVER_ERROR);
        }
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Gateway on port {} stopped", serverSocket.getLocalPort());
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    private void acceptLoop() {
        while (running) {
            Socket client;
            try {
                client = serverSocket.accept();
            } catch (IOException e) {
                if (running) {
                    LOG.warn("Accepting a client failed: {}", e.toString());
                    continue;
                }
                return;
            }
            int open = registry.handshakeStarted() + countViewers();
            if (open > config.maxConnections()) {
                registry.handshakeDone();
                refuseBusy(client);
                continue;
            }
            Thread.ofVirtual().name("gateway-handshake").start(new ClientHandshakeHandler(client, config, registry, metrics));
        }
    }

    private int countViewers() {
        int n = 0;
        for (VncConnection c : registry.all()) {
            n += c.viewerCount();
        }
        return n;
    }

    private static void refuseBusy(Socket client) {
        LOG.warn("Refusing client {}: too many connections", client.getRemoteSocketAddress());
        try (client; OutputStream out = client.getOutputStream()) {
            String msg = "Server busy.";
            out.write(("5.error," + msg.length() + "." + msg + ",3." + GuacamoleStatus.SERVER_BUSY.code()
                    + ";10.disconnect;").getBytes(StandardCharsets.UTF_8));
        } catch (IOException ignored) {
            // nothing more to do
        }
    }
}
