package io.deskport.broker.tunnel;

import java.nio.ByteBuffer;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.brokering.Session;
import io.deskport.broker.brokering.TunnelTickets;
import io.deskport.broker.shared.HmacSha256;
import io.deskport.broker.shared.PlatformSecrets;

/**
 * One-time tunnel tickets, bound to a session and its user, valid at most 60 s.
 *
 * <p>A ticket is signed (HMAC-SHA256 with a key kept in the database), so every broker replica can
 * verify it without a write on the connect path; redeeming it records its id in the database under a
 * primary key, so it opens one tunnel only, whichever replica receives it.
 */
@Component
class SignedTunnelTickets implements TunnelTickets {

    private static final String KEY_NAME = "tunnel-ticket-signing-key";
    private static final byte VERSION = 1;
    private static final int PAYLOAD = 1 + 16 * 4 + 8;
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final JdbcClient jdbc;
    private final TunnelProperties properties;
    private final HmacSha256 hmac;

    SignedTunnelTickets(JdbcClient jdbc, PlatformSecrets secrets, TunnelProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
        this.hmac = new HmacSha256(secrets.key(KEY_NAME));
    }

    /** What a valid ticket grants. */
    record Grant(UUID ticketId, UUID sessionId, UUID userId, UUID tenantId, Instant expiresAt) {
    }

    @Override
    public Ticket issue(Session session) {
        Instant expires = Instant.now().plus(properties.ticketTtl());
        ByteBuffer payload = ByteBuffer.allocate(PAYLOAD);
        payload.put(VERSION);
        put(payload, UUID.randomUUID());
        put(payload, session.id());
        put(payload, session.userId());
        put(payload, session.tenantId());
        payload.putLong(expires.getEpochSecond());
        byte[] body = payload.array();
        return new Ticket(B64.encodeToString(body) + "." + B64.encodeToString(hmac.sign(body)), expires, "/tunnel");
    }

    /**
     * Checks the ticket and uses it up.
     *
     * @return the grant, or empty when the ticket is malformed, forged, expired or already used
     */
    @Transactional
    public Optional<Grant> redeem(String token) {
        Optional<Grant> grant = verify(token);
        if (grant.isEmpty()) {
            return grant;
        }
        Grant g = grant.get();
        int fresh = jdbc.sql("insert into tunnel_token_use (token_id, session_id, expires_at) values (?, ?, ?) "
                        + "on conflict (token_id) do nothing")
                .params(g.ticketId(), g.sessionId(), Timestamp.from(g.expiresAt())).update();
        return fresh == 1 ? grant : Optional.empty();
    }

    Optional<Grant> verify(String token) {
        if (token == null || token.length() > 400) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        byte[] body;
        byte[] signature;
        try {
            body = B64D.decode(token.substring(0, dot));
            signature = B64D.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (body.length != PAYLOAD || body[0] != VERSION || !hmac.verify(body, 0, body.length, signature)) {
            return Optional.empty();
        }
        ByteBuffer b = ByteBuffer.wrap(body, 1, PAYLOAD - 1);
        Grant g = new Grant(get(b), get(b), get(b), get(b), Instant.ofEpochSecond(b.getLong()));
        return g.expiresAt().isBefore(Instant.now()) ? Optional.empty() : Optional.of(g);
    }

    /** Forgets used tickets once they would have expired anyway. */
    void forgetExpired() {
        jdbc.sql("delete from tunnel_token_use where expires_at < now() - interval '1 minute'").update();
    }

    private static void put(ByteBuffer b, UUID id) {
        b.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    }

    private static UUID get(ByteBuffer b) {
        return new UUID(b.getLong(), b.getLong());
    }
}
