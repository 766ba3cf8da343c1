package io.deskport.broker.brokering;

import java.util.UUID;

import io.deskport.broker.shared.CurrentUser;

/**
 * A session moved between states (from is null for a new session). Published inside the transaction
 * that moved it.
 */
public record SessionStateChanged(UUID tenantId, UUID sessionId, UUID poolId, UUID userId, SessionState from,
                                  SessionState to, EndReason endReason, UUID desktopId, UUID sessionHostId,
                                  CurrentUser actor) {
}
