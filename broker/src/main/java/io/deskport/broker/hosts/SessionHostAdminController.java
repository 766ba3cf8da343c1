package io.deskport.broker.hosts;

import java.time.Instant;
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
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.Bulk;
import io.deskport.broker.shared.Versions.IfMatch;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.RequestHeader;
import io.deskport.broker.shared.PageParams;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.ResponseEntity;

/** Tenant administration of session hosts. */
@RestController
@RequestMapping("/api/v1/admin")
class SessionHostAdminController {

    private final SessionHosts hosts;
    private final DesktopPools pools;
    private final AgentEnrolments enrolments;
    private final SharedPoolSessionSettings settings;
    private final SessionHostPower power;

    SessionHostAdminController(SessionHosts hosts, DesktopPools pools, AgentEnrolments enrolments,
                               SharedPoolSessionSettings settings, SessionHostPower power) {
        this.power = power;
        this.hosts = hosts;
        this.pools = pools;
        this.enrolments = enrolments;
        this.settings = settings;
    }

    record NewAgentHost(@NotBlank @Size(max = 200) String name) {
    }

    /** A new agent host and its one-time enrolment token (shown only in this answer). */
    record AgentHostCreated(SessionHost host, String enrolmentToken, Instant expiresAt) {
    }

    record EnrolmentTokenIssued(UUID hostId, String enrolmentToken, Instant expiresAt) {
    }

    record SessionSettings(@Size(max = 1000) String desktopCommand) {
    }

    record RegisterHost(@NotBlank @Size(max = 200) String name, @NotNull @Min(1) @Max(10_000) Integer maxSessions,
                        @NotBlank @Size(max = 255) String consoleHost, @NotNull @Min(1) @Max(65535) Integer consolePort,
                        @Size(max = 256) String consolePassword) {
    }

    record UpdateHost(@NotNull @Min(1) @Max(10_000) Integer maxSessions) {
    }

    /**
     * Filters of the session host lists: {@code poolId}, {@code state}, {@code draining}, {@code q} (words in the
     * name or console address).
     */
    record HostQuery(UUID poolId, SessionHostState state, Boolean draining, @Size(max = 200) String q) {
    }

    /**
     * The tenant's session hosts, a page at a time; sort: {@code name} (default), {@code createdAt},
     * {@code activeSessions}.
     */
    @GetMapping("/session-hosts")
    ResponseEntity<List<SessionHost>> all(AdminContext ctx, @ParameterObject @Valid HostQuery q,
                                          @ParameterObject @Valid PageParams page) {
        return hosts.page(ctx.tenantId(), new SessionHosts.HostFilter(q.poolId(), q.state(), q.draining(), q.q()), page)
                .ok();
    }

    /** The pool's session hosts, a page at a time (as {@code /session-hosts?poolId=}). */
    @GetMapping("/pools/{poolId}/session-hosts")
    ResponseEntity<List<SessionHost>> list(AdminContext ctx, @PathVariable UUID poolId,
                                           @ParameterObject @Valid HostQuery q, @ParameterObject @Valid PageParams page) {
        pools.get(ctx.tenantId(), poolId);
        return hosts.page(ctx.tenantId(), new SessionHosts.HostFilter(poolId, q.state(), q.draining(), q.q()), page).ok();
    }

    @PostMapping("/pools/{poolId}/session-hosts")
    @ResponseStatus(HttpStatus.CREATED)
    SessionHost register(AdminContext ctx, @PathVariable UUID poolId, @Valid @RequestBody RegisterHost b) {
        return hosts.register(ctx, poolId, new SessionHosts.HostRegistration(b.name(), b.maxSessions(), b.consoleHost(),
                b.consolePort(), b.consolePassword()));
    }

    /** Creates a host whose agent enrols itself with the returned one-time token. */
    @PostMapping("/pools/{poolId}/session-hosts/enrolments")
    @ResponseStatus(HttpStatus.CREATED)
    AgentHostCreated createAgentHost(AdminContext ctx, @PathVariable UUID poolId, @Valid @RequestBody NewAgentHost b) {
        AgentEnrolments.NewAgentHost created = enrolments.createHost(ctx, poolId, b.name());
        return new AgentHostCreated(created.host(), created.enrolment().token(), created.enrolment().expiresAt());
    }

    /** A new one-time token to enrol the host's agent again (earlier unused tokens stop working). */
    @PostMapping("/session-hosts/{id}/enrolment-token")
    @ResponseStatus(HttpStatus.CREATED)
    EnrolmentTokenIssued newEnrolmentToken(AdminContext ctx, @PathVariable UUID id) {
        AgentEnrolments.EnrolmentToken token = enrolments.newToken(ctx, id);
        return new EnrolmentTokenIssued(id, token.token(), token.expiresAt());
    }

    /** Revokes the host's agent credential: its calls are refused, nothing new is placed on it. */
    @PostMapping("/session-hosts/{id}/revoke")
    SessionHost revoke(AdminContext ctx, @PathVariable UUID id) {
        return enrolments.revoke(ctx, id);
    }

    @GetMapping("/pools/{poolId}/session-settings")
    ResponseEntity<SharedPoolSessionSettings.Settings> sessionSettings(AdminContext ctx, @PathVariable UUID poolId) {
        return settings.get(ctx.tenantId(), poolId).ok();
    }

    /** Sets the pool's session settings, made from the version named in {@code If-Match} ({@code "0"} before any). */
    @PutMapping("/pools/{poolId}/session-settings")
    ResponseEntity<SharedPoolSessionSettings.Settings> setSessionSettings(AdminContext ctx, @PathVariable UUID poolId,
            @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
            @Valid @RequestBody SessionSettings b) {
        return settings.set(ctx, poolId, new IfMatch(ifMatch), b.desktopCommand()).ok();
    }

    @GetMapping("/session-hosts/{id}")
    ResponseEntity<SessionHost> get(AdminContext ctx, @PathVariable UUID id) {
        return hosts.versioned(ctx.tenantId(), id).ok();
    }

    /** Changes the host's session limit, made from the version named in {@code If-Match}. */
    @PatchMapping("/session-hosts/{id}")
    ResponseEntity<SessionHost> update(AdminContext ctx, @PathVariable UUID id,
                                       @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                       @Valid @RequestBody UpdateHost b) {
        return hosts.setMaxSessions(ctx, id, new IfMatch(ifMatch), b.maxSessions()).ok();
    }

    /** What a bulk request does to each session host. */
    enum HostAction { DRAIN, RESUME }

    /** One action on many session hosts, with a result per host: {@code DRAIN} takes no new sessions, {@code RESUME} does again. */
    @PostMapping("/session-hosts/bulk")
    Bulk.Result bulk(AdminContext ctx, @Valid @RequestBody Bulk.Request<HostAction> b) {
        return Bulk.each(b.ids(), id -> hosts.setDraining(ctx, id, b.action() == HostAction.DRAIN));
    }

    @PostMapping("/session-hosts/{id}/drain")
    SessionHost drain(AdminContext ctx, @PathVariable UUID id) {
        return hosts.setDraining(ctx, id, true);
    }

    @PostMapping("/session-hosts/{id}/resume")
    SessionHost resume(AdminContext ctx, @PathVariable UUID id) {
        return hosts.setDraining(ctx, id, false);
    }

    /**
     * A host's power settings: {@code managed} lets the broker power it off when off-peak consolidation has drained
     * it and it stayed empty, and wake it before the forecast needs it; {@code wakeMac} (else the MAC its agent
     * reports) and {@code wakeAddress} ({@code host[:port]} the Wake-on-LAN packet is sent to; else the local
     * broadcast, port 9).
     */
    record PowerSettings(@NotNull Boolean managed, @Size(max = 17) String wakeMac, @Size(max = 300) String wakeAddress) {
    }

    @PutMapping("/session-hosts/{id}/power")
    SessionHost setPower(AdminContext ctx, @PathVariable UUID id, @Valid @RequestBody PowerSettings b) {
        return power.configure(ctx, id, new SessionHostPower.Settings(b.managed(), b.wakeMac(), b.wakeAddress()));
    }

    /** Powers a drained, empty agent host off (its agent runs its power-off command). */
    @PostMapping("/session-hosts/{id}/power-off")
    SessionHost powerOff(AdminContext ctx, @PathVariable UUID id) {
        return power.powerOff(ctx, id, "an admin powered it off");
    }

    /** Wakes a powered-off host (Wake-on-LAN); it takes sessions again once resumed. */
    @PostMapping("/session-hosts/{id}/wake")
    SessionHost wake(AdminContext ctx, @PathVariable UUID id) {
        return power.wake(ctx, id, "an admin woke it");
    }

    @DeleteMapping("/session-hosts/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void remove(AdminContext ctx, @PathVariable UUID id, @RequestParam(defaultValue = "false") boolean force) {
        hosts.remove(ctx, id, force);
    }
}
