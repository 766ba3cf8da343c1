package io.deskport.provisioning.planner;

/** An action a pool wants, before the planner admits it against budgets and capacity. */
record Candidate(int poolOrder, int tier, ActionType type, PoolSnapshot pool, DesktopView desktop,
                 String imageVersion, ActionReason reason) {

    static int tierOf(ActionReason reason) {
        return switch (reason) {
            case USER_WAITING, DEMAND -> 0;
            case MIN_SIZE, DIRTY_AFTER_LOGOFF, SPARE_TARGET, FORECAST -> 1;
            case FAILED_CLEANUP, HOST_DRAIN, OVER_MAX, IDLE_POWER_OFF, EXCESS_SPARE, FORECAST_LOW -> 2;
            case IMAGE_ROLLOUT, ROLLBACK -> 3;
        };
    }

    String poolId() {
        return pool.spec().poolId();
    }

    PlannedAction toAction(String hostId) {
        return new PlannedAction(type, poolId(), desktop == null ? null : desktop.desktopId(), hostId, imageVersion,
                reason);
    }
}
