package io.deskport.broker.provisioning;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.Page;
import io.deskport.broker.shared.PageParams;
import io.deskport.broker.shared.Versions.IfMatch;
import io.deskport.broker.shared.Versions.Versioned;
import org.springframework.http.HttpHeaders;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.ResponseEntity;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

/**
 * Hypervisor hosts are platform-level: the operator's infrastructure, shared by every tenant. Admins
 * of any tenant may read them (to see where their desktops can go and whether they are simulated), but
 * a tenant admin sees only their own tenant's desktops and use of each host — other tenants' activity
 * and the host's last error (which may name another tenant's desktop) are for platform admins; only
 * platform admins register, change, drain (maintenance) and remove them.
 */
@RestController
@RequestMapping("/api/v1/admin/hypervisor-hosts")
class HypervisorHostAdminController {

    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}";

    private final HypervisorHosts hosts;
    private final DesktopPlacements placements;
    private final ProvisioningProperties props;
    private final HostDrains drains;

    HypervisorHostAdminController(HypervisorHosts hosts, DesktopPlacements placements, ProvisioningProperties props,
                                  HostDrains drains) {
        this.drains = drains;
        this.hosts = hosts;
        this.placements = placements;
        this.props = props;
    }

    /** A host's own overcommit ratios; a missing (null) one is the global ratio. */
    record OvercommitRatios(@DecimalMin("0.1") @DecimalMax("100") Double cpu,
                            @DecimalMin("0.1") @DecimalMax("100") Double memory,
                            @DecimalMin("0.1") @DecimalMax("100") Double storage) {

        io.deskport.provisioning.planner.HostView.Overcommit toPlanner() {
            return new io.deskport.provisioning.planner.HostView.Overcommit(cpu, memory, storage);
        }
    }

    record RegisterHost(@NotBlank @Pattern(regexp = NAME) String name,
                        @NotBlank @Pattern(regexp = "[a-z0-9][a-z0-9_-]{0,31}") String driverId,
                        @Size(max = 50) Map<@Size(max = 64) String, @Size(max = 1000) String> settings,
                        @Min(1) @Max(100_000) Integer cpuTotal, @Min(64) Long memoryTotalMiB, @Min(64) Long storageTotalMiB,
                        Boolean maintenance, @Valid OvercommitRatios overcommit) {
    }

    /** {@code overcommit}, when sent, sets all three ratios (a null one: back to the global ratio). */
    record UpdateHost(@Size(max = 50) Map<@Size(max = 64) String, @Size(max = 1000) String> settings,
                      @Min(1) @Max(100_000) Integer cpuTotal, @Min(64) Long memoryTotalMiB, @Min(64) Long storageTotalMiB,
                      @Valid OvercommitRatios overcommit) {
    }

    /** Filters of the host list: {@code driverId}, {@code maintenance}, {@code reachable}, {@code q} (words in the name). */
    record HostQuery(@Size(max = 32) String driverId, Boolean maintenance, Boolean reachable, @Size(max = 200) String q) {
    }

    /** The hypervisor hosts, a page at a time; sort: {@code name} (default), {@code createdAt}. */
    @GetMapping
    ResponseEntity<List<HypervisorHost>> list(AdminContext ctx, @ParameterObject @Valid HostQuery q,
                                              @ParameterObject @Valid PageParams page) {
        Page<HypervisorHosts.HostRow> rows = hosts.page(new HypervisorHosts.HostFilter(q.driverId(), q.maintenance(),
                q.reachable(), q.q()), page);
        Usage used = usage(ctx, rows.items().stream().map(HypervisorHosts.HostRow::id).toList());
        return rows.map(h -> view(ctx, h, used)).ok();
    }

    @GetMapping("/{id}")
    ResponseEntity<HypervisorHost> get(AdminContext ctx, @PathVariable UUID id) {
        Versioned<HypervisorHosts.HostRow> h = hosts.versioned(id);
        return new Versioned<>(view(ctx, h.body()), h.version()).ok();
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    HypervisorHost register(AdminContext ctx, @Valid @RequestBody RegisterHost b) {
        requirePlatformAdmin(ctx);
        return view(ctx, hosts.register(ctx, new HypervisorHosts.HostSpec(b.name(), b.driverId(),
                b.settings() == null ? Map.of() : b.settings(), b.cpuTotal(), b.memoryTotalMiB(), b.storageTotalMiB(),
                b.maintenance(), b.overcommit() == null ? null : b.overcommit().toPlanner()), "API"));
    }

    /** Changes a host's settings or capacity, made from the version named in {@code If-Match}. */
    @PatchMapping("/{id}")
    ResponseEntity<HypervisorHost> update(AdminContext ctx, @PathVariable UUID id,
                                          @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                          @Valid @RequestBody UpdateHost b) {
        requirePlatformAdmin(ctx);
        Versioned<HypervisorHosts.HostRow> h = hosts.update(ctx, id, new IfMatch(ifMatch), new HypervisorHosts.HostSpec(
                null, null, b.settings(), b.cpuTotal(), b.memoryTotalMiB(), b.storageTotalMiB(), null,
                b.overcommit() == null ? null : b.overcommit().toPlanner()));
        return new Versioned<>(view(ctx, h.body()), h.version()).ok();
    }

    /**
     * Maintenance on: no new desktops; free ones are drained and replaced elsewhere, the users' desktops move to other
     * hosts (live while they run, cold while stopped); {@code GET …/drain} follows it.
     */
    @PostMapping("/{id}/maintenance")
    HypervisorHost maintenanceOn(AdminContext ctx, @PathVariable UUID id) {
        requirePlatformAdmin(ctx);
        return view(ctx, hosts.setMaintenance(ctx, id, true));
    }

    @DeleteMapping("/{id}/maintenance")
    HypervisorHost maintenanceOff(AdminContext ctx, @PathVariable UUID id) {
        requirePlatformAdmin(ctx);
        return view(ctx, hosts.setMaintenance(ctx, id, false));
    }

    /**
     * The drain of a host in maintenance: the moves under way and the last ones (target, state, failure), and the
     * desktops that cannot move with the reason. Platform admins only: it names every tenant's desktops.
     */
    @GetMapping("/{id}/drain")
    HostDrains.DrainStatus drain(AdminContext ctx, @PathVariable UUID id) {
        requirePlatformAdmin(ctx);
        return drains.status(hosts.require(id));
    }

    /** Ends a quarantine early (it also ends by itself, and after the first successful operation). */
    @DeleteMapping("/{id}/quarantine")
    HypervisorHost releaseQuarantine(AdminContext ctx, @PathVariable UUID id) {
        requirePlatformAdmin(ctx);
        return view(ctx, hosts.releaseQuarantine(ctx, id));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void remove(AdminContext ctx, @PathVariable UUID id) {
        requirePlatformAdmin(ctx);
        hosts.remove(ctx, id);
    }

    private static void requirePlatformAdmin(AdminContext ctx) {
        if (!ctx.actor().isPlatformAdmin()) {
            throw new ProblemException(Reason.FORBIDDEN, "Hypervisor hosts are platform infrastructure; only platform "
                    + "admins change them");
        }
    }

    /** What the broker's desktops take per host, and how many there are. */
    private record Usage(Map<UUID, HypervisorHost.Capacity> used, Map<UUID, Integer> desktops) {
    }

    /**
     * vCPUs and memory of running desktops, disk of all, and the number of desktops, per host of {@code hosts}:
     * of every tenant for platform admins, of the caller's own tenant for everyone else.
     */
    private Usage usage(AdminContext ctx, List<UUID> hosts) {
        Map<UUID, HypervisorHost.Capacity> used = new HashMap<>();
        Map<UUID, Integer> counts = new HashMap<>();
        placements.usage(hosts, ctx.actor().isPlatformAdmin() ? null : ctx.actor().tenantId()).forEach((host, u) -> {
            used.put(host, new HypervisorHost.Capacity(u.vcpus(), u.memoryMiB(), u.diskMiB()));
            counts.put(host, u.desktops());
        });
        return new Usage(used, counts);
    }

    private HypervisorHost view(AdminContext ctx, HypervisorHosts.HostRow h) {
        return view(ctx, h, usage(ctx, List.of(h.id())));
    }

    private HypervisorHost view(AdminContext ctx, HypervisorHosts.HostRow h, Usage usage) {
        boolean platform = ctx.actor().isPlatformAdmin();
        boolean usable = h.reachable() && !h.health().quarantinedAt(java.time.Instant.now()) && !h.maintenance();
        var r = h.overcommit().orElse(new io.deskport.provisioning.planner.PlannerSettings(1, 1, props.cpuOvercommit(),
                props.memoryOvercommit(), props.storageOvercommit()));
        HypervisorHost.Overcommit ratios = new HypervisorHost.Overcommit(r.cpu(), r.memory(), r.storage(),
                h.cpuOvercommit() != null, h.memoryOvercommit() != null, h.storageOvercommit() != null);
        HypervisorHost.Capacity allocatable = new HypervisorHost.Capacity((int) Math.floor(h.effectiveCpus() * r.cpu()),
                (long) Math.floor(h.effectiveMemoryMiB() * r.memory()), (long) Math.floor(h.effectiveStorageMiB() * r.storage()));
        Double usedRatio = h.storageUsedRatio();
        HypervisorHost.StorageUse storage = new HypervisorHost.StorageUse(h.reportedStorageTotalMiB(),
                h.reportedStorageUsedMiB(), h.reportedStorageAvailableMiB(), usedRatio, props.storageAlertThreshold(),
                h.storageNearlyFullSince() != null, h.storageNearlyFullSince());
        return new HypervisorHost(h.id(), h.name(), h.driverId(), h.simulated(), h.settings(),
                new HypervisorHost.Capacity(h.effectiveCpus(), h.effectiveMemoryMiB(), h.effectiveStorageMiB()),
                usage.used().getOrDefault(h.id(), new HypervisorHost.Capacity(0, 0L, 0L)),
                usage.desktops().getOrDefault(h.id(), 0),
                h.maintenance(), new HypervisorHost.Health(usable, h.reachable(), h.consecutiveFailures(),
                h.quarantinedUntil(), platform ? h.lastError() : null, platform ? h.lastErrorAt() : null), h.source(),
                h.inventoryAt(), h.createdAt(), ratios, allocatable, storage);
    }
}
