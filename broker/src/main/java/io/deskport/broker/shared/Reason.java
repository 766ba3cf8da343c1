package io.deskport.broker.shared;

import org.springframework.http.HttpStatus;

/**
 * Stable, machine-readable reasons carried by every problem response ({@code reason} member), with the
 * HTTP status each one maps to. Clients switch on these; never rename one.
 */
public enum Reason {
    // connect refusals
    NOT_ENTITLED(HttpStatus.FORBIDDEN, "Not entitled to this pool"),
    POOL_DISABLED(HttpStatus.CONFLICT, "The pool is disabled"),
    POOL_EXHAUSTED(HttpStatus.SERVICE_UNAVAILABLE, "No desktop is free in this pool"),
    HOST_CAPACITY(HttpStatus.SERVICE_UNAVAILABLE, "No session host has room for another session"),
    TENANT_QUOTA(HttpStatus.TOO_MANY_REQUESTS, "The tenant's quota is used up"),
    DESKTOP_UNAVAILABLE(HttpStatus.CONFLICT, "The assigned desktop cannot be used right now"),
    LICENCE_EXHAUSTED(HttpStatus.SERVICE_UNAVAILABLE, "No licence seat is free"),
    /** A pool licensed per device, and the client did not say which device it is. */
    DEVICE_ID_REQUIRED(HttpStatus.BAD_REQUEST, "The client's device id is required"),
    // shadowing refusals: watching a session needs its user's screen open now, where this broker can join it
    /** The session has no client attached (it is preparing, ready, disconnected or ended): nothing to watch. */
    SESSION_NOT_CONNECTED(HttpStatus.CONFLICT, "The session has no client attached"),
    /** The session counts as connected, but its desktop stream is not running through any tunnel now. */
    SESSION_NOT_LIVE(HttpStatus.CONFLICT, "The session's desktop stream is not running"),
    /**
     * The session's desktop stream runs through another broker replica's embedded gateway, which listens on that
     * replica's loopback only: this replica cannot join it.
     */
    SESSION_ON_OTHER_BROKER(HttpStatus.CONFLICT, "The session's desktop stream runs on another broker"),
    // snapshots of desktops
    /** The desktop's snapshots hold its pool's snapshot quota: delete one first ({@code usedMiB}, {@code quotaMiB}). */
    SNAPSHOT_QUOTA(HttpStatus.CONFLICT, "The desktop's snapshot quota is used up"),
    /**
     * The operation loses something (a restore: the work since the snapshot, and the live session): nothing was
     * done; {@code warning} says what would be lost; send the request again with {@code confirm=true}.
     */
    CONFIRMATION_REQUIRED(HttpStatus.CONFLICT, "Confirmation required"),
    // general
    NOT_FOUND(HttpStatus.NOT_FOUND, "Not found"),
    VALIDATION_FAILED(HttpStatus.BAD_REQUEST, "The request is not valid"),
    MALFORMED_REQUEST(HttpStatus.BAD_REQUEST, "The request cannot be read"),
    UNAUTHENTICATED(HttpStatus.UNAUTHORIZED, "Sign-in required"),
    BAD_CREDENTIALS(HttpStatus.UNAUTHORIZED, "Wrong tenant, username or password"),
    /** Too many wrong passwords for the account or from the address: wait Retry-After. */
    TOO_MANY_ATTEMPTS(HttpStatus.TOO_MANY_REQUESTS, "Too many sign-in attempts"),
    FORBIDDEN(HttpStatus.FORBIDDEN, "Not allowed"),
    SCOPE_INSUFFICIENT(HttpStatus.FORBIDDEN, "The token's scopes do not allow this operation"),
    CONFLICT(HttpStatus.CONFLICT, "Conflicts with the current state"),
    INVALID_STATE(HttpStatus.CONFLICT, "Not possible in the object's current state"),
    IN_USE(HttpStatus.CONFLICT, "The object is in use"),
    /** A change of a configuration resource without {@code If-Match}: send the ETag of the version you changed. */
    PRECONDITION_REQUIRED(HttpStatus.PRECONDITION_REQUIRED, "If-Match is required"),
    /** Someone changed the resource since the version named in {@code If-Match}; {@code currentVersion} says which it is now. */
    STALE_VERSION(HttpStatus.PRECONDITION_FAILED, "The resource has changed since you read it"),
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
    PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "The request body is too large"),
    NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "Not acceptable"),
    /** The identity provider (Keycloak) failed or could not be reached: what this call had created there is undone. */
    IDENTITY_PROVIDER_FAILED(HttpStatus.BAD_GATEWAY, "The identity provider failed"),
    /** An invitation by e-mail was asked for, and the identity provider has no mail server (or there is none). */
    INVITATION_UNAVAILABLE(HttpStatus.UNPROCESSABLE_ENTITY, "Invitations cannot be sent"),
    INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error"),
    /** The database cannot be reached or keeps failing: nothing was changed; try again after Retry-After. */
    SERVICE_UNAVAILABLE(HttpStatus.SERVICE_UNAVAILABLE, "Temporarily unavailable"),
    /** More connects arrived at once than this broker serves; nothing was tried; try again after Retry-After. */
    OVERLOADED(HttpStatus.SERVICE_UNAVAILABLE, "The broker is busy");

    private final HttpStatus status;
    private final String title;

    Reason(HttpStatus status, String title) {
        this.status = status;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** @return the problem type URI, e.g. {@code https://deskport.io/problems/pool-exhausted} */
    public String typeUri() {
        return "https://deskport.io/problems/" + name().toLowerCase().replace('_', '-');
    }
}
