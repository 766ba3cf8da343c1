package io.deskport.broker.provisioning;

import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.pools.Desktop;
import io.deskport.broker.pools.DesktopState;
import io.deskport.broker.pools.ManagedDesktops;
import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.provisioning.driver.CloneRequest;
import io.deskport.provisioning.driver.ConsoleEndpoint;
import io.deskport.provisioning.driver.DesktopMigration;
import io.deskport.provisioning.driver.DesktopTag;
import io.deskport.provisioning.driver.DriverException;
import io.deskport.provisioning.driver.DriverFailureReason;
import io.deskport.provisioning.driver.HypervisorDriver;
import io.deskport.provisioning.planner.ActionType;

/**
 * Runs one claimed task against its host's driver, then records the outcome and the desktop's new
 * state in one transaction that only commits while the task is still ours. Every step is idempotent
 * by desktop id, so a task interrupted by a crash is simply run again: clone returns the existing
 * VM, start of a running VM does nothing, delete of a missing VM succeeds.
 */
@Component
class TaskRunner {

    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);
    /** The states in which a desktop is moved: running (live) or stopped (cold; a user may be waiting to start it). */
    private static final EnumSet<DesktopState> MOVABLE = EnumSet.of(DesktopState.READY, DesktopState.IN_USE,
            DesktopState.STOPPED, DesktopState.STARTING);
    private static final EnumSet<DriverFailureReason> HOST_FAULTS = EnumSet.of(DriverFailureReason.HOST_UNAVAILABLE,
            DriverFailureReason.TIMEOUT, DriverFailureReason.HYPERVISOR_ERROR, DriverFailureReason.INSUFFICIENT_CAPACITY,
            DriverFailureReason.IMAGE_UNAVAILABLE);

    private final ProvisioningProperties props;
    private final HypervisorHosts hosts;
    private final PoolProvisioning poolSettings;
    private final ManagedDesktops desktops;
    private final DesktopPlacements placements;
    private final TaskJournal journal;
    private final ConsoleCheck console;
    private final TransactionTemplate tx;
    private final TaskMeters meters;
    private final DesktopSnapshots snapshots;
    private final ApplicationEventPublisher events;

    TaskRunner(ProvisioningProperties props, HypervisorHosts hosts, PoolProvisioning poolSettings,
               ManagedDesktops desktops, DesktopPlacements placements, TaskJournal journal, ConsoleCheck console,
               PlatformTransactionManager txManager, TaskMeters meters, DesktopSnapshots snapshots,
               ApplicationEventPublisher events) {
        this.events = events;
        this.meters = meters;
        this.snapshots = snapshots;
        this.props = props;
        this.hosts = hosts;
        this.poolSettings = poolSettings;
        this.desktops = desktops;
        this.placements = placements;
        this.journal = journal;
        this.console = console;
        this.tx = new TransactionTemplate(txManager);
    }

    /** The task could not be completed because another runner holds it now. */
    private static final class LeaseLost extends RuntimeException {
        LeaseLost(UUID taskId) {
            super("task " + taskId + " is no longer held by this broker", null, false, false);
        }
    }

    /** Runs a task this broker ({@code owner}) has claimed; never throws. */
    void run(ProvisioningTask t, String owner) {
        long start = System.nanoTime();
        try {
            execute(t, owner);
            meters.succeeded(t.type(), System.nanoTime() - start);
            // Only running desktops proves a host healthy; a delete succeeds even on a broken one.
            if (t.hostId() != null && t.type() != ActionType.DELETE) {
                hosts.recordSuccess(t.hostId());
            }
        } catch (LeaseLost e) {
            log.warn("{}; its outcome is left to the new holder", e.getMessage());
        } catch (DriverException e) {
            meters.failed(t.type(), e.reason().name(), System.nanoTime() - start);
            failed(t, owner, e.reason().name(), e.getMessage(), e.retryable(), HOST_FAULTS.contains(e.reason()), e.reason());
        } catch (RuntimeException e) {
            log.error("Task {} ({} of desktop {}) failed unexpectedly", t.id(), t.type(), t.desktopId(), e);
            meters.failed(t.type(), TaskMeters.INTERNAL_ERROR, System.nanoTime() - start);
            failed(t, owner, "INTERNAL_ERROR", String.valueOf(e.getMessage()), true, false, null);
        }
    }

    private void execute(ProvisioningTask t, String owner) {
        Optional<Desktop> desktop = desktops.find(t.desktopId());
        if (cancelledAsOvertaken(t, owner, desktop)) {
            return;
        }
        HypervisorDriver driver = driver(t);
        String id = t.desktopId().toString();
        switch (t.type()) {
            case CREATE -> create(t, owner, driver, id, desktop.get());
            case START -> start(t, owner, driver, id);
            case STOP -> stop(t, owner, driver, id);
            case REFRESH, REPLACE -> refresh(t, owner, driver, id, desktop.get());
            case DELETE -> delete(t, owner, driver, id);
            case SNAPSHOT -> snapshot(t, owner, driver, id);
            case RESTORE_SNAPSHOT -> restoreSnapshot(t, owner, driver, id);
            case DELETE_SNAPSHOT -> deleteSnapshot(t, owner, driver, id);
            case MIGRATE -> migrate(t, owner, driver, id, desktop.get());
        }
        log.debug("Task {} {} of desktop {} ({}) done", t.id(), t.type(), id, t.reason());
    }

    /**
     * Cancels the task when events overtook it: its desktop is gone or no longer in the state it is in while the
     * task is due (a delete: back from DELETING).
     *
     * @return true when it was cancelled
     */
    private boolean cancelledAsOvertaken(ProvisioningTask t, String owner, Optional<Desktop> desktop) {
        if (t.type() == ActionType.MIGRATE) {
            // a desktop that was removed, freed (the planner deletes free desktops from a draining host) or is being
            // rebuilt does not move
            DesktopState now = desktop.map(Desktop::state).orElse(null);
            if (now == null || !MOVABLE.contains(now) || desktop.get().assignedUserId() == null) {
                String why = now == null ? "gone" : desktop.get().assignedUserId() == null ? "free" : now.name();
                complete(t, owner, () -> journal.cancel(t.id(), owner, "desktop is " + why + ": not moved"));
                return true;
            }
            return false;
        }
        if (t.type().isSnapshotOperation()) {
            // a snapshot is taken or deleted in whatever state its desktop is; a restore holds it in MAINTENANCE
            boolean gone = desktop.isEmpty();
            boolean released = t.type() == ActionType.RESTORE_SNAPSHOT && !gone
                    && desktop.get().state() != DesktopState.MAINTENANCE;
            if (gone || released) {
                String now = desktop.map(d -> d.state().name()).orElse("gone");
                complete(t, owner, () -> {
                    if (released) {
                        snapshots.restoreEnded(t.desktopId(), t.snapshotId());
                    }
                    return journal.cancel(t.id(), owner, "desktop is " + now);
                });
                return true;
            }
            return false;
        }
        DesktopState expected = switch (t.type()) {
            case CREATE -> DesktopState.PROVISIONING;
            case START -> DesktopState.STARTING;
            case STOP -> DesktopState.STOPPING;
            case REFRESH, REPLACE -> DesktopState.REFRESHING;
            case DELETE -> DesktopState.DELETING;
            case SNAPSHOT, RESTORE_SNAPSHOT, DELETE_SNAPSHOT, MIGRATE -> throw new IllegalStateException("handled above");
        };
        if (t.type() != ActionType.DELETE && desktop.map(Desktop::state).orElse(null) != expected) {
            String now = desktop.map(d -> d.state().name()).orElse("gone");
            if (desktop.isEmpty() && t.type() == ActionType.CREATE) {
                driver(t).delete(t.desktopId().toString()); // in case a previous attempt cloned it
            }
            complete(t, owner, () -> journal.cancel(t.id(), owner, "desktop is " + now + ", not " + expected));
            return true;
        }
        if (t.type() == ActionType.DELETE && desktop.isPresent() && desktop.get().state() != DesktopState.DELETING) {
            complete(t, owner, () -> journal.cancel(t.id(), owner, "desktop is " + desktop.get().state() + " again"));
            return true;
        }
        return false;
    }

    /** Clones the desktop from the task's image and starts it; it is ready once its console answers. */
    private void create(ProvisioningTask t, String owner, HypervisorDriver driver, String id, Desktop d) {
        PoolProvisioning.Settings s = settings(d);
        PublishedImage image = image(t);
        driver.cloneDesktop(new CloneRequest(new DesktopTag(d.tenantId().toString(), d.poolId().toString(), id),
                null, image.toImageVersion(), s.hardware()));
        ConsoleEndpoint ep = startAndAwaitConsole(driver, id);
        boolean[] gone = {false};
        succeed(t, owner, () -> gone[0] = !ready(t, DesktopState.PROVISIONING, ep));
        if (gone[0] && desktops.find(t.desktopId()).isEmpty()) {
            driver.delete(id); // removed while it was being created: leave no orphan behind
        }
    }

    /** Powers the desktop on; it is ready once its console answers. */
    private void start(ProvisioningTask t, String owner, HypervisorDriver driver, String id) {
        ConsoleEndpoint ep = startAndAwaitConsole(driver, id);
        succeed(t, owner, () -> ready(t, DesktopState.STARTING, ep));
    }

    /** Shuts the desktop down (its power cut after the grace period); it is STOPPED. */
    private void stop(ProvisioningTask t, String owner, HypervisorDriver driver, String id) {
        boolean graceful = driver.shutdown(id, props.shutdownGrace());
        if (!graceful) {
            log.info("Desktop {} did not shut down within {}; its power was cut", id, props.shutdownGrace());
        }
        succeed(t, owner, () -> desktops.move(t.desktopId(), DesktopState.STOPPING, DesktopState.STOPPED));
    }

    /**
     * Gives the desktop a fresh disk from the task's image (refresh and replace alike); then it is started and
     * ready once its console answers, or STOPPED when the task does not start it.
     */
    private void refresh(ProvisioningTask t, String owner, HypervisorDriver driver, String id, Desktop d) {
        PublishedImage image = image(t);
        driver.refresh(id, image.toImageVersion(), settings(d).hardware());
        if (t.startAfter()) {
            ConsoleEndpoint ep = startAndAwaitConsole(driver, id);
            succeed(t, owner, () -> {
                placements.imageChanged(t.desktopId(), image.id());
                snapshots.forgetAll(t.desktopId(), "DESKTOP_REFRESHED");
                ready(t, DesktopState.REFRESHING, ep);
            });
        } else {
            succeed(t, owner, () -> {
                placements.imageChanged(t.desktopId(), image.id());
                snapshots.forgetAll(t.desktopId(), "DESKTOP_REFRESHED");
                desktops.move(t.desktopId(), DesktopState.REFRESHING, DesktopState.STOPPED);
            });
        }
    }

    /** Takes the snapshot (idempotent by its id); then the oldest scheduled one beyond the pool's N goes. */
    private void snapshot(ProvisioningTask t, String owner, HypervisorDriver driver, String id) {
        var taken = driver.createSnapshot(id, t.snapshotId().toString());
        succeed(t, owner, () -> snapshots.taken(t.snapshotId(), taken));
        snapshots.pruneScheduled(t.desktopId());
    }

    /** Puts the desktop's disk back to the snapshot (idempotent: the same restore again gives the same disk). */
    private void restoreSnapshot(ProvisioningTask t, String owner, HypervisorDriver driver, String id) {
        driver.restoreSnapshot(id, t.snapshotId().toString());
        succeed(t, owner, () -> snapshots.restoreEnded(t.desktopId(), t.snapshotId()));
    }

    /** Deletes the snapshot on the host (a missing one is fine), then forgets it; the next beyond N follows. */
    private void deleteSnapshot(ProvisioningTask t, String owner, HypervisorDriver driver, String id) {
        driver.deleteSnapshot(id, t.snapshotId().toString());
        succeed(t, owner, () -> snapshots.deleted(t.snapshotId(), t.reason().equals("KEEP_POLICY") ? "KEEP_POLICY"
                : "DELETED"));
        snapshots.pruneScheduled(t.desktopId());
    }

    /**
     * Moves the desktop to the task's target host: live while it runs (its user keeps working; the tunnel follows the
     * console to its new port), cold while it is stopped. Then the desktop's host and console are the target's, in
     * one transaction with the task's success. The driver's migrate is idempotent: a retry after a crash finds the
     * desktop already there.
     */
    private void migrate(ProvisioningTask t, String owner, HypervisorDriver source, String id, Desktop d) {
        HypervisorHosts.HostRow to = hosts.row(t.targetHostId()).orElseThrow(() -> new DriverException(
                DriverFailureReason.CONFIGURATION, "the migration's target host " + t.targetHostId() + " was removed"));
        HypervisorDriver target = hosts.driver(to);
        if (!source.capabilities().liveMigration() || !target.capabilities().liveMigration()) {
            throw new DriverException(DriverFailureReason.NOT_SUPPORTED, "driver " + source.driverId()
                    + (source.driverId().equals(target.driverId()) ? "" : " or " + target.driverId())
                    + " cannot migrate desktops");
        }
        if (!source.driverId().equals(target.driverId())) {
            throw new DriverException(DriverFailureReason.NOT_SUPPORTED, "a desktop cannot move between a "
                    + source.driverId() + " host and a " + target.driverId() + " host");
        }
        String targetHost = target.hosts().getFirst().hostId(); // a host row's driver manages exactly that host
        DesktopMigration moved = source.migrate(id, target.migrationTarget(targetHost));
        // the machine is on the target now, whatever happens next: its record says so at once (a console that is slow
        // to answer there must not leave it recorded where it is not, to be taken for a ghost)
        tx.executeWithoutResult(st -> placements.moved(t.desktopId(), t.targetHostId()));
        boolean runs = d.state() == DesktopState.READY || d.state() == DesktopState.IN_USE;
        ConsoleEndpoint ep = runs ? console.awaitAnswer(target, id) : null;
        succeed(t, owner, () -> {
            if (ep != null) {
                desktops.consoleMoved(t.desktopId(), ep.host(), ep.port(), ep.password());
            }
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("fromHostId", t.hostId().toString());
            details.put("toHostId", t.targetHostId().toString());
            details.put("live", moved.live());
            details.put("alreadyThere", moved.alreadyThere());
            details.put("elapsedMs", moved.elapsed().toMillis());
            if (moved.downtime() != null) {
                details.put("downtimeMs", moved.downtime().toMillis());
            }
            details.put("reason", t.reason());
            events.publishEvent(new AdminActionPerformed(d.tenantId(), CurrentUser.SYSTEM, "DESKTOP_MIGRATED",
                    "DESKTOP", t.desktopId().toString(), details));
        });
        String from = hosts.row(t.hostId()).map(HypervisorHosts.HostRow::name).orElse(String.valueOf(t.hostId()));
        log.info("Desktop {} moved {} from host {} to host {} in {} ms{}", id, moved.live() ? "live" : "cold", from,
                to.name(), moved.elapsed().toMillis(), moved.downtime() == null ? ""
                        : " (paused " + moved.downtime().toMillis() + " ms)");
    }

    /** Deletes the desktop's machine, then the desktop. */
    private void delete(ProvisioningTask t, String owner, HypervisorDriver driver, String id) {
        driver.delete(id);
        succeed(t, owner, () -> desktops.remove(t.desktopId()));
    }

    private ConsoleEndpoint startAndAwaitConsole(HypervisorDriver driver, String id) {
        driver.start(id);
        return console.awaitAnswer(driver, id);
    }

    /**
     * The desktop's console answered: the desktop is ready there.
     *
     * @return false when the desktop was no longer in the state {@code from}
     */
    private boolean ready(ProvisioningTask t, DesktopState from, ConsoleEndpoint ep) {
        placements.consoleAnswered(t.desktopId());
        return desktops.ready(t.desktopId(), from, ep.host(), ep.port(), ep.password());
    }

    /** Records the outcome and the task's success in one transaction, as {@link #complete} does. */
    private void succeed(ProvisioningTask t, String owner, Runnable outcome) {
        complete(t, owner, () -> {
            outcome.run();
            return journal.succeed(t.id(), owner);
        });
    }

    /** Runs the outcome in one transaction; rolls it back when the task is no longer ours. */
    private void complete(ProvisioningTask t, String owner, java.util.function.BooleanSupplier outcome) {
        tx.executeWithoutResult(status -> {
            if (!outcome.getAsBoolean()) {
                status.setRollbackOnly();
                throw new LeaseLost(t.id());
            }
        });
    }

    private void failed(ProvisioningTask t, String owner, String reason, String detail, boolean retryable,
                        boolean hostFault, DriverFailureReason driverReason) {
        if (hostFault && t.hostId() != null && t.type() != ActionType.MIGRATE) {
            hosts.recordFailure(t.hostId(), driverReason, detail);
        }
        if (retryable && t.attempts() < t.maxAttempts()) {
            Duration delay = backoff(t.attempts());
            journal.retry(t.id(), owner, delay, reason, detail);
            log.warn("Task {} ({} of desktop {}) failed (attempt {} of {}), retrying in {}: {} {}", t.id(), t.type(),
                    t.desktopId(), t.attempts(), t.maxAttempts(), delay, reason, detail);
            return;
        }
        if (t.type() == ActionType.SNAPSHOT) {
            // leave no half of it behind on the host (deleting a missing snapshot succeeds)
            try {
                driver(t).deleteSnapshot(t.desktopId().toString(), t.snapshotId().toString());
            } catch (DriverException | IllegalArgumentException e) {
                log.warn("Could not remove what the failed snapshot {} left on its host: {}", t.snapshotId(), e.toString());
            }
        }
        tx.executeWithoutResult(status -> {
            if (!journal.fail(t.id(), owner, reason, detail)) {
                return;
            }
            String why = reason + ": " + detail + (t.attempts() > 1 ? " (after " + t.attempts() + " attempts)" : "");
            // a snapshot operation that fails leaves the desktop as it was: only the snapshot says so
            switch (t.type()) {
                case SNAPSHOT -> snapshots.notTaken(t.snapshotId(), why);
                case RESTORE_SNAPSHOT -> snapshots.restoreEnded(t.desktopId(), t.snapshotId());
                case DELETE_SNAPSHOT -> snapshots.deleteFailed(t.snapshotId(), why);
                // a failed move leaves the desktop where it was, running if it ran: the drain says why it stays
                case MIGRATE -> { }
                default -> desktops.fail(t.desktopId(), t.type() + " failed — " + why);
            }
        });
        log.warn("Task {} ({} of desktop {}) failed for good after {} attempts; {}: {} {}", t.id(), t.type(),
                t.desktopId(), t.attempts(), t.type() == ActionType.MIGRATE ? "the desktop stays where it was"
                        : t.type().isSnapshotOperation() ? "the desktop is as it was" : "the desktop is FAILED",
                reason, detail);
    }

    private Duration backoff(int attempts) {
        long factor = 1L << Math.min(20, Math.max(0, attempts - 1));
        Duration d = props.retryBackoff().multipliedBy(factor);
        return d.compareTo(props.maxRetryBackoff()) > 0 ? props.maxRetryBackoff() : d;
    }

    private HypervisorDriver driver(ProvisioningTask t) {
        if (t.hostId() == null) {
            throw new DriverException(DriverFailureReason.CONFIGURATION, "the desktop's hypervisor host was removed");
        }
        HypervisorHosts.HostRow h = hosts.row(t.hostId()).orElseThrow(() -> new DriverException(
                DriverFailureReason.CONFIGURATION, "hypervisor host " + t.hostId() + " was removed"));
        return hosts.driver(h);
    }

    private PoolProvisioning.Settings settings(Desktop d) {
        return poolSettings.find(d.tenantId(), d.poolId()).orElseThrow(() -> new DriverException(
                DriverFailureReason.CONFIGURATION, "pool " + d.poolId() + " has no provisioning settings any more"));
    }

    private PublishedImage image(ProvisioningTask t) {
        if (t.imageVersionId() == null) {
            throw new DriverException(DriverFailureReason.IMAGE_UNAVAILABLE, "the task names no image version");
        }
        PublishedImage image = poolSettings.images(java.util.List.of(t.imageVersionId())).get(t.imageVersionId());
        if (image == null) {
            throw new DriverException(DriverFailureReason.IMAGE_UNAVAILABLE, "image version " + t.imageVersionId()
                    + " was removed");
        }
        return image;
    }
}
