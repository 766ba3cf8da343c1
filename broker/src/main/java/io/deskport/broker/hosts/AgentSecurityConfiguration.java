package io.deskport.broker.hosts;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.intercept.AuthorizationFilter;
import org.springframework.web.filter.OncePerRequestFilter;

import io.deskport.broker.shared.ProblemResponses;
import io.deskport.broker.shared.Reason;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent API ({@code /api/v1/agent/**}) has a security chain of its own, ahead of the users' one:
 * it accepts only per-host agent credentials (never a user's access token, however privileged), and
 * lets only the enrolment call through without one.
 */
@Configuration(proxyBeanMethods = false)
class AgentSecurityConfiguration {

    static final String AGENT_ROLE = "SESSION_HOST_AGENT";
    private static final Logger log = LoggerFactory.getLogger(AgentSecurityConfiguration.class);

    @Bean
    @Order(1)
    SecurityFilterChain agentApi(HttpSecurity http, JdbcClient jdbc, JsonMapper json) throws Exception {
        http.securityMatcher("/api/v1/agent/**")
                .csrf(c -> c.disable()) // no ambient credentials: the agent sends its credential explicitly
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .formLogin(f -> f.disable())
                .httpBasic(b -> b.disable())
                .logout(l -> l.disable())
                .anonymous(a -> a.disable())
                .addFilterBefore(new AgentAuthenticationFilter(jdbc, json), AuthorizationFilter.class)
                .authorizeHttpRequests(a -> a
                        .requestMatchers(HttpMethod.POST, "/api/v1/agent/enrol").permitAll()
                        .anyRequest().hasRole(AGENT_ROLE))
                .exceptionHandling(e -> e
                        .authenticationEntryPoint((req, res, ex) -> problem(json, req, res, Reason.UNAUTHENTICATED,
                                "The agent credential is missing"))
                        .accessDeniedHandler((req, res, ex) -> problem(json, req, res, Reason.FORBIDDEN,
                                "Only session-host agents may call the agent API")));
        return http.build();
    }

    /** Checks {@code Authorization: Bearer dpa.<hostId>.<secret>} against the host's stored hash. */
    static final class AgentAuthenticationFilter extends OncePerRequestFilter {

        private final JdbcClient jdbc;
        private final JsonMapper json;

        AgentAuthenticationFilter(JdbcClient jdbc, JsonMapper json) {
            this.jdbc = jdbc;
            this.json = json;
        }

        @Override
        protected boolean shouldNotFilter(HttpServletRequest request) {
            return "/api/v1/agent/enrol".equals(request.getRequestURI());
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String header = request.getHeader("Authorization");
            if (header == null) {
                chain.doFilter(request, response); // the entry point answers 401
                return;
            }
            String presented = header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : null;
            Optional<AgentPrincipal> agent = authenticate(presented);
            if (agent.isEmpty()) {
                log.warn("Refused an agent API call to {} from {}: the credential is not valid", request.getRequestURI(),
                        request.getRemoteAddr());
                problem(json, request, response, Reason.UNAUTHENTICATED,
                        "The agent credential is not valid (unknown, forged, revoked or replaced by a new enrolment)");
                return;
            }
            AbstractAuthenticationToken token = new AbstractAuthenticationToken(
                    List.of(new SimpleGrantedAuthority("ROLE_" + AGENT_ROLE))) {
                @Override
                public Object getCredentials() {
                    return "";
                }

                @Override
                public Object getPrincipal() {
                    return agent.get();
                }
            };
            token.setAuthenticated(true);
            SecurityContextHolder.getContext().setAuthentication(token);
            try {
                chain.doFilter(request, response);
            } finally {
                SecurityContextHolder.clearContext();
            }
        }

        private Optional<AgentPrincipal> authenticate(String presented) {
            AgentSecrets.ParsedCredential c = AgentSecrets.parseCredential(presented);
            if (c == null) {
                return Optional.empty();
            }
            record Stored(UUID tenantId, UUID poolId, String name, byte[] hash) {
            }
            return jdbc.sql("select tenant_id, pool_id, name, credential_hash from session_host "
                            + "where id = ? and agent_managed and state <> 'REMOVED'")
                    .param(c.hostId())
                    .query((rs, n) -> new Stored(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                            rs.getString(3), rs.getBytes(4)))
                    .optional()
                    .filter(s -> AgentSecrets.matches(c.text(), s.hash()))
                    .map(s -> new AgentPrincipal(c.hostId(), s.tenantId(), s.poolId(), s.name()));
        }
    }

    private static void problem(JsonMapper json, HttpServletRequest req, HttpServletResponse res, Reason reason,
                                String detail) throws IOException {
        res.setStatus(reason.status().value());
        res.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        if (reason == Reason.UNAUTHENTICATED) {
            res.setHeader("WWW-Authenticate", "Bearer realm=\"deskport-agent\"");
        }
        json.writeValue(res.getOutputStream(), ProblemResponses.of(reason, detail, req.getRequestURI()));
    }
}
