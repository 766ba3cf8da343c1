package io.deskport.broker.hosts;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.Entitlements;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.Versions.IfMatch;

/**
 * Published applications: the tenant admins' API (publish on a SHARED pool, list, change, unpublish) and the
 * users' list of the applications of the pools they are entitled to. Launching one is a connect
 * ({@code POST /api/v1/applications/{id}/launch}, brokering's).
 */
@RestController
class PublishedApplicationController {

    private final PublishedApplications applications;
    private final Entitlements entitlements;

    PublishedApplicationController(PublishedApplications applications, Entitlements entitlements) {
        this.applications = applications;
        this.entitlements = entitlements;
    }

    /**
     * An application as an admin publishes it.
     *
     * @param command          the program: an absolute path or a name on the session's PATH (run without a shell)
     * @param arguments        its arguments, each passed as one (no shell splitting or expansion)
     * @param workingDirectory an absolute directory, or null for the user's home
     * @param icon             a PNG (at most 512×512) or SVG image as a base64 {@code data:} URL, at most 48 KiB decoded
     */
    record ApplicationSettings(@NotBlank @Size(max = 100) String name, @NotBlank @Size(max = 1000) String command,
                               @Size(max = 64) List<@NotNull @Size(max = 1000) String> arguments,
                               @Size(max = 1000) String workingDirectory, @Size(max = 70_000) String icon) {

        PublishedApplications.Draft draft() {
            return new PublishedApplications.Draft(name, command, arguments, workingDirectory, icon);
        }
    }

    /** An application as its users see it: what to show, and the pool it runs in. */
    record MyApplication(UUID id, String name, String icon, UUID poolId, String poolName) {
    }

    @GetMapping("/api/v1/admin/pools/{poolId}/applications")
    List<PublishedApplication> ofPool(AdminContext ctx, @PathVariable UUID poolId) {
        return applications.ofPool(ctx.tenantId(), poolId);
    }

    /** Publishes an application on the SHARED pool; its entitled users see it at once. */
    @PostMapping("/api/v1/admin/pools/{poolId}/applications")
    ResponseEntity<PublishedApplication> publish(AdminContext ctx, @PathVariable UUID poolId,
                                                 @Valid @RequestBody ApplicationSettings b) {
        return applications.publish(ctx, poolId, b.draft()).created();
    }

    @GetMapping("/api/v1/admin/applications/{id}")
    ResponseEntity<PublishedApplication> get(AdminContext ctx, @PathVariable UUID id) {
        return applications.get(ctx.tenantId(), id).ok();
    }

    /** Replaces the application's settings, made from the version named in {@code If-Match}. */
    @PutMapping("/api/v1/admin/applications/{id}")
    ResponseEntity<PublishedApplication> update(AdminContext ctx, @PathVariable UUID id,
                                                @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                                @Valid @RequestBody ApplicationSettings b) {
        return applications.update(ctx, id, new IfMatch(ifMatch), b.draft()).ok();
    }

    /** Unpublishes the application (windows of it that are open stay open until they are closed). */
    @DeleteMapping("/api/v1/admin/applications/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void unpublish(AdminContext ctx, @PathVariable UUID id) {
        applications.unpublish(ctx, id);
    }

    /** The applications of the SHARED pools I am entitled to, by name. */
    @GetMapping("/api/v1/applications")
    List<MyApplication> mine(CurrentUser me) {
        Map<UUID, DesktopPool> pools = entitlements.poolsFor(me.tenantId(), me.userId()).stream()
                .filter(p -> p.kind() == PoolKind.SHARED)
                .collect(Collectors.toMap(DesktopPool::id, Function.identity()));
        return applications.ofPools(me.tenantId(), List.copyOf(pools.keySet())).stream()
                .map(a -> new MyApplication(a.id(), a.name(), a.icon(), a.poolId(), pools.get(a.poolId()).name()))
                .toList();
    }
}
