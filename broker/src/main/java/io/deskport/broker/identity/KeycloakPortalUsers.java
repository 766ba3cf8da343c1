package io.deskport.broker.identity;

import java.util.Optional;

import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.client.oidc.userinfo.OidcUserRequest;
import org.springframework.security.oauth2.client.userinfo.OAuth2UserService;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.oidc.user.DefaultOidcUser;
import org.springframework.security.oauth2.core.oidc.user.OidcUser;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.tenancy.Tenant;
import io.deskport.broker.tenancy.Tenants;

/**
 * Who signed in to the portal through Keycloak: the access token Keycloak gave the broker is checked and mapped
 * exactly as a bearer token of the API is ({@link IdentityTokenDecoder}, {@link ExternalUsers}), so the portal and the
 * API agree on the tenant, roles and groups. A refusal is an {@link OAuth2AuthenticationException} whose error code is
 * one of {@link Refusal}: the portal's sign-in page words it.
 */
final class KeycloakPortalUsers implements OAuth2UserService<OidcUserRequest, OidcUser> {

    /** Why a sign-in through the identity provider was refused; the code the portal's sign-in page is sent. */
    enum Refusal {
        /** The account belongs to no organization (or to several) of the platform realm. */
        NO_ORGANIZATION,
        /** Its organization is not a Deskport tenant. */
        UNKNOWN_ORGANIZATION,
        /** Its organization's tenant has been offboarded. */
        TENANT_OFFBOARDED,
        /** The account is disabled in Deskport. */
        ACCOUNT_DISABLED,
        /** The person cancelled at the identity provider, or it refused them. */
        ACCESS_DENIED,
        /** The sign-in took too long, or came back to another browser than the one that started it. */
        SIGN_IN_EXPIRED,
        /** The identity provider could not be reached or answered something unusable. */
        PROVIDER_ERROR;

        /** The code of a failed sign-in: one of ours, or Keycloak's and Spring's OAuth2 errors in these words. */
        static Refusal of(OAuth2Error error) {
            String code = error == null ? "" : error.getErrorCode();
            for (Refusal r : values()) {
                if (r.name().equals(code)) {
                    return r;
                }
            }
            return switch (code) {
                case "access_denied", "login_required", "consent_required", "interaction_required" -> ACCESS_DENIED;
                case "authorization_request_not_found", "invalid_state_parameter" -> SIGN_IN_EXPIRED;
                default -> PROVIDER_ERROR;
            };
        }
    }

    /** The person as Spring's OAuth2 login sees them, with who they are in Deskport. */
    static final class PortalUser extends DefaultOidcUser {
        private final transient CurrentUser user;
        private final String tenantSlug;
        private final transient Jwt accessToken;

        PortalUser(OidcUserRequest request, CurrentUser user, String tenantSlug, Jwt accessToken) {
            super(user.roles().stream().map(r -> new SimpleGrantedAuthority("ROLE_" + r.name())).toList(),
                    request.getIdToken());
            this.user = user;
            this.tenantSlug = tenantSlug;
            this.accessToken = accessToken;
        }

        CurrentUser user() {
            return user;
        }

        String tenantSlug() {
            return tenantSlug;
        }

        /** Keycloak's session ({@code sid}) this sign-in belongs to. */
        String providerSession() {
            String sid = accessToken.getClaimAsString("sid");
            return sid != null ? sid : getIdToken().getClaimAsString("sid");
        }
    }

    private final IdentityTokenDecoder decoder;
    private final ExternalUsers users;
    private final TrustedIssuers trusted;
    private final Tenants tenants;

    KeycloakPortalUsers(IdentityTokenDecoder decoder, ExternalUsers users, TrustedIssuers trusted, Tenants tenants) {
        this.decoder = decoder;
        this.users = users;
        this.trusted = trusted;
        this.tenants = tenants;
    }

    @Override
    public OidcUser loadUser(OidcUserRequest request) {
        Jwt jwt;
        try {
            jwt = decoder.decode(request.getAccessToken().getTokenValue());
        } catch (JwtException e) {
            throw refused(Refusal.PROVIDER_ERROR, "Keycloak's access token is not valid: " + e.getMessage());
        }
        DeskportAuthentication auth;
        try {
            auth = users.authenticate(jwt);
        } catch (InvalidBearerTokenException e) {
            throw new Refused(why(jwt, e), e.getMessage(), ExternalUsers.firstOf(jwt.getClaimAsString("email"),
                    jwt.getClaimAsString("preferred_username"), jwt.getSubject()), organizationOrNull(jwt),
                    jwt.getClaimAsString("sid"));
        }
        if (auth.user().userId() == null || auth.serviceAccount()) {
            throw refused(Refusal.PROVIDER_ERROR, "Not a person's sign-in");
        }
        String slug = tenants.find(auth.user().tenantId()).map(Tenant::slug)
                .orElseThrow(() -> refused(Refusal.UNKNOWN_ORGANIZATION, "The tenant is gone"));
        return new PortalUser(request, auth.user(), slug, jwt);
    }

    /** Which of the refusals {@link ExternalUsers#authenticate} made: read from the token and the trusted organizations. */
    private Refusal why(Jwt jwt, InvalidBearerTokenException e) {
        String alias;
        try {
            alias = ExternalUsers.organization(jwt);
        } catch (InvalidBearerTokenException noneOrMany) {
            return Refusal.NO_ORGANIZATION;
        }
        Optional<TrustedIssuers.Organization> org = trusted.organization(alias);
        if (org.isEmpty()) {
            return Refusal.UNKNOWN_ORGANIZATION;
        }
        if (!org.get().enabled()) {
            return Refusal.TENANT_OFFBOARDED;
        }
        return e.getMessage() != null && e.getMessage().contains("disabled") ? Refusal.ACCOUNT_DISABLED
                : Refusal.PROVIDER_ERROR;
    }

    /** A refusal of a person Keycloak signed in: who they are there, and their organization if the token named one. */
    static final class Refused extends OAuth2AuthenticationException {
        private final String username;
        private final String organization;
        private final String providerSession;

        Refused(Refusal refusal, String description, String username, String organization, String providerSession) {
            super(new OAuth2Error(refusal.name(), description, null), description);
            this.username = username;
            this.organization = organization;
            this.providerSession = providerSession;
        }

        /** The Keycloak session the refused person signed in with ({@code sid}), if any. */
        String providerSession() {
            return providerSession;
        }

        String username() {
            return username;
        }

        String organization() {
            return organization;
        }
    }

    private static String organizationOrNull(Jwt jwt) {
        try {
            return ExternalUsers.organization(jwt);
        } catch (InvalidBearerTokenException e) {
            return null;
        }
    }


    static OAuth2AuthenticationException refused(Refusal refusal, String description) {
        return new OAuth2AuthenticationException(new OAuth2Error(refusal.name(), description, null), description);
    }
}
