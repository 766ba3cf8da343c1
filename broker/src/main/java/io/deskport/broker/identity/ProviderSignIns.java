package io.deskport.broker.identity;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestClientException;

import io.deskport.broker.shared.DatabaseOutages;
import io.deskport.broker.shared.PlatformSecrets;
import io.deskport.broker.shared.SealedBox;

/**
 * The portal's sign-ins through Keycloak ({@code oidc_sign_in}), one row per broker token issued for one: Keycloak's ID
 * token and its refresh token (sealed, AES-256-GCM under a platform key, bound to the row) stay on the server, so the
 * browser never holds a Keycloak token. Signing out of the portal ends the Keycloak session too (the realm's logout
 * endpoint, with the broker's client credentials and the refresh token): the browser cannot come back without
 * Keycloak's login page. Rows live as long as the broker token they belong to, and are pruned after.
 */
@Component
class ProviderSignIns {

    private static final Logger log = LoggerFactory.getLogger(ProviderSignIns.class);
    static final String KEY_NAME = "oidc-refresh-tokens";

    private final JdbcClient jdbc;
    private final KeycloakProperties keycloak;
    private final SealedBox box;
    private final RestClient http;

    ProviderSignIns(JdbcClient jdbc, KeycloakProperties keycloak, PlatformSecrets secrets) {
        this.jdbc = jdbc;
        this.keycloak = keycloak;
        this.box = SealedBox.of(secrets, KEY_NAME);
        SimpleClientHttpRequestFactory f = new SimpleClientHttpRequestFactory();
        f.setConnectTimeout(Duration.ofSeconds(5));
        f.setReadTimeout(Duration.ofSeconds(10));
        this.http = RestClient.builder().requestFactory(f).build();
    }

    /** A sign-in: the broker token's id and expiry, who, and what Keycloak gave (refresh token may be null). */
    record SignIn(String tokenId, Instant expiresAt, UUID tenantId, UUID userId, String issuer, String sessionId,
                  String idToken, String refreshToken) {
    }

    void record(SignIn s) {
        byte[] sealed = s.refreshToken() == null ? null
                : box.seal(s.refreshToken().getBytes(StandardCharsets.UTF_8), context(s.tokenId()));
        jdbc.sql("insert into oidc_sign_in (token_id, tenant_id, user_id, issuer, session_id, id_token, refresh_sealed, "
                        + "expires_at) values (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(s.tokenId(), s.tenantId(), s.userId(), s.issuer(), s.sessionId(), s.idToken(), sealed,
                        Timestamp.from(s.expiresAt()))
                .update();
    }

    /**
     * Ends the sign-in the broker token {@code tokenId} was issued for, if it was one through Keycloak: forgets it and
     * ends the Keycloak session. Idempotent; a Keycloak that cannot be reached is logged (the broker token is revoked
     * by the caller all the same).
     *
     * @return true when there was such a sign-in
     */
    boolean end(String tokenId) {
        if (tokenId == null) {
            return false;
        }
        Optional<Ended> ended = jdbc.sql("delete from oidc_sign_in where token_id = ? returning issuer, session_id, "
                        + "refresh_sealed")
                .param(tokenId)
                .query((rs, n) -> new Ended(rs.getString(1), rs.getString(2), rs.getBytes(3))).optional();
        if (ended.isEmpty()) {
            return false;
        }
        Ended e = ended.get();
        if (e.refreshSealed() == null || !keycloak.enabled()) {
            log.warn("Signed out of the portal, but Keycloak session {} could not be ended from here (no refresh token "
                    + "or Keycloak not configured)", e.sessionId());
            return true;
        }
        String refresh;
        try {
            refresh = new String(box.open(e.refreshSealed(), context(tokenId)), StandardCharsets.UTF_8);
        } catch (SealedBox.Unreadable unreadable) {
            log.warn("The refresh token of Keycloak session {} cannot be opened with the platform key {}: the session "
                    + "stays until Keycloak ends it", e.sessionId(), KEY_NAME);
            return true;
        }
        MultiValueMap<String, String> form = new LinkedMultiValueMap<>();
        form.add("client_id", keycloak.clientId());
        form.add("client_secret", keycloak.clientSecret());
        form.add("refresh_token", refresh);
        try {
            http.post().uri(e.issuer() + "/protocol/openid-connect/logout")
                    .contentType(MediaType.APPLICATION_FORM_URLENCODED).body(form).retrieve().toBodilessEntity();
            log.info("Signed out of the portal: Keycloak session {} ended", e.sessionId());
        } catch (RestClientException failed) {
            log.warn("Signed out of the portal, but Keycloak did not end session {} ({}): it ends when it expires there",
                    e.sessionId(), failed.getMessage());
        }
        return true;
    }

    private record Ended(String issuer, String sessionId, byte[] refreshSealed) {
    }

    /** Keycloak ended the session (back-channel logout): its sign-ins are over, nothing to end there. */
    void forgetSession(String issuer, String sessionId) {
        jdbc.sql("delete from oidc_sign_in where issuer = ? and session_id = ?").params(issuer, sessionId).update();
    }

    /** Sign-ins whose broker token has expired: nothing can sign out with them any more. Safe on every replica. */
    @Scheduled(fixedDelayString = "PT10M", initialDelayString = "PT1M")
    int prune() {
        try {
            int gone = jdbc.sql("delete from oidc_sign_in where expires_at < now()").update();
            if (gone > 0) {
                log.info("Pruned {} expired portal sign-ins through Keycloak", gone);
            }
            return gone;
        } catch (RuntimeException e) {
            log.warn("Could not prune expired portal sign-ins ({}); trying again later", DatabaseOutages.rootMessage(e));
            return 0;
        }
    }

    private static byte[] context(String tokenId) {
        return ("oidc_sign_in:" + tokenId).getBytes(StandardCharsets.UTF_8);
    }
}
