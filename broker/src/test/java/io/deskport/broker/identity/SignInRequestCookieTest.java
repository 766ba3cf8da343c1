package io.deskport.broker.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import jakarta.servlet.http.Cookie;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;

import io.deskport.broker.shared.SealedBox;

/**
 * The sign-in request that waits in a sealed cookie while the browser is at Keycloak: it comes back whole to any
 * broker with the platform key, and is refused when altered, sealed under another key, too old, or for another state.
 */
class SignInRequestCookieTest {

    private static final byte[] KEY = key();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T10:00:00Z"));
    private final SignInRequestCookie cookies = new SignInRequestCookie(SealedBox.withKey(KEY), true, clock);

    @Test
    void aSavedRequestComesBackWholeWithItsPkceVerifierAndLoginHint() {
        OAuth2AuthorizationRequest request = request("alice@acme.test");
        String cookie = save(cookies, request);

        OAuth2AuthorizationRequest back = new SignInRequestCookie(SealedBox.withKey(KEY), true, clock)
                .loadAuthorizationRequest(callback(request.getState(), cookie));

        assertThat(back).isNotNull();
        assertThat(back.getState()).isEqualTo(request.getState());
        assertThat(back.getRedirectUri()).isEqualTo(request.getRedirectUri());
        assertThat(back.getScopes()).containsExactlyInAnyOrderElementsOf(request.getScopes());
        assertThat(back.getAuthorizationRequestUri()).isEqualTo(request.getAuthorizationRequestUri());
        assertThat((String) back.getAttribute(PkceParameterNames.CODE_VERIFIER))
                .isEqualTo(request.getAttribute(PkceParameterNames.CODE_VERIFIER)).isNotBlank();
        assertThat(back.getAdditionalParameters()).containsEntry(PkceParameterNames.CODE_CHALLENGE_METHOD, "S256")
                .containsEntry("login_hint", "alice@acme.test");
        assertThat(back.getAuthorizationRequestUri()).contains("code_challenge=").contains("login_hint=alice%40acme.test");
    }

    @Test
    void theCookieIsHttpOnlyLaxSecureShortLivedOnlyForTheCallbackAndHidesTheVerifier() {
        MockHttpServletResponse response = new MockHttpServletResponse();
        OAuth2AuthorizationRequest request = request(null);
        cookies.saveAuthorizationRequest(request, new MockHttpServletRequest(), response);
        String header = response.getHeader("Set-Cookie");

        assertThat(header).startsWith(SignInRequestCookie.NAME + "=").contains("HttpOnly").contains("Secure")
                .contains("SameSite=Lax").contains("Path=/login/oauth2/code/").contains("Max-Age=600");
        String value = header.substring(header.indexOf('=') + 1, header.indexOf(';'));
        String readable = new String(Base64.getUrlDecoder().decode(value), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertThat(readable).doesNotContain((String) request.getAttribute(PkceParameterNames.CODE_VERIFIER))
                .doesNotContain(request.getState());
    }

    @Test
    void anAlteredCookieIsRefused() {
        OAuth2AuthorizationRequest request = request(null);
        byte[] sealed = Base64.getUrlDecoder().decode(save(cookies, request));
        sealed[sealed.length / 2] ^= 0x01;
        String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(sealed);

        assertThat(cookies.loadAuthorizationRequest(callback(request.getState(), tampered))).isNull();
        assertThat(cookies.loadAuthorizationRequest(callback(request.getState(), "not-base64!"))).isNull();
    }

    @Test
    void aCookieSealedUnderAnotherKeyIsRefused() {
        OAuth2AuthorizationRequest request = request(null);
        String elsewhere = save(new SignInRequestCookie(SealedBox.withKey(key()), true, clock), request);

        assertThat(cookies.loadAuthorizationRequest(callback(request.getState(), elsewhere))).isNull();
    }

    @Test
    void aCookieOlderThanItsLifetimeIsRefused() {
        OAuth2AuthorizationRequest request = request(null);
        String cookie = save(cookies, request);

        clock.advance(SignInRequestCookie.LIFETIME.minusSeconds(1));
        assertThat(cookies.loadAuthorizationRequest(callback(request.getState(), cookie))).isNotNull();
        clock.advance(Duration.ofSeconds(1));
        assertThat(cookies.loadAuthorizationRequest(callback(request.getState(), cookie))).isNull();
    }

    @Test
    void anotherStateThanTheCookiesIsRefused() {
        OAuth2AuthorizationRequest request = request(null);
        String cookie = save(cookies, request);

        assertThat(cookies.loadAuthorizationRequest(callback("someone-elses-state", cookie))).isNull();
        assertThat(cookies.loadAuthorizationRequest(callback(null, cookie))).isNull();
    }

    @Test
    void removingTheRequestClearsTheCookieSoARepeatedRedirectFindsNothing() {
        OAuth2AuthorizationRequest request = request(null);
        String cookie = save(cookies, request);
        MockHttpServletResponse response = new MockHttpServletResponse();

        assertThat(cookies.removeAuthorizationRequest(callback(request.getState(), cookie), response)).isNotNull();
        assertThat(response.getHeader("Set-Cookie")).startsWith(SignInRequestCookie.NAME + "=;").contains("Max-Age=0");
    }

    /** An authorization request as the broker's resolver makes it: PKCE, nonce, and a login hint when given. */
    private static OAuth2AuthorizationRequest request(String loginHint) {
        ClientRegistration registration = KeycloakSignInConfiguration.registration(new KeycloakProperties(
                "http://127.0.0.1:18080", "", "deskport", "deskport", "secret", "master", "", "", Duration.ofSeconds(5)));
        MockHttpServletRequest start = new MockHttpServletRequest("GET", "/oauth2/authorization/keycloak");
        start.setServletPath("/oauth2/authorization/keycloak");
        if (loginHint != null) {
            start.setParameter("login_hint", loginHint);
        }
        OAuth2AuthorizationRequest request = KeycloakSignInConfiguration.resolver(
                new InMemoryClientRegistrationRepository(registration)).resolve(start);
        assertThat(request).as("the resolver answers the start address").isNotNull();
        return request;
    }

    private static String save(SignInRequestCookie cookies, OAuth2AuthorizationRequest request) {
        MockHttpServletResponse response = new MockHttpServletResponse();
        cookies.saveAuthorizationRequest(request, new MockHttpServletRequest(), response);
        String header = response.getHeader("Set-Cookie");
        return header.substring(header.indexOf('=') + 1, header.indexOf(';'));
    }

    private static MockHttpServletRequest callback(String state, String cookie) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/login/oauth2/code/keycloak");
        if (state != null) {
            request.setParameter("state", state);
        }
        request.setParameter("code", "a-code");
        request.setCookies(new Cookie(SignInRequestCookie.NAME, cookie));
        return request;
    }

    private static byte[] key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    private static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
