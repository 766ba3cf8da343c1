package io.deskport.broker.brokering;

import java.util.UUID;

import io.deskport.broker.shared.CurrentUser;

/**
 * A session moved between states (from is null for a new session). Published inside the transaction
 * that moved it.
 *
 * @param endReason      why it ended; for a move to DISCONNECTED, the timer's reason when a timer
 *                       disconnected it (IDLE_TIMEOUT), else null
 * @param desktopManaged whether provisioning manages the session's desktop, when the publisher knows it
 *                       (null: not known, or no desktop)
 * @param deviceId       for a new session: the client device the user connected from, when the client named one
 */
public record SessionStateChanged(UUID tenantId, UUID sessionId, UUID poolId, UUID userId, SessionState from,
                                  SessionState to, EndReason endReason, UUID desktopId, UUID sessionHostId,
                                  CurrentUser actor, Boolean desktopManaged, String deviceId) {

    public SessionStateChanged(UUID tenantId, UUID sessionId, UUID poolId, UUID userId, SessionState from,
                               SessionState to, EndReason endReason, UUID desktopId, UUID sessionHostId,
                               CurrentUser actor) {
        this(tenantId, sessionId, poolId, userId, from, to, endReason, desktopId, sessionHostId, actor, null, null);
    }
}
