package io.deskport.broker.pools;

import java.time.Instant;
import java.util.UUID;

/**
 * A machine of a PERSISTENT or POOLED pool as admins see it. The console password is never part of it.
 *
 * @param assignedUserId PERSISTENT: the owner; POOLED: the user of the current session
 * @param managed true when provisioning created it, false when an admin registered it
 */
public record Desktop(UUID id, UUID tenantId, UUID poolId, String name, DesktopState state, UUID assignedUserId,
                      String consoleHost, Integer consolePort, boolean hasConsolePassword, boolean managed,
                      String failureReason, Instant createdAt, Instant stateChangedAt) {
}
