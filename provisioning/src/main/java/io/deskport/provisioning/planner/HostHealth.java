package io.deskport.provisioning.planner;

import java.time.Instant;

/**
 * How a hypervisor host has behaved lately. {@link HostHealthPolicy} computes the next value after
 * each operation; the planner reads it.
 *
 * @param reachable           false if the driver cannot reach the host now
 * @param consecutiveFailures operations that failed on it in a row
 * @param quarantinedUntil    no placement on it before this instant; null if not quarantined
 */
public record HostHealth(boolean reachable, int consecutiveFailures, Instant quarantinedUntil) {

    /** A reachable host without failures. */
    public static final HostHealth HEALTHY = new HostHealth(true, 0, null);

    /** True if the host is quarantined at {@code now}. */
    public boolean quarantinedAt(Instant now) {
        return quarantinedUntil != null && now.isBefore(quarantinedUntil);
    }
}
