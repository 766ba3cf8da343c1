package io.deskport.broker.provisioning;

import java.util.UUID;

/**
 * A kept snapshot was deleted; published inside the transaction that forgets it.
 *
 * @param why {@code DELETED} (a user or admin), {@code KEEP_POLICY} (older than the newest N scheduled ones), or
 *            {@code DESKTOP_GONE} / {@code DESKTOP_REFRESHED} (its data went with its desktop's disk)
 */
public record DesktopSnapshotRemoved(UUID tenantId, UUID poolId, UUID desktopId, UUID snapshotId, String why) {
}
