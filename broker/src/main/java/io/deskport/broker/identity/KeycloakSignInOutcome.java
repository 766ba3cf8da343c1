package io.deskport.broker.identity;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.client.OAuth2AuthorizedClient;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizedClientRepository;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;

/**
 * How a sign-in through Keycloak ends in the browser. Success: the broker issues its own token for the person (with
 * Keycloak's session id in it, so a back-channel logout voids it) into the portal's HttpOnly, SameSite=Strict cookie —
 * exactly as a local sign-in does — keeps Keycloak's ID and refresh token on the server ({@link ProviderSignIns}),
 * audits SIGNED_IN and sends the browser to the portal. Failure: the portal's sign-in page, with a
 * {@link KeycloakPortalUsers.Refusal} code it words, audited as SIGN_IN_FAILED. Keycloak's tokens never reach the
 * browser.
 *
 * <p>Spring's OAuth2 login hands the authorized client (the tokens) to an {@link OAuth2AuthorizedClientRepository}
 * before it calls the success handler; this one keeps it on the request only, for the success handler: no server
 * session, no memory beyond the request.
 */
final class KeycloakSignInOutcome implements AuthenticationSuccessHandler, AuthenticationFailureHandler,
        OAuth2AuthorizedClientRepository {

    /** Where the portal's sign-in page reads why a sign-in was refused. */
    static final String ERROR_PARAMETER = "signin_error";
    private static final String CLIENT_ATTRIBUTE = KeycloakSignInOutcome.class.getName() + ".client";
    private static final Logger log = LoggerFactory.getLogger(KeycloakSignInOutcome.class);

    private final AccessTokens tokens;
    private final ProviderSignIns signIns;
    private final SignInAudit audit;
    private final KeycloakProperties keycloak;
    private final KeycloakAdmin admin;
    private final boolean secureCookie;

    KeycloakSignInOutcome(AccessTokens tokens, ProviderSignIns signIns, SignInAudit audit, KeycloakProperties keycloak,
                          KeycloakAdmin admin, boolean secureCookie) {
        this.admin = admin;
        this.tokens = tokens;
        this.signIns = signIns;
        this.audit = audit;
        this.keycloak = keycloak;
        this.secureCookie = secureCookie;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
                                        Authentication authentication) throws IOException {
        if (!(authentication.getPrincipal() instanceof KeycloakPortalUsers.PortalUser person)) {
            onAuthenticationFailure(request, response, KeycloakPortalUsers.refused(
                    KeycloakPortalUsers.Refusal.PROVIDER_ERROR, "Not a portal sign-in"));
            return;
        }
        OAuth2AuthorizedClient client = (OAuth2AuthorizedClient) request.getAttribute(CLIENT_ATTRIBUTE);
        OAuth2RefreshToken refresh = client == null ? null : client.getRefreshToken();
        String sid = person.providerSession();
        AccessTokens.Issued issued = tokens.issue(person.user(), person.tenantSlug(), sid);
        Jwt brokerToken = tokens.decoder().decode(issued.token());
        signIns.record(new ProviderSignIns.SignIn(brokerToken.getId(), issued.expiresAt(), person.user().tenantId(),
                person.user().userId(), keycloak.issuer(), sid, person.getIdToken().getTokenValue(),
                refresh == null ? null : refresh.getTokenValue()));
        audit.signedInAtProvider(person.user(), person.tenantSlug(), request.getRemoteAddr());
        response.addHeader(HttpHeaders.SET_COOKIE, TokenCookies.holding(issued, secureCookie).toString());
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.sendRedirect(request.getContextPath() + "/");
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
                                        AuthenticationException exception) throws IOException {
        KeycloakPortalUsers.Refusal refusal = KeycloakPortalUsers.Refusal.of(
                exception instanceof OAuth2AuthenticationException o ? o.getError() : null);
        log.info("A portal sign-in through Keycloak was refused: {} ({})", refusal, exception.getMessage());
        if (exception instanceof KeycloakPortalUsers.Refused who) {
            audit.failedAtProvider(who.organization(), who.username(), refusal.name(), request.getRemoteAddr());
            if (who.providerSession() != null && admin.enabled() && !keycloak.adminClientId().isBlank()) {
                // Keycloak signed them in, Deskport refuses them: their Keycloak session ends too, or the next try in
                // this browser (perhaps another person's) would be signed in as them again without being asked
                try {
                    admin.endSession(keycloak.realm(), who.providerSession());
                } catch (RuntimeException e) {
                    log.warn("Could not end the refused person's Keycloak session ({})", e.getMessage());
                }
            }
        } else {
            audit.failedAtProvider(null, null, refusal.name(), request.getRemoteAddr());
        }
        response.setHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        response.sendRedirect(request.getContextPath() + "/?" + ERROR_PARAMETER + "="
                + URLEncoder.encode(refusal.name(), StandardCharsets.UTF_8));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T extends OAuth2AuthorizedClient> T loadAuthorizedClient(String clientRegistrationId,
                                                                     Authentication principal,
                                                                     HttpServletRequest request) {
        return (T) request.getAttribute(CLIENT_ATTRIBUTE);
    }

    @Override
    public void saveAuthorizedClient(OAuth2AuthorizedClient authorizedClient, Authentication principal,
                                     HttpServletRequest request, HttpServletResponse response) {
        request.setAttribute(CLIENT_ATTRIBUTE, authorizedClient);
    }

    @Override
    public void removeAuthorizedClient(String clientRegistrationId, Authentication principal,
                                       HttpServletRequest request, HttpServletResponse response) {
        request.removeAttribute(CLIENT_ATTRIBUTE);
    }
}
