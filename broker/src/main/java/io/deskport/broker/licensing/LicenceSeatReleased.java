package io.deskport.broker.licensing;

import java.time.Instant;
import java.util.UUID;

/**
 * A seat of a licence product was given back. Published after the releasing transaction committed, by the
 * licensing relay, like {@link LicenceSeatTaken} (which is always published first for the same seat).
 *
 * @param reason why: the session's end reason (LOGOFF, ...), DISCONNECT, UNUSED, EXPIRED, ADMIN,
 *               USER_REMOVED, DESKTOP_REMOVED, REQUIREMENT_REMOVED
 */
public record LicenceSeatReleased(UUID tenantId, UUID productId, LicenceModel model, long seatId, String holder,
                                  UUID userId, Instant takenAt, Instant releasedAt, String reason) {
}
