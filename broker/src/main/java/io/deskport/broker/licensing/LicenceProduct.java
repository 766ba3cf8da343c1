package io.deskport.broker.licensing;

import java.time.Instant;
import java.util.UUID;

/**
 * A licence product as the admin API shows it, with its figures now.
 *
 * @param releaseOnDisconnect CONCURRENT_USER: the seat is given back while the user's sessions are disconnected
 * @param unusedDays NAMED_USER, PER_DEVICE: a seat unused this many days is given back; null: only an admin frees it
 * @param seats the seats of the licence in force (0 when none is)
 * @param enforcement the licence in force's, or null when none is
 * @param overuseMargin SOFT: the seats the licence in force allows beyond {@code seats} (0 otherwise)
 * @param capacity the seats a connect may take now, in all (what the shards were last set to: the seats and
 *        margin of the licence in force)
 * @param seatsInUse the seats held now (may exceed {@code capacity} after a licence was lowered with force:
 *        those holders keep theirs, and new ones are refused until enough are given back)
 * @param licenceInForce the licence that decides the seats now, or null when none does
 * @param pools how many pools consume the product
 */
public record LicenceProduct(UUID id, UUID tenantId, String name, String vendor, String sku, LicenceModel model,
                             boolean releaseOnDisconnect, Integer unusedDays, int seats, Enforcement enforcement,
                             int overuseMargin, int capacity, int seatsInUse, InForce licenceInForce, int pools,
                             Instant createdAt, Instant updatedAt) {

    /**
     * The licence in force.
     *
     * @param validUntil null for a perpetual licence
     * @param inGrace whether it has ended and counts only for its grace period (no other licence is valid)
     * @param graceEndsAt when it stops counting (null for a perpetual licence)
     */
    public record InForce(UUID id, Instant validFrom, Instant validUntil, boolean inGrace, Instant graceEndsAt) {
    }
}
