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
        return issue(user, tenantSlug, null);
    }

    /**
     * A token for a local service account: its scopes ({@code scope}, space-separated) and {@code svc: true}; it
     * lives {@link ServiceAccounts#TOKEN_TTL}.
     */
    Issued issueService(ServiceAccounts.Account account, java.util.Collection<String> scopes) {
        Instant now = Instant.now();
        Instant expires = now.plus(ServiceAccounts.TOKEN_TTL);
        CurrentUser user = account.asUser();
        JwtClaimsSet claims = JwtClaimsSet.builder()
                .issuer(ISSUER)
                .subject(account.id().toString())
                .issuedAt(now)
                .expiresAt(expires)
                .id(UUID.randomUUID().toString())
                .claim("tid", account.tenantId().toString())
                .claim(ISSUED_MILLIS, now.toEpochMilli())
                .claim("name", user.username())
                .claim("roles", user.roles().stream().map(Enum::name).sorted().toList())
                .claim("svc", true)
                .claim("client_id", account.clientId())
                .claim("scope", String.join(" ", new java.util.TreeSet<>(scopes)))
                .build();
        String token = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims))
                .getTokenValue();
        return new Issued(token, expires);
    }

    /** The scopes of a local service account's token, or null for a person's token. */
    static Set<String> serviceScopes(Jwt jwt) {
        if (!Boolean.TRUE.equals(jwt.getClaims().get("svc"))) {
            return null;
        }
        String scope = jwt.getClaimAsString("scope");
        return scope == null || scope.isBlank() ? Set.of() : Set.of(scope.split(" "));
    }

    /**
     * A person's token that the portal got by signing in through the identity provider: the provider's session
     * ({@code sid}) rides along, so a sign-out there voids it.
     */
    Issued issue(CurrentUser user, String tenantSlug, String providerSession) {
        Instant now = Instant.now();
        Instant expires = now.plus(properties.tokenTtl());
        JwtClaimsSet.Builder claims = JwtClaimsSet.builder()
                .issuer(ISSUER)
                .subject(user.userId().toString())
                .issuedAt(now)
                .expiresAt(expires)
                .id(UUID.randomUUID().toString())
                .claim("tid", user.tenantId().toString())
                .claim(ISSUED_MILLIS, now.toEpochMilli())
                .claim("tenant", tenantSlug)
                .claim("name", user.username())
                .claim("roles", user.roles().stream().map(Enum::name).sorted().toList());
        if (providerSession != null) {
            claims.claim("sid", providerSession);
        }
        String token = encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims.build()))
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
