package io.deskport.broker.observability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.web.filter.OncePerRequestFilter;

import io.deskport.broker.shared.MetricsProperties;

/**
 * The Prometheus scrape ({@code /actuator/prometheus}) without a user's sign-in: when
 * {@code deskport.metrics.scrape-token} is set, a request bearing exactly that token may read this one endpoint (and
 * nothing else). Any other request falls through to the users' chain, where {@code /actuator/**} needs a platform
 * admin — so without a scrape token the endpoint is exactly as closed as the rest of the actuator.
 */
@Configuration(proxyBeanMethods = false)
class ScrapeSecurityConfiguration {

    static final String PROMETHEUS_PATH = "/actuator/prometheus";
    static final String SCRAPE_ROLE = "METRICS_SCRAPER";

    @Bean
    @Order(2)
    SecurityFilterChain prometheusScrape(HttpSecurity http, MetricsProperties props) throws Exception {
        byte[] token = props.scrapeToken() == null ? null : props.scrapeToken().getBytes(StandardCharsets.UTF_8);
        // only a request bearing the scrape token is this chain's: a platform admin's token goes to the users' chain
        http.securityMatcher(request -> token != null && PROMETHEUS_PATH.equals(request.getRequestURI())
                        && bearsToken(request, token))
                .csrf(c -> c.disable())
                .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(c -> c.disable())
                .formLogin(f -> f.disable())
                .httpBasic(b -> b.disable())
                .logout(l -> l.disable())
                .anonymous(a -> a.disable())
                .addFilterBefore(new ScrapeAuthentication(), BearerTokenAuthenticationFilter.class)
                .authorizeHttpRequests(a -> a.anyRequest().hasRole(SCRAPE_ROLE));
        return http.build();
    }

    /** Constant-time comparison of the Authorization header's bearer token with the scrape token. */
    static boolean bearsToken(HttpServletRequest request, byte[] token) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(header.substring(7).trim().getBytes(StandardCharsets.UTF_8), token);
    }

    /** The request matched the chain, so its token is the scrape token: it is the scraper. */
    private static final class ScrapeAuthentication extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            var context = SecurityContextHolder.createEmptyContext();
            context.setAuthentication(new Scraper());
            SecurityContextHolder.setContext(context);
            try {
                chain.doFilter(request, response);
            } finally {
                SecurityContextHolder.clearContext();
            }
        }
    }

    private static final class Scraper extends AbstractAuthenticationToken {

        Scraper() {
            super(List.of(new SimpleGrantedAuthority("ROLE_" + SCRAPE_ROLE)));
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return "";
        }

        @Override
        public Object getPrincipal() {
            return "prometheus";
        }
    }
}
