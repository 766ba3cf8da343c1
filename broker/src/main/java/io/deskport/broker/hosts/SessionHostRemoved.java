package io.deskport.broker.hosts;

import java.util.UUID;

/** A session host is being removed; published before its row goes, inside the removing transaction. */
public record SessionHostRemoved(UUID tenantId, UUID poolId, UUID hostId, String name) {
}
