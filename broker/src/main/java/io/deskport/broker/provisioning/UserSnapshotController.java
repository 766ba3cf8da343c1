package io.deskport.broker.provisioning;

import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import io.deskport.broker.pools.Desktop;
import io.deskport.broker.pools.ManagedDesktops;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

/**
 * A user's own snapshots: of the desktop they own in a persistent pool ({@code /api/v1/pools/{poolId}/snapshots}).
 * A pool where the user owns no desktop, and anyone else's snapshot, is 404. "Save my desktop now" takes one; a
 * restore logs their session off first and must be confirmed ({@code confirm=true}; without it the answer is
 * CONFIRMATION_REQUIRED with the warning). Users delete their own on-demand snapshots; the scheduled ones are the
 * pool policy's.
 */
@RestController
@RequestMapping("/api/v1/pools/{poolId}/snapshots")
class UserSnapshotController {

    private final DesktopSnapshots snapshots;
    private final ManagedDesktops desktops;
    private final JdbcClient jdbc;
    private final Reconciler reconciler;

    UserSnapshotController(DesktopSnapshots snapshots, ManagedDesktops desktops, JdbcClient jdbc, Reconciler reconciler) {
        this.snapshots = snapshots;
        this.desktops = desktops;
        this.jdbc = jdbc;
        this.reconciler = reconciler;
    }

    @GetMapping
    DesktopSnapshotAdminController.DesktopSnapshotsView list(CurrentUser me, @PathVariable UUID poolId) {
        Desktop d = myDesktop(me, poolId);
        return new DesktopSnapshotAdminController.DesktopSnapshotsView(d.id(), snapshots.usedMiB(d.id()),
                snapshots.quotaMiB(d.poolId()), snapshots.ofDesktop(me.tenantId(), d.id()));
    }

    /** "Save my desktop now". */
    @PostMapping
    @ResponseStatus(HttpStatus.ACCEPTED)
    DesktopSnapshots.Snapshot take(CurrentUser me, @PathVariable UUID poolId,
                                   @RequestHeader(name = "Idempotency-Key", required = false) String key,
                                   @Valid @RequestBody(required = false) DesktopSnapshotAdminController.TakeSnapshot b) {
        Desktop d = myDesktop(me, poolId);
        DesktopSnapshots.Snapshot s = snapshots.request(d, me, b == null ? null : b.label(),
                DesktopSnapshotAdminController.idempotencyKey(key));
        reconciler.wakeUp();
        return s;
    }

    @PostMapping("/{snapshotId}/restore")
    @ResponseStatus(HttpStatus.ACCEPTED)
    DesktopSnapshots.Snapshot restore(CurrentUser me, @PathVariable UUID poolId, @PathVariable UUID snapshotId,
                                      @RequestBody(required = false) DesktopSnapshotAdminController.RestoreSnapshot b) {
        Desktop d = myDesktop(me, poolId);
        DesktopSnapshots.Snapshot s = snapshots.restore(d, snapshotId, me, b != null && Boolean.TRUE.equals(b.confirm()));
        reconciler.wakeUp();
        return s;
    }

    @DeleteMapping("/{snapshotId}")
    @ResponseStatus(HttpStatus.ACCEPTED)
    void delete(CurrentUser me, @PathVariable UUID poolId, @PathVariable UUID snapshotId) {
        Desktop d = myDesktop(me, poolId);
        if (snapshots.get(me.tenantId(), d.id(), snapshotId).kind() == DesktopSnapshots.Kind.SCHEDULED) {
            throw new ProblemException(Reason.FORBIDDEN, "Scheduled snapshots are kept by the pool's policy; only your "
                    + "own saved snapshots can be deleted");
        }
        snapshots.delete(d, snapshotId, me);
        reconciler.wakeUp();
    }

    /** The desktop the user owns in the pool (pools' published desktops), or 404. */
    private Desktop myDesktop(CurrentUser me, UUID poolId) {
        List<UUID> mine = jdbc.sql("select id from pools_desktops where tenant_id = ? and pool_id = ? and assigned_user_id = ?")
                .params(me.tenantId(), poolId, me.userId()).query(UUID.class).list();
        return mine.stream().findFirst().flatMap(desktops::find)
                .filter(d -> d.tenantId().equals(me.tenantId()))
                .orElseThrow(() -> ProblemException.notFound("Desktop of yours in pool", poolId));
    }
}
