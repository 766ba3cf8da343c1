package io.deskport.broker.brokering;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.ProblemResponses;
import io.deskport.broker.shared.Reason;

/**
 * Sheds load before reading it: a connect (or an application's launch, a user's disconnect or logoff) that the
 * admission would refuse at once ({@link ConnectAdmission}: every turn taken and the waiting room full, or the
 * wait for a turn expected longer than the admission wait) is answered {@code 503 OVERLOADED} here, ahead of the
 * security filters, the token's check and Spring MVC — with the same problem+json and {@code Retry-After} the
 * admission answers, and counted in {@code deskport.connect.refusals} as such.
 *
 * <p>Why: a refusal that went the whole way cost the broker about as much CPU as half a connect (the filter chain,
 * the token, the handler lookup, the problem written), and a refused client comes back after its
 * {@code Retry-After}. At 500 connects a second on two cores (bench/metering, 2026-12-07) a few hundred refusals
 * in the storm's first second grew, with their clients' tries again, into 2,000–2,800 refusals a second that took
 * the broker's CPU from the connects: 50–300 connects a second were served until the storm ended, and thousands of
 * users gave up. Here a refusal costs a few string comparisons.
 *
 * <p>What changes for a refused caller: nothing in the answer; it is given before the caller is known, so a
 * request that would have been refused for its token (or its path) is refused as OVERLOADED while the broker is
 * overloaded, and such refusals are not in the tenant's figures of the console's dashboard (which counts what the
 * broker knew to be the tenant's) — the platform's metric counts them.
 */
final class ConnectShedding extends HttpFilter {

    private static final String POOLS = "/api/v1/pools/";
    private static final String APPLICATIONS = "/api/v1/applications/";
    private static final String SESSIONS = "/api/v1/sessions/";
    private static final int UUID_LENGTH = 36;

    private final transient ConnectAdmission admission;
    private final transient ConnectMeters meters;

    ConnectShedding(ConnectAdmission admission, ConnectMeters meters) {
        this.admission = admission;
        this.meters = meters;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long start = System.nanoTime();
        String path = request.getRequestURI();
        ProblemException refused = "POST".equals(request.getMethod()) ? refusal(path) : null;
        if (refused == null) {
            chain.doFilter(request, response);
            return;
        }
        ProblemResponses.write(response, refused, path);
        if (isConnect(path)) {
            // the connect's meters count connects only: a shed logoff is not one (nor is one refused further in)
            meters.refused(null, Reason.OVERLOADED, System.nanoTime() - start);
        }
    }

    private static boolean isConnect(String path) {
        return names(path, POOLS, "/connect") || names(path, APPLICATIONS, "/launch");
    }

    /** The refusal this request gets now, or null when it goes on. */
    ProblemException refusal(String path) {
        if (isConnect(path)) {
            return admission.shedConnect();
        }
        if (names(path, SESSIONS, "/logoff") || names(path, SESSIONS, "/disconnect")) {
            return admission.shedEnding();
        }
        return null;
    }

    /** Whether the path is {@code prefix}, a UUID, {@code suffix}. */
    static boolean names(String path, String prefix, String suffix) {
        if (path.length() != prefix.length() + UUID_LENGTH + suffix.length() || !path.startsWith(prefix)
                || !path.endsWith(suffix)) {
            return false;
        }
        for (int i = prefix.length(); i < prefix.length() + UUID_LENGTH; i++) {
            char c = path.charAt(i);
            boolean hex = c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
            if (!hex && c != '-') {
                return false;
            }
        }
        return true;
    }

    @Configuration(proxyBeanMethods = false)
    static class Registration {

        /**
         * After the request id (its header is on the refusal too) and the edge's checks of a request's shape. The
         * connect's meters are registered again on the same registry, which hands out the same counters and timers.
         */
        @Bean
        FilterRegistrationBean<ConnectShedding> connectShedding(ConnectAdmission admission,
                                                                ObjectProvider<MeterRegistry> registry) {
            ConnectMeters meters = new ConnectMeters(registry.getIfAvailable(SimpleMeterRegistry::new));
            FilterRegistrationBean<ConnectShedding> r = new FilterRegistrationBean<>(new ConnectShedding(admission, meters));
            r.setOrder(Ordered.HIGHEST_PRECEDENCE + 12);
            r.setName("connectShedding");
            return r;
        }
    }
}
