package io.deskport.broker.provisioning;

import java.time.LocalTime;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
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
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.pools.Desktop;
import io.deskport.broker.pools.Desktops;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Versions.IfMatch;
import io.deskport.broker.shared.Versions.Versioned;

/**
 * Snapshots for tenant admins: any desktop of their tenant (another tenant's desktop or snapshot is 404), and the
 * snapshot policy of their persistent pools. Taking, restoring and deleting are tasks: the answer is 202 with the
 * snapshot as it is now (CREATING, RESTORING, DELETING); its state follows.
 */
@RestController
@RequestMapping("/api/v1/admin")
class DesktopSnapshotAdminController {

    private final DesktopSnapshots snapshots;
    private final SnapshotSchedule schedule;
    private final Desktops desktops;
    private final Reconciler reconciler;

    DesktopSnapshotAdminController(DesktopSnapshots snapshots, SnapshotSchedule schedule, Desktops desktops,
                                   Reconciler reconciler) {
        this.snapshots = snapshots;
        this.schedule = schedule;
        this.desktops = desktops;
        this.reconciler = reconciler;
    }

    /** What a snapshot is asked for with. */
    record TakeSnapshot(@Size(max = 200) String label) {
    }

    /** A restore: {@code confirm} says the caller has seen the warning (CONFIRMATION_REQUIRED without it). */
    record RestoreSnapshot(Boolean confirm) {
    }

    /**
     * A pool's snapshot policy.
     *
     * @param dailyAt  local time (HH:mm) of the daily scheduled snapshot in the tenant's time zone; null: none
     * @param keep     scheduled snapshots kept per desktop
     * @param quotaMiB storage all snapshots of one desktop may hold; null: no quota
     */
    record SnapshotPolicySpec(LocalTime dailyAt, @NotNull @Min(1) @Max(366) Integer keep, @Min(1) Long quotaMiB) {
    }

    /**
     * A desktop's snapshots with what they hold.
     *
     * @param usedMiB  the storage its snapshots hold
     * @param quotaMiB the pool's quota per desktop (null: none)
     */
    record DesktopSnapshotsView(UUID desktopId, long usedMiB, Long quotaMiB, List<DesktopSnapshots.Snapshot> snapshots) {
    }

    @GetMapping("/desktops/{id}/snapshots")
    DesktopSnapshotsView list(AdminContext ctx, @PathVariable UUID id) {
        Desktop d = desktops.get(ctx.tenantId(), id);
        return new DesktopSnapshotsView(d.id(), snapshots.usedMiB(d.id()), snapshots.quotaMiB(d.poolId()),
                snapshots.ofDesktop(ctx.tenantId(), d.id()));
    }

    /** Takes a snapshot now; {@code Idempotency-Key} makes a repeated request return the first snapshot. */
    @PostMapping("/desktops/{id}/snapshots")
    @ResponseStatus(HttpStatus.ACCEPTED)
    DesktopSnapshots.Snapshot take(AdminContext ctx, @PathVariable UUID id,
                                   @RequestHeader(name = "Idempotency-Key", required = false) String key,
                                   @Valid @RequestBody(required = false) TakeSnapshot b) {
        Desktop d = desktops.get(ctx.tenantId(), id);
        DesktopSnapshots.Snapshot s = snapshots.request(d, ctx.actor(), b == null ? null : b.label(),
                idempotencyKey(key));
        reconciler.wakeUp();
        return s;
    }

    @GetMapping("/desktops/{id}/snapshots/{snapshotId}")
    DesktopSnapshots.Snapshot get(AdminContext ctx, @PathVariable UUID id, @PathVariable UUID snapshotId) {
        Desktop d = desktops.get(ctx.tenantId(), id);
        return snapshots.get(ctx.tenantId(), d.id(), snapshotId);
    }

    /** Restores the desktop to the snapshot: its session is logged off; confirm with {@code confirm=true}. */
    @PostMapping("/desktops/{id}/snapshots/{snapshotId}/restore")
    @ResponseStatus(HttpStatus.ACCEPTED)
    DesktopSnapshots.Snapshot restore(AdminContext ctx, @PathVariable UUID id, @PathVariable UUID snapshotId,
                                      @RequestBody(required = false) RestoreSnapshot b) {
        Desktop d = desktops.get(ctx.tenantId(), id);
        DesktopSnapshots.Snapshot s = snapshots.restore(d, snapshotId, ctx.actor(),
                b != null && Boolean.TRUE.equals(b.confirm()));
        reconciler.wakeUp();
        return s;
    }

    @DeleteMapping("/desktops/{id}/snapshots/{snapshotId}")
    @ResponseStatus(HttpStatus.ACCEPTED)
    void delete(AdminContext ctx, @PathVariable UUID id, @PathVariable UUID snapshotId) {
        Desktop d = desktops.get(ctx.tenantId(), id);
        snapshots.delete(d, snapshotId, ctx.actor());
        reconciler.wakeUp();
    }

    /** The pool's snapshot policy, with the ETag of the pool's provisioning settings it is part of. */
    @GetMapping("/pools/{poolId}/snapshot-policy")
    ResponseEntity<SnapshotSchedule.Policy> policy(AdminContext ctx, @PathVariable UUID poolId) {
        SnapshotSchedule.Policy p = schedule.policy(ctx.tenantId(), poolId);
        return new Versioned<>(p, schedule.version(ctx.tenantId(), poolId)).ok();
    }

    /** Sets the pool's snapshot policy, made from the pool's provisioning version named in {@code If-Match}. */
    @PutMapping("/pools/{poolId}/snapshot-policy")
    ResponseEntity<SnapshotSchedule.Policy> setPolicy(AdminContext ctx, @PathVariable UUID poolId,
                                                      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
                                                      @Valid @RequestBody SnapshotPolicySpec b) {
        Versioned<SnapshotSchedule.Policy> p = schedule.setPolicy(ctx, poolId, new IfMatch(ifMatch), b.dailyAt(), b.keep(),
                b.quotaMiB());
        return p.ok();
    }

    /** An Idempotency-Key as sent (at most 200 characters), or null. */
    static String idempotencyKey(String key) {
        if (key == null || key.isBlank()) {
            return null;
        }
        if (key.length() > 200) {
            throw ProblemException.validation("Idempotency-Key", "at most 200 characters");
        }
        return key.strip();
    }
}
