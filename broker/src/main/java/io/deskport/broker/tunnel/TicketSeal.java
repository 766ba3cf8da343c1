package io.deskport.broker.tunnel;

import java.nio.ByteBuffer;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

import io.deskport.broker.shared.HmacSha256;

/**
 * The seal of one kind of one-time ticket: a fixed-size binary body whose first byte names the kind, signed with
 * HMAC-SHA256 under a key of that kind's own, written as {@code base64url(body).base64url(signature)}. A ticket of
 * another kind fails here three times over (its key, its kind byte, its size), so a ticket issued for one purpose
 * never opens anything else. Using a ticket up records its id in {@code tunnel_token_use} under a primary key, so
 * it is accepted once, whichever replica receives it.
 */
final class TicketSeal {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final int MAX_TOKEN = 400;

    private final HmacSha256 hmac;
    private final byte kind;
    private final int size;

    /**
     * @param key  the signing key of this kind of ticket
     * @param kind the first byte of every body of this kind
     * @param size the size of every body of this kind, kind byte included
     */
    TicketSeal(byte[] key, byte kind, int size) {
        this.hmac = new HmacSha256(key);
        this.kind = kind;
        this.size = size;
    }

    /** @return a body buffer of this kind's size with its kind byte written */
    ByteBuffer body() {
        return ByteBuffer.allocate(size).put(kind);
    }

    /** @return the token for a body filled to its size */
    String seal(ByteBuffer body) {
        byte[] bytes = body.array();
        return B64.encodeToString(bytes) + "." + B64.encodeToString(hmac.sign(bytes));
    }

    /**
     * Checks a token's form, kind and signature.
     *
     * @return the body after its kind byte, or empty when the token is malformed, of another kind or forged
     */
    Optional<ByteBuffer> open(String token) {
        if (token == null || token.length() > MAX_TOKEN) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        byte[] bytes;
        byte[] signature;
        try {
            bytes = B64D.decode(token.substring(0, dot));
            signature = B64D.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (bytes.length != size || bytes[0] != kind || !hmac.verify(bytes, 0, bytes.length, signature)) {
            return Optional.empty();
        }
        return Optional.of(ByteBuffer.wrap(bytes, 1, size - 1));
    }

    /**
     * Uses a ticket up.
     *
     * @return true the first time, false when any replica has seen it before
     */
    static boolean useUp(JdbcClient jdbc, UUID ticketId, UUID sessionId, Instant expiresAt) {
        return jdbc.sql("insert into tunnel_token_use (token_id, session_id, expires_at) values (?, ?, ?) "
                        + "on conflict (token_id) do nothing")
                .params(ticketId, sessionId, Timestamp.from(expiresAt)).update() == 1;
    }

    static void put(ByteBuffer b, UUID id) {
        b.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    }

    static UUID uuid(ByteBuffer b) {
        return new UUID(b.getLong(), b.getLong());
    }
}
