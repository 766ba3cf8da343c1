package io.deskport.broker.metering;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import tools.jackson.databind.node.ObjectNode;

/**
 * The usage export for billing systems: the event log read with a cursor. Tenant admins read their tenant's
 * events (a platform admin another tenant's with {@value AdminContext#TENANT_HEADER}, or every tenant's with
 * {@code allTenants=true}).
 */
@RestController
@RequestMapping("/api/v1/usage")
class UsageController {

    /** The header with the cursor to pass as {@code after} for the next page. */
    static final String NEXT_CURSOR = "Deskport-Next-Cursor";
    private static final int DEFAULT_LIMIT = 1000;

    private final UsageEventLog log;
    private final CloudEvents cloudEvents;

    UsageController(UsageEventLog log, CloudEvents cloudEvents) {
        this.log = log;
        this.cloudEvents = cloudEvents;
    }

    /**
     * Usage events after a cursor, oldest first, as CloudEvents 1.0 (a JSON array: the batched format). The order
     * is stable and a cursor is never passed by an event that commits later: reading page after page with the
     * cursor each page gives ({@value #NEXT_CURSOR}; the {@code next} link when the page is full) returns every event
     * exactly once. A page shorter than the limit means no more events for now: poll again with its cursor.
     */
    @GetMapping(path = "/events", produces = {MediaType.APPLICATION_JSON_VALUE, CloudEvents.BATCH_MEDIA_TYPE})
    @ApiResponse(responseCode = "200", description = "Events after the cursor (possibly none)",
            headers = {@Header(name = NEXT_CURSOR, description = "The cursor to read on from (the last event's, or `after` "
                    + "itself when the page is empty)"), @Header(name = HttpHeaders.LINK, description = "`rel=\"next\"`: the next page, when this one is full (a shorter "
                    + "page means caught up for now)")},
            content = {@Content(mediaType = MediaType.APPLICATION_JSON_VALUE, array = @ArraySchema(schema = @Schema(
                    type = "object", description = "A CloudEvents 1.0 event: specversion, id, source, type "
                    + "(io.deskport.session.created, ...), subject, time, datacontenttype, tenantid, sequence, data"))),
                    @Content(mediaType = CloudEvents.BATCH_MEDIA_TYPE, array = @ArraySchema(schema = @Schema(type = "object")))})
    @ApiResponse(responseCode = "400", ref = "BadRequest", description = "VALIDATION_FAILED: a cursor this API did not give out, "
            + "a limit out of range, an unknown type")
    ResponseEntity<List<ObjectNode>> events(AdminContext ctx,
            @Parameter(description = "The cursor of the last event read (from the previous page); none: from the first event")
            @RequestParam(required = false) String after,
            @Parameter(description = "At most this many events (1 to 10,000; default 1,000)")
            @RequestParam(required = false) Integer limit,
            @Parameter(description = "Only these types (`io.deskport.session.ended` or `session.ended`), repeated or "
                    + "comma-separated") @RequestParam(required = false) List<String> type,
            @Parameter(description = "Platform admins: every tenant's events") @RequestParam(defaultValue = "false") boolean allTenants) {
        UsageCursor cursor = UsageCursor.parse(after, "after");
        int n = limit == null ? DEFAULT_LIMIT : limit;
        if (n < 1 || n > UsageEventLog.MAX_BATCH) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "'limit' must be between 1 and " + UsageEventLog.MAX_BATCH,
                    Map.of("parameter", "limit"));
        }
        UUID tenant = tenantOf(ctx, allTenants);
        Set<UsageEventType> types = types(type);
        List<UsageEvent> events = log.after(cursor, tenant, types, n);
        UsageCursor next = events.isEmpty() ? cursor : events.getLast().position();
        ResponseEntity.BodyBuilder answer = ResponseEntity.ok().header(NEXT_CURSOR, next.toString());
        if (events.size() == n) {
            // a full page: there may be more now (a shorter one means caught up; poll again with the cursor)
            answer.header(HttpHeaders.LINK, "<" + ServletUriComponentsBuilder.fromCurrentRequest()
                    .replaceQueryParam("after", next.toString()).build().toUriString() + ">; rel=\"next\"");
        }
        return answer.body(events.stream().map(cloudEvents::toJson).toList());
    }

    static UUID tenantOf(AdminContext ctx, boolean allTenants) {
        if (!allTenants) {
            return ctx.tenantId();
        }
        if (!ctx.actor().isPlatformAdmin()) {
            throw new ProblemException(Reason.FORBIDDEN, "Only platform admins may read every tenant's usage");
        }
        return null;
    }

    static Set<UsageEventType> types(List<String> names) {
        Set<UsageEventType> types = EnumSet.noneOf(UsageEventType.class);
        if (names == null) {
            return types;
        }
        for (String name : names) {
            for (String one : name.split(",")) {
                if (one.isBlank()) {
                    continue;
                }
                UsageEventType t = UsageEventType.ofName(one.strip());
                if (t == null) {
                    throw new ProblemException(Reason.VALIDATION_FAILED, "No usage event type is named '" + one.strip() + "'",
                            Map.of("parameter", "type", "types", EnumSet.allOf(UsageEventType.class).stream()
                                    .map(UsageEventType::cloudEventType).toList()));
                }
                types.add(t);
            }
        }
        return types;
    }
}
