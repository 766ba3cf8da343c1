package io.deskport.broker.shared;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.http.ResponseEntity;

/**
 * Optimistic concurrency at the API's edge. Every configuration resource answers with an {@code ETag}, its
 * version ({@code "7"}); a change ({@code PUT}, {@code PATCH}) names the version it was made from in
 * {@code If-Match}. Without it the answer is {@code 428 PRECONDITION_REQUIRED}; when the resource has
 * moved on, {@code 412 STALE_VERSION} with {@code currentVersion} and nothing changed. {@code If-Match: *}
 * (RFC 9110: any current version) is accepted for clients that mean to overwrite.
 *
 * <p>The check runs after the resource was found and locked for the change, so another tenant's object is a
 * plain 404 with or without the header, and two admins racing from the same version cannot both win: the
 * second reads the first one's version under the row lock and is refused.
 */
public final class Versions {

    private Versions() {
    }

    /**
     * What a request's {@code If-Match} asks for.
     *
     * @param header the header's value as sent, or null
     */
    public record IfMatch(String header) {

        /**
         * @param type the resource's kind for the answer (e.g. {@code Pool})
         * @param id its id
         * @param current its version now (read under the lock the change holds)
         * @throws ProblemException PRECONDITION_REQUIRED without the header; STALE_VERSION when no tag in it
         *         names {@code current}
         */
        public void check(String type, UUID id, long current) {
            if (header == null || header.isBlank()) {
                throw new ProblemException(Reason.PRECONDITION_REQUIRED, "Changing " + type + " " + id
                        + " needs If-Match with the ETag you read (" + etag(current) + " now)",
                        Map.of("objectType", type));
            }
            for (String tag : header.split(",")) {
                String t = tag.strip();
                if (t.equals("*") || t.equals(etag(current)) || t.equals("W/" + etag(current))) {
                    return;
                }
            }
            throw stale(type, id, current);
        }
    }

    /** @return the refusal of a change made from an older version */
    public static ProblemException stale(String type, UUID id, Long current) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("objectType", type);
        if (current != null) {
            figures.put("currentVersion", current);
            figures.put("currentETag", etag(current));
        }
        return new ProblemException(Reason.STALE_VERSION, type + " " + id + " has changed since you read it"
                + (current == null ? "" : " (it is at version " + current + ")")
                + "; read it again and make your change on what it is now", figures);
    }

    /** @return the entity tag of a version: the number in quotes */
    public static String etag(long version) {
        return "\"" + version + "\"";
    }

    /** A resource and its version, answered with the version as its {@code ETag}. */
    public record Versioned<T>(T body, long version) {

        /** @return 200 with the body and the ETag */
        public ResponseEntity<T> ok() {
            return ResponseEntity.ok().eTag(etag(version)).body(body);
        }

        /** @return 201 with the body and the ETag */
        public ResponseEntity<T> created() {
            return ResponseEntity.status(201).eTag(etag(version)).body(body);
        }
    }
}
