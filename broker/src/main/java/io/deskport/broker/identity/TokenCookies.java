package io.deskport.broker.identity;

import java.time.Duration;
import java.time.Instant;

import org.springframework.http.ResponseCookie;

/** The portal's sign-in cookie ({@value SecurityConfiguration#TOKEN_COOKIE}): the broker's token, HttpOnly, SameSite=Strict. */
final class TokenCookies {

    private TokenCookies() {
    }

    /** The cookie holding a freshly issued token, until it expires. */
    static ResponseCookie holding(AccessTokens.Issued issued, boolean secure) {
        long ttl = Math.max(0, Duration.between(Instant.now(), issued.expiresAt()).toSeconds());
        return ResponseCookie.from(SecurityConfiguration.TOKEN_COOKIE, issued.token())
                .httpOnly(true).secure(secure).sameSite("Strict").path("/").maxAge(ttl).build();
    }
}
