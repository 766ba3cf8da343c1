package io.deskport.broker.pools;

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
 * A desktop pool's configuration as Hibernate maps it ({@code desktop_pool}): what admins edit, with the
 * version their edits are checked against. Never leaves the module: the API answers {@link DesktopPool}.
 */
@Entity
@Table(name = "desktop_pool")
class PoolRecord {

    @Id
    UUID id;
    @Column(name = "tenant_id", nullable = false, updatable = false)
    UUID tenantId;
    @Column(nullable = false)
    String name;
    @Column(nullable = false)
    String description;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false, updatable = false)
    PoolKind kind;
    @Column(nullable = false)
    boolean enabled;
    @Enumerated(EnumType.STRING)
    @Column(name = "load_balancing", nullable = false)
    LoadBalancing loadBalancing;
    @Column(name = "idle_timeout_s")
    Integer idleTimeoutSeconds;
    @Enumerated(EnumType.STRING)
    @Column(name = "idle_action", nullable = false)
    IdleAction idleAction;
    @Column(name = "disconnect_timeout_s")
    Integer disconnectTimeoutSeconds;
    @Column(name = "max_session_s")
    Integer maxSessionSeconds;
    @Column(name = "record_sessions", nullable = false)
    boolean recordSessions;
    @Column(name = "announce_shadowing", nullable = false)
    boolean announceShadowing;
    @Column(name = "prepare_timeout_s")
    Integer prepareTimeoutSeconds;
    @Enumerated(EnumType.STRING)
    @Column(name = "clipboard_policy", nullable = false)
    ClipboardPolicy clipboardPolicy;
    @Column(name = "created_at", nullable = false, updatable = false)
    Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    Instant updatedAt;
    @Version
    long version;

    DesktopPool view() {
        return new DesktopPool(id, tenantId, name, description, kind, enabled, loadBalancing, idleTimeoutSeconds,
                idleAction, disconnectTimeoutSeconds, maxSessionSeconds, recordSessions, announceShadowing, prepareTimeoutSeconds,
                createdAt, updatedAt, clipboardPolicy);
    }
}
