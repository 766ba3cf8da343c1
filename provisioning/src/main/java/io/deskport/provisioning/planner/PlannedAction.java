package io.deskport.provisioning.planner;

/**
 * One action of a plan.
 *
 * @param type         what to do
 * @param poolId       the pool
 * @param desktopId    the desktop, or null for {@link ActionType#CREATE} (the broker assigns the id)
 * @param hostId       the host it runs on (the chosen host for CREATE), or null if the desktop has none
 * @param imageVersion the image version a CREATE, REFRESH or REPLACE uses, else null
 * @param reason       why
 */
public record PlannedAction(ActionType type, String poolId, String desktopId, String hostId, String imageVersion,
                            ActionReason reason) {
}
