package io.deskport.provisioning.driver;

import java.time.Duration;
import java.util.Objects;

/**
 * What a finished migration did.
 *
 * @param desktopId    the desktop moved
 * @param sourceHostId where it was
 * @param targetHostId where it is now
 * @param live         true if it ran throughout (live migration), false if it was stopped and moved cold
 * @param elapsed      how long the migration took, from the request to the desktop running (or defined) on the
 *                     target
 * @param downtime     how long the guest was paused during the switch-over, as the hypervisor reports it; null if
 *                     it reports none (or the move was cold)
 * @param transferredMiB memory sent to the target (0 for a cold move)
 * @param alreadyThere true if the desktop was already on the target when asked (a retried migration): nothing moved
 */
public record DesktopMigration(String desktopId, String sourceHostId, String targetHostId, boolean live,
                               Duration elapsed, Duration downtime, long transferredMiB, boolean alreadyThere) {

    public DesktopMigration {
        DesktopTag.requireSafeId(desktopId, "desktopId");
        Objects.requireNonNull(targetHostId, "targetHostId");
        Objects.requireNonNull(elapsed, "elapsed");
        if (transferredMiB < 0) {
            throw new IllegalArgumentException("transferredMiB must be >= 0");
        }
    }
}
