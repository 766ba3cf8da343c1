package io.deskport.provisioning.demand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The measured time to make a desktop ready: the 90th percentile of recent operations that end with a ready desktop
 * (clones, starts, refreshes), so that nine spares in ten are ready when the forecast said they would be needed.
 */
public final class ReadyTime {

    /** Used while a pool has no measured operation yet: a cold clone and boot. */
    public static final Duration UNMEASURED = Duration.ofSeconds(120);

    private ReadyTime() {
    }

    /**
     * @param samples durations of recent operations (from the decision to the ready desktop)
     * @return their 90th percentile (nearest rank), or {@link #UNMEASURED} without samples
     */
    public static Duration p90(Collection<Duration> samples) {
        if (samples.isEmpty()) {
            return UNMEASURED;
        }
        List<Duration> sorted = new ArrayList<>(samples);
        sorted.sort(null);
        int rank = (int) Math.ceil(0.9 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
