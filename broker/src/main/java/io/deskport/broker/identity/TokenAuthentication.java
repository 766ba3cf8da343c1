package io.deskport.broker.identity;

import java.util.Set;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.stereotype.Component;

import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.tenancy.Tenants;

/**
 * Who a decoded access token (the broker's own, or a trusted Keycloak realm's) is, and whether it still counts:
 * what every API request's token goes through after its signature and expiry are checked, and what a long-lived
 * answer (the dashboard's event stream) asks again while it runs ({@link CallerCredentials}).
 */
@Component
class TokenAuthentication {

    private final RevokedTokens revoked;
    private final ExternalUsers externalUsers;
    private final Tenants tenants;

    TokenAuthentication(RevokedTokens revoked, ExternalUsers externalUsers, Tenants tenants) {
        this.revoked = revoked;
        this.externalUsers = externalUsers;
        this.tenants = tenants;
    }

    /** @throws InvalidBearerTokenException (401) when the token names no user we know, or no longer counts */
    DeskportAuthentication authenticate(Jwt jwt) {
        if (!AccessTokens.ISSUER.equals(jwt.getClaims().get("iss"))) {
            // a Keycloak realm's token (the decoder trusted its issuer); revocations checked there too
            return externalUsers.authenticate(jwt);
        }
        String sid = jwt.getClaims().get("sid") instanceof String s ? s : null;
        CurrentUser user;
        try {
            user = AccessTokens.toUser(jwt);
        } catch (IllegalArgumentException | NullPointerException e) {
            // signed by us but not a user we know (an unknown role, a missing or malformed claim): 401, not 500
            throw new InvalidBearerTokenException("The token's claims do not name a user");
        }
        // signed out, or issued before the user was disabled, demoted, removed or had the password reset, or its
        // sign-in session ended at the identity provider
        if (revoked.isRevoked(user.userId(), jwt.getId(), AccessTokens.issuedAt(jwt), sid)) {
            throw new InvalidBearerTokenException("The access token has been revoked");
        }
        Set<String> scopes = AccessTokens.serviceScopes(jwt);
        if (scopes != null && !tenants.isActive(user.tenantId())) {
            // a local service account's token: its tenant was offboarded after it was issued
            throw new InvalidBearerTokenException("The token's tenant has been offboarded");
        }
        return new DeskportAuthentication(user, jwt, scopes);
    }
}
