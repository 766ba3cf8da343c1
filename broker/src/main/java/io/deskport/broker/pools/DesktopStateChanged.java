package io.deskport.broker.pools;

import java.util.UUID;

/** A desktop moved from one state to another; published in the transaction that moved it. */
public record DesktopStateChanged(UUID tenantId, UUID poolId, UUID desktopId, DesktopState from, DesktopState to) {
}
