package io.deskport.broker.shared;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.boot.webmvc.autoconfigure.WebMvcRegistrations;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.condition.PathPatternsRequestCondition;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.pattern.PathPattern;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Spring MVC's handler lookup, with a cheap first test. For a path with variables (such as
 * {@code /api/v1/pools/{id}/connect}) Spring tries every mapping of the application, about a hundred here,
 * each through its method, header and pattern conditions and the request's wrappers: about 6% of the
 * broker's CPU per connect. A mapping whose every pattern starts with literal text the path does not start
 * with cannot match, so it is skipped before that. The test applies only to paths without percent-escapes
 * and matrix parameters, whose text is exactly what the patterns are matched against; any other path takes
 * Spring's full lookup. The chosen handler is the same either way.
 */
@Configuration(proxyBeanMethods = false)
class LiteralPrefixHandlerMapping implements WebMvcRegistrations {

    @Override
    public RequestMappingHandlerMapping getRequestMappingHandlerMapping() {
        return new Mapping();
    }

    static final class Mapping extends RequestMappingHandlerMapping {

        /** The path being looked up, while {@link #lookupHandlerMethod} runs; null for the full lookup. */
        private static final ThreadLocal<String> PLAIN_LOOKUP_PATH = new ThreadLocal<>();
        private static final String[] ANY = {""};

        private final Map<RequestMappingInfo, String[]> prefixes = new ConcurrentHashMap<>();

        @Override
        protected HandlerMethod lookupHandlerMethod(String lookupPath, HttpServletRequest request) throws Exception {
            String outer = PLAIN_LOOKUP_PATH.get();
            PLAIN_LOOKUP_PATH.set(lookupPath.indexOf('%') < 0 && lookupPath.indexOf(';') < 0 ? lookupPath : null);
            try {
                return super.lookupHandlerMethod(lookupPath, request);
            } finally {
                PLAIN_LOOKUP_PATH.set(outer);
            }
        }

        @Override
        protected RequestMappingInfo getMatchingMapping(RequestMappingInfo info, HttpServletRequest request) {
            String path = PLAIN_LOOKUP_PATH.get();
            if (path != null && !startsWithAny(path, prefixes.computeIfAbsent(info, Mapping::literalPrefixes))) {
                return null;
            }
            return super.getMatchingMapping(info, request);
        }

        private static boolean startsWithAny(String path, String[] candidates) {
            for (String prefix : candidates) {
                if (path.startsWith(prefix)) {
                    return true;
                }
            }
            return false;
        }

        /** The text before the first variable or wildcard of each pattern ("" when unknown: any path). */
        static String[] literalPrefixes(RequestMappingInfo info) {
            PathPatternsRequestCondition condition = info.getPathPatternsCondition();
            if (condition == null || condition.getPatterns().isEmpty()) {
                return ANY;
            }
            return condition.getPatterns().stream().map(PathPattern::getPatternString)
                    .map(Mapping::literalPrefix).toArray(String[]::new);
        }

        static String literalPrefix(String pattern) {
            for (int i = 0; i < pattern.length(); i++) {
                char c = pattern.charAt(i);
                if (c == '{' || c == '*' || c == '?' || c == '%' || c == ';') {
                    return pattern.substring(0, i);
                }
            }
            return pattern;
        }
    }
}
