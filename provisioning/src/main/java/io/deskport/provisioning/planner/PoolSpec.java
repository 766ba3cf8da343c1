package io.deskport.provisioning.planner;

import io.deskport.provisioning.driver.HardwareProfile;

import java.time.Duration;
import java.util.Objects;

/**
 * What the admin wants a desktop pool to look like.
 *
 * @param poolId                     the pool's id
 * @param tenantId                   the owning tenant
 * @param kind                       persistent, pooled or shared
 * @param minSize                    desktops the pool always has (healthy ones count)
 * @param maxSize                    desktops the pool never exceeds, whatever the demand
 * @param spareTarget                ready, unassigned desktops to keep warm for new sessions
 * @param currentImageVersion        the image version new and refreshed desktops get
 * @param previousImageVersion       the version before it, or null; the target of a rollback
 * @param hardware                   the desktops' virtual hardware (used for placement)
 * @param stopPersistentAfter        power off a persistent desktop after it has been disconnected this
 *                                   long; null never powers off
 * @param rollback                   the admin rolled back: desktops go to {@code previousImageVersion}
 * @param updatePersistentDesktops   the admin commanded that assigned persistent desktops move to the
 *                                   target version too (they are only rebuilt while nobody is connected)
 */
public record PoolSpec(String poolId, String tenantId, PoolKind kind, int minSize, int maxSize, int spareTarget,
                       String currentImageVersion, String previousImageVersion, HardwareProfile hardware,
                       Duration stopPersistentAfter, boolean rollback, boolean updatePersistentDesktops) {

    public PoolSpec {
        Objects.requireNonNull(poolId, "poolId");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(currentImageVersion, "currentImageVersion");
        Objects.requireNonNull(hardware, "hardware");
        if (minSize < 0 || maxSize < minSize || spareTarget < 0) {
            throw new IllegalArgumentException("pool " + poolId + " needs 0 <= minSize <= maxSize and spareTarget >= 0");
        }
        if (rollback && previousImageVersion == null) {
            throw new IllegalArgumentException("pool " + poolId + " cannot roll back: no previous image version");
        }
    }

    /** The version desktops should run: the previous one after a rollback, else the current one. */
    public String targetImageVersion() {
        return rollback ? previousImageVersion : currentImageVersion;
    }

    /** Returns a copy rolled back to the previous image version. */
    public PoolSpec rolledBack() {
        return new PoolSpec(poolId, tenantId, kind, minSize, maxSize, spareTarget, currentImageVersion,
                previousImageVersion, hardware, stopPersistentAfter, true, updatePersistentDesktops);
    }
}
