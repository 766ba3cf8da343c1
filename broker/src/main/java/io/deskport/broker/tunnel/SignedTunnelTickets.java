package io.deskport.broker.tunnel;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.brokering.Session;
import io.deskport.broker.brokering.TunnelTickets;
import io.deskport.broker.shared.PlatformSecrets;

/**
 * One-time tunnel tickets, bound to a session and its user, valid at most 60 s.
 *
 * <p>A ticket is signed (HMAC-SHA256 with a key kept in the database), so every broker replica can
 * verify it without a write on the connect path; redeeming it records its id in the database under a
 * primary key, so it opens one tunnel only, whichever replica receives it. Its key and kind are its own: a
 * shadow ticket ({@link ShadowTickets}) never opens a user's tunnel, nor a tunnel ticket a shadow.
 */
@Component
class SignedTunnelTickets implements TunnelTickets {

    private static final String KEY_NAME = "tunnel-ticket-signing-key";
    private static final byte KIND = 1;
    private static final int PAYLOAD = 1 + 16 * 4 + 8;

    private final JdbcClient jdbc;
    private final TunnelProperties properties;
    private final TicketSeal seal;

    SignedTunnelTickets(JdbcClient jdbc, PlatformSecrets secrets, TunnelProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.seal = new TicketSeal(secrets.key(KEY_NAME), KIND, PAYLOAD);
    }

    /** What a valid ticket grants. */
    record Grant(UUID ticketId, UUID sessionId, UUID userId, UUID tenantId, Instant expiresAt) {
    }

    @Override
    public Ticket issue(Session session) {
        Instant expires = Instant.now().plus(properties.ticketTtl());
        ByteBuffer payload = seal.body();
        TicketSeal.put(payload, UUID.randomUUID());
        TicketSeal.put(payload, session.id());
        TicketSeal.put(payload, session.userId());
        TicketSeal.put(payload, session.tenantId());
        payload.putLong(expires.getEpochSecond());
        return new Ticket(seal.seal(payload), expires, "/tunnel");
    }

    /**
     * Checks the ticket and uses it up.
     *
     * @return the grant, or empty when the ticket is malformed, forged, expired or already used
     */
    @Transactional
    public Optional<Grant> redeem(String token) {
        return verify(token).filter(g -> TicketSeal.useUp(jdbc, g.ticketId(), g.sessionId(), g.expiresAt()));
    }

    Optional<Grant> verify(String token) {
        return seal.open(token)
                .map(b -> new Grant(TicketSeal.uuid(b), TicketSeal.uuid(b), TicketSeal.uuid(b), TicketSeal.uuid(b),
                        Instant.ofEpochSecond(b.getLong())))
                .filter(g -> !g.expiresAt().isBefore(Instant.now()));
    }

    /** Forgets used tickets (of every kind) once they would have expired anyway. */
    void forgetExpired() {
        jdbc.sql("delete from tunnel_token_use where expires_at < now() - interval '1 minute'").update();
    }
}
