package io.deskport.broker.identity;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.http.ResponseEntity;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.shared.Role;
import io.deskport.broker.tenancy.PasswordPolicy;
import io.deskport.broker.tenancy.Users;

/** Sign-in, sign-out and "who am I". */
@RestController
@RequestMapping("/api/v1")
class AuthController {

    private final IdentityProvider identity;
    private final AccessTokens tokens;
    private final IdentityProperties properties;
    private final RevokedTokens revoked;
    private final SignInThrottle throttle;
    private final SignInAudit audit;
    private final Users users;
    private final PasswordPolicy policy;
    private final ProviderSignIns providerSignIns;

    AuthController(IdentityProvider identity, AccessTokens tokens, IdentityProperties properties, RevokedTokens revoked,
                   SignInThrottle throttle, SignInAudit audit, Users users, PasswordPolicy policy,
                   ProviderSignIns providerSignIns) {
        this.policy = policy;
        this.users = users;
        this.providerSignIns = providerSignIns;
        this.revoked = revoked;
        this.throttle = throttle;
        this.audit = audit;
        this.identity = identity;
        this.tokens = tokens;
        this.properties = properties;
    }

    record Login(@Size(max = 63) String tenant, @NotBlank @Size(max = 128) String username,
                 @NotBlank @Size(max = 200) String password) {
    }

    /** Who is signed in, and the fewest characters a new local password needs (the forms say it beforehand). */
    record Me(UUID userId, UUID tenantId, String username, Set<Role> roles, int passwordMinLength) {
    }

    record Token(String accessToken, String tokenType, long expiresIn, Instant expiresAt, Me user) {
    }

    /** A user's own password change: the current password, and the new one (as the password policy wants it). */
    record PasswordChange(@NotBlank @Size(max = 200) String currentPassword,
                          @NotBlank @Size(max = 200, message = "must be at most 200 characters")
                          String newPassword) {
    }

    @PostMapping("/auth/login")
    ResponseEntity<Token> login(@Valid @RequestBody Login body, HttpServletRequest request) {
        String tenant = body.tenant() == null || body.tenant().isBlank() ? properties.defaultTenant() : body.tenant();
        String address = request.getRemoteAddr();
        String account = accountKey(tenant, body.username());
        refuseWhileLocked(account, address);
        CurrentUser user;
        try {
            user = identity.authenticate(tenant, body.username(), body.password());
        } catch (ProblemException refused) {
            if (refused.reason() == Reason.BAD_CREDENTIALS) {
                audit.failed(tenant, body.username(), address, throttle.failed(account, address));
            }
            throw refused;
        }
        throttle.succeeded(account, address);
        audit.signedIn(user, tenant, address);
        return tokenAnswer(user, tenant);
    }

    /**
     * A signed-in user with a local account changes their own password, giving the current one. A wrong current
     * password counts as a failed sign-in of the account (the same throttling); success voids every token the user
     * was issued — other browsers and devices are signed out — and answers with a fresh token (and cookie) for
     * this browser.
     */
    @PostMapping("/me/password")
    ResponseEntity<Token> changePassword(CurrentUser me, @Valid @RequestBody PasswordChange body, HttpServletRequest request) {
        String presented = SecurityConfiguration.tokenResolver().resolve(request);
        Jwt jwt;
        try {
            jwt = tokens.decoder().decode(presented);
        } catch (RuntimeException notOurs) {
            throw new ProblemException(Reason.INVALID_STATE, "Your password is your identity provider's: change it there");
        }
        String tenant = jwt.getClaimAsString("tenant");
        if (tenant == null || jwt.hasClaim("sid") || jwt.hasClaim("svc")) {
            throw new ProblemException(Reason.INVALID_STATE, "Your password is your identity provider's: change it there");
        }
        String address = request.getRemoteAddr();
        String account = accountKey(tenant, me.username());
        refuseWhileLocked(account, address);
        if (body.newPassword().equals(body.currentPassword())) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "The new password must differ from the current one",
                    Map.of("errors", java.util.List.of(Map.of("field", "newPassword",
                            "message", "must differ from the current password"))));
        }
        // a weak new password is the caller's mistake, not a wrong guess: checked before the throttle counts
        policy.check("newPassword", me.username(), body.newPassword());
        try {
            users.changeOwnPassword(me.tenantId(), me.userId(), body.currentPassword(), body.newPassword());
        } catch (ProblemException refused) {
            audit.failed(tenant, me.username(), address, throttle.failed(account, address));
            throw refused;
        }
        throttle.succeeded(account, address);
        // the revocation voids tokens issued up to the change, to the millisecond: this browser's new one comes after
        long changed = Instant.now().toEpochMilli();
        while (Instant.now().toEpochMilli() <= changed) {
            Thread.onSpinWait();
        }
        return tokenAnswer(me, tenant);
    }

    private static String accountKey(String tenant, String username) {
        return tenant.toLowerCase(Locale.ROOT) + "/" + username.toLowerCase(Locale.ROOT);
    }

    /** A locked account or address is refused before any password hash is computed. */
    private void refuseWhileLocked(String account, String address) {
        Optional<Duration> wait = throttle.wait(account, address);
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            throw new ProblemException(Reason.TOO_MANY_ATTEMPTS, "Too many wrong passwords: try again in " + seconds
                    + " s", Map.of("retryAfterSeconds", seconds));
        }
    }

    /** A fresh access token for the user, in the answer and in the (HttpOnly, SameSite=Strict) cookie. */
    private ResponseEntity<Token> tokenAnswer(CurrentUser user, String tenant) {
        AccessTokens.Issued issued = tokens.issue(user, tenant);
        long ttl = Duration.between(Instant.now(), issued.expiresAt()).toSeconds();
        ResponseCookie cookie = ResponseCookie.from(SecurityConfiguration.TOKEN_COOKIE, issued.token())
                .httpOnly(true).secure(properties.secureCookie()).sameSite("Strict").path("/").maxAge(ttl).build();
        return ResponseEntity.ok().header(HttpHeaders.SET_COOKIE, cookie.toString())
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(new Token(issued.token(), "Bearer", ttl, issued.expiresAt(), me(user)));
    }

    @PostMapping("/auth/logout")
    ResponseEntity<Void> logout(HttpServletRequest request) {
        // the token itself stops counting, on every broker, not only the cookie in this browser
        try {
            String token = SecurityConfiguration.presentedToken(request, true);
            if (token != null) {
                Jwt jwt = tokens.decoder().decode(token);
                CurrentUser user = AccessTokens.toUser(jwt);
                if (jwt.getId() != null && jwt.getExpiresAt() != null) {
                    revoked.revokeToken(user.tenantId(), user.userId(), jwt.getId(), jwt.getExpiresAt());
                    // signed in through Keycloak: its session ends too, so coming back means its login page again
                    providerSignIns.end(jwt.getId());
                    audit.signedOut(user, request.getRemoteAddr());
                }
            }
        } catch (RuntimeException invalid) {
            // no valid token: nothing to sign out but the cookie
        }
        ResponseCookie cookie = ResponseCookie.from(SecurityConfiguration.TOKEN_COOKIE, "")
                .httpOnly(true).secure(properties.secureCookie()).sameSite("Strict").path("/").maxAge(0).build();
        return ResponseEntity.noContent().header(HttpHeaders.SET_COOKIE, cookie.toString()).build();
    }

    @GetMapping("/me")
    Me me(CurrentUser me) {
        return new Me(me.userId(), me.tenantId(), me.username(), me.roles(), properties.passwordMinLength());
    }
}
