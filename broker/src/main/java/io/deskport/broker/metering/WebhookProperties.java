package io.deskport.broker.metering;

import java.time.Duration;
import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Webhook delivery settings ({@code deskport.metering.webhooks.*}).
 *
 * @param enabled                 whether this broker delivers (every replica that does shares the subscriptions
 *                                by lease); subscriptions can be managed either way
 * @param pollInterval            how long an idle subscription waits before its next look at the event log: the
 *                                most an event waits for its first attempt beyond the time a pass takes
 * @param batchSize               events one pass of one subscription reads and sends at most
 * @param parallelism             the most requests in flight at once to one subscription's endpoint (a pass has as
 *                                many as the endpoint's pace needs to keep up: {@link DeliveryLanes})
 * @param concurrentSubscriptions subscriptions one broker delivers to at once (each on a thread of its own)
 * @param connectTimeout          the longest a connection to an endpoint may take to open
 * @param requestTimeout          the longest one delivery may take, answer included (then it counts as failed)
 * @param lease                   how long a broker's claim on a subscription holds without being renewed (each
 *                                pass renews it); another broker takes over a subscription whose lease ran out.
 *                                At least twice the request timeout
 * @param backoffBase             the first retry's longest wait; each further attempt doubles it (full jitter:
 *                                the wait is random between 0 and that)
 * @param backoffCap              the longest wait between two attempts
 * @param giveUpAfter             an endpoint failing every attempt this long is disabled (an audit line and a
 *                                {@code webhook.disabled} event); an event failing this long on an endpoint
 *                                that takes others is given up (replay it when fixed)
 * @param secretOverlap           how long the previous secret still signs after a rotation (unless the rotation
 *                                names its own)
 * @param attemptRetention        how long delivery attempts are kept for the attempts list
 * @param allowedNetworks         CIDR blocks of private, loopback or link-local addresses that endpoints may be
 *                                at, and where plain {@code http} is accepted; everything else must be a public
 *                                address over {@code https}
 */
@Validated
@ConfigurationProperties("deskport.metering.webhooks")
record WebhookProperties(@DefaultValue("true") boolean enabled,
                         @DefaultValue("100ms") Duration pollInterval,
                         @DefaultValue("200") int batchSize,
                         @DefaultValue("32") int parallelism,
                         @DefaultValue("4") int concurrentSubscriptions,
                         @DefaultValue("5s") Duration connectTimeout,
                         @DefaultValue("10s") Duration requestTimeout,
                         @DefaultValue("60s") Duration lease,
                         @DefaultValue("1s") Duration backoffBase,
                         @DefaultValue("1h") Duration backoffCap,
                         @DefaultValue("24h") Duration giveUpAfter,
                         @DefaultValue("24h") Duration secretOverlap,
                         @DefaultValue("7d") Duration attemptRetention,
                         @DefaultValue({}) List<String> allowedNetworks) {

    WebhookProperties {
        positive("poll-interval", pollInterval);
        positive("connect-timeout", connectTimeout);
        positive("request-timeout", requestTimeout);
        positive("backoff-base", backoffBase);
        positive("give-up-after", giveUpAfter);
        positive("attempt-retention", attemptRetention);
        if (batchSize < 1 || batchSize > UsageEventLog.MAX_BATCH) {
            throw new IllegalArgumentException("deskport.metering.webhooks.batch-size must be 1 to " + UsageEventLog.MAX_BATCH);
        }
        if (parallelism < 1 || parallelism > 1000 || concurrentSubscriptions < 1 || concurrentSubscriptions > 256) {
            throw new IllegalArgumentException("deskport.metering.webhooks.parallelism must be 1 to 1000 and "
                    + "concurrent-subscriptions 1 to 256");
        }
        if (backoffCap.compareTo(backoffBase) < 0) {
            throw new IllegalArgumentException("deskport.metering.webhooks.backoff-cap must not be below backoff-base");
        }
        if (lease.compareTo(requestTimeout.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("deskport.metering.webhooks.lease must be at least twice request-timeout "
                    + "(a pass must end well inside the lease that covers it)");
        }
        if (secretOverlap.isNegative()) {
            throw new IllegalArgumentException("deskport.metering.webhooks.secret-overlap must not be negative");
        }
        allowedNetworks = List.copyOf(allowedNetworks);
    }

    private static void positive(String name, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("deskport.metering.webhooks." + name + " must be positive");
        }
    }
}
