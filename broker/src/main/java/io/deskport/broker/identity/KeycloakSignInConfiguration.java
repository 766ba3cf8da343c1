package io.deskport.broker.identity;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;
import org.springframework.security.oauth2.client.registration.InMemoryClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.DefaultOAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestCustomizers;
import org.springframework.security.oauth2.client.web.OAuth2AuthorizationRequestResolver;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.core.oidc.IdTokenClaimNames;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;

import io.deskport.broker.shared.PlatformSecrets;
import io.deskport.broker.shared.SealedBox;
import io.deskport.broker.tenancy.Tenants;

/**
 * The portal's sign-in through Keycloak (backend for frontend), on when {@code deskport.identity.keycloak.url} is
 * set: Spring Security's OAuth2 login runs the authorization code flow with PKCE (S256) against the platform realm
 * with the broker's confidential client, on a security chain of its own ({@value #START}{@code /keycloak} starts it,
 * {@value #CALLBACK}{@code keycloak} is where Keycloak sends the browser back), ahead of the API's. No server
 * session: the pending request waits in a sealed cookie ({@link SignInRequestCookie}), the tokens are kept in the
 * database ({@link ProviderSignIns}), and the browser ends up with the broker's own token in the same HttpOnly cookie
 * as a local sign-in ({@link KeycloakSignInOutcome}).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!'${deskport.identity.keycloak.url:}'.isBlank()")
class KeycloakSignInConfiguration {

    static final String REGISTRATION_ID = "keycloak";
    static final String START = "/oauth2/authorization";
    static final String CALLBACK = "/login/oauth2/code/";
    static final String SIGN_IN_URL = START + "/" + REGISTRATION_ID;
    static final String KEY_NAME = "sign-in-request-cookie";
    private static final int MAX_LOGIN_HINT = 254;

    /** The broker's client in the platform realm: sign-in page on Keycloak's public address, the rest on its own. */
    static ClientRegistration registration(KeycloakProperties keycloak) {
        String browser = keycloak.browserBase() + "/realms/" + keycloak.realm() + "/protocol/openid-connect";
        String server = keycloak.issuer() + "/protocol/openid-connect";
        return ClientRegistration.withRegistrationId(REGISTRATION_ID)
                .clientName("Keycloak")
                .clientId(keycloak.clientId())
                .clientSecret(keycloak.clientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .redirectUri("{baseUrl}" + CALLBACK + "{registrationId}")
                .scope("openid", "profile", "email", "organization")
                .authorizationUri(browser + "/auth")
                .tokenUri(server + "/token")
                .jwkSetUri(server + "/certs")
                .userInfoUri(server + "/userinfo")
                .userNameAttributeName(IdTokenClaimNames.SUB)
                .issuerUri(keycloak.issuer())
                .build();
    }

    @Bean
    ClientRegistrationRepository keycloakClientRegistrations(KeycloakProperties keycloak) {
        return new InMemoryClientRegistrationRepository(registration(keycloak));
    }

    @Bean
    @Order(0)
    SecurityFilterChain keycloakSignIn(HttpSecurity http, ClientRegistrationRepository registrations,
                                       KeycloakProperties keycloak, IdentityProperties properties,
                                       PlatformSecrets secrets, IdentityTokenDecoder decoder, ExternalUsers users,
                                       TrustedIssuers trusted, Tenants tenants, AccessTokens tokens,
                                       ProviderSignIns signIns, SignInAudit audit, KeycloakAdmin admin) throws Exception {
        SignInRequestCookie requests = new SignInRequestCookie(SealedBox.of(secrets, KEY_NAME),
                properties.secureCookie(), Clock.systemUTC());
        KeycloakSignInOutcome outcome = new KeycloakSignInOutcome(tokens, signIns, audit, keycloak, admin,
                properties.secureCookie());
        http.securityMatcher(START + "/**", CALLBACK + "**")
                // only GETs, and a sign-in cannot be planted: the state must match this browser's sealed cookie
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .securityContext(c -> c.securityContextRepository(new RequestAttributeSecurityContextRepository()))
                .requestCache(c -> c.disable())
                .formLogin(f -> f.disable())
                .httpBasic(b -> b.disable())
                .logout(l -> l.disable())
                .headers(h -> h.referrerPolicy(r -> r.policy(
                        org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER)))
                .authorizeHttpRequests(a -> a.anyRequest().permitAll())
                .oauth2Login(o -> o
                        .clientRegistrationRepository(registrations)
                        .authorizedClientRepository(outcome)
                        .authorizationEndpoint(e -> e.baseUri(START)
                                .authorizationRequestRepository(requests)
                                .authorizationRequestResolver(resolver(registrations)))
                        .redirectionEndpoint(r -> r.baseUri(CALLBACK + "*"))
                        .userInfoEndpoint(u -> u.oidcUserService(new KeycloakPortalUsers(decoder, users, trusted, tenants)))
                        .successHandler(outcome)
                        .failureHandler(outcome));
        return http.build();
    }

    /** PKCE (S256) on every request, and the e-mail the person typed in the portal as {@code login_hint}. */
    static OAuth2AuthorizationRequestResolver resolver(ClientRegistrationRepository registrations) {
        DefaultOAuth2AuthorizationRequestResolver pkce = new DefaultOAuth2AuthorizationRequestResolver(registrations, START);
        pkce.setAuthorizationRequestCustomizer(OAuth2AuthorizationRequestCustomizers.withPkce());
        return new OAuth2AuthorizationRequestResolver() {
            @Override
            public OAuth2AuthorizationRequest resolve(HttpServletRequest request) {
                return withLoginHint(pkce.resolve(request), request.getParameter("login_hint"));
            }

            @Override
            public OAuth2AuthorizationRequest resolve(HttpServletRequest request, String clientRegistrationId) {
                return withLoginHint(pkce.resolve(request, clientRegistrationId), request.getParameter("login_hint"));
            }
        };
    }

    static OAuth2AuthorizationRequest withLoginHint(OAuth2AuthorizationRequest request, String hint) {
        if (request == null || hint == null) {
            return request;
        }
        String h = hint.strip();
        if (h.isEmpty() || h.length() > MAX_LOGIN_HINT || h.chars().anyMatch(Character::isISOControl)) {
            return request; // not an e-mail address a person typed: Keycloak asks for it
        }
        return OAuth2AuthorizationRequest.from(request)
                .additionalParameters(p -> p.put("login_hint", h))
                .authorizationRequestUri(request.getAuthorizationRequestUri() + "&login_hint="
                        + URLEncoder.encode(h, StandardCharsets.UTF_8))
                .build();
    }
}
