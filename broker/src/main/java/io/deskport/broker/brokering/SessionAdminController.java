package io.deskport.broker.brokering;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Size;

import org.springdoc.core.annotations.ParameterObject;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.Bulk;
import io.deskport.broker.shared.PageParams;

/** Admin and help-desk view of a tenant's sessions, with disconnect and logoff. */
@RestController
@RequestMapping("/api/v1/admin/sessions")
@Validated
class SessionAdminController {

    private final SessionQueries queries;
    private final SessionLifecycle lifecycle;

    SessionAdminController(SessionQueries queries, SessionLifecycle lifecycle) {
        this.queries = queries;
        this.lifecycle = lifecycle;
    }

    /**
     * Filters of the session list: {@code state}, {@code poolId}, {@code userId}, {@code hostId},
     * {@code desktopId}, {@code liveOnly} (true when left out: sessions that have not ended, unless {@code state}
     * names one), {@code since}/{@code until} (created in that range), {@code q} (words in the username or machine).
     */
    record SessionQuery(SessionState state, UUID poolId, UUID userId, UUID hostId, UUID desktopId, Boolean liveOnly,
                        @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant since,
                        @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant until,
                        @Size(max = 200) String q) {
    }

    /** The tenant's sessions, a page at a time; sort: {@code createdAt} (default {@code -createdAt}), {@code stateChangedAt}. */
    @GetMapping
    ResponseEntity<List<Session>> list(AdminContext ctx, @ParameterObject @Valid SessionQuery q,
                                       @ParameterObject @Valid PageParams page) {
        return queries.page(ctx.tenantId(), new SessionQueries.Filter(q.state(), q.poolId(), q.userId(), q.hostId(),
                q.desktopId(), q.liveOnly() == null || q.liveOnly(), q.since(), q.until(), q.q()), page).ok();
    }

    @GetMapping("/{id}")
    Session get(AdminContext ctx, @PathVariable UUID id) {
        return queries.get(ctx.tenantId(), id);
    }

    /** What a bulk request does to each session. */
    enum SessionAction { DISCONNECT, LOGOFF }

    /**
     * One action on many sessions, with a result per session: {@code DISCONNECT} closes their tunnels (the sessions
     * wait for their users), {@code LOGOFF} ends them.
     */
    @PostMapping("/bulk")
    Bulk.Result bulk(AdminContext ctx, @Valid @RequestBody Bulk.Request<SessionAction> b) {
        return Bulk.each(b.ids(), id -> {
            switch (b.action()) {
                case DISCONNECT -> disconnect(ctx, id);
                case LOGOFF -> logoff(ctx, id);
            }
        });
    }

    @PostMapping("/{id}/disconnect")
    Session disconnect(AdminContext ctx, @PathVariable UUID id) {
        queries.get(ctx.tenantId(), id);
        lifecycle.disconnect(id, ctx.actor());
        return queries.get(ctx.tenantId(), id);
    }

    @PostMapping("/{id}/logoff")
    Session logoff(AdminContext ctx, @PathVariable UUID id) {
        queries.get(ctx.tenantId(), id);
        lifecycle.end(id, EndReason.ADMIN_LOGOFF, ctx.actor());
        return queries.get(ctx.tenantId(), id);
    }
}
