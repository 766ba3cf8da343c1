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
import io.deskport.broker.brokering.SessionConsoles;
import io.deskport.broker.brokering.SessionLifecycle;
import io.deskport.broker.brokering.SessionState;
import io.deskport.broker.shared.ConsoleAddress;
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
 * tunnel closed, learns what happened. After the first frame the stream is relayed in bulk. When the desktop is
 * live-migrated to another hypervisor host, its console moves: the tunnel follows it through a new gateway connection
 * instead of ending ({@link #followMove}).
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
    private final SessionConsoles consoles;
    private final TunnelProperties props;

    private BrowserSocket browser;
    private volatile GuacamoleTunnel tunnel;
    /** The console the gateway connection of {@link #tunnel} reaches, and how the browser's screen was last sized. */
    private volatile ConsoleAddress console;
    private volatile GatewayConnector.ClientScreen screen;
    private boolean recorded;
    /** The gateway's id of the connection (else the tunnel's own id): the session's tunnel id. */
    private volatile UUID attachment;
    private UUID sessionId;
    private CurrentUser user;
    private volatile String tunnelId = "";
    private volatile boolean closedByBroker;
    private long lastActivityReport;
    private int consoleFailuresBefore;
    private ClipboardFilter clipboard;

    TunnelEndpoint(SignedTunnelTickets tickets, SessionAccess access, SessionLifecycle lifecycle,
                   GatewayConnector gateway, LiveTunnels live, ConsoleAttempts consoleAttempts, Spans spans,
                   SessionConsoles consoles, TunnelProperties props) {
        this.consoles = consoles;
        this.props = props;
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
        screen = TunnelParameters.screen(params, target.userId().toString());
        recorded = target.recorded();
        try {
            console = target.console();
            tunnel = gateway.open(console, screen, recording());
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

    /** Where the gateway records the connection (a moved desktop's recording goes on in a file of its own). */
    private GatewayConnector.Recording recording() {
        return recorded ? new GatewayConnector.Recording(user.tenantId().toString(),
                sessionId + "-" + System.currentTimeMillis()) : null;
    }

    /**
     * Gateway → browser. When the gateway ends the connection because the desktop's console went away while the desktop
     * moves to another hypervisor host (a live migration of a host in maintenance), the gateway's closing {@code error}
     * is held back, the tunnel waits for the desktop's new console and goes on through a new gateway connection to it:
     * the browser keeps its tunnel and sees the desktop again.
     */
    private void toBrowser() {
        LogIds.put(user.tenantId(), user.userId(), sessionId);
        GuacamoleTunnel current = tunnel;
        GuacamoleReader reader = current.acquireReader();
        StringBuilder batch = new StringBuilder(8192);
        GuacamoleStatus status = GuacamoleStatus.SUCCESS;
        String message = "the desktop session closed";
        String heldEnd = null;
        try {
            if (!relayUntilFirstFrame(reader, batch)) {
                return;
            }
            while (true) {
                heldEnd = null;
                try {
                    heldEnd = relay(reader, batch);
                } catch (GuacamoleException e) {
                    if (!closedByBroker) {
                        status = e.getStatus();
                        message = e.getMessage();
                    }
                }
                if (closedByBroker) {
                    break;
                }
                GuacamoleTunnel next = followMove();
                if (next == null) {
                    break;
                }
                current.releaseReader();
                BrowserSocket.closeGateway(current, "tunnel " + tunnelId);
                current = next;
                reader = current.acquireReader();
                status = GuacamoleStatus.SUCCESS;
                message = "the desktop session closed";
            }
            if (heldEnd != null) {
                send(heldEnd); // the gateway's own words on why it ended
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
            current.releaseReader();
        }
        if (!closedByBroker) {
            close(status, message);
        }
    }

    /**
     * Relays the gateway's stream in bulk until it ends. The instructions a gateway ends with ({@code error},
     * {@code disconnect}) are held back — they may arrive in chunks of their own — until the stream ends; were more
     * to follow them, they go on first.
     *
     * @return the instructions that ended the stream, held back, or null when it ended without them
     */
    private String relay(GuacamoleReader reader, StringBuilder batch)
            throws GuacamoleException, IOException, ProtocolException {
        char[] chunk;
        String held = null;
        while ((chunk = reader.read()) != null) {
            int at = mayEnd(chunk) ? EndOfStream.start(chunk) : chunk.length;
            if (held != null && at > 0) {
                batch.append(held); // not the end after all
                held = null;
            }
            if (at < chunk.length) {
                String end = new String(chunk, at, chunk.length - at);
                held = held == null ? end : held + end;
                chunk = java.util.Arrays.copyOf(chunk, at);
            }
            clipboard.appendToBrowser(batch, chunk);
            if (!reader.available() || batch.length() >= 8192) {
                if (!batch.isEmpty()) {
                    send(batch.toString());
                }
                batch.setLength(0);
            }
            if (held != null && held.endsWith("10.disconnect;")) {
                break; // the gateway's last words
            }
        }
        if (!batch.isEmpty()) {
            send(batch.toString());
            batch.setLength(0);
        }
        return held;
    }

    /**
     * Whether a chunk may end with the gateway's closing instructions: {@code disconnect}, or an {@code error} (whose
     * last element is a three-digit status code). Cheap; {@link EndOfStream} then parses such a chunk.
     */
    static boolean mayEnd(char[] chunk) {
        int n = chunk.length;
        if (n >= DISCONNECT.length && endsWith(chunk, DISCONNECT)) {
            return true;
        }
        return n >= 7 && chunk[n - 1] == ';' && Character.isDigit(chunk[n - 2]) && Character.isDigit(chunk[n - 3])
                && Character.isDigit(chunk[n - 4]) && chunk[n - 5] == '.' && chunk[n - 6] == '3' && chunk[n - 7] == ',';
    }

    private static final char[] DISCONNECT = "10.disconnect;".toCharArray();

    private static boolean endsWith(char[] chunk, char[] suffix) {
        for (int i = 0; i < suffix.length; i++) {
            if (chunk[chunk.length - suffix.length + i] != suffix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The gateway's connection ended: if the session's desktop is moving to another host (or has just moved), waits
     * for its console there, up to {@code deskport.tunnel.console-move-wait}, and connects to it.
     *
     * @return the new gateway connection, or null when the desktop did not move (the end is real) or cannot be
     *         reached after its move
     */
    private GuacamoleTunnel followMove() {
        long deadline = System.nanoTime() + props.consoleMoveWait().toNanos();
        boolean sawMove = false;
        while (!closedByBroker && browser.isOpen()) {
            SessionConsoles.Whereabouts where;
            try {
                where = consoles.whereabouts(sessionId).orElse(null);
            } catch (RuntimeException e) {
                log.info("Tunnel {}: could not read where session {}'s desktop is: {}", tunnelId, sessionId,
                        e.getMessage());
                return null;
            }
            if (where == null) {
                return null; // the session ended meanwhile
            }
            sawMove |= where.moving();
            boolean moved = where.console() != null && !where.console().equals(console);
            if (!where.moving() && where.console() != null && (moved || sawMove)) {
                try {
                    GuacamoleTunnel next = gateway.open(where.console(), screen, recording());
                    UUID connection = GatewayConnector.connectionOf(next);
                    UUID continued = connection != null ? connection : next.getUUID();
                    UUID before = attachment;
                    // the new connection is the session's tunnel now (shadows join it), unless another took over
                    if (!lifecycle.tunnelContinued(sessionId, before, continued)) {
                        BrowserSocket.closeGateway(next, "tunnel " + tunnelId);
                        log.info("Tunnel {}: session {} was taken over or ended while its desktop moved", tunnelId, sessionId);
                        return null;
                    }
                    attachment = continued;
                    String previous = tunnelId;
                    tunnelId = continued.toString();
                    live.tunnelClosed(sessionId, previous); // shadows watching the old connection end with it
                    log.info("Tunnel {} (now {}): session {}'s desktop moved; the tunnel goes on to its console at {}",
                            previous, tunnelId, sessionId, where.console());
                    console = where.console();
                    tunnel = next;
                    if (closedByBroker || !browser.isOpen()) {
                        // closed meanwhile: its close may have closed the previous connection only
                        BrowserSocket.closeGateway(next, "tunnel " + tunnelId);
                        return null;
                    }
                    return next;
                } catch (GuacamoleException e) {
                    log.info("Tunnel {}: session {}'s desktop moved but its new console did not answer: {}", tunnelId,
                            sessionId, e.getMessage());
                    return null;
                }
            }
            if (!where.moving() && !sawMove) {
                return null; // not moving: the console really went away
            }
            if (System.nanoTime() > deadline) {
                log.info("Tunnel {}: session {}'s desktop is still moving after {}; the browser reconnects by itself",
                        tunnelId, sessionId, props.consoleMoveWait());
                return null;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        return null;
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
        if (moving()) {
            // its desktop is on its way to another host: not a failure of the desktop; the browser tries again
            log.info("Tunnel {}: session {}'s desktop is moving to another host; its console did not answer ({})",
                    tunnelId, sessionId, message);
            return;
        }
        live.unregister(sessionId, this);
        try {
            consoleAttempts.failed(sessionId, attachment, failure, message);
        } catch (RuntimeException e) {
            log.warn("Could not record that session {} could not reach its desktop ({}): {}", sessionId, failure, e.getMessage());
        }
    }

    private boolean moving() {
        try {
            return consoles.whereabouts(sessionId).map(SessionConsoles.Whereabouts::moving).orElse(false);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Browser → gateway: tunnel-internal instructions are answered here, the rest is forwarded. */
    private void fromBrowser(String message) {
        GuacamoleTunnel tunnel = this.tunnel;
        if (tunnel == null || !tunnel.isOpen()) {
            return; // between two gateway connections of a moving desktop, input is dropped
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
                    if ("size".equals(instruction.opcode())) {
                        resized(instruction.args());
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

    /** The browser's screen changed size: a later gateway connection (after a move) starts at this size. */
    private void resized(List<String> args) {
        try {
            if (args.size() >= 2) {
                int w = Integer.parseInt(args.get(0));
                int h = Integer.parseInt(args.get(1));
                if (w > 0 && h > 0) {
                    GatewayConnector.ClientScreen s = screen;
                    screen = new GatewayConnector.ClientScreen(w, h, s.dpi(), s.userName());
                }
            }
        } catch (NumberFormatException e) {
            // the gateway judges it
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
