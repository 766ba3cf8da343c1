package io.deskport.provisioning.planner;

import java.time.Instant;
import java.util.Objects;

/**
 * One desktop as the broker sees it.
 *
 * @param desktopId          the desktop's id
 * @param state              its state
 * @param assignedUser       the user it is assigned to, or null
 * @param imageVersion       the image version it was cloned or last refreshed from
 * @param hostId             the host it lives on, or null if it was never placed
 * @param lastDisconnectedAt when its last session disconnected, or null
 * @param dirty              true if a user has used it since its last refresh (pooled desktops are
 *                           refreshed before the next user gets them)
 */
public record DesktopView(String desktopId, DesktopState state, String assignedUser, String imageVersion,
                          String hostId, Instant lastDisconnectedAt, boolean dirty) {

    public DesktopView {
        Objects.requireNonNull(desktopId, "desktopId");
        Objects.requireNonNull(state, "state");
    }

    /** True if no user holds it. */
    public boolean isFree() {
        return assignedUser == null;
    }
}
