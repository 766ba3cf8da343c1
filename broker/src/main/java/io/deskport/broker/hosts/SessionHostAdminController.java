package io.deskport.broker.hosts;

import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.shared.AdminContext;

/** Tenant administration of session hosts. */
@RestController
@RequestMapping("/api/v1/admin")
class SessionHostAdminController {

    private final SessionHosts hosts;
    private final DesktopPools pools;

    SessionHostAdminController(SessionHosts hosts, DesktopPools pools) {
        this.hosts = hosts;
        this.pools = pools;
    }

    record RegisterHost(@NotBlank @Size(max = 200) String name, @NotNull @Min(1) @Max(10_000) Integer maxSessions,
                        @NotBlank @Size(max = 255) String consoleHost, @NotNull @Min(1) @Max(65535) Integer consolePort,
                        @Size(max = 256) String consolePassword) {
    }

    record UpdateHost(@NotNull @Min(1) @Max(10_000) Integer maxSessions) {
    }

    @GetMapping("/pools/{poolId}/session-hosts")
    List<SessionHost> list(AdminContext ctx, @PathVariable UUID poolId) {
        pools.get(ctx.tenantId(), poolId);
        return hosts.list(ctx.tenantId(), poolId);
    }

    @PostMapping("/pools/{poolId}/session-hosts")
    @ResponseStatus(HttpStatus.CREATED)
    SessionHost register(AdminContext ctx, @PathVariable UUID poolId, @Valid @RequestBody RegisterHost b) {
        return hosts.register(ctx, poolId, new SessionHosts.HostRegistration(b.name(), b.maxSessions(), b.consoleHost(),
                b.consolePort(), b.consolePassword()));
    }

    @GetMapping("/session-hosts/{id}")
    SessionHost get(AdminContext ctx, @PathVariable UUID id) {
        return hosts.get(ctx.tenantId(), id);
    }

    @PatchMapping("/session-hosts/{id}")
    SessionHost update(AdminContext ctx, @PathVariable UUID id, @Valid @RequestBody UpdateHost b) {
        return hosts.setMaxSessions(ctx, id, b.maxSessions());
    }

    @PostMapping("/session-hosts/{id}/drain")
    SessionHost drain(AdminContext ctx, @PathVariable UUID id) {
        return hosts.setDraining(ctx, id, true);
    }

    @PostMapping("/session-hosts/{id}/resume")
    SessionHost resume(AdminContext ctx, @PathVariable UUID id) {
        return hosts.setDraining(ctx, id, false);
    }

    @DeleteMapping("/session-hosts/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void remove(AdminContext ctx, @PathVariable UUID id, @RequestParam(defaultValue = "false") boolean force) {
        hosts.remove(ctx, id, force);
    }
}
