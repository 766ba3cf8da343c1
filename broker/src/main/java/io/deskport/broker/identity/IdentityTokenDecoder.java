package io.deskport.broker.identity;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every bearer token the API accepts: the broker's own (HS256, checked by {@link AccessTokenDecoder}) and those of
 * the trusted Keycloak realms (RS256, keys from each realm's JWKS, fetched once and cached by Nimbus, fetched again
 * when a token names a key it does not have). The issuer is read from the token only to pick the realm's keys; the
 * signature, issuer, expiry and not-before are then checked as for any token.
 *
 * <p>A Keycloak token is presented on every request of its life (a few minutes), so a verified one is remembered
 * until it expires: the RSA signature is checked once per token and broker, not once per request.
 */
final class IdentityTokenDecoder implements JwtDecoder {

    /** The header of every token the broker signs: {@code {"alg":"HS256"}}. */
    private static final String LOCAL_HEADER = "eyJhbGciOiJIUzI1NiJ9.";
    private static final int MAX_LENGTH = 16384;
    private static final int MAX_REMEMBERED = 100_000;
    static final Duration SKEW = Duration.ofSeconds(60);

    private final JwtDecoder local;
    private final TrustedIssuers trusted;
    private final JsonMapper json;
    private final Map<String, JwtDecoder> realms = new ConcurrentHashMap<>();
    private final Map<String, Jwt> verified = new ConcurrentHashMap<>();

    IdentityTokenDecoder(JwtDecoder local, TrustedIssuers trusted, JsonMapper json) {
        this.local = local;
        this.trusted = trusted;
        this.json = json;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        if (token == null || token.startsWith(LOCAL_HEADER) || !trusted.any()) {
            return local.decode(token);
        }
        if (token.length() > MAX_LENGTH) {
            throw new BadJwtException("Malformed token");
        }
        Jwt known = verified.get(token);
        if (known != null) {
            if (known.getExpiresAt() != null && Instant.now().minus(SKEW).isBefore(known.getExpiresAt())) {
                return known;
            }
            verified.remove(token);
        }
        String issuer = issuer(token);
        TrustedIssuers.Issuer realm = trusted.find(issuer)
                .orElseThrow(() -> new BadJwtException("The token was issued by someone else"));
        Jwt jwt = realms.computeIfAbsent(realm.issuer(), IdentityTokenDecoder::realmDecoder).decode(token);
        remember(token, jwt);
        return jwt;
    }

    /** The decoder of one realm: RS256 only, keys from its JWKS, its issuer, the usual clock checks. */
    static JwtDecoder realmDecoder(String issuer) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(issuer + "/protocol/openid-connect/certs")
                .jwsAlgorithm(SignatureAlgorithm.RS256).build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(SKEW),
                new JwtIssuerValidator(issuer), IdentityTokenDecoder::accessTokenType));
        return decoder;
    }

    /** Keycloak marks its access tokens {@code typ: Bearer}: an ID token or a logout token is not one. */
    private static OAuth2TokenValidatorResult accessTokenType(Jwt jwt) {
        Object typ = jwt.getClaims().get("typ");
        return typ == null || "Bearer".equalsIgnoreCase(typ.toString()) ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", "Not an access token", null));
    }

    private void remember(String token, Jwt jwt) {
        if (verified.size() >= MAX_REMEMBERED) {
            Instant now = Instant.now();
            verified.values().removeIf(j -> j.getExpiresAt() == null || j.getExpiresAt().isBefore(now));
            if (verified.size() >= MAX_REMEMBERED) {
                verified.clear();
            }
        }
        verified.put(token, jwt);
    }

    /** The {@code iss} claim, read without trusting anything else of the token. */
    String issuer(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first <= 0 || second <= first + 1) {
            throw new BadJwtException("Malformed token");
        }
        try {
            byte[] payload = Base64.getUrlDecoder().decode(token.substring(first + 1, second));
            JsonNode claims = json.readTree(new String(payload, StandardCharsets.UTF_8));
            JsonNode iss = claims.get("iss");
            if (iss == null || !iss.isString()) {
                throw new BadJwtException("The token names no issuer");
            }
            return iss.asString();
        } catch (IllegalArgumentException | JacksonException e) {
            throw new BadJwtException("Malformed token");
        }
    }

    /** The audience check of a person's token: {@code aud} names the broker's client. */
    static boolean hasAudience(Jwt jwt, String audience) {
        List<String> aud = jwt.getAudience();
        return aud != null && aud.contains(audience);
    }


    static OAuth2TokenValidator<Jwt> timestamps() {
        return new JwtTimestampValidator(SKEW);
    }
}
