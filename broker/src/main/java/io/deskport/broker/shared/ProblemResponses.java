package io.deskport.broker.shared;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;

import tools.jackson.databind.json.JsonMapper;

/** Builds RFC 9457 problem bodies in one shape for every module and every error path. */
public final class ProblemResponses {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemResponses() {
    }

    /**
     * Writes a problem as the whole response, for the edges that answer before Spring MVC (filters, the
     * security firewall, the web server's own error reports).
     */
    public static void write(HttpServletResponse response, ProblemDetail problem) throws IOException {
        Map<String, Object> members = new java.util.LinkedHashMap<>();
        members.put("type", problem.getType().toString());
        members.put("title", problem.getTitle());
        members.put("status", problem.getStatus());
        members.put("detail", problem.getDetail());
        if (problem.getInstance() != null) {
            members.put("instance", problem.getInstance().toString());
        }
        if (problem.getProperties() != null) {
            members.putAll(problem.getProperties());
        }
        byte[] body = JSON.writeValueAsBytes(members);
        response.setStatus(problem.getStatus());
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }

    public static ProblemDetail of(Reason reason, String detail, Map<String, ?> figures, String instance) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(reason.status(), detail);
        problem.setType(URI.create(reason.typeUri()));
        problem.setTitle(reason.title());
        if (instance != null) {
            problem.setInstance(URI.create(instance));
        }
        problem.setProperty("reason", reason.name());
        figures.forEach(problem::setProperty);
        return problem;
    }

    public static ProblemDetail of(Reason reason, String detail, String instance) {
        return of(reason, detail, Map.of(), instance);
    }

    /** One invalid input field. */
    public record FieldError(String field, String message, Object rejectedValue) {
    }

    public static ProblemDetail validation(List<FieldError> errors, String instance) {
        String detail = errors.size() == 1
                ? errors.getFirst().field() + ": " + errors.getFirst().message()
                : errors.size() + " fields are invalid";
        return of(Reason.VALIDATION_FAILED, detail, Map.of("errors", errors), instance);
    }

    /**
     * Writes a refusal as the whole response, as the problem handler would answer it (the same members and
     * the Retry-After header), for the one request a storm is made of: Spring's exception resolution and
     * message conversion cost the broker more CPU than the refusal itself.
     */
    public static void write(HttpServletResponse response, ProblemException refusal, String instance) throws IOException {
        if (refusal.figures().get("retryAfterSeconds") instanceof Number n) {
            response.setHeader(HttpHeaders.RETRY_AFTER, Long.toString(n.longValue()));
        }
        write(response, of(refusal.reason(), refusal.getMessage(), refusal.figures(), instance));
    }
}
