package io.deskport.broker.tunnel;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;

import org.apache.guacamole.GuacamoleException;
import org.apache.guacamole.io.GuacamoleReader;
import org.apache.guacamole.io.GuacamoleWriter;
import org.apache.guacamole.net.GuacamoleTunnel;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.apache.guacamole.protocol.GuacamoleStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.deskport.broker.brokering.ConsoleAttempts;
import io.deskport.broker.brokering.ConsoleFailure;
import io.deskport.broker.brokering.SessionAccess;
import io.deskport.broker.brokering.SessionLifecycle;
import io.deskport.broker.brokering.SessionState;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.LogIds;
import io.deskport.broker.shared.Spans;
import io.deskport.broker.shared.ProblemException;
import io.deskport.gateway.protocol.Instruction;
import io.deskport.gateway.protocol.InstructionFeed;
import io.deskport.gateway.protocol.ProtocolException;

/**
 * One browser tunnel ({@code /tunnel?token=…&width=…&height=…&dpi=…}, subprotocol {@code guacamole}),
 * created per WebSocket connection. It redeems the one-time ticket, attaches to the session's desktop
 * through the gateway, then relays instructions both ways: the tunnel's own instructions (opcode "",
 * e.g. {@code ping}) are answered here and never forwarded; user input keeps the session's idle timer
 * fresh. Closing it disconnects the session unless another tunnel took over.
 *
 * <p>Until the desktop's first frame ({@code sync}) the gateway's instructions are read one by one: an
 * {@code error} there means the desktop could not be reached, which is recorded on the session
 * ({@link ConsoleAttempts}) before the error is passed on, so that the browser, asking the broker why its
 * tunnel closed, learns what happened. After the first frame the stream is relayed in bulk.
 *
 * <p>The tunnel's id on the server side (the session's current tunnel) is the gateway's id of its connection, so
 * that an admin can watch it ({@link ShadowEndpoint}); the browser is told a random id of its own. While someone
 * watches, the browser may be told so ({@link ShadowNotice}); when this tunnel closes, the shadows watching it
 * close too.
 *
 * <p>The pool's clipboard policy holds both ways ({@link ClipboardFilter}): a refused direction's clipboard
 * streams are dropped here.
 */
class TunnelEndpoint extends Endpoint {

    private static final Logger log = LoggerFactory.getLogger(TunnelEndpoint.class);
    private static final int MAX_MESSAGE = 64 * 1024;
    private static final long ACTIVITY_EVERY_MS = 30_000;
    private static final Set<String> INPUT = Set.of("key", "mouse", "touch", "clipboard", "size");

    private final SignedTunnelTickets tickets;
    private final SessionAccess access;
    private final SessionLifecycle lifecycle;
    private final GatewayConnector gateway;
    private final LiveTunnels live;
    private final ConsoleAttempts consoleAttempts;
    private final Spans spans;

    private BrowserSocket browser;
    private GuacamoleTunnel tunnel;
    /** The gateway's id of the connection (else the tunnel's own id): the session's tunnel id. */
    private UUID attachment;
    private UUID sessionId;
    private CurrentUser user;
    private volatile String tunnelId = "";
    private volatile boolean closedByBroker;
    private long lastActivityReport;
    private int consoleFailuresBefore;
    private ClipboardFilter clipboard;

    TunnelEndpoint(SignedTunnelTickets tickets, SessionAccess access, SessionLifecycle lifecycle,
                   GatewayConnector gateway, LiveTunnels live, ConsoleAttempts consoleAttempts, Spans spans) {
        this.spans = spans;
        this.consoleAttempts = consoleAttempts;
        this.tickets = tickets;
        this.access = access;
        this.lifecycle = lifecycle;
        this.gateway = gateway;
        this.live = live;
    }

    String tunnelId() {
        return tunnelId;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        try (Spans.Traced span = spans.start("deskport.tunnel.open")) {
            open(session, span);
        } finally {
            LogIds.clear();
        }
    }

    private void open(Session session, Spans.Traced span) {
        this.browser = new BrowserSocket(session, () -> "tunnel " + tunnelId);
        session.setMaxTextMessageBufferSize(MAX_MESSAGE);
        session.setMaxIdleTimeout(30_000);
        if (!live.accepting()) {
            // a stopping broker: the browser reconnects at once, and the load balancer sends it to a ready replica
            close(GuacamoleStatus.SERVER_BUSY, "this broker is shutting down");
            return;
        }
        Map<String, List<String>> params = session.getRequestParameterMap();
        var grant = tickets.redeem(TunnelParameters.first(params, "token"));
        if (grant.isEmpty()) {
            close(GuacamoleStatus.CLIENT_UNAUTHORIZED, "tunnel ticket invalid, expired or already used");
            return;
        }
        var target = access.target(grant.get().sessionId()).orElse(null);
        if (target == null || !target.userId().equals(grant.get().userId())
                || !target.tenantId().equals(grant.get().tenantId())) {
            close(GuacamoleStatus.RESOURCE_NOT_FOUND, "no such session");
            return;
        }
        if (target.state() == SessionState.PREPARING || target.state() == SessionState.ENDED) {
            close(GuacamoleStatus.RESOURCE_CONFLICT, "session is " + target.state());
            return;
        }
        if (target.console() == null) {
            close(GuacamoleStatus.UPSTREAM_NOT_FOUND, "the desktop has no reachable console");
            return;
        }
        sessionId = target.sessionId();
        LogIds.put(target.tenantId(), target.userId(), sessionId);
        span.tag("deskport.tenant.id", target.tenantId()).tag("deskport.user.id", target.userId())
                .tag("deskport.session.id", sessionId);
        consoleFailuresBefore = target.consoleFailures();
        clipboard = new ClipboardFilter(target.clipboardToDesktop(), target.clipboardFromDesktop(), this::sendQuietly);
        user = new CurrentUser(target.userId(), target.tenantId(), "tunnel", Set.of());
        GatewayConnector.ClientScreen screen = TunnelParameters.screen(params, target.userId().toString());
        try {
            GatewayConnector.Recording recording = target.recorded() ? new GatewayConnector.Recording(
                    target.tenantId().toString(), sessionId + "-" + System.currentTimeMillis()) : null;
            tunnel = gateway.open(target.console(), screen, recording);
        } catch (GuacamoleException e) {
            log.info("Tunnel for session {} could not reach its desktop: {}", sessionId, e.getMessage());
            close(e.getStatus(), e.getMessage());
            return;
        }
        UUID connection = GatewayConnector.connectionOf(tunnel);
        attachment = connection != null ? connection : tunnel.getUUID();
        tunnelId = attachment.toString();
        span.tag("deskport.tunnel.id", tunnelId);
        boolean attached;
        try {
            attached = lifecycle.markConnected(sessionId, attachment, user);
        } catch (ProblemException refused) {
            // a seat given back at disconnect, and none free now
            closeTunnel();
            close(GuacamoleStatus.SERVER_BUSY, refused.getMessage());
            return;
        }
        if (!attached) {
            closeTunnel();
            close(GuacamoleStatus.RESOURCE_CONFLICT, "the session ended meanwhile");
            return;
        }
        live.register(sessionId, this);
        live.announceTakeover(sessionId, attachment);
        try {
            String browserId = tunnel.getUUID().toString(); // never the gateway's id
            send("0.," + browserId.length() + "." + browserId + ";");
        } catch (IOException e) {
            log.debug("Tunnel {}: the browser left during the handshake", tunnelId);
            closeTunnel();
            return;
        }
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) this::fromBrowser);
        Thread.ofVirtual().name("tunnel-" + tunnelId).start(this::toBrowser);
        log.info("Tunnel {} attached session {} ({}x{})", tunnelId, sessionId, screen.width(), screen.height());
    }

    /** Gateway → browser. */
    private void toBrowser() {
        LogIds.put(user.tenantId(), user.userId(), sessionId);
        GuacamoleReader reader = tunnel.acquireReader();
        StringBuilder batch = new StringBuilder(8192);
        GuacamoleStatus status = GuacamoleStatus.SUCCESS;
        String message = "the desktop session closed";
        try {
            if (!relayUntilFirstFrame(reader, batch)) {
                return;
            }
            char[] chunk;
            while ((chunk = reader.read()) != null) {
                clipboard.appendToBrowser(batch, chunk);
                if (!reader.available() || batch.length() >= 8192) {
                    send(batch.toString());
                    batch.setLength(0);
                }
            }
        } catch (GuacamoleException e) {
            if (!closedByBroker) {
                status = e.getStatus();
                message = e.getMessage();
            }
        } catch (ProtocolException e) {
            log.info("Tunnel {}: the gateway's stream broke the protocol: {}", tunnelId, e.getMessage());
            status = GuacamoleStatus.SERVER_ERROR;
            message = "the gateway's stream broke the protocol";
        } catch (IOException e) {
            log.debug("Tunnel {}: the browser went away ({})", tunnelId, e.getMessage());
        } finally {
            tunnel.releaseReader();
        }
        if (!closedByBroker) {
            close(status, message);
        }
    }

    /**
     * Relays the gateway's instructions one by one until the desktop's first frame.
     *
     * @return false when the stream ended before it (an {@code error} about the desktop has been recorded)
     */
    private boolean relayUntilFirstFrame(GuacamoleReader reader, StringBuilder batch) throws GuacamoleException, IOException {
        GuacamoleInstruction instruction;
        while ((instruction = reader.readInstruction()) != null) {
            if ("error".equals(instruction.getOpcode())) {
                recordUpstreamError(instruction.getArgs());
            }
            if (!clipboard.passesToBrowser(instruction.getOpcode(), instruction.getArgs())) {
                continue;
            }
            batch.append(instruction);
            if (!reader.available() || batch.length() >= 8192) {
                send(batch.toString());
                batch.setLength(0);
            }
            if ("sync".equals(instruction.getOpcode())) {
                if (consoleFailuresBefore > 0) {
                    consoleFailuresBefore = 0;
                    Thread.ofVirtual().start(() -> {
                        try {
                            consoleAttempts.reached(sessionId);
                        } catch (RuntimeException e) {
                            log.debug("Could not clear the console failures of session {}: {}", sessionId, e.getMessage());
                        }
                    });
                }
                return true;
            }
        }
        if (!batch.isEmpty()) {
            send(batch.toString());
        }
        if (!closedByBroker) {
            close(GuacamoleStatus.SUCCESS, "the desktop session closed");
        }
        return false;
    }

    /**
     * The gateway could not reach the desktop: recorded on the session (which detaches this tunnel, or ends
     * the session after a few failures) before the browser hears of it. This tunnel leaves the live set
     * first, so that the change it causes does not close it before the error has been passed on.
     */
    private void recordUpstreamError(List<String> args) {
        int status;
        try {
            status = args.size() >= 2 ? Integer.parseInt(args.get(1)) : -1;
        } catch (NumberFormatException e) {
            status = -1;
        }
        String message = args.isEmpty() ? "" : args.getFirst();
        ConsoleFailure failure = UpstreamErrors.classify(status, message).orElse(null);
        if (failure == null) {
            log.info("Tunnel {}: the gateway ended session {} with status {} ({})", tunnelId, sessionId, status, message);
            return;
        }
        live.unregister(sessionId, this);
        try {
            consoleAttempts.failed(sessionId, attachment, failure, message);
        } catch (RuntimeException e) {
            log.warn("Could not record that session {} could not reach its desktop ({}): {}", sessionId, failure, e.getMessage());
        }
    }

    /** Browser → gateway: tunnel-internal instructions are answered here, the rest is forwarded. */
    private void fromBrowser(String message) {
        if (tunnel == null || !tunnel.isOpen()) {
            return;
        }
        InstructionFeed feed = new InstructionFeed();
        GuacamoleWriter writer = tunnel.acquireWriter();
        try {
            feed.append(message);
            for (Instruction instruction = feed.next(); instruction != null; instruction = feed.next()) {
                if (instruction.opcode().isEmpty()) {
                    answerInternal(instruction);
                } else {
                    if (INPUT.contains(instruction.opcode())) {
                        reportActivity();
                    }
                    if (clipboard.passesFromBrowser(instruction)) {
                        writer.write(instruction.encode().toCharArray());
                    }
                }
            }
        } catch (ProtocolException | GuacamoleException e) {
            log.info("Tunnel {}: refused input from the browser: {}", tunnelId, e.getMessage());
            close(GuacamoleStatus.CLIENT_BAD_REQUEST, "malformed instruction");
        } catch (IOException e) {
            log.debug("Tunnel {}: the browser went away ({})", tunnelId, e.getMessage());
        } finally {
            tunnel.releaseWriter();
        }
    }

    private void answerInternal(Instruction instruction) throws IOException {
        List<String> args = instruction.args();
        if (!args.isEmpty() && "ping".equals(args.getFirst()) && args.size() == 2) {
            send(new GuacamoleInstruction("", "ping", args.get(1)).toString());
        }
    }

    private void reportActivity() {
        long now = System.currentTimeMillis();
        if (now - lastActivityReport >= ACTIVITY_EVERY_MS) {
            lastActivityReport = now;
            Thread.ofVirtual().start(() -> {
                try {
                    lifecycle.recordActivity(sessionId);
                } catch (RuntimeException e) {
                    log.debug("Could not record activity of session {}: {}", sessionId, e.getMessage());
                }
            });
        }
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        try {
            closed(reason);
        } finally {
            LogIds.clear();
        }
    }

    private void closed(CloseReason reason) {
        closeTunnel();
        if (sessionId != null) {
            LogIds.put(user.tenantId(), user.userId(), sessionId);
            live.unregister(sessionId, this);
            live.tunnelClosed(sessionId, tunnelId);
            if (!closedByBroker && attachment != null) {
                try {
                    lifecycle.markTunnelClosed(sessionId, attachment, user);
                } catch (RuntimeException e) {
                    log.warn("Could not mark session {} disconnected after its tunnel closed: {}", sessionId, e.getMessage());
                }
            }
            log.info("Tunnel {} of session {} closed ({})", tunnelId, sessionId, reason.getReasonPhrase());
        }
    }

    @Override
    public void onError(Session session, Throwable error) {
        log.debug("Tunnel {} failed: {}", tunnelId, error.toString());
    }

    /** Closes this tunnel because the session changed elsewhere (ended, disconnected, taken over). */
    void closeFromBroker(GuacamoleStatus status) {
        closedByBroker = true;
        close(status, status.name()); // first, so the browser learns why rather than a plain end of stream
        closeTunnel();
    }

    /**
     * This broker stops: the session is left DISCONNECTED (as when a browser's network drops: resumable, its
     * disconnect timeout running, nothing ended) and the browser is told {@code SERVER_BUSY}, which the portal
     * answers with a fresh ticket and a new tunnel (to another replica). The session is marked before the close, so
     * that the browser, asking for the session's state, finds it settled.
     */
    void handOver() {
        closedByBroker = true;
        if (sessionId != null) {
            live.unregister(sessionId, this);
            if (attachment != null) {
                try {
                    lifecycle.markTunnelClosed(sessionId, attachment, user);
                } catch (RuntimeException e) {
                    log.warn("Could not mark session {} disconnected while its broker stops: {}", sessionId, e.getMessage());
                }
            }
        }
        close(GuacamoleStatus.SERVER_BUSY, "this broker is shutting down; reconnect");
        closeTunnel();
    }

    /** Tells the browser that someone started or stopped watching this screen. */
    void show(ShadowNotice notice) {
        try {
            send(notice.instruction());
        } catch (IOException e) {
            log.debug("Tunnel {}: the browser left before it was told of shadow {}", tunnelId, notice.shadowId());
        }
    }

    private void closeTunnel() {
        BrowserSocket.closeGateway(tunnel, "tunnel " + tunnelId);
    }

    /** Sends an answer of the broker's own; a browser that left meanwhile is noticed by the relay. */
    private void sendQuietly(String text) {
        browser.sendQuietly(text);
    }

    private void send(String text) throws IOException {
        browser.send(text);
    }

    /** Closes the WebSocket the way guacamole-common-js understands: the reason is the Guacamole status code. */
    private void close(GuacamoleStatus status, String why) {
        browser.close(status, why);
    }
}
