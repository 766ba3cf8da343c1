package io.deskport.broker.metering;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A webhook subscription as the admin API shows it: never its secret.
 *
 * @param tenantId        the tenant whose events it is sent, or null for a platform subscription (every tenant's)
 * @param eventTypes      the CloudEvents types it is sent ({@code io.deskport.session.ended}); empty: every type
 * @param disabledReason  {@code ADMIN} or {@code FAILING} (every delivery failed for the give-up window); null
 *                        while enabled
 * @param previousSecretValidUntil after a rotation, until when the previous secret still signs (null: it does not)
 * @param delivery        how delivery stands
 */
public record WebhookSubscription(UUID id, UUID tenantId, String url, String description, List<String> eventTypes,
                                  boolean enabled, String disabledReason, Instant disabledAt,
                                  Instant previousSecretValidUntil, Instant secretRotatedAt, Delivery delivery,
                                  Instant createdAt, Instant updatedAt) {

    /**
     * @param cursor        the last event read from the log for it (every event up to it was delivered or waits
     *                      in the retries)
     * @param failingSince  since when every attempt failed (null: the last one succeeded)
     * @param lastSuccessAt the last successful delivery
     * @param retriesPending events waiting for another attempt
     */
    public record Delivery(String cursor, Instant failingSince, Instant lastSuccessAt, long retriesPending) {
    }
}
