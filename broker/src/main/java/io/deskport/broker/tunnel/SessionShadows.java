package io.deskport.broker.tunnel;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.brokering.SessionAccess;
import io.deskport.broker.brokering.SessionState;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

/**
 * Shadowing, for admins and help desk: a one-time ticket to watch a session's screen, view only, through
 * {@value ShadowTickets#PATH}. Only a session whose user is attached now can be watched, and with the embedded
 * gateway only on the broker replica that serves its tunnel (the gateway listens on that replica's loopback
 * address; with a remote gateway every replica can join).
 */
@RestController
class SessionShadows {

    private final SessionAccess access;
    private final GatewayConnector gateway;
    private final ShadowTickets tickets;

    SessionShadows(SessionAccess access, GatewayConnector gateway, ShadowTickets tickets) {
        this.access = access;
        this.gateway = gateway;
        this.tickets = tickets;
    }

    /**
     * A shadow ticket.
     *
     * @param token     present it once, before {@code expiresAt}, as {@code ?token=} of the WebSocket at {@code path}
     * @param path      where to open the shadow's WebSocket (subprotocol {@code guacamole})
     * @param announced whether the session's user is told, in their portal, while the shadow is open
     */
    record ShadowTicket(String token, Instant expiresAt, String path, boolean announced) {
    }

    /**
     * A ticket to watch the session's screen (view only): the answer of {@code 201}; refused with {@code 409}
     * {@code SESSION_NOT_CONNECTED} (no client attached: {@code sessionState}), {@code SESSION_NOT_LIVE} (no desktop
     * stream runs) or {@code SESSION_ON_OTHER_BROKER} (the stream runs through another replica's embedded gateway).
     */
    @PostMapping("/api/v1/admin/sessions/{id}/shadow")
    @ResponseStatus(HttpStatus.CREATED)
    ShadowTicket shadow(AdminContext ctx, @PathVariable UUID id) {
        if (ctx.actor().userId() == null) {
            throw new ProblemException(Reason.FORBIDDEN, "Only a person may watch a session's screen");
        }
        SessionAccess.TunnelTarget target = access.target(id).filter(t -> t.tenantId().equals(ctx.tenantId()))
                .orElseThrow(() -> ProblemException.notFound("Session", id));
        if (target.state() != SessionState.CONNECTED) {
            throw new ProblemException(Reason.SESSION_NOT_CONNECTED, "The session is "
                    + target.state().name().toLowerCase() + ": nobody is looking at its screen, so there is nothing to watch",
                    Map.of("sessionState", target.state()));
        }
        if (target.tunnelId() == null) {
            throw new ProblemException(Reason.SESSION_NOT_LIVE, "The session counts as connected, but no desktop stream "
                    + "of it runs now", Map.of("sessionState", target.state()));
        }
        if (!gateway.canJoin(target.tunnelId())) {
            throw new ProblemException(Reason.SESSION_ON_OTHER_BROKER, "The session's desktop stream runs through the "
                    + "embedded gateway of another broker replica, which only that replica can reach: ask again (your "
                    + "request may reach that replica), or run a remote gateway that every replica reaches",
                    Map.of("gateway", "embedded"));
        }
        ShadowTickets.Ticket ticket = tickets.issue(id, target.tunnelId(), ctx.actor().userId(), ctx.tenantId());
        return new ShadowTicket(ticket.token(), ticket.expiresAt(), ShadowTickets.PATH, target.announceShadowing());
    }
}
