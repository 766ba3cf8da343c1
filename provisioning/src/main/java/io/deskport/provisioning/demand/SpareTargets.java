package io.deskport.provisioning.demand;

import java.time.Duration;
import java.time.Instant;

import io.deskport.provisioning.planner.SpareForecast;

/**
 * Sets a demand-driven pool's spare target ahead of demand: spares started now are ready after the measured ready
 * time, and the reconciler looks again one interval later, so the spares (ready or on their way) must cover the
 * logons of {@code [now, now + ready time + interval)}. The target is the forecast mean plus a safety margin of
 * {@code safety} standard deviations, {@code ceil(m + safety·σ)}, clamped to the admin's floor and cap; σ is the larger
 * of a Poisson count's ({@code √m}) and how far the window's logons strayed across the days learned
 * ({@link DemandModel#spread}: a storm that comes ten minutes early one day). Off-peak the forecast falls towards zero and the floor holds; before the morning peak the window reaches
 * into the storm's first slots one ready time ahead, which is the ramp-up. The forecast of today carries the model's
 * same-day correction ({@link DemandModel.Today}): a day running well above or below its usual curve gets its spares
 * scaled with it for the rest of the day.
 *
 * @param safety standard deviations of margin (3 by default: bench/cost-day measured 1.4% cold starts with 2, 0.8% with
 *               2.5 and 0.4% with 3, for 0.2% more VM-hours)
 */
public record SpareTargets(double safety) {

    /** Three standard deviations. */
    public static final SpareTargets DEFAULT = new SpareTargets(3.0);

    public SpareTargets {
        if (safety < 0 || Double.isNaN(safety)) {
            throw new IllegalArgumentException("safety must be >= 0");
        }
    }

    /**
     * @param model     the pool's learned curve
     * @param now       the planning instant (the broker's clock)
     * @param readyTime the measured time to make a desktop ready
     * @param interval  the reconcile interval
     * @param floor     never fewer spares
     * @param cap       never more spares
     */
    public SpareForecast forecast(DemandModel model, Instant now, Duration readyTime, Duration interval, int floor,
                                  int cap) {
        Duration window = readyTime.plus(interval);
        double expected = model.correctedForecast(now, window);
        double correction = model.correction(now);
        // the spread across days scales with the day's level: a day running at twice its usual strays twice as far
        double sigma = Math.max(Math.sqrt(expected), model.spread(now, window) * correction);
        int target = expected <= 0 ? 0 : (int) Math.ceil(expected + safety * sigma - 1e-9);
        target = Math.max(floor, Math.min(cap, target));
        return new SpareForecast(expected, window, readyTime, model.dayKind(now).name(), target, floor, cap, correction);
    }
}
