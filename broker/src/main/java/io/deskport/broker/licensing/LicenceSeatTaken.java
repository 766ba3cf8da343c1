package io.deskport.broker.licensing;

import java.time.Instant;
import java.util.UUID;

/**
 * A seat of a licence product was taken. Published after the taking transaction committed, by the licensing
 * relay ({@link LicenceSeatRelay}) in a transaction of its own, once per seat (at least once: a relay that
 * dies before its commit publishes it again).
 *
 * @param seatId  the holding (a row of the seat history)
 * @param holder  the user id, device id or desktop id the seat is held by
 * @param userId  the user it was taken for (null for a desktop's seat)
 * @param takenAt when it was taken (the database's clock)
 */
public record LicenceSeatTaken(UUID tenantId, UUID productId, LicenceModel model, long seatId, String holder,
                               UUID userId, Instant takenAt) {
}
