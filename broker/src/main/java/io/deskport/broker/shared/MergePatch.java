package io.deskport.broker.shared;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Validator;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.stereotype.Component;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * JSON Merge Patch (RFC 7396, {@code application/merge-patch+json}) for the configuration resources: a
 * member that is absent keeps its value, a member set to {@code null} removes the value (the resource says
 * what "removed" means for each member: a timeout switched off, an empty description), any other value
 * replaces it. Members that cannot be removed (a name, a flag) refuse {@code null} by name. The result is read
 * as the operation's partial-change body, strictly (unknown members refused) and validated like any body, so
 * both ways of patching a resource end in the same rules.
 */
@Component
public class MergePatch {

    /** The media type of a JSON Merge Patch. */
    public static final String MEDIA_TYPE = "application/merge-patch+json";

    private final JsonMapper json;
    private final Validator validator;

    MergePatch(JsonMapper json, Validator validator) {
        this.json = ApiJson.strict(json);
        this.validator = validator;
    }

    /**
     * @param patch the merge patch as sent
     * @param type the operation's partial-change body, whose null members keep their values
     * @param removed for each member that may be removed, the value that removes it in {@code type}
     * @return the change, validated
     * @throws ProblemException VALIDATION_FAILED for a patch that is not an object or a member that cannot be
     *         removed; Bean Validation's and Jackson's errors as for any body
     */
    public <T> T read(JsonNode patch, Class<T> type, Map<String, ?> removed) {
        if (!(patch instanceof ObjectNode object)) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "A merge patch of this resource is a JSON object",
                    Map.of("errors", List.of(Map.of("field", "body", "message", "must be a JSON object"))));
        }
        ObjectNode partial = object.deepCopy();
        List<Map<String, String>> errors = new ArrayList<>();
        for (String member : object.propertyNames()) {
            if (!object.get(member).isNull()) {
                continue;
            }
            if (removed.containsKey(member)) {
                partial.set(member, json.valueToTree(removed.get(member)));
            } else {
                errors.add(Map.of("field", member, "message", "cannot be removed (send a value instead of null)"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "Some members of the merge patch cannot be removed",
                    Map.of("errors", errors));
        }
        T change;
        try {
            change = json.treeToValue(partial, type);
        } catch (JacksonException e) {
            throw new HttpMessageNotReadableException("merge patch", e, new NoBody());
        }
        Set<ConstraintViolation<T>> violations = validator.validate(change);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return change;
    }

    /** The body was read already; the exception only needs a message to name. */
    private static final class NoBody implements HttpInputMessage {
        @Override
        public InputStream getBody() {
            return new ByteArrayInputStream(new byte[0]);
        }

        @Override
        public HttpHeaders getHeaders() {
            return new HttpHeaders();
        }
    }
}
