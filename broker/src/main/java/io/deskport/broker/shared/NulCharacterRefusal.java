package io.deskport.broker.shared;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Refuses a NUL character in a query parameter with 400 {@code VALIDATION_FAILED} naming the parameter:
 * PostgreSQL cannot store one in text, so it must never get that far. (JSON bodies are checked while
 * they are read, see {@link ApiJson}.)
 */
class NulCharacterRefusal extends OncePerRequestFilter {

    static final String MESSAGE = "must not contain the NUL character";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String query = request.getQueryString();
        if (query != null && (query.indexOf('%') >= 0 || query.indexOf('\0') >= 0)) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                if (name.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                    String field = name.replace('\0', '?');
                    ProblemResponses.write(response, ProblemResponses.validation(List.of(
                            new ProblemResponses.FieldError(field, MESSAGE, null)), request.getRequestURI()));
                    return;
                }
            }
        }
        chain.doFilter(request, response);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s; // malformed escapes are refused by the web server's own parameter parsing
        }
    }
}
