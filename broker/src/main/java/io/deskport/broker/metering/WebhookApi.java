package io.deskport.broker.metering;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;

import io.deskport.broker.metering.WebhookSubscriptions.Owner;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.MergePatch;
import io.deskport.broker.shared.PageParams;
import io.deskport.broker.shared.Versions.IfMatch;
import io.deskport.broker.shared.Versions.Versioned;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The webhook subscriptions' API, the same for a tenant's ({@link TenantWebhookController}) and the platform's
 * ({@link PlatformWebhookController}); each says whose subscriptions a request works on.
 */
abstract class WebhookApi {

    static final String ETAG = "The resource's version as an entity tag (e.g. `\"7\"`): send it back in `If-Match` "
            + "to change the resource";
    private static final String SECRET = "The subscription, and `secret` (`whsec_<base64>`): the signing secret, "
            + "shown this once. Configure it at the receiver to check `webhook-signature` (Standard Webhooks).";

    private final WebhookSubscriptions subscriptions;
    private final MergePatch mergePatch;
    private final JsonMapper json;

    WebhookApi(WebhookSubscriptions subscriptions, MergePatch mergePatch, JsonMapper json) {
        this.subscriptions = subscriptions;
        this.mergePatch = mergePatch;
        this.json = json;
    }

    /** @return whose subscriptions the request works on (refusing callers who may not) */
    abstract Owner owner(AdminContext ctx);

    record CreateWebhook(@NotBlank @Size(max = WebhookAddresses.MAX_URL) String url, @Size(max = 500) String description,
                         @Size(max = 50) List<String> eventTypes, Boolean enabled) {
    }

    /** {@code eventTypes}: empty (or a merge patch's null) is every type. */
    record UpdateWebhook(@Size(min = 1, max = WebhookAddresses.MAX_URL) String url, @Size(max = 500) String description,
                         @Size(max = 50) List<String> eventTypes, Boolean enabled) {
    }

    /** {@code previousSecretValidFor}: how long the current secret goes on signing beside the new one (ISO-8601). */
    record RotateSecret(Duration previousSecretValidFor) {
    }

    record ReplayRange(@Size(max = 50) String after, @Size(max = 50) String until, Instant from, Instant to) {
    }

    /** Filters of the list: {@code q} (words in the URL or description), {@code enabled}. */
    record WebhookQuery(@Size(max = 200) String q, Boolean enabled) {
    }

    /** Filters of the attempts: {@code succeeded}, {@code eventId} (a CloudEvents id: the webhook-id). */
    record AttemptQuery(Boolean succeeded, Long eventId) {
    }

    @GetMapping
    @Operation(description = "The subscriptions, a page at a time (sort: `createdAt` (default), `url`), with how "
            + "delivery stands (`delivery`: cursor, failingSince, lastSuccessAt, retriesPending). Never a secret.")
    ResponseEntity<List<WebhookSubscription>> list(AdminContext ctx, @ParameterObject @Valid WebhookQuery query,
                                                   @ParameterObject @Valid PageParams page) {
        return subscriptions.page(owner(ctx), new WebhookSubscriptions.Filter(query.q(), query.enabled()), page).ok();
    }

    @PostMapping
    @Operation(description = "A new subscription: `url` (https to a public address; http and private addresses only "
            + "where the operator allows them), `eventTypes` (CloudEvents types such as `io.deskport.session.ended`; "
            + "empty: all), `description`, `enabled` (default true). It is sent the events committed from now on "
            + "(older ones: replay). The answer carries the signing secret, once.")
    @ApiResponse(responseCode = "201", description = SECRET, headers = @Header(name = HttpHeaders.ETAG,
            description = ETAG, schema = @Schema(type = "string")),
            content = @Content(schema = @Schema(implementation = WebhookSubscription.class)))
    ResponseEntity<ObjectNode> create(AdminContext ctx, @Valid @RequestBody CreateWebhook b) {
        return withSecret(subscriptions.create(ctx, owner(ctx), new WebhookSubscriptions.NewSubscription(b.url(),
                b.description(), b.eventTypes(), b.enabled())), HttpStatus.CREATED);
    }

    @GetMapping("/{id}")
    @ApiResponse(responseCode = "200", description = "OK", headers = @Header(name = HttpHeaders.ETAG,
            description = ETAG, schema = @Schema(type = "string")))
    ResponseEntity<WebhookSubscription> get(AdminContext ctx, @PathVariable UUID id) {
        return subscriptions.get(owner(ctx), id).ok();
    }

    /** A partial change: members left out or null keep their values. */
    @PatchMapping("/{id}")
    @Operation(description = "Changes the URL, description, event types or `enabled`. Enabling a disabled "
            + "subscription resumes delivery where it stopped: every event since is sent.")
    @ApiResponse(responseCode = "200", description = "OK", headers = @Header(name = HttpHeaders.ETAG,
            description = ETAG, schema = @Schema(type = "string")))
    ResponseEntity<WebhookSubscription> update(AdminContext ctx, @PathVariable UUID id,
                                               @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                               @Valid @RequestBody UpdateWebhook b) {
        return subscriptions.update(ctx, owner(ctx), id, new IfMatch(ifMatch), new WebhookSubscriptions.Change(b.url(),
                b.description(), b.eventTypes(), b.enabled())).ok();
    }

    /** The same change as a JSON Merge Patch (RFC 7396): null empties the description and makes eventTypes "all". */
    @PatchMapping(path = "/{id}", consumes = MergePatch.MEDIA_TYPE)
    ResponseEntity<WebhookSubscription> mergePatch(AdminContext ctx, @PathVariable UUID id,
                                                   @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                                   @RequestBody JsonNode patch) {
        return update(ctx, id, ifMatch, mergePatch.read(patch, UpdateWebhook.class,
                Map.of("description", "", "eventTypes", List.of())));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @Operation(description = "Removes the subscription with its secrets, waiting retries, replays and attempts.")
    void delete(AdminContext ctx, @PathVariable UUID id) {
        subscriptions.delete(ctx, owner(ctx), id);
    }

    @PostMapping("/{id}/rotate-secret")
    @Operation(description = "A new signing secret, shown once. The current one goes on signing beside it (a second "
            + "`v1,` signature in `webhook-signature`) for `previousSecretValidFor` (ISO-8601, up to P7D; default "
            + "`deskport.metering.webhooks.secret-overlap`; PT0S: it stops at once), so receivers switch without "
            + "losing a delivery.")
    @ApiResponse(responseCode = "200", description = SECRET, headers = @Header(name = HttpHeaders.ETAG,
            description = ETAG, schema = @Schema(type = "string")),
            content = @Content(schema = @Schema(implementation = WebhookSubscription.class)))
    ResponseEntity<ObjectNode> rotateSecret(AdminContext ctx, @PathVariable UUID id,
                                            @RequestBody(required = false) RotateSecret b) {
        return withSecret(subscriptions.rotate(ctx, owner(ctx), id, b == null ? null : b.previousSecretValidFor()),
                HttpStatus.OK);
    }

    @GetMapping("/{id}/attempts")
    @Operation(description = "The delivery attempts, newest first (sort: `at`, `-at`): the event's id (its "
            + "`webhook-id`) and type, the attempt's number, whether a replay sent it, the HTTP status, the latency "
            + "and the error. Kept for `deskport.metering.webhooks.attempt-retention`.")
    ResponseEntity<List<WebhookAttempt>> attempts(AdminContext ctx, @PathVariable UUID id,
                                                  @ParameterObject @Valid AttemptQuery query,
                                                  @ParameterObject @Valid PageParams page) {
        return subscriptions.attempts(owner(ctx), id, new WebhookSubscriptions.AttemptFilter(query.succeeded(),
                query.eventId()), page).ok();
    }

    @PostMapping("/{id}/replay")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(description = "Sends a range of events again, with their own `webhook-id`s: by cursor (`after` "
            + "exclusive, `until` inclusive: the export API's cursors) or by time (`from` inclusive, `to` exclusive), "
            + "or both; an open end runs to the first event or to the events committed by now. Only events the "
            + "subscription's filter matches are sent; progress shows in the attempts (`replay: true`).")
    WebhookSubscriptions.Replay replay(AdminContext ctx, @PathVariable UUID id, @Valid @RequestBody ReplayRange b) {
        return subscriptions.replay(ctx, owner(ctx), id, new WebhookSubscriptions.ReplayRequest(b.after(), b.until(),
                b.from(), b.to()));
    }

    private ResponseEntity<ObjectNode> withSecret(WebhookSubscriptions.WithSecret w, HttpStatus status) {
        Versioned<WebhookSubscription> s = w.subscription();
        ObjectNode body = json.valueToTree(s.body());
        body.put("secret", w.secret());
        return ResponseEntity.status(status).eTag(io.deskport.broker.shared.Versions.etag(s.version())).body(body);
    }
}
