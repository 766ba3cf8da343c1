package io.deskport.provisioning.driver;

import java.time.Instant;
import java.util.Objects;

/**
 * A saved state of one desktop's disk that the desktop can be restored to.
 *
 * @param snapshotId  the broker's id of the snapshot; unique per desktop and the key of every snapshot
 *                    operation (creating a snapshot that exists returns it)
 * @param desktopId   the desktop it belongs to
 * @param createdAt   when the hypervisor took it
 * @param sizeMiB     the storage it holds on the host: what the desktop had written since its clone when the
 *                    snapshot was taken (the data the snapshot keeps alive however the desktop changes later),
 *                    plus the memory image if it was taken of a running desktop
 * @param withMemory  it was taken of a running desktop and holds its memory too (the restore still leaves the
 *                    desktop powered off: only the disk state is restored)
 */
public record DesktopSnapshot(String snapshotId, String desktopId, Instant createdAt, long sizeMiB, boolean withMemory) {

    public DesktopSnapshot {
        DesktopTag.requireSafeId(snapshotId, "snapshotId");
        DesktopTag.requireSafeId(desktopId, "desktopId");
        Objects.requireNonNull(createdAt, "createdAt");
        if (sizeMiB < 0) {
            throw new IllegalArgumentException("sizeMiB must be >= 0");
        }
    }
}
