package io.deskport.broker.pools;

import java.time.Instant;
import java.util.UUID;

/**
 * A user or a group (exactly one of the two) may use a pool; with its names, so that a list of entitlements says
 * whom each entitles without a request per user or group.
 *
 * @param username the entitled user's username (null for a group's entitlement)
 * @param userDisplayName the entitled user's display name (null when none is set, or for a group's entitlement)
 * @param groupName the entitled group's name (null for a user's entitlement)
 */
public record Entitlement(UUID id, UUID poolId, UUID userId, UUID groupId, Instant createdAt, String username,
                          String userDisplayName, String groupName) {
}
