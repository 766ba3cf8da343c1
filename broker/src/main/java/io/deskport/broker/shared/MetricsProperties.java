package io.deskport.broker.shared;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The broker's Prometheus metrics ({@code deskport.metrics.*}); documented with their defaults in the README.
 *
 * @param readingInterval how long a figure read from the database (sessions by state, pools, licences, webhooks,
 *                        hosts, expiries) is served from memory before a scrape reads it again: one query per module
 *                        per interval, however many tenants, pools or scrapes there are
 * @param scrapeToken     a bearer token that lets Prometheus read {@code /actuator/prometheus} (and nothing else)
 *                        without a user's sign-in; unset: the endpoint needs a platform admin's token like the rest of
 *                        {@code /actuator}. At least 24 characters
 * @param poolSeriesLimit how many pools below their ready target get series of their own (the largest shortfalls
 *                        first); every pool is counted in the per-kind totals whatever this is
 */
@Validated
@ConfigurationProperties("deskport.metrics")
public record MetricsProperties(@DefaultValue("15s") Duration readingInterval, String scrapeToken,
                                @DefaultValue("100") int poolSeriesLimit) {

    public MetricsProperties {
        if (readingInterval.isNegative()) {
            throw new IllegalArgumentException("deskport.metrics.reading-interval must not be negative");
        }
        if (scrapeToken != null && scrapeToken.isBlank()) {
            scrapeToken = null;
        }
        if (scrapeToken != null && scrapeToken.length() < 24) {
            throw new IllegalArgumentException("deskport.metrics.scrape-token must have at least 24 characters");
        }
        if (poolSeriesLimit < 0) {
            throw new IllegalArgumentException("deskport.metrics.pool-series-limit must not be negative");
        }
    }
}
