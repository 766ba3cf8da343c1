package io.deskport.broker.metering;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Metering settings ({@code deskport.metering.*}).
 *
 * @param enabled whether changes write usage events; off only for an installation that bills nothing, or to
 *                measure what metering costs (bench/metering): no event is ever made up for a change made while off
 * @param source  the CloudEvents {@code source} of every event: a URI reference naming this installation (give
 *                each installation its own when one billing system reads several)
 * @param rollupInterval how often the usage roll-ups are brought up to date (one broker at a time, about once an
 *                interval however many brokers run): the events since the last pass are read and the hours they
 *                touch, and the current hour, recomputed
 */
@Validated
@ConfigurationProperties("deskport.metering")
record MeteringProperties(@DefaultValue("true") boolean enabled, @DefaultValue("/deskport") URI source,
                          @DefaultValue("1m") Duration rollupInterval) {

    MeteringProperties {
        if (rollupInterval.isNegative() || rollupInterval.isZero()) {
            throw new IllegalArgumentException("deskport.metering.rollup-interval must be positive: " + rollupInterval);
        }
    }
}
