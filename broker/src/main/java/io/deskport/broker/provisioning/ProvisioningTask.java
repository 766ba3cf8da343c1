package io.deskport.broker.provisioning;

import java.time.Instant;
import java.util.UUID;

import io.deskport.provisioning.planner.ActionType;

/**
 * One hypervisor operation in the task journal.
 *
 * @param idempotencyKey  the same intent always has the same key, so a second reconciler planning the
 *                        same thing inserts nothing
 * @param startAfter      REFRESH/REPLACE: power the desktop on afterwards
 * @param attempts        attempts started so far (a crash mid-way counts as one)
 * @param nextAttemptAt   PENDING: not before this (backoff after a retryable failure)
 * @param leaseOwner      RUNNING: the broker instance running it
 * @param leaseUntil      RUNNING: claimed again by anyone after this (its runner died)
 * @param errorReason     last failure's stable reason (a driver reason, CONSOLE_TIMEOUT, …)
 * @param snapshotId      the snapshot of a snapshot operation (SNAPSHOT, RESTORE_SNAPSHOT, DELETE_SNAPSHOT)
 * @param targetHostId    MIGRATE: the host the desktop moves to ({@code hostId} is where it comes from)
 */
record ProvisioningTask(UUID id, UUID tenantId, UUID poolId, UUID desktopId, UUID hostId, ActionType type,
                               String reason, UUID imageVersionId, boolean startAfter, String idempotencyKey,
                               State state, int attempts, int maxAttempts, Instant nextAttemptAt, String leaseOwner,
                               Instant leaseUntil, String errorReason, String errorDetail, Instant createdAt,
                               Instant startedAt, Instant finishedAt, UUID snapshotId,
                               UUID targetHostId) {

    /** Task states; SUCCEEDED, FAILED and CANCELLED are terminal. */
    public enum State {
        PENDING, RUNNING, SUCCEEDED, FAILED, CANCELLED;

        public boolean isOpen() {
            return this == PENDING || this == RUNNING;
        }
    }
}
