package io.deskport.broker.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import com.nimbusds.jose.jwk.source.ImmutableSecret;

import io.deskport.broker.shared.HmacSha256;
import tools.jackson.databind.json.JsonMapper;

class AccessTokenDecoderTest {

    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final AccessTokenDecoder decoder = new AccessTokenDecoder(KEY, "deskport", JsonMapper.builder().build(),
            Clock.fixed(NOW, ZoneOffset.UTC));

    private static String token(byte[] key, String issuer, Instant issued, Duration ttl) {
        JwtClaimsSet claims = JwtClaimsSet.builder().issuer(issuer).subject("0196f3a4-0000-7000-8000-000000000001")
                .issuedAt(issued).expiresAt(issued.plus(ttl)).claim("roles", List.of("USER", "HELPDESK")).build();
        return new NimbusJwtEncoder(new ImmutableSecret<>(new SecretKeySpec(key, "HmacSHA256")))
                .encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), claims)).getTokenValue();
    }

    @Test
    void aTokenOfOursDecodesWithItsClaims() {
        Jwt jwt = decoder.decode(token(KEY, "deskport", NOW.minusSeconds(30), Duration.ofHours(8)));
        assertThat(jwt.getSubject()).isEqualTo("0196f3a4-0000-7000-8000-000000000001");
        assertThat(jwt.getClaimAsStringList("roles")).containsExactly("USER", "HELPDESK");
        assertThat(jwt.getExpiresAt()).isEqualTo(NOW.minusSeconds(30).plus(Duration.ofHours(8)));
        assertThat(jwt.getIssuedAt()).isEqualTo(NOW.minusSeconds(30));
    }

    @Test
    void anotherKeysSignatureIsRefused() {
        byte[] other = "fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> decoder.decode(token(other, "deskport", NOW, Duration.ofHours(1))))
                .isInstanceOf(BadJwtException.class).hasMessageContaining("signature");
    }

    @Test
    void aChangedPayloadIsRefused() {
        String[] parts = token(KEY, "deskport", NOW, Duration.ofHours(1)).split("\\.");
        String admin = B64.encodeToString(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"USER\"", "\"PLATFORM_ADMIN\"").getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> decoder.decode(parts[0] + "." + admin + "." + parts[2]))
                .isInstanceOf(BadJwtException.class).hasMessageContaining("signature");
    }

    @Test
    void unsignedAndOtherAlgorithmsAreRefusedEvenWithAValidMac() {
        String payload = token(KEY, "deskport", NOW, Duration.ofHours(1)).split("\\.")[1];
        for (String alg : List.of("none", "HS512", "RS256")) {
            String header = B64.encodeToString(("{\"alg\":\"" + alg + "\"}").getBytes(StandardCharsets.UTF_8));
            byte[] signed = (header + "." + payload).getBytes(StandardCharsets.US_ASCII);
            String mac = B64.encodeToString(new HmacSha256(KEY).sign(signed));
            assertThatThrownBy(() -> decoder.decode(header + "." + payload + "." + mac))
                    .isInstanceOf(BadJwtException.class).hasMessageContaining("algorithm");
            assertThatThrownBy(() -> decoder.decode(header + "." + payload + "."))
                    .isInstanceOf(BadJwtException.class);
        }
    }

    @Test
    void expiryAllowsOneMinuteOfSkewAndNoMore() {
        assertThat(decoder.decode(token(KEY, "deskport", NOW.minus(Duration.ofHours(1)), Duration.ofMinutes(59)))).isNotNull();
        assertThatThrownBy(() -> decoder.decode(token(KEY, "deskport", NOW.minus(Duration.ofHours(1)), Duration.ofMinutes(58))))
                .isInstanceOf(BadJwtException.class).hasMessageContaining("expired");
    }

    @Test
    void anotherIssuerIsRefused() {
        assertThatThrownBy(() -> decoder.decode(token(KEY, "https://elsewhere.example", NOW, Duration.ofHours(1))))
                .isInstanceOf(BadJwtException.class).hasMessageContaining("issued by");
    }

    @Test
    void garbageIsRefusedAsMalformed() {
        for (String garbage : List.of("", "abc", "a.b", "a.b.c.d", "..", "e30.e30.", "!!!.???.***",
                B64.encodeToString("[1,2]".getBytes(StandardCharsets.UTF_8)) + ".e30.AAAA", "x".repeat(9000))) {
            assertThatThrownBy(() -> decoder.decode(garbage)).as(garbage).isInstanceOf(BadJwtException.class);
        }
    }

    @Test
    void bearerTokenSyntaxFollowsRfc6750() {
        assertThat(SecurityConfiguration.isTokenSyntax("abc.DEF-_~+/09==")).isTrue();
        assertThat(SecurityConfiguration.isTokenSyntax("===")).isFalse();
        assertThat(SecurityConfiguration.isTokenSyntax("")).isFalse();
        assertThat(SecurityConfiguration.isTokenSyntax("abc def")).isFalse();
        assertThat(SecurityConfiguration.isTokenSyntax("ab=c")).isFalse();
    }
}
