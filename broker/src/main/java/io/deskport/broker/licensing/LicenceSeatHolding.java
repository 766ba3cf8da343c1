package io.deskport.broker.licensing;

import java.time.Instant;
import java.util.UUID;

/**
 * One holding of a seat of a licence product, from its taking to its release: a row of the seat history.
 *
 * @param id the seat's id (for {@code DELETE …/seats/{seatId}})
 * @param holder what holds it: the user's id (NAMED_USER, CONCURRENT_USER), the client device's id (PER_DEVICE)
 *        or the desktop's id (PER_DESKTOP)
 * @param userId the user it was taken for (for a device: the last user), or null (a desktop's seat)
 * @param username that user's name, or null when there is none (or the user was removed)
 * @param poolId PER_DESKTOP: the desktop's pool
 * @param desktopName PER_DESKTOP: the desktop's name, while it exists
 * @param lastUsedAt the last connect or session end that used it
 * @param sessions the live sessions using it (at its release, for a released one)
 * @param releasedAt null while it is held
 * @param releaseReason why it was given back: {@code ADMIN} (an admin freed it), {@code REQUIREMENT_REMOVED}
 *        (its pool stopped consuming the product), or what the hot path and the sweeps name (a session's end, a
 *        seat unused too long, …)
 */
public record LicenceSeatHolding(long id, UUID productId, String holder, UUID userId, String username,
                                 String displayName, UUID poolId, String desktopName, Instant takenAt,
                                 Instant lastUsedAt, int sessions, Instant releasedAt, String releaseReason) {
}
