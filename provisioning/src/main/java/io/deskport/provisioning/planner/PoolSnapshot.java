package io.deskport.provisioning.planner;

import java.util.List;
import java.util.Objects;

/**
 * One pool at planning time.
 *
 * @param spec                what the pool should look like
 * @param desktops            its desktops as the broker sees them
 * @param demand              who is waiting for it
 * @param operationsInFlight  operations of this pool that are still running
 */
public record PoolSnapshot(PoolSpec spec, List<DesktopView> desktops, PoolDemand demand, int operationsInFlight) {

    public PoolSnapshot {
        Objects.requireNonNull(spec, "spec");
        desktops = List.copyOf(desktops);
        demand = demand == null ? PoolDemand.NONE : demand;
    }
}
