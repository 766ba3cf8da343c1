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
 * A licence product as Hibernate maps it ({@code licence_product}): what admins edit, with the version their
 * edits are checked against. Its capacity, seats and history are the hot path's rows, in SQL. Never leaves the
 * module: the API answers {@link LicenceProduct}.
 */
@Entity
@Table(name = "licence_product")
class LicenceProductRecord {

    @Id
    UUID id;
    @Column(name = "tenant_id", nullable = false, updatable = false)
    UUID tenantId;
    @Column(nullable = false)
    String name;
    @Column(nullable = false)
    String vendor;
    @Column(nullable = false)
    String sku;
    // what holds a seat decides how every seat taken so far was counted: it never changes. (A domain of text:
    // named as such, which Hibernate's schema validation compares by name.)
    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false, columnDefinition = "licence_model")
    LicenceModel model;
    @Column(name = "release_on_disconnect", nullable = false)
    boolean releaseOnDisconnect;
    @Column(name = "unused_days")
    Integer unusedDays;
    @Column(name = "created_at", nullable = false, updatable = false)
    Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    Instant updatedAt;
    @Version
    long version;
}
