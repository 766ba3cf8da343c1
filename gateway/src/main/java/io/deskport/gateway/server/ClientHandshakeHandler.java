package io.deskport.gateway.server;

import io.deskport.gateway.protocol.GuacamoleStatus;
import io.deskport.gateway.protocol.InstructionParser;
import io.deskport.gateway.protocol.ProtocolException;
import io.deskport.gateway.protocol.ServerHandshake;
import io.deskport.gateway.recording.SessionRecording;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the Guacamole handshake on a freshly accepted socket and hands the client over: a new
 * {@link VncConnection} for {@code select,vnc}, or an existing one for {@code select,$id}.
 *
 * <p>Join rule: a joining user may send input only if the owner's connection is not read-only, the owner
 * set {@code allow-joined-input=true}, and the joiner's own {@code read-only} is empty or false.
 * Everyone else who joins watches only.
 */
final class ClientHandshakeHandler implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ClientHandshakeHandler.class);

    private final Socket socket;
    private final GatewayConfig config;
    private final ConnectionRegistry registry;
    private final GatewayMetrics metrics;

    ClientHandshakeHandler(Socket socket, GatewayConfig config, ConnectionRegistry registry, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.socket = socket;
        this.config = config;
        this.registry = registry;
    }

    @Override
    public void run() {
        ServerHandshake handshake = null;
        String peer = String.valueOf(socket.getRemoteSocketAddress());
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) config.handshakeTimeout().toMillis());
            InstructionParser parser = new InstructionParser(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
            handshake = new ServerHandshake(parser, out);
            String selected = handshake.readSelect();
            if (selected.startsWith("$")) {
                join(selected, handshake, parser, out, peer);
            } else if (selected.equals("vnc")) {
                open(handshake, parser, out, peer);
            } else {
                LOG.info("Client {} asked for unsupported protocol \"{}\"", peer, selected);
                handshake.sendError("Protocol \"" + selected + "\" is not supported.", GuacamoleStatus.UNSUPPORTED);
                close();
            }
        } catch (SocketTimeoutException e) {
            LOG.info("Client {} did not complete the handshake within {} s", peer, config.handshakeTimeout().toSeconds());
            fail(handshake, "Handshake timed out.", GuacamoleStatus.CLIENT_TIMEOUT);
        } catch (ProtocolException e) {
            LOG.info("Client {} failed the handshake: {}", peer, e.getMessage());
            fail(handshake, e.getMessage(), e.status());
        } catch (IOException | RuntimeException e) {
            LOG.info("Client {} handshake aborted: {}", peer, e.toString());
            close();
        } finally {
            registry.handshakeDone();
        }
    }

    private void open(ServerHandshake handshake, InstructionParser parser, OutputStream out, String peer) throws IOException {
        handshake.sendArgs(VncSettings.PARAMETERS);
        ServerHandshake.Result result = handshake.readConnect(VncSettings.PARAMETERS);
        VncSettings settings = VncSettings.parse(result.arguments());
        Recorder recorder;
        try {
            recorder = openRecorder(settings);
        } catch (IOException e) {
            LOG.warn("Client {}: session recording could not be started ({}); refusing the connection", peer, e.getMessage());
            fail(handshake, "Session recording could not be started.", GuacamoleStatus.SERVER_ERROR);
            return;
        }
        String id = "$" + UUID.randomUUID();
        handshake.sendReady(id);
        Viewer viewer = new Viewer(viewerName(result, peer), socket, parser, out, result.client(), !settings.readOnly(), config, metrics);
        VncConnection connection = new VncConnection(id, settings, config, recorder, registry::remove);
        registry.add(connection);
        LOG.info("Connection {} opened by {} ({}) to {}", id, viewer.id(), peer, settings);
        recorder.file().ifPresent(f -> LOG.info("Connection {} is recorded to {}", id, f));
        connection.start(viewer);
    }

    private void join(String id, ServerHandshake handshake, InstructionParser parser, OutputStream out, String peer) throws IOException {
        VncConnection connection = registry.find(id);
        if (connection == null) {
            LOG.info("Client {} asked to join unknown connection {}", peer, id);
            fail(handshake, "No such connection.", GuacamoleStatus.RESOURCE_NOT_FOUND);
            return;
        }
        handshake.sendArgs(VncSettings.PARAMETERS);
        ServerHandshake.Result result = handshake.readConnect(VncSettings.PARAMETERS);
        VncSettings owner = connection.settings();
        boolean joinerReadOnly = "true".equals(result.argument("read-only"));
        boolean interactive = !owner.readOnly() && owner.allowJoinedInput() && !joinerReadOnly;
        handshake.sendReady(connection.id());
        Viewer viewer = new Viewer(viewerName(result, peer), socket, parser, out, result.client(), interactive, config, metrics);
        if (!connection.join(viewer)) {
            fail(handshake, "No such connection.", GuacamoleStatus.RESOURCE_NOT_FOUND);
        }
    }

    private Recorder openRecorder(VncSettings settings) throws IOException {
        if (settings.recordingPath().isEmpty()) {
            return Recorder.NONE;
        }
        Path directory = Path.of(settings.recordingPath());
        Path root = config.recordingRoot();
        if (root != null) {
            directory = root.resolve(directory).normalize();
            if (!directory.startsWith(root.normalize())) {
                throw new IOException("recording-path " + settings.recordingPath() + " is outside " + root);
            }
        }
        SessionRecording recording = SessionRecording.create(directory, settings.recordingName(), settings.createRecordingPath());
        return new Recorder(recording, !settings.recordingExcludeOutput(), !settings.recordingExcludeMouse(),
                settings.recordingIncludeKeys());
    }

    private static String viewerName(ServerHandshake.Result result, String peer) {
        String name = result.client().name();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        return (name.isEmpty() ? "user" : name.replaceAll("[^\\w@.-]", "_")) + "@" + suffix;
    }

    private void fail(ServerHandshake handshake, String message, GuacamoleStatus status) {
        if (handshake != null) {
            try {
                handshake.sendError(message, status);
            } catch (IOException ignored) {
                // the client is gone already
            }
        }
        close();
    }

    private void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
