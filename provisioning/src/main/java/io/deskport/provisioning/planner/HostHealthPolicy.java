package io.deskport.provisioning.planner;

import java.time.Duration;
import java.time.Instant;

/**
 * When a host is quarantined: after {@code failureThreshold} failed operations in a row it gets no new
 * desktops for {@code quarantine}; after that it is on probation (placement resumes) and one more failure
 * quarantines it again, one success makes it healthy.
 *
 * @param failureThreshold consecutive failures that quarantine a host
 * @param quarantine       how long a quarantine lasts
 */
public record HostHealthPolicy(int failureThreshold, Duration quarantine) {

    /** Three failures in a row quarantine a host for five minutes. */
    public static final HostHealthPolicy DEFAULT = new HostHealthPolicy(3, Duration.ofMinutes(5));

    public HostHealthPolicy {
        if (failureThreshold < 1 || quarantine.isNegative()) {
            throw new IllegalArgumentException("failureThreshold must be >= 1 and quarantine >= 0");
        }
    }

    /** The host's health after an operation on it failed at {@code now}. */
    public HostHealth afterFailure(HostHealth health, Instant now) {
        int failures = health.consecutiveFailures() + 1;
        Instant until = failures >= failureThreshold ? now.plus(quarantine) : health.quarantinedUntil();
        return new HostHealth(health.reachable(), failures, until);
    }

    /** The host's health after an operation on it succeeded. */
    public HostHealth afterSuccess(HostHealth health) {
        return new HostHealth(true, 0, null);
    }
}
