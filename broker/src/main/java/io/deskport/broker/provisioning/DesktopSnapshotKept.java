package io.deskport.broker.provisioning;

import java.util.UUID;

/**
 * A snapshot of a desktop was taken and is kept; published inside the transaction that records it (metering counts
 * its size from here until {@link DesktopSnapshotRemoved}).
 *
 * @param kind    {@code SCHEDULED} or {@code ON_DEMAND}
 * @param sizeMiB the storage it holds on its host
 */
public record DesktopSnapshotKept(UUID tenantId, UUID poolId, UUID desktopId, UUID snapshotId, String kind,
                                  long sizeMiB) {
}
