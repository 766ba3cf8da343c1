package io.deskport.broker.tunnel;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;

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

import io.deskport.broker.brokering.SessionAccess;
import io.deskport.broker.brokering.SessionState;
import io.deskport.gateway.protocol.Instruction;
import io.deskport.gateway.protocol.InstructionFeed;
import io.deskport.gateway.protocol.ProtocolException;

/**
 * An admin's or help-desk agent's view of a session's screen ({@value ShadowTickets#PATH}{@code ?token=…}, subprotocol
 * {@code guacamole}), created per WebSocket connection. It redeems the one-time shadow ticket, joins the gateway's
 * connection of the tunnel the session's user is attached through — as a read-only joiner — and relays: the screen
 * to the browser (without the user's clipboard), and from the browser only frame acknowledgements and keep-alives
 * ({@link ShadowFilter}): no key, click, clipboard or size of the shadow's ever reaches the desktop.
 *
 * <p>It is audited (started and ended, {@link ShadowAudit}) and, where the pool says so, announced to the user's
 * browser ({@link ShadowNotice}). It ends when the viewer closes it, or when the tunnel it watches closes (the user
 * disconnected, logged off or reconnected elsewhere: {@link LiveTunnels}).
 */
class ShadowEndpoint extends Endpoint {

    private static final Logger log = LoggerFactory.getLogger(ShadowEndpoint.class);
    private static final int MAX_MESSAGE = 64 * 1024;

    private final ShadowTickets tickets;
    private final SessionAccess access;
    private final GatewayConnector gateway;
    private final LiveTunnels live;
    private final ShadowAudit audit;

    private final ShadowFilter filter = new ShadowFilter();
    private final UUID shadowId = UUID.randomUUID();
    /** Set as soon as anyone ends the shadow (before the gateway's connection is left, so its end is not taken for the gateway's). */
    private final AtomicBoolean ending = new AtomicBoolean();
    private final AtomicBoolean endAudited = new AtomicBoolean();
    private BrowserSocket browser;
    private volatile GuacamoleTunnel tunnel;
    private ShadowTickets.Grant grant;
    private SessionAccess.TunnelTarget target;
    private ShadowAudit.Viewer viewer;
    private volatile String watchedTunnel = "";
    private volatile ShadowAudit.EndedBy endedBy = ShadowAudit.EndedBy.VIEWER;
    /** Set once the start is audited (and announced): from then on its end is too. */
    private volatile boolean started;
    private long startedAt;

    ShadowEndpoint(ShadowTickets tickets, SessionAccess access, GatewayConnector gateway, LiveTunnels live,
                   ShadowAudit audit) {
        this.tickets = tickets;
        this.access = access;
        this.gateway = gateway;
        this.live = live;
        this.audit = audit;
    }

    UUID shadowId() {
        return shadowId;
    }

    /** @return the session's tunnel this shadow watches ("" before it joined) */
    String watchedTunnel() {
        return watchedTunnel;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        this.browser = new BrowserSocket(session, () -> "shadow " + shadowId);
        session.setMaxTextMessageBufferSize(MAX_MESSAGE);
        session.setMaxIdleTimeout(30_000);
        Map<String, List<String>> params = session.getRequestParameterMap();
        grant = tickets.redeem(TunnelParameters.first(params, "token")).orElse(null);
        if (grant == null) {
            close(GuacamoleStatus.CLIENT_UNAUTHORIZED, "shadow ticket invalid, expired or already used");
            return;
        }
        target = access.target(grant.sessionId()).filter(t -> t.tenantId().equals(grant.tenantId())).orElse(null);
        if (target == null) {
            close(GuacamoleStatus.RESOURCE_NOT_FOUND, "no such session");
            return;
        }
        if (target.state() != SessionState.CONNECTED || !grant.tunnelId().equals(target.tunnelId())) {
            close(GuacamoleStatus.RESOURCE_CONFLICT, "the session's screen closed since the ticket was issued");
            return;
        }
        if (!gateway.canJoin(grant.tunnelId())) {
            close(GuacamoleStatus.UPSTREAM_UNAVAILABLE, "the session's desktop stream runs on another broker");
            return;
        }
        viewer = audit.viewer(grant.viewerId()).orElse(null);
        if (viewer == null) {
            close(GuacamoleStatus.CLIENT_UNAUTHORIZED, "the viewer no longer exists");
            return;
        }
        try {
            tunnel = gateway.join(grant.tunnelId(), TunnelParameters.screen(params, "shadow-" + viewer.username()));
        } catch (GuacamoleException e) {
            log.info("Shadow of session {} could not join its tunnel {}: {}", grant.sessionId(), grant.tunnelId(), e.getMessage());
            close(e.getStatus(), e.getMessage());
            return;
        }
        watchedTunnel = grant.tunnelId().toString();
        live.registerShadow(grant.sessionId(), this);
        // the user's tunnel may have closed between the check above and the registration
        boolean stillWatched = access.target(grant.sessionId()).map(t -> t.state() == SessionState.CONNECTED
                && grant.tunnelId().equals(t.tunnelId())).orElse(false);
        if (!stillWatched) {
            close(GuacamoleStatus.SESSION_CLOSED, "the session's screen closed");
            end();
            return;
        }
        startedAt = System.nanoTime();
        try {
            audit.started(target.tenantId(), target.sessionId(), target.userId(), shadowId, viewer, target.announceShadowing());
            started = true;
            if (target.announceShadowing()) {
                live.announceShadow(target.sessionId(), grant.tunnelId(), new ShadowNotice(true, shadowId, viewer.displayName()));
            }
        } catch (RuntimeException e) {
            // no shadow without its audit line and its announcement
            log.warn("Shadow of session {} refused: it could not be recorded or announced ({})", grant.sessionId(),
                    e.getMessage());
            endedBy = ShadowAudit.EndedBy.BROKER;
            close(GuacamoleStatus.SERVER_ERROR, "the shadow could not be recorded");
            end();
            return;
        }
        try {
            String browserId = UUID.randomUUID().toString();
            send("0.," + browserId.length() + "." + browserId + ";");
        } catch (IOException e) {
            log.debug("Shadow {}: the browser left during the handshake", shadowId);
            end();
            return;
        }
        session.addMessageHandler(String.class, (MessageHandler.Whole<String>) this::fromBrowser);
        Thread.ofVirtual().name("shadow-" + shadowId).start(this::toBrowser);
        log.info("Shadow {}: {} watches session {} (tunnel {}), view only{}", shadowId, viewer.username(),
                target.sessionId(), watchedTunnel, target.announceShadowing() ? ", announced to the user" : "");
    }

    /** Gateway → browser: the screen, without the user's clipboard. */
    private void toBrowser() {
        GuacamoleReader reader = tunnel.acquireReader();
        StringBuilder batch = new StringBuilder(8192);
        GuacamoleStatus status = GuacamoleStatus.SUCCESS;
        try {
            GuacamoleInstruction instruction;
            while ((instruction = reader.readInstruction()) != null) {
                if (filter.toBrowser(instruction.getOpcode(), instruction.getArgs())) {
                    batch.append(instruction);
                }
                if (!batch.isEmpty() && (!reader.available() || batch.length() >= 8192)) {
                    send(batch.toString());
                    batch.setLength(0);
                }
            }
            if (!batch.isEmpty()) {
                send(batch.toString());
            }
        } catch (GuacamoleException e) {
            status = e.getStatus();
        } catch (IOException e) {
            log.debug("Shadow {}: the browser went away ({})", shadowId, e.getMessage());
        } finally {
            tunnel.releaseReader();
        }
        if (!ending.get()) {
            endedBy = ShadowAudit.EndedBy.GATEWAY;
            close(status, "the desktop stream ended");
        }
        end();
    }

    /** Browser → gateway: the tunnel's own pings answered here, acknowledgements and keep-alives on, the rest dropped. */
    private void fromBrowser(String message) {
        GuacamoleTunnel t = tunnel;
        if (t == null || !t.isOpen()) {
            return;
        }
        InstructionFeed feed = new InstructionFeed();
        GuacamoleWriter writer = t.acquireWriter();
        try {
            feed.append(message);
            for (Instruction instruction = feed.next(); instruction != null; instruction = feed.next()) {
                if (instruction.opcode().isEmpty()) {
                    List<String> args = instruction.args();
                    if (args.size() == 2 && "ping".equals(args.getFirst())) {
                        send(new GuacamoleInstruction("", "ping", args.get(1)).toString());
                    }
                } else if ("disconnect".equals(instruction.opcode())) {
                    ending.set(true);
                    close(GuacamoleStatus.SUCCESS, "the viewer left");
                    end();
                    return;
                } else if (filter.fromBrowser(instruction.opcode())) {
                    writer.write(instruction.encode().toCharArray());
                } else if (filter.dropped() == 1) {
                    log.info("Shadow {}: dropping the viewer's input ({} and whatever follows): a shadow only watches",
                            shadowId, instruction.opcode());
                }
            }
        } catch (ProtocolException | GuacamoleException e) {
            log.info("Shadow {}: refused a message from the browser: {}", shadowId, e.getMessage());
            close(GuacamoleStatus.CLIENT_BAD_REQUEST, "malformed instruction");
        } catch (IOException e) {
            log.debug("Shadow {}: the browser went away ({})", shadowId, e.getMessage());
        } finally {
            t.releaseWriter();
        }
    }

    @Override
    public void onClose(Session session, CloseReason reason) {
        end();
    }

    @Override
    public void onError(Session session, Throwable error) {
        log.debug("Shadow {} failed: {}", shadowId, error.toString());
    }

    /** Closes this shadow because the tunnel it watches closed (or the broker stops). */
    void closeFromBroker(GuacamoleStatus status) {
        endedBy = status == GuacamoleStatus.SERVER_BUSY ? ShadowAudit.EndedBy.BROKER : ShadowAudit.EndedBy.SESSION;
        ending.set(true);
        close(status, status.name());
        end();
    }

    /** Leaves the gateway's connection; once started, once: the audit line of the end and the user's notice. */
    private void end() {
        ending.set(true);
        closeGateway();
        if (grant != null) {
            live.unregisterShadow(grant.sessionId(), this);
        }
        if (!started || !endAudited.compareAndSet(false, true)) {
            return;
        }
        long seconds = (System.nanoTime() - startedAt) / 1_000_000_000L;
        try {
            audit.ended(target.tenantId(), target.sessionId(), target.userId(), shadowId, viewer, seconds, endedBy,
                    filter.dropped());
        } catch (RuntimeException e) {
            log.warn("Could not record the end of shadow {} of session {}: {}", shadowId, target.sessionId(), e.getMessage());
        }
        if (target.announceShadowing()) {
            try {
                live.announceShadow(target.sessionId(), grant.tunnelId(), new ShadowNotice(false, shadowId, viewer.displayName()));
            } catch (RuntimeException e) {
                log.warn("Could not tell the user of session {} that shadow {} ended: {}", target.sessionId(), shadowId,
                        e.getMessage());
            }
        }
        log.info("Shadow {} of session {} ended after {} s ({}; {} input instructions dropped)", shadowId,
                target.sessionId(), seconds, endedBy, filter.dropped());
    }

    private void closeGateway() {
        BrowserSocket.closeGateway(tunnel, "shadow " + shadowId);
    }

    private void send(String text) throws IOException {
        browser.send(text);
    }

    /** Closes the WebSocket the way guacamole-common-js understands: the reason is the Guacamole status code. */
    private void close(GuacamoleStatus status, String why) {
        browser.close(status, why);
    }
}
