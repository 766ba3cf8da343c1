package io.deskport.broker.pools;

import java.util.UUID;

/**
 * A pool is being removed. Published inside the removing transaction before its rows go, so synchronous
 * listeners (ending its sessions, removing its session hosts) still see them.
 */
public record DesktopPoolRemoved(UUID tenantId, UUID poolId, String name) {
}
