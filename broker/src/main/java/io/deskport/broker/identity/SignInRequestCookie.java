package io.deskport.broker.identity;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseCookie;
import org.springframework.security.oauth2.client.web.AuthorizationRequestRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;

import io.deskport.broker.shared.SealedBox;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where a sign-in through Keycloak waits while the browser is at Keycloak's login page: not in a server session (any
 * broker replica may receive Keycloak's redirect back), but in a short-lived cookie that holds the authorization
 * request — its state, nonce and PKCE code verifier — sealed (AES-256-GCM under a platform key, bound to the cookie's
 * name), so the browser can neither read the verifier nor forge a request. HttpOnly; SameSite=Lax, because it must
 * come back on Keycloak's redirect (a top-level GET from Keycloak's site); sent only to the redirect endpoint.
 *
 * <p>On the way back the request is refused (treated as missing, so the sign-in fails and starts again) when the
 * cookie was altered, is older than {@link #LIFETIME}, or its state is not the one Keycloak sent back.
 */
final class SignInRequestCookie implements AuthorizationRequestRepository<OAuth2AuthorizationRequest> {

    static final String NAME = "deskport_signin";
    /** How long a sign-in may take at Keycloak's login page. */
    static final Duration LIFETIME = Duration.ofMinutes(10);
    static final String PATH = "/login/oauth2/code/";
    private static final Logger log = LoggerFactory.getLogger(SignInRequestCookie.class);
    private static final byte[] CONTEXT = ("cookie:" + NAME).getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_COOKIE = 3800;

    private final SealedBox box;
    private final boolean secure;
    private final Clock clock;
    private final JsonMapper json = JsonMapper.builder().build();

    SignInRequestCookie(SealedBox box, boolean secure, Clock clock) {
        this.box = box;
        this.secure = secure;
        this.clock = clock;
    }

    /** What the cookie holds, sealed: the request's fields and when it stops counting. */
    record Held(String authorizationUri, String clientId, String redirectUri, List<String> scopes, String state,
                Map<String, String> additionalParameters, Map<String, String> attributes,
                String authorizationRequestUri, long expiresAtMillis) {
    }

    @Override
    public OAuth2AuthorizationRequest loadAuthorizationRequest(HttpServletRequest request) {
        String state = request.getParameter(OAuth2ParameterNames.STATE);
        String value = cookie(request);
        if (state == null || value == null) {
            return null;
        }
        Held held = open(value);
        if (held == null) {
            return null;
        }
        if (!clock.instant().isBefore(Instant.ofEpochMilli(held.expiresAtMillis()))) {
            log.info("A sign-in through the identity provider came back after {} min: refused, to start again",
                    LIFETIME.toMinutes());
            return null;
        }
        if (!state.equals(held.state())) {
            return null;
        }
        return OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri(held.authorizationUri())
                .clientId(held.clientId())
                .redirectUri(held.redirectUri())
                .scopes(new LinkedHashSet<>(held.scopes()))
                .state(held.state())
                .additionalParameters(Map.copyOf(held.additionalParameters()))
                .attributes(a -> a.putAll(held.attributes()))
                .authorizationRequestUri(held.authorizationRequestUri())
                .build();
    }

    @Override
    public void saveAuthorizationRequest(OAuth2AuthorizationRequest authorizationRequest, HttpServletRequest request,
                                         HttpServletResponse response) {
        if (authorizationRequest == null) {
            clear(response);
            return;
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        authorizationRequest.getAdditionalParameters().forEach((k, v) -> parameters.put(k, String.valueOf(v)));
        Map<String, String> attributes = new LinkedHashMap<>();
        authorizationRequest.getAttributes().forEach((k, v) -> attributes.put(k, String.valueOf(v)));
        Held held = new Held(authorizationRequest.getAuthorizationUri(), authorizationRequest.getClientId(),
                authorizationRequest.getRedirectUri(), List.copyOf(authorizationRequest.getScopes()),
                authorizationRequest.getState(), parameters, attributes,
                authorizationRequest.getAuthorizationRequestUri(), clock.instant().plus(LIFETIME).toEpochMilli());
        String value = seal(held);
        if (value.length() > MAX_COOKIE) {
            throw new IllegalStateException("the sealed sign-in request is " + value.length()
                    + " characters: too long for a cookie");
        }
        response.addHeader(HttpHeaders.SET_COOKIE, cookie(value, LIFETIME).toString());
    }

    @Override
    public OAuth2AuthorizationRequest removeAuthorizationRequest(HttpServletRequest request, HttpServletResponse response) {
        OAuth2AuthorizationRequest found = loadAuthorizationRequest(request);
        if (cookie(request) != null) {
            clear(response); // used once: a replayed redirect finds nothing
        }
        return found;
    }

    String seal(Held held) {
        byte[] plain = json.writeValueAsBytes(held);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(box.seal(plain, CONTEXT));
    }

    /** @return what the cookie holds, or null when it cannot be read (altered, another key, not ours) */
    Held open(String value) {
        try {
            byte[] plain = box.open(Base64.getUrlDecoder().decode(value), CONTEXT);
            return json.readValue(plain, Held.class);
        } catch (SealedBox.Unreadable | IllegalArgumentException | JacksonException e) {
            log.info("A sign-in request cookie that cannot be opened was refused (altered, or sealed elsewhere)");
            return null;
        }
    }

    private void clear(HttpServletResponse response) {
        response.addHeader(HttpHeaders.SET_COOKIE, cookie("", Duration.ZERO).toString());
    }

    private ResponseCookie cookie(String value, Duration maxAge) {
        return ResponseCookie.from(NAME, value).httpOnly(true).secure(secure).sameSite("Lax").path(PATH)
                .maxAge(maxAge).build();
    }

    private static String cookie(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (NAME.equals(c.getName()) && !c.getValue().isBlank()) {
                    return c.getValue();
                }
            }
        }
        return null;
    }
}
