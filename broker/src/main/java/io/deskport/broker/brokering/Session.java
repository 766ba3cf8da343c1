package io.deskport.broker.brokering;

import java.time.Instant;
import java.util.UUID;

import io.deskport.broker.pools.PoolKind;

/**
 * A session as users and admins see it. It names the desktop or host but never its console address
 * or credentials: those stay on the server.
 *
 * @param preparing while PREPARING: what is happening to the desktop (null otherwise)
 */
public record Session(UUID id, UUID tenantId, UUID poolId, String poolName, PoolKind poolKind, UUID userId,
                      String username, SessionState state, EndReason endReason, UUID desktopId, UUID sessionHostId,
                      String machineName, Instant createdAt, Instant stateChangedAt, Instant connectedAt,
                      Instant lastActivityAt, Instant endedAt, Preparing preparing, DisconnectedBy disconnectedBy) {

    /** Who disconnected a DISCONNECTED session; null when its connection was lost or closed unasked. */
    public enum DisconnectedBy {
        /** The user, from the portal. */
        USER,
        /** An admin or help-desk agent. */
        HELP_DESK,
        /** The pool's idle timeout. */
        TIMEOUT
    }

    /**
     * Progress of a PREPARING session: the desktop's current phase and since when.
     *
     * @param phase the desktop's state, e.g. {@code STARTING} (powering on until its console answers),
     *              {@code PROVISIONING} (being cloned) or {@code STOPPING} (being powered off first)
     * @param since when the desktop entered that phase
     */
    public record Preparing(String phase, Instant since) {
    }
}
