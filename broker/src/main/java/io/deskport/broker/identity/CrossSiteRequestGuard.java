package io.deskport.broker.identity;

import java.io.IOException;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.ProblemResponses;
import io.deskport.broker.shared.Reason;

/**
 * Refuses state-changing requests that a browser sends from another site with the portal's cookie: a
 * form or {@code text/plain} post from any page would otherwise connect, disconnect, issue tunnel tickets
 * or drain hosts in the signed-in user's name (SameSite=Strict was the only defence). A request that
 * carries the cookie and no {@code Authorization} header — and every sign-in and sign-out — must come from
 * the broker's own origin: {@code Sec-Fetch-Site} is {@code same-origin} or {@code none} (typed by the
 * user), or, from browsers that do not send it, {@code Origin} is the request's own. A request with
 * neither header is not from a browser page and passes; a bearer token is never sent by a browser on
 * its own and passes too.
 */
final class CrossSiteRequestGuard extends OncePerRequestFilter {

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!SAFE_METHODS.contains(request.getMethod()) && ambientCredentials(request) && crossSite(request)) {
            ProblemResponses.write(response, new ProblemException(Reason.FORBIDDEN, "A request from another site "
                    + "cannot change anything with your sign-in; use the Deskport portal itself"), request.getRequestURI());
            return;
        }
        chain.doFilter(request, response);
    }

    /** The portal's cookie without a bearer header, or a sign-in or sign-out (login CSRF). */
    private static boolean ambientCredentials(HttpServletRequest request) {
        String uri = request.getRequestURI();
        if (uri.equals("/api/v1/auth/login") || uri.equals("/api/v1/auth/logout")) {
            return true;
        }
        if (request.getHeader(HttpHeaders.AUTHORIZATION) != null) {
            return false;
        }
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie c : cookies) {
                if (SecurityConfiguration.TOKEN_COOKIE.equals(c.getName())) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean crossSite(HttpServletRequest request) {
        String site = request.getHeader("Sec-Fetch-Site");
        if (site != null) {
            return !site.equals("same-origin") && !site.equals("none");
        }
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (origin == null) {
            return false; // not sent by a browser page
        }
        return !origin.equalsIgnoreCase(ownOrigin(request));
    }

    /** The origin the request was addressed to (behind a trusted proxy, as the proxy forwarded it). */
    private static String ownOrigin(HttpServletRequest request) {
        String scheme = request.getScheme();
        int port = request.getServerPort();
        boolean defaultPort = "http".equals(scheme) && port == 80 || "https".equals(scheme) && port == 443;
        return scheme + "://" + request.getServerName() + (defaultPort ? "" : ":" + port);
    }
}
