package io.deskport.broker.identity;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

/**
 * The OAuth 2.0 token endpoint of local service accounts (RFC 6749 §4.4, client credentials): the client id and
 * secret in HTTP Basic (or {@code client_id} and {@code client_secret} in the form), an optional {@code scope}
 * (space-separated; the default: every scope granted). Refusals are problem+json that also carry RFC 6749's
 * {@code error} member, so OAuth client libraries understand them. Wrong secrets are throttled like passwords.
 */
@RestController
class ClientCredentialsController {

    private final ServiceAccounts accounts;
    private final AccessTokens tokens;
    private final SignInThrottle throttle;

    ClientCredentialsController(ServiceAccounts accounts, AccessTokens tokens, SignInThrottle throttle) {
        this.accounts = accounts;
        this.tokens = tokens;
        this.throttle = throttle;
    }

    record TokenAnswer(String access_token, String token_type, long expires_in, String scope) {
    }

    @PostMapping(path = "/api/v1/auth/token", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<TokenAnswer> token(@RequestBody MultiValueMap<String, String> form, HttpServletRequest request) {
        if (!"client_credentials".equals(form.getFirst("grant_type"))) {
            throw oauth(Reason.VALIDATION_FAILED, "unsupported_grant_type", "grant_type must be client_credentials");
        }
        String clientId = form.getFirst("client_id");
        String secret = form.getFirst("client_secret");
        String basic = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (basic != null && basic.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(basic.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                if (colon > 0) {
                    clientId = java.net.URLDecoder.decode(pair.substring(0, colon), StandardCharsets.UTF_8);
                    secret = java.net.URLDecoder.decode(pair.substring(colon + 1), StandardCharsets.UTF_8);
                }
            } catch (IllegalArgumentException e) {
                throw oauth(Reason.BAD_CREDENTIALS, "invalid_client", "The client credentials cannot be read");
            }
        }
        if (clientId == null || secret == null || clientId.length() > 100 || secret.length() > 200) {
            throw oauth(Reason.BAD_CREDENTIALS, "invalid_client", "Client id and secret are required");
        }
        String account = "svc/" + clientId;
        String address = request.getRemoteAddr();
        Optional<Duration> wait = throttle.wait(account, address);
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            throw new ProblemException(Reason.TOO_MANY_ATTEMPTS, "Too many wrong secrets: try again in " + seconds + " s",
                    Map.of("retryAfterSeconds", seconds, "error", "invalid_client"));
        }
        Optional<ServiceAccounts.Account> found = accounts.authenticate(clientId, secret);
        if (found.isEmpty()) {
            throttle.failed(account, address);
            throw oauth(Reason.BAD_CREDENTIALS, "invalid_client", "Unknown client, wrong secret or disabled account");
        }
        throttle.succeeded(account, address);
        ServiceAccounts.Account a = found.get();
        String requested = form.getFirst("scope");
        Set<String> scopes = requested == null || requested.isBlank() ? new TreeSet<>(a.scopes())
                : ServiceAccounts.granted(a.scopes(), requested);
        if (requested != null && !requested.isBlank()
                && scopes.size() != new TreeSet<>(java.util.List.of(requested.trim().split(" +"))).size()) {
            throw oauth(Reason.SCOPE_INSUFFICIENT, "invalid_scope", "The account is not granted every scope asked for; "
                    + "granted: " + new TreeSet<>(a.scopes()));
        }
        AccessTokens.Issued issued = tokens.issueService(a, scopes);
        long ttl = Duration.between(Instant.now(), issued.expiresAt()).toSeconds();
        return ResponseEntity.ok().header(HttpHeaders.CACHE_CONTROL, "no-store")
                .body(new TokenAnswer(issued.token(), "Bearer", ttl, String.join(" ", scopes)));
    }

    private static ProblemException oauth(Reason reason, String error, String detail) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("error", error);
        return new ProblemException(reason, detail, figures);
    }
}
