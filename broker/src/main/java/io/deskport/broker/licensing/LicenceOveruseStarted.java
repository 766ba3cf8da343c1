package io.deskport.broker.licensing;

import java.time.Instant;
import java.util.UUID;

/**
 * More seats of a product are in use than its licence has (a SOFT licence inside its overuse margin, or a
 * licence lowered below its seats in use by force): an alert. Published by the licensing sweep.
 *
 * @param startedAt when the count first went above the seats (from the seat history)
 * @param excess    seats in use above the licence's seats when the sweep found it
 */
public record LicenceOveruseStarted(UUID tenantId, UUID productId, String product, int seats, int excess,
                                    Instant startedAt) {
}
