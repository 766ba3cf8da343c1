package io.deskport.broker.licensing;

import java.time.Instant;
import java.util.UUID;

/**
 * A licence ends within {@code notice} days (30, 7, then 1): published once per notice by the licensing
 * sweep, for the admin console, webhooks and whoever renews it.
 *
 * @param graceEnd when the licence stops counting (its end plus the grace period)
 * @param renewed  whether another licence of the product starts when this one ends
 */
public record LicenceExpiring(UUID tenantId, UUID productId, String product, UUID licenceId, int seats, int notice,
                              Instant validUntil, Instant graceEnd, boolean renewed) {
}
