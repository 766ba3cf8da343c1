package io.deskport.broker.pools;

import java.util.UUID;

/**
 * A desktop moved from one state to another; published in the transaction that moved it.
 *
 * @param machineGone for a move to FAILED: the desktop's machine was found gone from its host; for a move to
 *                    STOPPED (or, for a pooled desktop in use, REFRESHING): the machine was found powered off
 *                    (by itself) while the broker had it running
 */
public record DesktopStateChanged(UUID tenantId, UUID poolId, UUID desktopId, DesktopState from, DesktopState to,
                                  boolean machineGone) {

    public DesktopStateChanged(UUID tenantId, UUID poolId, UUID desktopId, DesktopState from, DesktopState to) {
        this(tenantId, poolId, desktopId, from, to, false);
    }
}
