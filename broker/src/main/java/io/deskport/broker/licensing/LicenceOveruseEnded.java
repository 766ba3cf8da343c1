package io.deskport.broker.licensing;

import java.time.Instant;
import java.util.UUID;

/**
 * An overuse period of a product ended: its seats in use are back within the licence's seats.
 *
 * @param peakExcess the most seats in use above the licence's seats during the period
 */
public record LicenceOveruseEnded(UUID tenantId, UUID productId, String product, int seats, int peakExcess,
                                  Instant startedAt, Instant endedAt) {
}
