package io.deskport.broker.brokering;

import java.util.List;
import java.util.UUID;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.shared.AdminContext;

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

    @GetMapping
    List<Session> list(AdminContext ctx, @RequestParam(required = false) SessionState state,
                       @RequestParam(required = false) UUID poolId, @RequestParam(required = false) UUID userId,
                       @RequestParam(defaultValue = "true") boolean liveOnly,
                       @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit,
                       @RequestParam(defaultValue = "0") @Min(0) int offset) {
        return queries.search(ctx.tenantId(), new SessionQueries.Filter(state, poolId, userId, liveOnly), limit, offset);
    }

    @GetMapping("/{id}")
    Session get(AdminContext ctx, @PathVariable UUID id) {
        return queries.get(ctx.tenantId(), id);
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
