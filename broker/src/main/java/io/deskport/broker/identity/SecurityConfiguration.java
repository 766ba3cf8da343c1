package io.deskport.broker.identity;

import java.io.IOException;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.config.observation.SecurityObservationSettings;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.BearerTokenErrors;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenResolver;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.header.writers.ReferrerPolicyHeaderWriter;
import org.springframework.security.web.header.writers.StaticHeadersWriter;

import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.ProblemResponses;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.tenancy.Tenants;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which roles reach which API. Every {@code /api/**} call needs a valid access token (Authorization
 * header, or the HttpOnly cookie the portal uses); admin APIs need an admin role; help desk may read
 * and act on sessions but change nothing else. Errors are problem+json like everything else.
 */
@Configuration(proxyBeanMethods = false)
class SecurityConfiguration {

    static final String TOKEN_COOKIE = "deskport_token";
    /** Sent with every answer; HSTS too, but only over TLS (directly, or from a trusted proxy). */
    static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'self' blob:; "
            + "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
    static final String PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
            + "clipboard-read=(self), clipboard-write=(self), fullscreen=(self)";
    private static final String[] ADMINS = {"PLATFORM_ADMIN", "TENANT_ADMIN"};
    private static final String[] SUPPORT = {"PLATFORM_ADMIN", "TENANT_ADMIN", "HELPDESK"};

    /**
     * No observation wrapper round every security filter: with it, each request paid for ~15 wrapped filter
     * calls even with the observations themselves disabled (HTTP request metrics stay on).
     */
    @Bean
    static SecurityObservationSettings securityObservationSettings() {
        return SecurityObservationSettings.noObservations();
    }

    /** The broker's own tokens and those of the trusted Keycloak realms. */
    @Bean
    IdentityTokenDecoder identityTokenDecoder(AccessTokens tokens, TrustedIssuers trusted, JsonMapper json) {
        return new IdentityTokenDecoder(tokens.decoder(), trusted, json);
    }

    @Bean
    SecurityFilterChain api(HttpSecurity http, IdentityTokenDecoder decoder, RevokedTokens revoked,
                            ExternalUsers externalUsers, Tenants tenants, JsonMapper json) throws Exception {
        http.csrf(c -> c.disable()) // tokens, not ambient credentials: the cookie is SameSite=Strict
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .formLogin(f -> f.disable())
                .httpBasic(b -> b.disable())
                .logout(l -> l.disable())
                .addFilterBefore(new CrossSiteRequestGuard(), BearerTokenAuthenticationFilter.class)
                .addFilterAfter(new ServiceAccountScopeGuard(), BearerTokenAuthenticationFilter.class)
                .headers(h -> h
                        // the portal has no inline script; images come as data: and blob: URLs (the remote
                        // desktop's tiles), the tunnel is a WebSocket to this origin
                        .contentSecurityPolicy(c -> c.policyDirectives(CONTENT_SECURITY_POLICY))
                        .referrerPolicy(r -> r.policy(ReferrerPolicyHeaderWriter.ReferrerPolicy.NO_REFERRER))
                        .addHeaderWriter(new StaticHeadersWriter("Permissions-Policy", PERMISSIONS_POLICY))
                        .frameOptions(f -> f.deny()))
                .authorizeHttpRequests(a -> a
                        .requestMatchers("/api/v1/auth/login", "/api/v1/auth/logout", "/api/v1/auth/token",
                                "/api/v1/auth/providers", BackChannelLogout.PATH).permitAll()
                        .requestMatchers("/actuator/health/**", "/actuator/health", "/v3/api-docs/**", "/v3/api-docs").permitAll()
                        // the Swagger UI (springdoc: /api redirects to its files) for those who use the admin API; the
                        // browser sends the portal's cookie, a script its bearer token
                        .requestMatchers("/api", "/swagger-ui", "/swagger-ui/**").hasAnyRole(SUPPORT)
                        .requestMatchers("/api/v1/admin/tenants/**", "/api/v1/admin/tenants").hasRole("PLATFORM_ADMIN")
                        .requestMatchers(HttpMethod.GET, "/api/v1/admin/sessions/**", "/api/v1/admin/sessions",
                                "/api/v1/admin/audit", "/api/v1/admin/users/**", "/api/v1/admin/users",
                                "/api/v1/admin/groups/**", "/api/v1/admin/groups", "/api/v1/admin/pools/**",
                                "/api/v1/admin/pools", "/api/v1/admin/desktops/**", "/api/v1/admin/session-hosts/**")
                        .hasAnyRole(SUPPORT)
                        .requestMatchers(HttpMethod.POST, "/api/v1/admin/sessions/*/disconnect",
                                "/api/v1/admin/sessions/*/logoff", "/api/v1/admin/sessions/*/shadow",
                                "/api/v1/admin/sessions/bulk").hasAnyRole(SUPPORT)
                        .requestMatchers("/api/v1/admin/**").hasAnyRole(ADMINS)
                        .requestMatchers("/api/v1/usage/**").hasAnyRole(ADMINS)
                        .requestMatchers("/api/**").authenticated()
                        .requestMatchers("/actuator/**").hasRole("PLATFORM_ADMIN")
                        .anyRequest().permitAll())
                .oauth2ResourceServer(o -> o
                        .bearerTokenResolver(tokenResolver())
                        .jwt(j -> j.decoder(decoder).jwtAuthenticationConverter(jwt -> authenticate(jwt, revoked, externalUsers, tenants)))
                        .authenticationEntryPoint((req, res, ex) -> problem(json, req, res, Reason.UNAUTHENTICATED,
                                "Sign in first: the access token is missing, expired or invalid"))
                        .accessDeniedHandler((req, res, ex) -> problem(json, req, res, Reason.FORBIDDEN,
                                "Your role does not allow this operation")))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) -> problem(json, req, res, Reason.UNAUTHENTICATED,
                                "Sign in first: the access token is missing, expired or invalid"))
                        .accessDeniedHandler((req, res, ex) -> problem(json, req, res, Reason.FORBIDDEN,
                                "Your role does not allow this operation")));
        return http.build();
    }

    private static AbstractAuthenticationToken authenticate(Jwt jwt, RevokedTokens revoked, ExternalUsers externalUsers,
                                                           Tenants tenants) {
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
        java.util.Set<String> scopes = AccessTokens.serviceScopes(jwt);
        if (scopes != null && !tenants.isActive(user.tenantId())) {
            // a local service account's token: its tenant was offboarded after it was issued
            throw new InvalidBearerTokenException("The token's tenant has been offboarded");
        }
        return new DeskportAuthentication(user, jwt, scopes);
    }

    /**
     * The Authorization header first, else the portal's HttpOnly cookie. A {@code Bearer} header whose
     * token has characters no token has is refused as malformed (as Spring's resolver does, without its
     * case-insensitive regular expression on every request).
     */
    static BearerTokenResolver tokenResolver() {
        return request -> presentedToken(request, cookieCounts(request.getRequestURI()));
    }

    /** The token a request presents: its Authorization header, else (when {@code cookieToo}) the portal's cookie. */
    static String presentedToken(HttpServletRequest request, boolean cookieToo) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = header.substring(7);
            if (!isTokenSyntax(token)) {
                throw new OAuth2AuthenticationException(BearerTokenErrors.invalidToken("Bearer token is malformed"));
            }
            return token;
        }
        Cookie[] cookies = request.getCookies();
        if (cookies != null && cookieToo) {
            for (Cookie c : cookies) {
                if (TOKEN_COOKIE.equals(c.getName()) && !c.getValue().isBlank()) {
                    return c.getValue();
                }
            }
        }
        return null;
    }

    /**
     * Where the portal's cookie is a credential: the API, the Swagger UI and the actuator. Elsewhere (the portal's own
     * files, what the sign-in page offers) it is not read, so a revoked or stale cookie cannot make the portal itself,
     * or its sign-in page, answer 401.
     */
    static boolean cookieCounts(String uri) {
        return (uri.startsWith("/api") || uri.startsWith("/swagger-ui") || uri.startsWith("/actuator"))
                && !uri.equals(SignInProvidersController.PATH) && !OPEN_AUTH.contains(uri);
    }

    /**
     * Sign-in, sign-out and the other calls made without a sign-in: a stale or revoked cookie must not make them
     * 401 (signing in again, or out, must work); sign-out reads the cookie itself to revoke it.
     */
    private static final java.util.Set<String> OPEN_AUTH = java.util.Set.of("/api/v1/auth/login", "/api/v1/auth/logout",
            "/api/v1/auth/token", BackChannelLogout.PATH);

    /** RFC 6750's b64token: {@code 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="}. */
    static boolean isTokenSyntax(String token) {
        int n = token.length();
        int end = n;
        while (end > 0 && token.charAt(end - 1) == '=') {
            end--;
        }
        if (end == 0) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            char c = token.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static void problem(JsonMapper json, HttpServletRequest req, HttpServletResponse res, Reason reason,
                                String detail) throws IOException {
        ProblemDetail body = ProblemResponses.of(reason, detail, req.getRequestURI());
        res.setStatus(reason.status().value());
        res.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (reason == Reason.UNAUTHENTICATED) {
            res.setHeader("WWW-Authenticate", "Bearer");
        }
        json.writeValue(res.getOutputStream(), body);
    }
}
