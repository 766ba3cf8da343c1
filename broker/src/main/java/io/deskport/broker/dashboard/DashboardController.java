package io.deskport.broker.dashboard;

import java.util.UUID;

import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

import io.deskport.broker.shared.AdminContext;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Role;

/**
 * The admin console's dashboard: the tenant's figures now, and the same as a stream of server-sent events pushed
 * when they change. Tenant admins and platform admins read every section; help desk reads the sessions, connects,
 * pools and session hosts (what they may read elsewhere), not the licences, hypervisor hosts or provisioning.
 */
@RestController
@RequestMapping("/api/v1/admin/dashboard")
class DashboardController {

    private final Dashboards dashboards;
    private final DashboardFeeds feeds;

    DashboardController(Dashboards dashboards, DashboardFeeds feeds) {
        this.dashboards = dashboards;
        this.feeds = feeds;
    }

    /** The tenant's dashboard now (read afresh: sessions, connects, pools, hosts, licences, provisioning). */
    @Operation(summary = "The tenant's dashboard now: sessions, connects and refusals, pool health, host load, licence "
            + "seats, provisioning tasks")
    @GetMapping(produces = MediaType.APPLICATION_JSON_VALUE)
    DashboardSnapshot get(AdminContext ctx) {
        DashboardSnapshot snapshot = dashboards.read(ctx.tenantId(), ctx.actor().isPlatformAdmin());
        return helpDeskOnly(ctx) ? snapshot.forHelpDesk() : snapshot;
    }

    /**
     * The tenant's dashboard as server-sent events: first the dashboard now ({@code event: snapshot}, its
     * {@code data} the same JSON as {@code GET /api/v1/admin/dashboard}, its {@code id} a number that grows), then
     * each time a figure changes — on this broker or another — at most once per {@code deskport.dashboard.push-interval}
     * (changes within it come as one snapshot). A comment line every {@code deskport.dashboard.heartbeat-interval}
     * keeps the stream open. The stream ends with {@code event: end} (data: {@code reason}, {@code detail}) when the
     * caller's access token expires or is signed out or revoked, when the tenant is removed, when the caller opened
     * more streams since than they may have at once (their oldest ends), or when the broker stops; a client then
     * connects again (the browser's EventSource sends the portal's cookie).
     *
     * @param tenant platform admins: the tenant to watch, for clients that cannot send {@value AdminContext#TENANT_HEADER}
     *               (a browser's EventSource); the same rules as the header
     */
    @Operation(summary = "The tenant's dashboard as server-sent events, pushed when a figure changes")
    @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
    SseEmitter stream(AdminContext ctx, @Parameter(description = "Platform admins: the tenant to watch, for clients "
            + "that cannot send X-Deskport-Tenant (a browser's EventSource); the same rules as the header")
                      @RequestParam(name = "tenant", required = false) UUID tenant) {
        if (tenant != null && !tenant.equals(ctx.tenantId())) {
            if (!ctx.tenantId().equals(ctx.actor().tenantId())) {
                throw ProblemException.validation("tenant", "names another tenant than the "
                        + AdminContext.TENANT_HEADER + " header");
            }
            ctx = AdminContext.resolve(ctx.actor(), tenant);
        }
        // the tenant exists (404 before the stream starts), and the first snapshot is at hand soon
        dashboards.exists(ctx.tenantId());
        Authentication signIn = SecurityContextHolder.getContext().getAuthentication();
        return feeds.subscribe(new DashboardFeeds.Key(ctx.tenantId(), ctx.actor().isPlatformAdmin()), signIn,
                ctx.actor().userId(), helpDeskOnly(ctx));
    }

    /** Help desk without an admin role: the sections it may read only. */
    private static boolean helpDeskOnly(AdminContext ctx) {
        return !ctx.actor().has(Role.TENANT_ADMIN) && !ctx.actor().isPlatformAdmin();
    }
}
