package io.deskport.broker.licensing;

import java.time.Instant;
import java.util.UUID;

/**
 * A licence of a product (a purchase of seats) as the admin API shows it.
 *
 * @param validUntil null for a perpetual licence
 * @param overuseMargin SOFT: seats allowed beyond {@code seats}, each one an overuse (0 for HARD)
 * @param graceDays days after {@code validUntil} during which it still counts, unless another licence is valid
 * @param graceEndsAt when it stops counting (null for a perpetual licence)
 * @param status where the licence stands now, by the database's clock
 * @param inForce whether this licence decides the product's seats now
 */
public record Licence(UUID id, UUID tenantId, UUID productId, int seats, Instant validFrom, Instant validUntil,
                      Enforcement enforcement, int overuseMargin, int graceDays, Instant graceEndsAt, String reference,
                      Status status, boolean inForce, Instant createdAt, Instant updatedAt) {

    /** Where a licence stands at an instant. */
    public enum Status {
        /** Not valid yet. */
        UPCOMING,
        /** Valid ({@code validFrom <= now < validUntil}). */
        VALID,
        /** Ended, in its grace period. */
        IN_GRACE,
        /** Ended, and its grace period too. */
        EXPIRED
    }

    static Licence of(LicenceRecord l, Instant now, boolean inForce) {
        LicenceTerm t = l.term();
        Status status = now.isBefore(l.validFrom) ? Status.UPCOMING : t.validAt(now) ? Status.VALID
                : t.inGraceAt(now) ? Status.IN_GRACE : Status.EXPIRED;
        return new Licence(l.id, l.tenantId, l.productId, l.seats, l.validFrom, l.validUntil, l.enforcement,
                l.overuseMargin, l.graceDays, t.graceEnd(), l.reference, status, inForce, l.createdAt, l.updatedAt);
    }
}
