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
 * @param announceShadowing whether the user's portal says so while an admin or help-desk agent views (shadows)
 *        their screen
 * @param prepareTimeoutSeconds a session still preparing (its desktop starting) after this long ends as
 *        PROVISIONING_FAILED; null = the platform's default ({@code deskport.sessions.prepare-timeout})
 * @param clipboardPolicy which way clipboard text may cross between the browser and the desktop
 */
public record DesktopPool(UUID id, UUID tenantId, String name, String description, PoolKind kind, boolean enabled,
                          LoadBalancing loadBalancing, Integer idleTimeoutSeconds, IdleAction idleAction,
                          Integer disconnectTimeoutSeconds, Integer maxSessionSeconds, boolean recordSessions,
                          boolean announceShadowing, Integer prepareTimeoutSeconds, Instant createdAt,
                          Instant updatedAt, ClipboardPolicy clipboardPolicy) {
}
