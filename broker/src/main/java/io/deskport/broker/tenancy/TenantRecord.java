package io.deskport.broker.tenancy;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * A tenant's configuration as Hibernate maps it ({@code tenant}): its name, quotas and time zone. The live counters on
 * the same row ({@code desktop_count}) and the session seats are the hot path's, written with plain SQL by
 * {@link TenantQuotas}, and are deliberately not mapped: an admin's change never writes them back.
 */
@Entity
@Table(name = "tenant")
class TenantRecord {

    @Id
    UUID id;
    @Column(nullable = false, updatable = false)
    String slug;
    @Column(nullable = false)
    String name;
    @Column(name = "max_concurrent_sessions", nullable = false)
    int maxConcurrentSessions;
    @Column(name = "max_desktops", nullable = false)
    int maxDesktops;
    /** An IANA region id ({@link Tenants#zone}); reports count days and months there. */
    @Column(name = "time_zone", nullable = false)
    String timeZone;
    @Column(name = "created_at", nullable = false, updatable = false)
    Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    Instant updatedAt;
    /** Set by offboarding, cleared by reactivation ({@link Tenants#offboard}). */
    @Column(name = "offboarded_at")
    Instant offboardedAt;
    @Version
    long version;
}
