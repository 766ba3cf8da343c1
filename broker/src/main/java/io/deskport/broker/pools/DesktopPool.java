package io.deskport.broker.pools;

import java.time.Instant;
import java.util.UUID;

/**
 * A set of desktops (or session hosts) handed out under one policy.
 *
 * @param idleTimeoutSeconds no input for this long → {@code idleAction}; null = never
 * @param disconnectTimeoutSeconds disconnected for this long → logoff; null = never
 * @param maxSessionSeconds a session older than this is logged off; null = no limit
 * @param recordSessions whether every tunnel to a session of this pool is recorded
 */
public record DesktopPool(UUID id, UUID tenantId, String name, String description, PoolKind kind, boolean enabled,
                          LoadBalancing loadBalancing, Integer idleTimeoutSeconds, IdleAction idleAction,
                          Integer disconnectTimeoutSeconds, Integer maxSessionSeconds, boolean recordSessions,
                          Instant createdAt, Instant updatedAt) {
}
