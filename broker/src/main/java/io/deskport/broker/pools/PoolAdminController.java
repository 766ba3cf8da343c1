package io.deskport.broker.pools;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import tools.jackson.databind.JsonNode;

import io.deskport.broker.shared.ConsoleNetworks;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.Bulk;
import io.deskport.broker.shared.MergePatch;
import io.deskport.broker.shared.PageParams;
import org.springdoc.core.annotations.ParameterObject;
import io.deskport.broker.shared.OffOrAtLeast;
import io.deskport.broker.shared.Versions.IfMatch;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

/** Tenant administration of pools, entitlements and desktops. */
@RestController
@RequestMapping("/api/v1/admin")
class PoolAdminController {

    private static final int DAY = 86_400;

    private final DesktopPools pools;
    private final Entitlements entitlements;
    private final Desktops desktops;

    private final ConsoleRegistrationCheck consoleCheck;
    private final ConsoleNetworks consoleNetworks;
    private final MergePatch mergePatch;

    PoolAdminController(DesktopPools pools, Entitlements entitlements, Desktops desktops,
                        ConsoleRegistrationCheck consoleCheck, ConsoleNetworks consoleNetworks, MergePatch mergePatch) {
        this.mergePatch = mergePatch;
        this.consoleCheck = consoleCheck;
        this.consoleNetworks = consoleNetworks;
        this.pools = pools;
        this.entitlements = entitlements;
        this.desktops = desktops;
    }

    /** Timeouts: null keeps the value, 0 switches the timeout off. */
    record UpdatePool(@Size(min = 1, max = 200) String name, @Size(max = 2000) String description, Boolean enabled,
                      LoadBalancing loadBalancing, @OffOrAtLeast(60) @Max(30 * DAY) Integer idleTimeoutSeconds,
                      IdleAction idleAction, @OffOrAtLeast(10) @Max(30 * DAY) Integer disconnectTimeoutSeconds,
                      @OffOrAtLeast(60) @Max(365 * DAY) Integer maxSessionSeconds, Boolean recordSessions,
                      @OffOrAtLeast(value = 10, message = "must be 0 (the platform's default) or at least {value}")
                      @Max(DAY) Integer prepareTimeoutSeconds, Boolean announceShadowing,
                      ClipboardPolicy clipboardPolicy) {
    }

    record Grant(UUID userId, UUID groupId) {
    }

    record RegisterDesktop(@NotBlank @Size(max = 200) String name, @NotBlank @Size(max = 255) String consoleHost,
                           @NotNull @Min(1) @Max(65535) Integer consolePort, @Size(max = 256) String consolePassword,
                           DesktopState state, UUID assignedUserId) {
    }

    record StateChange(@NotNull DesktopState state) {
    }

    record Assignment(UUID userId) {
    }

    /** Filters of the pool list: {@code kind}, {@code enabled}, {@code q} (words in the name or description). */
    record PoolQuery(PoolKind kind, Boolean enabled, @Size(max = 200) String q) {
    }

    /** The tenant's pools, a page at a time; sort: {@code name} (default), {@code createdAt}, {@code updatedAt}. */
    @GetMapping("/pools")
    ResponseEntity<List<DesktopPool>> list(AdminContext ctx, @ParameterObject @Valid PoolQuery query,
                                           @ParameterObject @Valid PageParams page) {
        return pools.page(ctx.tenantId(), new DesktopPools.PoolFilter(query.kind(), query.enabled(), query.q()), page).ok();
    }

    @PostMapping("/pools")
    ResponseEntity<DesktopPool> create(AdminContext ctx, @Valid @RequestBody NewPool b) {
        return pools.create(ctx, b.settings()).created();
    }

    @GetMapping("/pools/{id}")
    ResponseEntity<DesktopPool> get(AdminContext ctx, @PathVariable UUID id) {
        return pools.find(ctx.tenantId(), id).ok();
    }

    /** A partial change: members left out or null keep their values; 0 switches a timeout off. */
    @PatchMapping("/pools/{id}")
    ResponseEntity<DesktopPool> update(AdminContext ctx, @PathVariable UUID id,
                                       @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                       @Valid @RequestBody UpdatePool b) {
        return pools.update(ctx, id, new IfMatch(ifMatch), new DesktopPools.PoolSettings(b.name(), b.description(),
                null, b.enabled(), b.loadBalancing(), b.idleTimeoutSeconds(), b.idleAction(),
                b.disconnectTimeoutSeconds(), b.maxSessionSeconds(), b.recordSessions(), b.prepareTimeoutSeconds(),
                b.announceShadowing(), b.clipboardPolicy())).ok();
    }

    /**
     * The same change as a JSON Merge Patch (RFC 7396): null removes a timeout (never), the description
     * (empty) or the pool's own prepare timeout (the platform's default); other members cannot be removed.
     */
    @PatchMapping(path = "/pools/{id}", consumes = MergePatch.MEDIA_TYPE)
    ResponseEntity<DesktopPool> mergePatch(AdminContext ctx, @PathVariable UUID id,
                                           @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                           @RequestBody JsonNode patch) {
        return update(ctx, id, ifMatch, mergePatch.read(patch, UpdatePool.class, Map.of("description", "",
                "idleTimeoutSeconds", 0, "disconnectTimeoutSeconds", 0, "maxSessionSeconds", 0,
                "prepareTimeoutSeconds", 0)));
    }

    @DeleteMapping("/pools/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(AdminContext ctx, @PathVariable UUID id) {
        pools.delete(ctx, id);
    }

    /** The pool's entitlements, a page at a time (oldest first); filters: {@code userId}, {@code groupId}. */
    @GetMapping("/pools/{id}/entitlements")
    ResponseEntity<List<Entitlement>> entitlements(AdminContext ctx, @PathVariable UUID id,
                                                   @RequestParam(required = false) UUID userId,
                                                   @RequestParam(required = false) UUID groupId,
                                                   @ParameterObject @Valid PageParams page) {
        pools.get(ctx.tenantId(), id);
        return entitlements.page(ctx.tenantId(), id, userId, groupId, page).ok();
    }

    /** What the user may use, directly and through their groups: a page at a time, by pool name. */
    @GetMapping("/users/{id}/pools")
    ResponseEntity<List<Entitlements.SubjectEntitlement>> poolsOfUser(AdminContext ctx, @PathVariable UUID id,
                                                                       @ParameterObject @Valid PageParams page) {
        return entitlements.ofUser(ctx.tenantId(), id, page).ok();
    }

    /** The pools the group is entitled to: a page at a time, by pool name. */
    @GetMapping("/groups/{id}/pools")
    ResponseEntity<List<Entitlements.SubjectEntitlement>> poolsOfGroup(AdminContext ctx, @PathVariable UUID id,
                                                                        @ParameterObject @Valid PageParams page) {
        return entitlements.ofGroup(ctx.tenantId(), id, page).ok();
    }

    @PostMapping("/pools/{id}/entitlements")
    @ResponseStatus(HttpStatus.CREATED)
    Entitlement grant(AdminContext ctx, @PathVariable UUID id, @RequestBody Grant b) {
        return entitlements.grant(ctx, id, b.userId(), b.groupId());
    }

    @DeleteMapping("/pools/{id}/entitlements/{entitlementId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void revoke(AdminContext ctx, @PathVariable UUID id, @PathVariable UUID entitlementId) {
        entitlements.revoke(ctx, id, entitlementId);
    }

    /**
     * Filters of the desktop lists: {@code poolId}, {@code state}, {@code userId} (the assigned user),
     * {@code managed}, {@code q} (words in the name or console address).
     */
    record DesktopQuery(UUID poolId, DesktopState state, UUID userId, Boolean managed, @Size(max = 200) String q) {
    }

    /** The tenant's desktops, a page at a time; sort: {@code name} (default), {@code createdAt}, {@code stateChangedAt}. */
    @GetMapping("/desktops")
    ResponseEntity<List<Desktop>> allDesktops(AdminContext ctx, @ParameterObject @Valid DesktopQuery query,
                                              @ParameterObject @Valid PageParams page) {
        return desktops.page(ctx.tenantId(), new Desktops.DesktopFilter(query.poolId(), query.state(), query.userId(),
                query.managed(), query.q()), page).ok();
    }

    /** The pool's desktops, a page at a time (as {@code /desktops?poolId=}). */
    @GetMapping("/pools/{id}/desktops")
    ResponseEntity<List<Desktop>> desktops(AdminContext ctx, @PathVariable UUID id,
                                           @ParameterObject @Valid DesktopQuery query,
                                           @ParameterObject @Valid PageParams page) {
        pools.get(ctx.tenantId(), id);
        return desktops.page(ctx.tenantId(), new Desktops.DesktopFilter(id, query.state(), query.userId(),
                query.managed(), query.q()), page).ok();
    }

    /**
     * A registered desktop and what its console said when it was checked.
     *
     * @param desktopUsable whether users can be given the desktop now (READY)
     */
    record RegisteredDesktop(@JsonUnwrapped Desktop desktop, ConsoleCheck consoleCheck, boolean desktopUsable) {
    }

    /**
     * Registers a desktop by its console address after checking the console (outside the registration's
     * transaction): a READY desktop whose console does not answer as a VNC server with this password is
     * registered FAILED with the finding, not handed to users; when the check cannot run the desktop is
     * registered as asked and the answer says so (NOT_CHECKED).
     */
    @PostMapping("/pools/{id}/desktops")
    @ResponseStatus(HttpStatus.CREATED)
    RegisteredDesktop register(AdminContext ctx, @PathVariable UUID id, @Valid @RequestBody RegisterDesktop b) {
        DesktopPool pool = pools.get(ctx.tenantId(), id);
        consoleNetworks.require("consoleHost", b.consoleHost());
        // nothing is probed for a request that is refused anyway
        ConsoleCheck check = pool.kind() == PoolKind.SHARED ? null
                : consoleCheck.check(b.consoleHost(), b.consolePort(), b.consolePassword());
        Desktop d = desktops.register(ctx, id, new Desktops.DesktopRegistration(b.name(), b.consoleHost(), b.consolePort(),
                b.consolePassword(), b.state(), b.assignedUserId()), check);
        return new RegisteredDesktop(d, check, d.state() == DesktopState.READY);
    }

    @GetMapping("/desktops/{id}")
    Desktop desktop(AdminContext ctx, @PathVariable UUID id) {
        return desktops.get(ctx.tenantId(), id);
    }

    @PostMapping("/desktops/{id}/state")
    Desktop changeState(AdminContext ctx, @PathVariable UUID id, @Valid @RequestBody StateChange b) {
        return desktops.changeState(ctx, id, b.state());
    }

    @PutMapping("/desktops/{id}/assignment")
    Desktop assign(AdminContext ctx, @PathVariable UUID id, @RequestBody Assignment b) {
        return desktops.assign(ctx, id, b.userId());
    }

    /** What a bulk request does to each desktop. */
    enum DesktopAction { DELETE, REFRESH }

    /**
     * One action on many desktops, with a result per desktop: {@code DELETE} removes them (a session on one is ended
     * first), {@code REFRESH} resets managed desktops of POOLED pools to their image.
     */
    @PostMapping("/desktops/bulk")
    Bulk.Result bulkDesktops(AdminContext ctx, @Valid @RequestBody Bulk.Request<DesktopAction> b) {
        return Bulk.each(b.ids(), id -> {
            switch (b.action()) {
                case DELETE -> desktops.delete(ctx, id);
                case REFRESH -> desktops.refresh(ctx, id);
            }
        });
    }

    @DeleteMapping("/desktops/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void deleteDesktop(AdminContext ctx, @PathVariable UUID id) {
        desktops.delete(ctx, id);
    }
}
