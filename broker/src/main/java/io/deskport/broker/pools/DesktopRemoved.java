package io.deskport.broker.pools;

import java.util.UUID;

/** A desktop is being removed; published before its row goes, inside the removing transaction. */
public record DesktopRemoved(UUID tenantId, UUID poolId, UUID desktopId, String name) {
}
