package io.deskport.broker.provisioning;

import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.pools.Desktop;
import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.pools.DesktopState;
import io.deskport.broker.pools.Desktops;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.PageParams;
import io.deskport.broker.shared.Versions.IfMatch;
import io.deskport.broker.shared.Versions.Versioned;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.RequestHeader;
import io.deskport.provisioning.planner.ActionType;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.format.annotation.DateTimeFormat;
import org.springframework.http.ResponseEntity;
import io.deskport.broker.shared.ProblemException;
import io.deskport.provisioning.planner.PlanNote;

/**
 * Tenant administration of provisioning: a pool's sizing, hardware and power policy, its image
 * versions (publish, set current, roll back, update persistent desktops), the task journal, each
 * desktop's provisioning state and failure reason, and the orphans and ghosts reconciliation found.
 */
@RestController
@Validated
@RequestMapping("/api/v1/admin")
class ProvisioningAdminController {

    static final String LABEL = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}";
    static final String PATH = "/[^\\x00]{0,4095}";

    private final PoolProvisioning poolSettings;
    private final DesktopPools pools;
    private final Desktops desktops;
    private final DesktopPlacements placements;
    private final HypervisorHosts hosts;
    private final TaskJournal journal;
    private final Discrepancies discrepancies;
    private final Reconciler reconciler;

    ProvisioningAdminController(PoolProvisioning poolSettings, DesktopPools pools, Desktops desktops,
                                DesktopPlacements placements, HypervisorHosts hosts,
                                TaskJournal journal, Discrepancies discrepancies, Reconciler reconciler) {
        this.poolSettings = poolSettings;
        this.pools = pools;
        this.desktops = desktops;
        this.placements = placements;
        this.hosts = hosts;
        this.journal = journal;
        this.discrepancies = discrepancies;
        this.reconciler = reconciler;
    }

    record PublishImage(@NotBlank @Pattern(regexp = LABEL) String label,
                        @NotBlank @Pattern(regexp = PATH) String goldenDiskPath, @Pattern(regexp = PATH) String kernelPath,
                        @Pattern(regexp = PATH) String initrdPath, @Size(max = 2000) String kernelCmdline,
                        Boolean makeCurrent) {
    }

    /** A pool's provisioning: settings, images, what its desktops are doing, and what holds it back. */
    record PoolProvisioningView(UUID poolId, String poolKind, boolean enabled, int minSize, int maxSize, int spareTarget,
                                Hardware hardware, Integer stopAfterDisconnectedSeconds, PublishedImage currentImage,
                                PublishedImage previousImage, UUID targetImageId, boolean rolledBack,
                                boolean updatePersistentDesktops, boolean simulated, int desktops,
                                Map<DesktopState, Integer> desktopsByState, int desktopsOnTargetImage,
                                int recentRefusals, Instant lastExhaustedAt, List<PlanNote> notes,
                                boolean antiAffinity) {
    }

    record Hardware(int vcpus, int memoryMiB, int diskMiB, String video) {
    }

    /** Where a desktop lives, what it runs, why it failed, and its tasks. */
    record DesktopProvisioningView(UUID desktopId, String name, DesktopState state, String failureReason, boolean managed,
                                   boolean simulated, UUID hostId, String hostName, String driverId, UUID imageVersionId,
                                   String imageLabel, Instant consoleCheckedAt, Instant lastDisconnectedAt,
                                   List<ProvisioningTask> tasks) {
    }

    @GetMapping("/pools/{poolId}/provisioning")
    ResponseEntity<PoolProvisioningView> get(AdminContext ctx, @PathVariable UUID poolId) {
        PoolProvisioning.Settings s = poolSettings.require(ctx.tenantId(), poolId);
        return new Versioned<>(view(ctx, poolId, s), poolSettings.version(poolId)).ok();
    }

    /**
     * Creates or changes the pool's provisioning settings (members left out keep their values), made from the
     * version named in {@code If-Match} ({@code "0"} for a pool not configured yet).
     */
    @PutMapping("/pools/{poolId}/provisioning")
    ResponseEntity<PoolProvisioningView> put(AdminContext ctx, @PathVariable UUID poolId,
                                             @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                             @Valid @RequestBody ProvisioningSpec b) {
        Versioned<PoolProvisioning.Settings> s = poolSettings.put(ctx, poolId, new IfMatch(ifMatch), b.settings());
        reconciler.wakeUp();
        return new Versioned<>(view(ctx, poolId, s.body()), s.version()).ok();
    }

    /** The pool's image versions, a page at a time, newest first; sort: {@code publishedAt} (default {@code -publishedAt}), {@code label}. */
    @GetMapping("/pools/{poolId}/images")
    ResponseEntity<List<PublishedImage>> images(AdminContext ctx, @PathVariable UUID poolId,
                                                @ParameterObject @Valid PageParams page) {
        pools.get(ctx.tenantId(), poolId);
        return poolSettings.pageImages(ctx.tenantId(), poolId, null, page).ok();
    }

    /** Filters of the tenant's image versions: {@code poolId}, {@code q} (words in the label or the golden disk's path). */
    record ImageQuery(UUID poolId, @Size(max = 200) String q) {
    }

    /**
     * The image versions published in every pool of the tenant, a page at a time, newest first (sort as a pool's
     * list): what a new pool's desktops can start from (a whole pool's setup copies one).
     */
    @GetMapping("/images")
    ResponseEntity<List<PublishedImage>> allImages(AdminContext ctx, @ParameterObject @Valid ImageQuery query,
                                                   @ParameterObject @Valid PageParams page) {
        return poolSettings.pageImages(ctx.tenantId(), query.poolId(), query.q(), page).ok();
    }

    @PostMapping("/pools/{poolId}/images")
    @ResponseStatus(HttpStatus.CREATED)
    PublishedImage publish(AdminContext ctx, @PathVariable UUID poolId, @Valid @RequestBody PublishImage b) {
        PublishedImage image = poolSettings.publish(ctx, poolId, new PoolProvisioning.ImageSpec(b.label(),
                b.goldenDiskPath(), b.kernelPath(), b.initrdPath(), b.kernelCmdline()), !Boolean.FALSE.equals(b.makeCurrent()));
        reconciler.wakeUp();
        return image;
    }

    @PostMapping("/pools/{poolId}/images/{imageId}/current")
    PoolProvisioningView setCurrent(AdminContext ctx, @PathVariable UUID poolId, @PathVariable UUID imageId) {
        PoolProvisioning.Settings s = poolSettings.setCurrent(ctx, poolId, imageId);
        reconciler.wakeUp();
        return view(ctx, poolId, s);
    }

    @PostMapping("/pools/{poolId}/provisioning/rollback")
    PoolProvisioningView rollback(AdminContext ctx, @PathVariable UUID poolId) {
        PoolProvisioning.Settings s = poolSettings.rollback(ctx, poolId);
        reconciler.wakeUp();
        return view(ctx, poolId, s);
    }

    @PostMapping("/pools/{poolId}/provisioning/update-persistent-desktops")
    PoolProvisioningView updatePersistent(AdminContext ctx, @PathVariable UUID poolId) {
        PoolProvisioning.Settings s = poolSettings.updatePersistentDesktops(ctx, poolId);
        reconciler.wakeUp();
        return view(ctx, poolId, s);
    }

    /**
     * Filters of the task lists: {@code poolId}, {@code desktopId}, {@code hostId} (hypervisor host), {@code state},
     * {@code type}, {@code since}/{@code until} (created in that range).
     */
    record TaskQuery(UUID poolId, UUID desktopId, UUID hostId, ProvisioningTask.State state, ActionType type,
                     @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant since,
                     @DateTimeFormat(iso = DateTimeFormat.ISO.DATE_TIME) Instant until) {
        TaskJournal.TaskFilter filter(UUID pool) {
            return new TaskJournal.TaskFilter(pool, desktopId, hostId, state, type, since, until);
        }
    }

    /** The pool's tasks, a page at a time, newest first (as {@code /provisioning/tasks?poolId=}). */
    @GetMapping("/pools/{poolId}/provisioning/tasks")
    ResponseEntity<List<ProvisioningTask>> poolTasks(AdminContext ctx, @PathVariable UUID poolId,
                                                     @ParameterObject @Valid TaskQuery q,
                                                     @ParameterObject @Valid PageParams page) {
        pools.get(ctx.tenantId(), poolId);
        return journal.page(ctx.tenantId(), q.filter(poolId), page).ok();
    }

    /** The tenant's provisioning tasks, a page at a time, newest first (sort key {@code createdAt}). */
    @GetMapping("/provisioning/tasks")
    ResponseEntity<List<ProvisioningTask>> tasks(AdminContext ctx, @ParameterObject @Valid TaskQuery q,
                                                 @ParameterObject @Valid PageParams page) {
        return journal.page(ctx.tenantId(), q.filter(q.poolId()), page).ok();
    }

    /** Orphans (VMs tagged for this tenant that no desktop row knows) and ghosts (desktops whose VM is gone). */
    @GetMapping("/provisioning/discrepancies")
    ResponseEntity<List<Discrepancies.Finding>> discrepancies(AdminContext ctx,
            @RequestParam(required = false) @Pattern(regexp = "ORPHAN|GHOST") String kind,
            @RequestParam(required = false) UUID hostId,
            @RequestParam(defaultValue = "false") boolean allTenants, @ParameterObject @Valid PageParams page) {
        if (allTenants && !ctx.actor().isPlatformAdmin()) {
            throw new ProblemException(io.deskport.broker.shared.Reason.FORBIDDEN,
                    "Only platform admins see the findings of all tenants (and orphans of unknown tenants)");
        }
        return discrepancies.page(allTenants ? null : ctx.tenantId(), kind, hostId, page).ok();
    }

    @GetMapping("/desktops/{id}/provisioning")
    DesktopProvisioningView desktop(AdminContext ctx, @PathVariable UUID id) {
        Desktop d = desktops.get(ctx.tenantId(), id);
        Optional<DesktopPlacements.Placement> p = placements.find(id);
        Optional<HypervisorHosts.HostRow> host = p.flatMap(x -> hosts.row(x.hostId()));
        PublishedImage image = p.map(DesktopPlacements.Placement::imageVersionId)
                .map(i -> poolSettings.images(List.of(i)).get(i)).orElse(null);
        return new DesktopProvisioningView(d.id(), d.name(), d.state(), d.failureReason(), d.managed(),
                host.map(HypervisorHosts.HostRow::simulated).orElse(false), host.map(HypervisorHosts.HostRow::id).orElse(null),
                host.map(HypervisorHosts.HostRow::name).orElse(null), host.map(HypervisorHosts.HostRow::driverId).orElse(null),
                image == null ? null : image.id(), image == null ? null : image.label(),
                p.map(DesktopPlacements.Placement::consoleCheckedAt).orElse(null),
                p.map(DesktopPlacements.Placement::lastDisconnectedAt).orElse(null),
                journal.list(ctx.tenantId(), null, id, null, 20));
    }

    private PoolProvisioningView view(AdminContext ctx, UUID poolId, PoolProvisioning.Settings s) {
        DesktopPool pool = pools.get(ctx.tenantId(), poolId);
        Map<UUID, PublishedImage> images = poolSettings.images(java.util.stream.Stream.of(s.currentImageId(),
                s.previousImageId()).filter(java.util.Objects::nonNull).toList());
        // counted in SQL and read for this pool only: the view costs what the pool's page costs, not the estate
        Map<DesktopState, Integer> byState = new EnumMap<>(desktops.countByState(ctx.tenantId(), poolId));
        int total = byState.values().stream().mapToInt(Integer::intValue).sum();
        // a placement goes with its desktop (provisioned_desktop's foreign key): each is one of the pool's desktops
        Map<UUID, DesktopPlacements.Placement> where = placements.ofPool(ctx.tenantId(), poolId);
        int onTarget = s.targetImageId() == null ? 0
                : (int) where.values().stream().filter(x -> s.targetImageId().equals(x.imageVersionId())).count();
        boolean simulated = hostsSimulated(where);
        boolean recent = s.lastExhaustedAt() != null && s.lastExhaustedAt().isAfter(Instant.now().minusSeconds(300));
        List<PlanNote> notes = reconciler.lastNotes().stream().filter(n -> n.poolId().equals(poolId.toString())).toList();
        return new PoolProvisioningView(poolId, pool.kind().name(), s.enabled(), s.minSize(), s.maxSize(), s.spareTarget(),
                new Hardware(s.vcpus(), s.memoryMiB(), s.diskMiB(), s.video()), s.stopAfterDisconnectedSeconds(),
                images.get(s.currentImageId()), s.previousImageId() == null ? null : images.get(s.previousImageId()),
                s.targetImageId(), s.rolledBack(), s.updatePersistent(), simulated, total, byState, onTarget,
                recent ? s.exhaustedRefusals() : 0, s.lastExhaustedAt(), notes, s.antiAffinity());
    }

    /** True when the pool's desktops live on simulated hosts (or, with none yet, every host is simulated). */
    private boolean hostsSimulated(Map<UUID, DesktopPlacements.Placement> where) {
        Map<UUID, Boolean> simulated = new HashMap<>();
        hosts.rows().forEach(h -> simulated.put(h.id(), h.simulated()));
        if (where.isEmpty()) {
            return !simulated.isEmpty() && simulated.values().stream().allMatch(Boolean::booleanValue);
        }
        return where.values().stream().anyMatch(x -> simulated.getOrDefault(x.hostId(), false));
    }
}
