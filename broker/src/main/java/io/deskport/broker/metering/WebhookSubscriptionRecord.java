package io.deskport.broker.metering;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A webhook subscription as Hibernate maps it ({@code webhook_subscription}): what admins edit, with the version
 * their edits are checked against. Its secrets ({@code webhook_secret}) and its delivery state
 * ({@code webhook_delivery}) are SQL only. Never leaves the module: the API answers {@link WebhookSubscription}.
 */
@Entity
@Table(name = "webhook_subscription")
class WebhookSubscriptionRecord {

    /** Why a subscription is disabled. */
    enum DisabledReason {
        /** an admin switched it off */
        ADMIN,
        /** every delivery failed for the give-up window, so the relay switched it off */
        FAILING
    }

    @Id
    UUID id;
    /** null: a platform subscription (every tenant's events) */
    @Column(name = "tenant_id", updatable = false)
    UUID tenantId;
    @Column(nullable = false)
    String url;
    @Column(nullable = false)
    String description;
    /** stored codes (session.ended); empty: every type */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "event_types", nullable = false)
    String[] eventTypes;
    @Column(nullable = false)
    boolean enabled;
    @Column(name = "disabled_reason")
    String disabledReason;
    @Column(name = "disabled_at")
    Instant disabledAt;
    @Column(name = "created_at", nullable = false, updatable = false)
    Instant createdAt;
    @Column(name = "updated_at", nullable = false)
    Instant updatedAt;
    @Version
    long version;
}
