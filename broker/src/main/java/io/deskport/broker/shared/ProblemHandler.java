package io.deskport.broker.shared;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.authorization.AuthorizationDeniedException;
import org.springframework.validation.BindException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.async.AsyncRequestNotUsableException;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DatabindException;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/** Turns every error of the HTTP API into problem+json with a stable {@code reason}. */
@RestControllerAdvice
class ProblemHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<ProblemDetail> problem(ProblemException e, HttpServletRequest request) {
        return respond(ProblemResponses.of(e.reason(), e.getMessage(), e.figures(), request.getRequestURI()));
    }

    @ExceptionHandler(BindException.class)
    ResponseEntity<ProblemDetail> invalid(BindException e, HttpServletRequest request) {
        List<ProblemResponses.FieldError> errors = new ArrayList<>();
        // a query parameter that does not convert (an enum value out of its set, a malformed id or time) is told
        // what it must be, as a single request parameter is; never the Java type's name
        e.getFieldErrors().forEach(f -> errors.add(new ProblemResponses.FieldError(f.getField(),
                f.isBindingFailure() ? expected(e.getFieldType(f.getField())) : f.getDefaultMessage(),
                f.isBindingFailure() ? safeValue(f.getRejectedValue()) : rejected(f.getField(), f.getRejectedValue()))));
        e.getGlobalErrors().forEach(g -> errors.add(new ProblemResponses.FieldError(
                "body", g.getDefaultMessage(), null)));
        return respond(ProblemResponses.validation(errors, request.getRequestURI()));
    }

    @ExceptionHandler(HandlerMethodValidationException.class)
    ResponseEntity<ProblemDetail> invalid(HandlerMethodValidationException e, HttpServletRequest request) {
        List<ProblemResponses.FieldError> errors = new ArrayList<>();
        e.getParameterValidationResults().forEach(r -> r.getResolvableErrors().forEach(err -> errors.add(
                new ProblemResponses.FieldError(r.getMethodParameter().getParameterName(),
                        err.getDefaultMessage(), safeValue(r.getArgument())))));
        return respond(ProblemResponses.validation(errors, request.getRequestURI()));
    }

    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<ProblemDetail> invalid(ConstraintViolationException e, HttpServletRequest request) {
        List<ProblemResponses.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> new ProblemResponses.FieldError(field(v.getPropertyPath()), v.getMessage(),
                        safeValue(v.getInvalidValue())))
                .toList();
        return respond(ProblemResponses.validation(errors, request.getRequestURI()));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        return respond(ProblemResponses.validation(List.of(new ProblemResponses.FieldError(
                e.getName(), expected(e.getRequiredType()), safeValue(e.getValue()))), request.getRequestURI()));
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<ProblemDetail> missing(MissingServletRequestParameterException e, HttpServletRequest request) {
        return respond(ProblemResponses.validation(List.of(new ProblemResponses.FieldError(
                e.getParameterName(), "is required", null)), request.getRequestURI()));
    }

    @ExceptionHandler(MissingRequestHeaderException.class)
    ResponseEntity<ProblemDetail> missing(MissingRequestHeaderException e, HttpServletRequest request) {
        return respond(ProblemResponses.validation(List.of(new ProblemResponses.FieldError(
                e.getHeaderName(), "header is required", null)), request.getRequestURI()));
    }

    /**
     * A body that cannot be read: too large (413), not JSON (MALFORMED_REQUEST), or JSON that does not
     * fit the operation — an unknown member, a wrong type, an enum value out of its set, a NUL
     * character — as VALIDATION_FAILED naming the member. Never a Java type or method name.
     */
    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        String uri = request.getRequestURI();
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RequestBodyLimit.BodyTooLarge tooLarge) {
                return respond(ProblemResponses.of(Reason.PAYLOAD_TOO_LARGE, RequestBodyLimit.detail(tooLarge.limit),
                        Map.of("maxRequestBodyBytes", tooLarge.limit), uri));
            }
        }
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof UnrecognizedPropertyException u) {
                return respond(ProblemResponses.validation(List.of(new ProblemResponses.FieldError(path(u),
                        "is not a member of this request" + known(u), null)), uri));
            }
            if (t instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
                return respond(ProblemResponses.validation(List.of(new ProblemResponses.FieldError(path(m),
                        m instanceof InvalidFormatException f && ApiJson.isNul(f) ? NulCharacterRefusal.MESSAGE
                                : expected(m.getTargetType()),
                        m instanceof InvalidFormatException f && !ApiJson.isNul(f) ? rejected(path(m), f.getValue()) : null)),
                        uri));
            }
            if (t instanceof DatabindException d && !d.getPath().isEmpty()) {
                return respond(ProblemResponses.validation(List.of(new ProblemResponses.FieldError(path(d),
                        "is not valid here", null)), uri));
            }
            if (t instanceof StreamReadException r) {
                String where = r.getLocation() == null ? ""
                        : " (line " + r.getLocation().getLineNr() + ", column " + r.getLocation().getColumnNr() + ")";
                return respond(ProblemResponses.of(Reason.MALFORMED_REQUEST, "The request body is not valid JSON" + where,
                        uri));
            }
        }
        String detail = request.getContentLengthLong() == 0 || e.getCause() == null
                ? "The request body is missing or is not a JSON object this operation accepts"
                : "The request body is not valid JSON for this operation";
        return respond(ProblemResponses.of(Reason.MALFORMED_REQUEST, detail, uri));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        String allowed = e.getSupportedMethods() == null ? "" : "; allowed: " + String.join(", ", e.getSupportedMethods());
        return respond(ProblemResponses.of(Reason.METHOD_NOT_ALLOWED, "Method " + e.getMethod() + " is not allowed here"
                + allowed, request.getRequestURI()));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
        // what this endpoint takes (the token endpoint takes a form, the rest JSON)
        var supported = e.getSupportedMediaTypes();
        String wanted = supported.isEmpty() || supported.contains(org.springframework.http.MediaType.APPLICATION_JSON)
                ? "application/json"
                : String.join(" or ", supported.stream().filter(t -> !t.isWildcardSubtype()).map(t -> t.getType() + "/"
                        + t.getSubtype()).distinct().toList());
        return respond(ProblemResponses.of(Reason.UNSUPPORTED_MEDIA_TYPE,
                "Send " + wanted + " (got " + (e.getContentType() == null ? "no Content-Type" : e.getContentType()) + ")",
                request.getRequestURI()));
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ProblemDetail> notAcceptable(HttpMediaTypeNotAcceptableException e, HttpServletRequest request) {
        return respond(ProblemResponses.of(Reason.NOT_ACCEPTABLE, "Accept application/json or application/problem+json",
                request.getRequestURI()));
    }

    @ExceptionHandler(NoResourceFoundException.class)
    ResponseEntity<ProblemDetail> noResource(NoResourceFoundException e, HttpServletRequest request) {
        return respond(ProblemResponses.of(Reason.NOT_FOUND, "No such resource: " + request.getRequestURI(),
                request.getRequestURI()));
    }

    @ExceptionHandler({AccessDeniedException.class, AuthorizationDeniedException.class})
    ResponseEntity<ProblemDetail> denied(RuntimeException e, HttpServletRequest request) {
        return respond(ProblemResponses.of(Reason.FORBIDDEN, "Your role does not allow this operation",
                request.getRequestURI()));
    }

    /** Two changes of one configuration resource raced past each other (Hibernate's version check). */
    @ExceptionHandler(OptimisticLockingFailureException.class)
    ResponseEntity<ProblemDetail> stale(OptimisticLockingFailureException e, HttpServletRequest request) {
        return respond(ProblemResponses.of(Reason.STALE_VERSION, "The resource was changed by someone else while "
                + "this change was made; read it again and make your change on what it is now", request.getRequestURI()));
    }

    /** A constraint the database holds, met by Hibernate's flush (unique names, references). */
    @ExceptionHandler(org.hibernate.exception.ConstraintViolationException.class)
    ResponseEntity<ProblemDetail> constraint(org.hibernate.exception.ConstraintViolationException e,
                                             HttpServletRequest request) {
        if (e.getKind() == org.hibernate.exception.ConstraintViolationException.ConstraintKind.UNIQUE) {
            return duplicate(null, request);
        }
        return integrity(new DataIntegrityViolationException(e.getMessage(), e), request);
    }

    @ExceptionHandler(DuplicateKeyException.class)
    ResponseEntity<ProblemDetail> duplicate(DuplicateKeyException e, HttpServletRequest request) {
        return respond(ProblemResponses.of(Reason.CONFLICT,
                "An object with the same unique name or key already exists", request.getRequestURI()));
    }

    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<ProblemDetail> integrity(DataIntegrityViolationException e, HttpServletRequest request) {
        log.info("Refused {} {}: integrity violation {}", request.getMethod(), request.getRequestURI(),
                e.getMostSpecificCause().getMessage());
        return respond(ProblemResponses.of(Reason.CONFLICT,
                "The change conflicts with existing data (a referenced object is missing or a value is out of range)",
                request.getRequestURI()));
    }

    /**
     * The client went away while a long answer (the dashboard's event stream) was being written: nobody to answer,
     * and nothing went wrong on this side.
     */
    @ExceptionHandler(AsyncRequestNotUsableException.class)
    void clientGone(AsyncRequestNotUsableException e, HttpServletRequest request) {
        log.debug("{} {}: the client went away ({})", request.getMethod(), request.getRequestURI(), e.getMessage());
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<ProblemDetail> unexpected(Exception e, HttpServletRequest request) {
        if (DatabaseOutages.isOutage(e)) {
            // an outage is not a bug: one line, no stack trace, and an answer in words
            log.warn("{} {} answered SERVICE_UNAVAILABLE: the database is unavailable ({})", request.getMethod(),
                    request.getRequestURI(), DatabaseOutages.rootMessage(e));
            ProblemException refusal = DatabaseOutages.refusal(e);
            return respond(ProblemResponses.of(refusal.reason(), refusal.getMessage(), refusal.figures(),
                    request.getRequestURI()));
        }
        log.error("Unexpected failure of {} {}", request.getMethod(), request.getRequestURI(), e);
        return respond(ProblemResponses.of(Reason.INTERNAL_ERROR,
                "The broker failed to complete the request; it has been logged", request.getRequestURI()));
    }

    /** What a value of the type must look like, in the client's words (enums: their allowed values). */
    static String expected(Class<?> type) {
        if (type == null) {
            return "has the wrong type";
        }
        if (type.isEnum()) {
            return "must be one of " + Arrays.stream(type.getEnumConstants()).map(c -> ((Enum<?>) c).name())
                    .collect(Collectors.joining(", "));
        }
        if (type == UUID.class) {
            return "must be a UUID";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class
                || type == Short.class || type == short.class) {
            return "must be a whole number";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == float.class) {
            return "must be a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (type == String.class) {
            return "must be a string";
        }
        if (type == java.time.Instant.class) {
            return "must be a time like 2026-01-31T12:00:00Z";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "must be a list";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "must be an object";
        }
        return type.isRecord() ? "must be an object" : "has the wrong type";
    }

    /** The member's path in the body, e.g. {@code settings.uri} or {@code sessions[0].state}. */
    private static String path(DatabindException e) {
        StringBuilder sb = new StringBuilder();
        for (JacksonException.Reference r : e.getPath()) {
            if (r.getPropertyName() != null) {
                sb.append(sb.isEmpty() ? "" : ".").append(r.getPropertyName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? "body" : sb.toString();
    }

    private static String known(UnrecognizedPropertyException u) {
        if (u.getKnownPropertyIds() == null || u.getKnownPropertyIds().isEmpty()) {
            return "";
        }
        return " (known: " + u.getKnownPropertyIds().stream().map(String::valueOf).sorted()
                .collect(Collectors.joining(", ")) + ")";
    }

    /** A validated parameter's path without the Java method's name ({@code tasks.limit} → {@code limit}). */
    private static String field(jakarta.validation.Path path) {
        StringBuilder sb = new StringBuilder();
        for (jakarta.validation.Path.Node n : path) {
            if (n.getKind() == ElementKind.METHOD || n.getKind() == ElementKind.CONSTRUCTOR
                    || n.getKind() == ElementKind.RETURN_VALUE || n.getName() == null) {
                continue;
            }
            sb.append(sb.isEmpty() ? "" : ".").append(n.getName());
        }
        return sb.isEmpty() ? "request" : sb.toString();
    }

    private static ResponseEntity<ProblemDetail> respond(ProblemDetail problem) {
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(problem.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        // refusals that pass by themselves tell the client when to come back (RFC 9110 Retry-After, seconds)
        if (problem.getProperties() != null && problem.getProperties().get("retryAfterSeconds") instanceof Number n) {
            answer.header(HttpHeaders.RETRY_AFTER, Long.toString(n.longValue()));
        }
        return answer.body(problem);
    }

    /** The rejected value as echoed to the client, never for secret fields. */
    private static Object rejected(String field, Object value) {
        String f = field.toLowerCase();
        return f.contains("password") || f.contains("secret") || f.contains("token") ? null : safeValue(value);
    }

    private static Object safeValue(Object value) {
        if (value == null || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        String s = String.valueOf(value);
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }
}
