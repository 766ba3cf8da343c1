package io.deskport.broker.shared;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A refusal or error that becomes an RFC 9457 problem response: a stable {@link Reason}, a human
 * detail and the figures behind it (e.g. pool size and ready desktops), so an admin can act on it.
 */
public class ProblemException extends RuntimeException {

    private final Reason reason;
    private final Map<String, Object> figures;

    public ProblemException(Reason reason, String detail) {
        this(reason, detail, Map.of());
    }

    public ProblemException(Reason reason, String detail, Map<String, ?> figures) {
        super(detail, null, false, false);
        this.reason = reason;
        this.figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
    }

    public Reason reason() {
        return reason;
    }

    /** @return extra members of the problem body, in insertion order */
    public Map<String, Object> figures() {
        return figures;
    }

    /** A 400 VALIDATION_FAILED naming one field, in the shape bean validation answers with. */
    public static ProblemException validation(String field, String message) {
        return new ProblemException(Reason.VALIDATION_FAILED, field + ": " + message,
                Map.of("errors", java.util.List.of(Map.of("field", field, "message", message))));
    }

    public static ProblemException notFound(String what, Object id) {
        return new ProblemException(Reason.NOT_FOUND, what + " " + id + " does not exist",
                Map.of("objectType", what));
    }
}
