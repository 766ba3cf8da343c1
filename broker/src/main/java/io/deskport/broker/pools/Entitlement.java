package io.deskport.broker.pools;

import java.time.Instant;
import java.util.UUID;

/** A user or a group (exactly one of the two) may use a pool. */
public record Entitlement(UUID id, UUID poolId, UUID userId, UUID groupId, Instant createdAt) {
}
