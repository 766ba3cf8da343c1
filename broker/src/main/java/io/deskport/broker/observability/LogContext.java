package io.deskport.broker.observability;

import java.io.IOException;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.MDC;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.LogIds;

/**
 * The ids every log line of a request carries in the MDC (and so in the structured JSON logs): {@code requestId}
 * (the caller's {@code X-Request-Id} when it is a plain token of at most 64 characters, else one made here; answered in
 * the same header), and once the caller is known {@code tenantId}, {@code userId} and, on a session's own path
 * ({@code …/sessions/{id}…}), {@code sessionId}. The tunnel puts the same keys itself ({@code tunnel.TunnelEndpoint}, through {@link LogIds}).
 * Ids only: never a name, a token or anything the caller typed apart from a checked request id.
 */
@Configuration(proxyBeanMethods = false)
public class LogContext {

    static final String REQUEST_ID = LogIds.REQUEST_ID;
    static final String TENANT_ID = LogIds.TENANT_ID;
    static final String USER_ID = LogIds.USER_ID;
    static final String SESSION_ID = LogIds.SESSION_ID;
    static final String REQUEST_ID_HEADER = "X-Request-Id";

    @Bean
    FilterRegistrationBean<RequestIds> requestIds() {
        FilterRegistrationBean<RequestIds> bean = new FilterRegistrationBean<>(new RequestIds());
        // before everything, Spring Security included: its refusals are logged with the request's id too
        bean.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        return bean;
    }

    @Bean
    FilterRegistrationBean<CallerIds> callerIds() {
        FilterRegistrationBean<CallerIds> bean = new FilterRegistrationBean<>(new CallerIds());
        // right after Spring Security's chain (order -100), which has found the caller
        bean.setOrder(-99);
        return bean;
    }

    /** A request id the caller sent, if it is safe to log as it is: letters, digits, {@code .-_:}, at most 64. */
    static String acceptedRequestId(String sent) {
        if (sent == null || sent.isEmpty() || sent.length() > 64) {
            return null;
        }
        for (int i = 0; i < sent.length(); i++) {
            char c = sent.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '_' || c == '.' || c == ':';
            if (!plain) {
                return null;
            }
        }
        return sent;
    }

    /** The session id in a path like {@code /api/v1/sessions/{id}/…} or {@code /api/v1/admin/sessions/{id}}, or null. */
    static String sessionIdInPath(String uri) {
        int at = uri.indexOf("/sessions/");
        if (at < 0 || uri.length() < at + 10 + 36) {
            return null;
        }
        String id = uri.substring(at + 10, at + 10 + 36);
        if (uri.length() > at + 46 && uri.charAt(at + 46) != '/') {
            return null;
        }
        for (int i = 0; i < 36; i++) {
            char c = id.charAt(i);
            boolean ok = (i == 8 || i == 13 || i == 18 || i == 23) ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return null;
            }
        }
        return id;
    }

    static final class RequestIds extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            String id = acceptedRequestId(request.getHeader(REQUEST_ID_HEADER));
            if (id == null) {
                // not a UUID: randomUUID() draws from SecureRandom, a lock every request would take
                id = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
            }
            response.setHeader(REQUEST_ID_HEADER, id);
            MDC.put(REQUEST_ID, id);
            try {
                chain.doFilter(request, response);
            } finally {
                MDC.remove(REQUEST_ID);
                MDC.remove(TENANT_ID);
                MDC.remove(USER_ID);
                MDC.remove(SESSION_ID);
            }
        }
    }

    static final class CallerIds extends OncePerRequestFilter {

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            Authentication auth = SecurityContextHolder.getContext().getAuthentication();
            if (auth != null && auth.getPrincipal() instanceof CurrentUser user) {
                if (user.tenantId() != null) {
                    MDC.put(TENANT_ID, user.tenantId().toString());
                }
                if (user.userId() != null) {
                    MDC.put(USER_ID, user.userId().toString());
                }
            }
            String session = sessionIdInPath(request.getRequestURI());
            if (session != null) {
                MDC.put(SESSION_ID, session);
            }
            chain.doFilter(request, response);
        }
    }
}
