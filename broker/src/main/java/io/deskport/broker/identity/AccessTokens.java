package io.deskport.broker.identity;

import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;
import org.springframework.stereotype.Component;

import com.nimbusds.jose.jwk.source.ImmutableSecret;

import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.PlatformSecrets;
import io.deskport.broker.shared.Role;
import tools.jackson.databind.json.JsonMapper;

/**
 * The broker's access tokens: JWTs signed (HS256) with a key generated once and kept in the database,
 * so every broker replica issues and checks the same tokens.
 */
@Component
class AccessTokens {

    static final String ISSUER = "deskport";
    static final String ISSUED_MILLIS = "iat_ms";
    private static final String KEY_NAME = "access-token-signing-key";

    private final NimbusJwtEncoder encoder;
    private final JwtDecoder decoder;
    private final IdentityProperties properties;

    AccessTokens(PlatformSecrets secrets, IdentityProperties properties) {
        this.properties = properties;
        byte[] key = secrets.key(KEY_NAME);
        SecretKey secret = new SecretKeySpec(key, "HmacSHA256");
        this.encoder = new NimbusJwtEncoder(new ImmutableSecret<>(secret));
        this.decoder = new AccessTokenDecoder(key, ISSUER, JsonMapper.builder().build(), Clock.systemUTC());
    }

    /** An issued token. */
    record Issued(String token, Instant expiresAt) {
    }

    Issued issue(CurrentUser user, String tenantSlug) {
        Instant now = Instant.now();
        Instant expires = now.plus(properties.tokenTtl());
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer(ISSUER)
                .subject(user.userId().toString())
                .issuedAt(now)
                .expiresAt(expires)
                .id(UUID.randomUUID().toString())
                .claim("tid", user.tenantId().toString())
                // to the millisecond (iat is in seconds): a revocation voids the tokens issued before it, not
                // one issued in the same second after it
                .claim(ISSUED_MILLIS, now.toEpochMilli())
                .claim("tenant", tenantSlug)
                .claim("name", user.username())
                .claim("roles", user.roles().stream().map(Enum::name).sorted().toList())
                .build();
        String token = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
                .getTokenValue();
        return new Issued(token, expires);
    }

    JwtDecoder decoder() {
        return decoder;
    }

    /** When the token was issued, to the millisecond when it says so. */
    static Instant issuedAt(Jwt jwt) {
        return jwt.getClaims().get(ISSUED_MILLIS) instanceof Number ms ? Instant.ofEpochMilli(ms.longValue())
                : jwt.getIssuedAt();
    }

    static CurrentUser toUser(Jwt jwt) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        List<String> names = jwt.getClaimAsStringList("roles");
        if (names != null) {
            names.forEach(r -> roles.add(Role.valueOf(r)));
        }
        return new CurrentUser(UUID.fromString(jwt.getSubject()), UUID.fromString(jwt.getClaimAsString("tid")),
                jwt.getClaimAsString("name"), roles);
    }
}
