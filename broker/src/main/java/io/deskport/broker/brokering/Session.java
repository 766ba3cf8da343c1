package io.deskport.broker.brokering;

import java.time.Instant;
import java.util.UUID;

import io.deskport.broker.pools.PoolKind;

/**
 * A session as users and admins see it. It names the desktop or host but never its console address
 * or credentials: those stay on the server.
 */
public record Session(UUID id, UUID tenantId, UUID poolId, String poolName, PoolKind poolKind, UUID userId,
                      String username, SessionState state, EndReason endReason, UUID desktopId, UUID sessionHostId,
                      String machineName, Instant createdAt, Instant stateChangedAt, Instant connectedAt,
                      Instant lastActivityAt, Instant endedAt) {
}
