package io.deskport.broker.identity;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

import io.deskport.broker.shared.HmacSha256;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks the broker's own access tokens: compact JWS, {@code alg} HS256 only, the MAC compared in
 * constant time before anything of the payload is read, then issuer, expiry and not-before (with a
 * minute of clock skew, as Spring's validators allow).
 *
 * <p>Every authenticated request goes through here, so it does only that: the general-purpose decoder
 * (JOSE header processing for every algorithm, claim conversion through a conversion service) cost
 * about a tenth of a connect's CPU in the broker.
 */
final class AccessTokenDecoder implements JwtDecoder {

    private static final Duration SKEW = Duration.ofSeconds(60);
    private static final int MAX_LENGTH = 8192;
    private static final Base64.Decoder B64 = Base64.getUrlDecoder();

    private final HmacSha256 hmac;
    private final String issuer;
    private final JsonMapper json;
    private final Clock clock;

    AccessTokenDecoder(byte[] key, String issuer, JsonMapper json, Clock clock) {
        this.hmac = new HmacSha256(key);
        this.issuer = issuer;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
            throw new BadJwtException("Malformed token");
        }
        int firstDot = token.indexOf('.');
        int secondDot = firstDot < 0 ? -1 : token.indexOf('.', firstDot + 1);
        if (firstDot <= 0 || secondDot <= firstDot + 1 || secondDot == token.length() - 1
                || token.indexOf('.', secondDot + 1) >= 0) {
            throw new BadJwtException("Malformed token");
        }
        byte[] signed = token.substring(0, secondDot).getBytes(StandardCharsets.US_ASCII);
        byte[] signature = base64(token.substring(secondDot + 1));
        Map<String, Object> header = object(base64(token.substring(0, firstDot)));
        if (!"HS256".equals(header.get("alg")) || header.containsKey("crit")) {
            throw new BadJwtException("Unsupported token algorithm");
        }
        if (!hmac.verify(signed, 0, signed.length, signature)) {
            throw new BadJwtException("Invalid token signature");
        }
        Map<String, Object> claims = new LinkedHashMap<>(object(base64(token.substring(firstDot + 1, secondDot))));
        Instant now = clock.instant();
        Instant expires = instant(claims, JwtClaimNames.EXP);
        Instant issued = instant(claims, JwtClaimNames.IAT);
        Instant notBefore = instant(claims, JwtClaimNames.NBF);
        if (expires == null || now.minus(SKEW).isAfter(expires)) {
            throw new BadJwtException("The token has expired");
        }
        if (notBefore != null && now.isBefore(notBefore.minus(SKEW))) {
            throw new BadJwtException("The token is not valid yet");
        }
        if (!issuer.equals(claims.get(JwtClaimNames.ISS))) {
            throw new BadJwtException("The token was issued by someone else");
        }
        if (!(claims.get(JwtClaimNames.SUB) instanceof String)) {
            throw new BadJwtException("The token names no subject");
        }
        claims.put(JwtClaimNames.EXP, expires);
        if (issued != null) {
            claims.put(JwtClaimNames.IAT, issued);
        }
        if (notBefore != null) {
            claims.put(JwtClaimNames.NBF, notBefore);
        }
        return new Jwt(token, issued, expires, header, claims);
    }

    private static byte[] base64(String part) {
        try {
            return B64.decode(part);
        } catch (IllegalArgumentException e) {
            throw new BadJwtException("Malformed token");
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> object(byte[] bytes) {
        try {
            Object value = json.readValue(bytes, Object.class);
            if (value instanceof Map<?, ?> map) {
                return (Map<String, Object>) map;
            }
        } catch (JacksonException e) {
            // falls through
        }
        throw new BadJwtException("Malformed token");
    }

    private static Instant instant(Map<String, Object> claims, String name) {
        Object v = claims.get(name);
        if (v == null) {
            return null;
        }
        if (v instanceof Number n && !(v instanceof Double || v instanceof Float)) {
            return Instant.ofEpochSecond(n.longValue());
        }
        if (v instanceof Number n) {
            return Instant.ofEpochSecond((long) n.doubleValue());
        }
        throw new BadJwtException("Malformed token: " + name + " is not a time");
    }
}
