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
 * @param forecast            for a pool whose capacity follows its demand model: this cycle's forecast and the
 *                            spare target it sets (instead of {@code spec.spareTarget()}); excess ready spares are
 *                            then powered off rather than deleted. Null: the spec's fixed spare target.
 */
public record PoolSnapshot(PoolSpec spec, List<DesktopView> desktops, PoolDemand demand, int operationsInFlight,
                           SpareForecast forecast) {

    /** A pool with a fixed spare target. */
    public PoolSnapshot(PoolSpec spec, List<DesktopView> desktops, PoolDemand demand, int operationsInFlight) {
        this(spec, desktops, demand, operationsInFlight, null);
    }

    public PoolSnapshot {
        Objects.requireNonNull(spec, "spec");
        desktops = List.copyOf(desktops);
        demand = demand == null ? PoolDemand.NONE : demand;
    }
}
