package io.deskport.broker.pools;

import java.util.UUID;

/**
 * A connect found no free desktop in a PERSISTENT or POOLED pool. Published inside the connect's
 * transaction, which then rolls back: listeners that want to remember the demand (provisioning grows
 * the pool up to its maximum) must record it in a transaction of their own.
 */
public record PoolExhausted(UUID tenantId, UUID poolId) {
}
