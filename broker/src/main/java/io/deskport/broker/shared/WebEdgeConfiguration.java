package io.deskport.broker.shared;

import java.io.IOException;
import java.util.Map;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Every answer is problem+json, also the ones given before a request reaches a controller: a body over
 * the size limit, a NUL in a query parameter, a path the security firewall rejects ({@code //},
 * {@code ;}, encoded slashes), Spring Boot's error page, and the errors the web server answers by
 * itself (a malformed request line, oversized headers, an invalid URI).
 */
@Configuration(proxyBeanMethods = false)
class WebEdgeConfiguration {

    private static final Logger log = LoggerFactory.getLogger(WebEdgeConfiguration.class);

    /** Ahead of everything else, the security filters included: an oversized body is refused unread. */
    @Bean
    FilterRegistrationBean<RequestBodyLimit> requestBodyLimit(ApiProperties properties) {
        FilterRegistrationBean<RequestBodyLimit> r = new FilterRegistrationBean<>(new RequestBodyLimit(properties));
        r.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return r;
    }

    @Bean
    FilterRegistrationBean<NulCharacterRefusal> nulCharacterRefusal() {
        FilterRegistrationBean<NulCharacterRefusal> r = new FilterRegistrationBean<>(new NulCharacterRefusal());
        r.setOrder(Ordered.HIGHEST_PRECEDENCE + 11);
        return r;
    }

    /** Spring Security's firewall refuses a request (it used to answer a bare 400 through the error page). */
    @Bean
    RequestRejectedHandler requestRejectedHandler() {
        return (request, response, rejected) -> {
            log.debug("Refused a request the firewall rejects: {}",
                    String.valueOf(rejected.getMessage()).replaceAll("\\p{Cntrl}", "?"));
            ProblemResponses.write(response, ProblemResponses.of(Reason.MALFORMED_REQUEST,
                    "The request's path or headers contain characters or sequences the broker does not accept",
                    null));
        };
    }

    /** Tomcat's own error reports (before any servlet runs) as problem+json instead of an HTML page. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> problemErrorReports() {
        return factory -> factory.addContextCustomizers(context -> {
            if (context.getParent() instanceof StandardHost host) {
                Valve valve = new ProblemErrorReportValve();
                host.setErrorReportValveClass(ProblemErrorReportValve.class.getName());
                host.getPipeline().addValve(valve);
            }
        });
    }

    /** The problem for a bare HTTP status (no exception of ours behind it). */
    static ProblemDetail forStatus(int status, String instance) {
        Reason reason = switch (status) {
            case 400 -> Reason.MALFORMED_REQUEST;
            case 401 -> Reason.UNAUTHENTICATED;
            case 403 -> Reason.FORBIDDEN;
            case 404 -> Reason.NOT_FOUND;
            case 405 -> Reason.METHOD_NOT_ALLOWED;
            case 406 -> Reason.NOT_ACCEPTABLE;
            case 413 -> Reason.PAYLOAD_TOO_LARGE;
            case 415 -> Reason.UNSUPPORTED_MEDIA_TYPE;
            case 503 -> Reason.SERVICE_UNAVAILABLE;
            default -> status >= 500 ? Reason.INTERNAL_ERROR : Reason.MALFORMED_REQUEST;
        };
        String detail = switch (reason) {
            case MALFORMED_REQUEST -> "The request cannot be read: its request line, path or headers are malformed "
                    + "or too large";
            case NOT_FOUND -> "No such resource";
            case INTERNAL_ERROR -> "The broker failed to complete the request; it has been logged";
            default -> reason.title();
        };
        ProblemDetail problem = ProblemResponses.of(reason, detail, Map.of(), null);
        problem.setStatus(status >= 400 && status < 600 ? status : reason.status().value());
        if (instance != null && !instance.isEmpty() && instance.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            try {
                problem.setInstance(java.net.URI.create(instance));
            } catch (IllegalArgumentException e) {
                // not a URI: left out
            }
        }
        return problem;
    }

    /** Spring Boot's error page ({@code /error}) as problem+json. */
    @RestController
    static class ProblemErrorController implements ErrorController {

        @RequestMapping("/error")
        ResponseEntity<ProblemDetail> error(HttpServletRequest request) {
            Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
            int status = code instanceof Integer i ? i : HttpStatus.INTERNAL_SERVER_ERROR.value();
            Object uri = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
            return ResponseEntity.status(status).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(forStatus(status, uri == null ? null : uri.toString()));
        }
    }

    /** Tomcat's error report valve, writing problem+json. */
    static final class ProblemErrorReportValve extends ErrorReportValve {

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            try {
                HttpServletResponse r = response.getResponse();
                r.resetBuffer();
                ProblemResponses.write(r, forStatus(status, request.getDecodedRequestURI()));
            } catch (IOException | IllegalStateException e) {
                // the client is gone or the response is committed: nothing more to say
            }
        }
    }
}
