package io.deskport.broker.identity;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.stereotype.Component;

/**
 * Whether the access token a request was signed in with still counts, for answers that outlive the request's check
 * (the dashboard's event stream): it is checked again as a new request's would be — not expired, not signed out or
 * revoked (on any broker: revocations reach every replica within about a second), its user still who it named
 * with the same roles.
 */
@Component
public class CallerCredentials {

    private final TokenAuthentication tokens;
    private final Clock clock;

    CallerCredentials(TokenAuthentication tokens) {
        this.tokens = tokens;
        this.clock = Clock.systemUTC();
    }

    /** When the caller's token expires; empty for a sign-in that is not an access token (none reaches the API). */
    public Optional<Instant> expiresAt(Authentication signIn) {
        return signIn instanceof DeskportAuthentication d ? Optional.ofNullable(d.jwt().getExpiresAt()) : Optional.empty();
    }

    /** True while the token the caller signed in with would still be accepted, for the same user and roles. */
    public boolean stillValid(Authentication signIn) {
        if (!(signIn instanceof DeskportAuthentication d)) {
            return false;
        }
        Instant expires = d.jwt().getExpiresAt();
        if (expires == null || !clock.instant().isBefore(expires)) {
            return false;
        }
        try {
            DeskportAuthentication again = tokens.authenticate(d.jwt());
            return again.user().equals(d.user());
        } catch (OAuth2AuthenticationException | JwtException e) {
            return false;
        }
    }
}
