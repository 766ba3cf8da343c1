package io.deskport.broker.licensing;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;

/**
 * One licence of a product as the seat arithmetic sees it.
 *
 * <p>The licence in force at an instant: the one valid then ({@code validFrom <= t < validUntil}; licences of
 * a product never overlap in validity); when none is, the one in its grace period ({@code validUntil <= t <
 * validUntil + graceDays}) that ended last. None in force: the product has no seats.
 *
 * @param validUntil null for a perpetual licence
 */
public record LicenceTerm(UUID id, int seats, Instant validFrom, Instant validUntil, Enforcement enforcement,
                          int overuseMargin, int graceDays) {

    /** @return whether the licence is valid at {@code t} (not counting its grace period) */
    public boolean validAt(Instant t) {
        return !t.isBefore(validFrom) && (validUntil == null || t.isBefore(validUntil));
    }

    /** @return whether {@code t} falls in the grace period after the licence's end */
    public boolean inGraceAt(Instant t) {
        return validUntil != null && !t.isBefore(validUntil) && t.isBefore(graceEnd());
    }

    /** @return the end of the grace period (null for a perpetual licence) */
    public Instant graceEnd() {
        return validUntil == null ? null : validUntil.plus(Duration.ofDays(graceDays));
    }

    /** @return the seats a connect may take while it is in force: the seats, plus the margin when SOFT */
    public int capacity() {
        return seats + (enforcement == Enforcement.SOFT ? overuseMargin : 0);
    }

    /** @return the licence in force at {@code t} among a product's licences */
    public static Optional<LicenceTerm> inForce(Collection<LicenceTerm> licences, Instant t) {
        Optional<LicenceTerm> valid = licences.stream().filter(l -> l.validAt(t)).findFirst();
        if (valid.isPresent()) {
            return valid;
        }
        return licences.stream().filter(l -> l.inGraceAt(t)).max(Comparator.comparing(LicenceTerm::validUntil));
    }

    /**
     * @return whether the two licences' validity periods overlap (the grace periods do not count: a renewal
     *         starts when the old licence ends)
     */
    public boolean overlaps(Instant from, Instant until) {
        boolean startsBeforeMyEnd = validUntil == null || from.isBefore(validUntil);
        boolean endsAfterMyStart = until == null || until.isAfter(validFrom);
        return startsBeforeMyEnd && endsAfterMyStart;
    }
}
