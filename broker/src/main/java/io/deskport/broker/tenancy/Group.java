package io.deskport.broker.tenancy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A named set of users of one tenant, used for entitlements. */
public record Group(UUID id, UUID tenantId, String name, String description, List<UUID> memberIds, Instant createdAt) {
}
