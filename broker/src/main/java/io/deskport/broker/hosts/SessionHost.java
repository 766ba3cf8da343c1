package io.deskport.broker.hosts;

import java.time.Instant;
import java.util.UUID;

/**
 * A multi-user machine of a SHARED pool as admins see it (never with its console password).
 *
 * @param activeSessions live sessions placed on it now
 */
public record SessionHost(UUID id, UUID tenantId, UUID poolId, String name, SessionHostState state, boolean draining,
                          int maxSessions, int activeSessions, String consoleHost, Integer consolePort,
                          boolean hasConsolePassword, Instant createdAt, Instant stateChangedAt) {
}
