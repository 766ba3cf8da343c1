package io.deskport.broker.tunnel;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.deskport.broker.shared.PlatformSecrets;

/**
 * One-time shadow tickets: what lets an admin's browser open {@value #PATH} and watch one tunnel of a session,
 * issued by {@code POST /api/v1/admin/sessions/{id}/shadow}. Bound to the session, the tunnel its user is attached
 * through at the time, the admin and the tenant; valid as long as a tunnel ticket (at most 60 s) and redeemed once,
 * whichever replica receives it. Signed with a key of its own and a kind byte of its own: a shadow ticket never
 * opens a user's tunnel ({@link SignedTunnelTickets}), and a tunnel ticket never opens a shadow.
 */
@Component
class ShadowTickets {

    /** Where the browser presents a shadow ticket. */
    static final String PATH = "/tunnel/shadow";
    private static final String KEY_NAME = "shadow-ticket-signing-key";
    private static final byte KIND = 'S';
    private static final int PAYLOAD = 1 + 16 * 5 + 8;

    private final JdbcClient jdbc;
    private final Duration ttl;
    private final TicketSeal seal;
    private final Clock clock;

    @Autowired
    ShadowTickets(JdbcClient jdbc, PlatformSecrets secrets, TunnelProperties properties) {
        this(jdbc, secrets, properties, Clock.systemUTC());
    }

    ShadowTickets(JdbcClient jdbc, PlatformSecrets secrets, TunnelProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.ttl = properties.ticketTtl();
        this.seal = new TicketSeal(secrets.key(KEY_NAME), KIND, PAYLOAD);
        this.clock = clock;
    }

    /** A shadow ticket and until when it may be presented. */
    record Ticket(String token, Instant expiresAt) {
    }

    /**
     * What a valid shadow ticket grants: watching {@code tunnelId} of the session, as the admin {@code viewerId},
     * in the session's tenant.
     */
    record Grant(UUID ticketId, UUID sessionId, UUID tunnelId, UUID viewerId, UUID tenantId, Instant expiresAt) {
    }

    Ticket issue(UUID sessionId, UUID tunnelId, UUID viewerId, UUID tenantId) {
        Instant expires = clock.instant().plus(ttl);
        ByteBuffer body = seal.body();
        TicketSeal.put(body, UUID.randomUUID());
        TicketSeal.put(body, sessionId);
        TicketSeal.put(body, tunnelId);
        TicketSeal.put(body, viewerId);
        TicketSeal.put(body, tenantId);
        body.putLong(expires.getEpochSecond());
        return new Ticket(seal.seal(body), expires);
    }

    /**
     * Checks the ticket and uses it up.
     *
     * @return the grant, or empty when the ticket is malformed, of another kind, forged, expired or already used
     */
    Optional<Grant> redeem(String token) {
        return verify(token).filter(g -> TicketSeal.useUp(jdbc, g.ticketId(), g.sessionId(), g.expiresAt()));
    }

    /** @return the grant of a well-formed, genuine shadow ticket that has not expired (used or not) */
    Optional<Grant> verify(String token) {
        return seal.open(token)
                .map(b -> new Grant(TicketSeal.uuid(b), TicketSeal.uuid(b), TicketSeal.uuid(b), TicketSeal.uuid(b),
                        TicketSeal.uuid(b), Instant.ofEpochSecond(b.getLong())))
                .filter(g -> !g.expiresAt().isBefore(clock.instant()));
    }
}
