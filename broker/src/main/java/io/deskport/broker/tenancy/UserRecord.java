package io.deskport.broker.tenancy;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/**
 * A user account as Hibernate maps it ({@code app_user}). Sign-in reads the table with plain SQL
 * ({@link UserDirectory}); this is the admin's side. Never leaves the module: the API answers {@link User}.
 */
@Entity
@Table(name = "app_user")
class UserRecord {

    @Id
    UUID id;
    @Column(name = "tenant_id", nullable = false, updatable = false)
    UUID tenantId;
    @Column(nullable = false, updatable = false)
    String username;
    @Column(name = "display_name", nullable = false)
    String displayName;
    String email;
    @Column(name = "password_hash")
    String passwordHash;
    @Column(nullable = false)
    String[] roles;
    @Column(nullable = false)
    boolean enabled;
    @Column(name = "created_at", nullable = false, updatable = false)
    Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    Instant updatedAt;
    @Version
    long version;

    User view() {
        return new User(id, tenantId, username, displayName, email, UserDirectory.roles(roles), enabled, createdAt);
    }
}
