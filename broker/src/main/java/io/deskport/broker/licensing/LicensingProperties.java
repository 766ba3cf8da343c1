package io.deskport.broker.licensing;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Licensing settings ({@code deskport.licensing.*}).
 *
 * @param sweepInterval   how often the licences' clock runs (unused seats, the licence in force, expiry
 *                        notices, overuse periods); one broker at a time
 * @param overuseLookback how far back the first sweep after a start looks for overuse periods (later sweeps look
 *                        back to the one before)
 */
@Validated
@ConfigurationProperties("deskport.licensing")
record LicensingProperties(@DefaultValue("30s") Duration sweepInterval,
                           @DefaultValue("1d") Duration overuseLookback) {

    LicensingProperties {
        if (sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException("deskport.licensing.sweep-interval must be positive");
        }
        if (overuseLookback.isNegative()) {
            throw new IllegalArgumentException("deskport.licensing.overuse-lookback must not be negative");
        }
    }
}
