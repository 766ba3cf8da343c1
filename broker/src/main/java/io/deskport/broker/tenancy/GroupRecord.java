package io.deskport.broker.tenancy;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * A group as Hibernate maps it ({@code user_group}). Its members ({@code group_member}) are set-based rows
 * written with plain SQL; a change of membership raises the group's version, so that an admin editing the
 * group from an older read is told. Never leaves the module: the API answers {@link Group}.
 */
@Entity
@Table(name = "user_group")
class GroupRecord {

    @Id
    UUID id;
    @Column(name = "tenant_id", nullable = false, updatable = false)
    UUID tenantId;
    @Column(nullable = false)
    String name;
    @Column(nullable = false)
    String description;
    @Column(name = "created_at", nullable = false, updatable = false)
    Instant createdAt;
    @Version
    long version;
}
