package io.deskport.broker.shared;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.http.ProblemDetail;

/** Builds RFC 9457 problem bodies in one shape for every module and every error path. */
public final class ProblemResponses {

    private ProblemResponses() {
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
}
