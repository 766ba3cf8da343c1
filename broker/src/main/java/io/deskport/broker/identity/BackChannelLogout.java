package io.deskport.broker.identity;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;

import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.tenancy.UserAccessChanged;

/**
 * OpenID Connect Back-Channel Logout 1.0: Keycloak posts a signed logout token here when a user signs out there, or
 * an admin ends their sessions. The token's session ({@code sid}) stops counting on every broker — the Keycloak
 * tokens of that session and the portal's cookie token issued for it — and, when Deskport knows the user, their
 * desktop sessions are disconnected (they stay, to reconnect to after signing in again). A logout token with no
 * session voids every token of the user issued so far. Audited as SIGNED_OUT with {@code via: identity-provider}.
 */
@RestController
class BackChannelLogout {

    static final String PATH = "/api/v1/auth/oidc/backchannel-logout";
    /** Why the user's access changed: their desktop sessions are disconnected, their tokens void by session. */
    static final String WHY = "SIGNED_OUT_AT_PROVIDER";
    private static final Logger log = LoggerFactory.getLogger(BackChannelLogout.class);
    private static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";

    private final TrustedIssuers trusted;
    private final IdentityTokenDecoder tokens;
    private final RevokedTokens revoked;
    private final ExternalUsers users;
    private final IdentityProperties properties;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private final ProviderSignIns signIns;
    private final Map<String, JwtDecoder> decoders = new ConcurrentHashMap<>();

    BackChannelLogout(TrustedIssuers trusted, IdentityTokenDecoder tokens, RevokedTokens revoked, ExternalUsers users,
                      IdentityProperties properties, ApplicationEventPublisher events,
                      PlatformTransactionManager txManager, ProviderSignIns signIns) {
        this.signIns = signIns;
        this.trusted = trusted;
        this.tokens = tokens;
        this.revoked = revoked;
        this.users = users;
        this.properties = properties;
        this.events = events;
        this.tx = new TransactionTemplate(txManager);
    }

    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<Void> logout(@RequestBody MultiValueMap<String, String> form, HttpServletRequest request) {
        String token = form.getFirst("logout_token");
        if (token == null || token.isBlank() || token.length() > 16384) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "logout_token is required",
                    Map.of("error", "invalid_request"));
        }
        Jwt jwt;
        TrustedIssuers.Issuer issuer;
        try {
            issuer = trusted.find(tokens.issuer(token))
                    .orElseThrow(() -> new JwtException("The logout token was issued by someone else"));
            jwt = decoders.computeIfAbsent(issuer.issuer(), i -> decoder(i, issuer.audience())).decode(token);
        } catch (JwtException e) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "The logout token is not valid: " + e.getMessage(),
                    Map.of("error", "invalid_request"));
        }
        String sid = jwt.getClaimAsString("sid");
        String sub = jwt.getSubject();
        Optional<ExternalUsers.Linked> user = sub == null ? Optional.empty() : users.linked(issuer.issuer(), sub);
        tx.executeWithoutResult(s -> {
            if (sid != null) {
                revoked.revokeSession(user.map(ExternalUsers.Linked::tenantId).orElse(null),
                        user.map(ExternalUsers.Linked::userId).orElse(null), sid,
                        Instant.now().plus(properties.tokenTtl()).plusSeconds(60), WHY);
                signIns.forgetSession(issuer.issuer(), sid); // the portal's sign-ins of that session are over
            }
            user.ifPresent(u -> {
                // the desktop sessions are disconnected (they stay, to reconnect to after signing in again); a logout
                // without a session id voids every token of the user instead
                events.publishEvent(new UserAccessChanged(u.tenantId(), u.userId(), sid != null ? WHY
                        : "SIGNED_OUT_EVERYWHERE_AT_PROVIDER", true));
                events.publishEvent(new AdminActionPerformed(u.tenantId(), new CurrentUser(u.userId(), u.tenantId(),
                        "identity-provider", java.util.Set.of()), "SIGNED_OUT", "USER", u.userId().toString(),
                        Map.of("via", "identity-provider", "issuer", issuer.issuer(), "clientAddress",
                                request.getRemoteAddr())));
            });
        });
        log.info("Back-channel logout from {}: session {} of subject {} ({})", issuer.issuer(), sid != null ? "ended" : "-",
                sub, user.isPresent() ? "known user" : "never signed in here");
        return ResponseEntity.ok().cacheControl(CacheControl.noStore()).build();
    }

    /** Logout tokens: RS256 from the realm's keys, its issuer, our client as audience, the logout event, no nonce. */
    private static JwtDecoder decoder(String issuer, String audience) {
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withJwkSetUri(issuer + "/protocol/openid-connect/certs")
                .jwsAlgorithm(SignatureAlgorithm.RS256)
                .jwtProcessorCustomizer(p -> p.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
                        new JOSEObjectType("logout+jwt"), JOSEObjectType.JWT, null)))
                .build();
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(IdentityTokenDecoder.timestamps(),
                new JwtIssuerValidator(issuer), jwt -> logoutClaims(jwt, audience)));
        return decoder;
    }

    private static OAuth2TokenValidatorResult logoutClaims(Jwt jwt, String audience) {
        String problem = null;
        if (!IdentityTokenDecoder.hasAudience(jwt, audience)) {
            problem = "not meant for " + audience;
        } else if (!(jwt.getClaims().get("events") instanceof Map<?, ?> ev) || !ev.containsKey(EVENT)) {
            problem = "not a logout event";
        } else if (jwt.hasClaim("nonce")) {
            problem = "a logout token has no nonce";
        } else if (jwt.getClaimAsString("sid") == null && jwt.getSubject() == null) {
            problem = "names neither session nor subject";
        } else if (jwt.getIssuedAt() == null) {
            problem = "no issue time";
        }
        return problem == null ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_request", problem, null));
    }
}
