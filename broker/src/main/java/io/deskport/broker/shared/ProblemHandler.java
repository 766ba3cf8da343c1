package io.deskport.broker.shared;

import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.ConstraintViolationException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
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
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Turns every error of the HTTP API into problem+json with a stable {@code reason}. */
@RestControllerAdvice
public class ProblemHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<ProblemDetail> problem(ProblemException e, HttpServletRequest request) {
        return respond(ProblemResponses.of(e.reason(), e.getMessage(), e.figures(), request.getRequestURI()));
    }

    @ExceptionHandler(BindException.class)
    ResponseEntity<ProblemDetail> invalid(BindException e, HttpServletRequest request) {
        List<ProblemResponses.FieldError> errors = new ArrayList<>();
        e.getFieldErrors().forEach(f -> errors.add(new ProblemResponses.FieldError(
                f.getField(), f.getDefaultMessage(), rejected(f.getField(), f.getRejectedValue()))));
        e.getGlobalErrors().forEach(g -> errors.add(new ProblemResponses.FieldError(
                g.getObjectName(), g.getDefaultMessage(), null)));
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
                .map(v -> new ProblemResponses.FieldError(v.getPropertyPath().toString(), v.getMessage(),
                        safeValue(v.getInvalidValue())))
                .toList();
        return respond(ProblemResponses.validation(errors, request.getRequestURI()));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<ProblemDetail> typeMismatch(MethodArgumentTypeMismatchException e, HttpServletRequest request) {
        String expected = e.getRequiredType() == null ? "another type" : e.getRequiredType().getSimpleName();
        return respond(ProblemResponses.validation(List.of(new ProblemResponses.FieldError(
                e.getName(), "must be a valid " + expected, safeValue(e.getValue()))), request.getRequestURI()));
    }

    @ExceptionHandler({MissingServletRequestParameterException.class, MissingRequestHeaderException.class})
    ResponseEntity<ProblemDetail> missing(Exception e, HttpServletRequest request) {
        return respond(ProblemResponses.of(Reason.VALIDATION_FAILED, e.getMessage(), request.getRequestURI()));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<ProblemDetail> unreadable(HttpMessageNotReadableException e, HttpServletRequest request) {
        String cause = e.getMostSpecificCause().getMessage();
        String detail = "The request body is not valid JSON for this operation"
                + (cause == null ? "" : ": " + cause.lines().findFirst().orElse(""));
        return respond(ProblemResponses.of(Reason.MALFORMED_REQUEST, detail, request.getRequestURI()));
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    ResponseEntity<ProblemDetail> method(HttpRequestMethodNotSupportedException e, HttpServletRequest request) {
        return respond(ProblemResponses.of(Reason.METHOD_NOT_ALLOWED, e.getMessage(), request.getRequestURI()));
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    ResponseEntity<ProblemDetail> mediaType(HttpMediaTypeNotSupportedException e, HttpServletRequest request) {
        return respond(ProblemResponses.of(Reason.UNSUPPORTED_MEDIA_TYPE,
                "Send application/json (got " + e.getContentType() + ")", request.getRequestURI()));
    }

    @ExceptionHandler(HttpMediaTypeNotAcceptableException.class)
    ResponseEntity<ProblemDetail> notAcceptable(HttpMediaTypeNotAcceptableException e, HttpServletRequest request) {
        return respond(ProblemResponses.of(Reason.NOT_ACCEPTABLE, e.getMessage(), request.getRequestURI()));
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
