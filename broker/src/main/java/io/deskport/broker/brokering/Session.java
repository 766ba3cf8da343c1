package io.deskport.broker.brokering;

import java.time.Instant;
import java.util.UUID;

import io.deskport.broker.pools.ClipboardPolicy;
import io.deskport.broker.pools.PoolKind;

/**
 * A session as users and admins see it. It names the desktop or host but never its console address
 * or credentials: those stay on the server.
 *
 * @param preparing      while PREPARING: what is happening to the desktop (null otherwise)
 * @param disconnectedBy while DISCONNECTED: who asked for it (null when the connection closed by itself)
 * @param consoleProblem why the last attempts to reach the desktop failed, until one succeeds (null when the
 *                       last attempt worked or none was made)
 * @param changedBy      the admin or help-desk agent whose disconnect or log off made the session's last change
 *                       (null when the user, a timer or the system did)
 * @param clipboardPolicy which way clipboard text may cross between the browser and the desktop (the pool's)
 */
public record Session(UUID id, UUID tenantId, UUID poolId, String poolName, PoolKind poolKind, UUID userId,
                      String username, SessionState state, EndReason endReason, UUID desktopId, UUID sessionHostId,
                      String machineName, Instant createdAt, Instant stateChangedAt, Instant connectedAt,
                      Instant lastActivityAt, Instant endedAt, Preparing preparing, DisconnectedBy disconnectedBy,
                      ConsoleProblem consoleProblem, ChangedBy changedBy, ClipboardPolicy clipboardPolicy) {

    /** Who disconnected a DISCONNECTED session; null when its connection was lost or closed unasked. */
    public enum DisconnectedBy {
        /** The user, from the portal. */
        USER,
        /** An admin or help-desk agent (named by {@code changedBy}). */
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

    /**
     * The desktop could not be reached through the display gateway.
     *
     * @param failure           how the last attempt failed
     * @param attempts          failed attempts in a row
     * @param attemptsBeforeEnd after this many the session ends as {@code DESKTOP_UNREACHABLE}
     * @param at                when the last attempt failed
     */
    public record ConsoleProblem(ConsoleFailure failure, int attempts, int attemptsBeforeEnd, Instant at) {
    }

    /**
     * Who, other than the session's user, disconnected or ended it.
     *
     * @param displayName the admin's or help-desk agent's display name
     */
    public record ChangedBy(String displayName) {
    }
}
