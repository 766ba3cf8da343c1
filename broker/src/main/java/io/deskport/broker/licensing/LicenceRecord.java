package io.deskport.broker.licensing;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * A licence (a purchase of seats of a product) as Hibernate maps it ({@code licence}). The expiry notices
 * already published ({@code expiry_notified}) are the licensing sweep's and deliberately not mapped. Never
 * leaves the module: the API answers {@link Licence}.
 */
@Entity
@Table(name = "licence")
class LicenceRecord {

    @Id
    UUID id;
    @Column(name = "tenant_id", nullable = false, updatable = false)
    UUID tenantId;
    @Column(name = "product_id", nullable = false, updatable = false)
    UUID productId;
    @Column(nullable = false)
    int seats;
    @Column(name = "valid_from", nullable = false)
    Instant validFrom;
    @Column(name = "valid_until")
    Instant validUntil;
    // a domain of text: named as such, which Hibernate's schema validation compares by name
    @Enumerated(EnumType.STRING)
    @Column(nullable = false, columnDefinition = "licence_enforcement")
    Enforcement enforcement;
    @Column(name = "overuse_margin", nullable = false)
    int overuseMargin;
    @Column(name = "grace_days", nullable = false)
    int graceDays;
    @Column(nullable = false)
    String reference;
    @Column(name = "created_at", nullable = false, updatable = false)
    Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    Instant updatedAt;
    @Version
    long version;

    LicenceTerm term() {
        return new LicenceTerm(id, seats, validFrom, validUntil, enforcement, overuseMargin, graceDays);
    }
}
