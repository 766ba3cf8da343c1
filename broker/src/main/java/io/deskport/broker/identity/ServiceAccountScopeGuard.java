package io.deskport.broker.identity;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.ProblemResponses;
import io.deskport.broker.shared.Reason;

/**
 * What a service account's scopes allow: {@code usage:read} the usage API, {@code admin:read} reading the admin
 * API, {@code admin:write} changing it, {@code sessions:write} disconnecting and logging off sessions. Nothing else
 * — no desktop connects, no tunnel or shadow tickets (nobody watches a screen through an integration), no service
 * accounts (an account cannot mint itself wider ones). The
 * roles' rules still apply on top (a tenant's account stays in its tenant). Refusals are 403 SCOPE_INSUFFICIENT
 * naming the scope needed.
 */
final class ServiceAccountScopeGuard extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Authentication auth = SecurityContextHolder.getContext().getAuthentication();
        if (auth instanceof DeskportAuthentication a && a.serviceAccount()) {
            String needed = requiredScope(request.getMethod(), request.getRequestURI());
            if (needed == null || !a.scopes().contains(needed)) {
                String detail = needed == null ? "Service accounts may call the usage and admin APIs only"
                        : "This operation needs the scope " + needed + "; the token carries " + a.scopes();
                ProblemResponses.write(response, new ProblemException(Reason.SCOPE_INSUFFICIENT, detail,
                        needed == null ? Map.of("grantedScopes", a.scopes())
                                : Map.of("requiredScope", needed, "grantedScopes", a.scopes())), request.getRequestURI());
                return;
            }
        }
        chain.doFilter(request, response);
    }

    /** The scope a request needs, or null when no scope allows it. */
    static String requiredScope(String method, String path) {
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (path.startsWith("/api/v1/usage/") || path.equals("/api/v1/usage")) {
            return read ? "usage:read" : null;
        }
        if (path.startsWith("/api/v1/admin/service-accounts") || path.startsWith("/api/v1/admin/tenants")
                && !read || path.startsWith("/api/v1/admin/sessions/") && path.endsWith("/shadow")) {
            return null;
        }
        if (path.startsWith("/api/v1/admin/sessions") && method.equals("POST")) {
            return "sessions:write";
        }
        if (path.startsWith("/api/v1/admin/")) {
            return read ? "admin:read" : "admin:write";
        }
        return null;
    }
}
