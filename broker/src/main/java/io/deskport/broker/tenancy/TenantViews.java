package io.deskport.broker.tenancy;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.TenantViewed;

/**
 * A platform admin's switch into a tenant's view: the tenant must exist (an unknown tenant is 404
 * {@code NOT_FOUND}, not an empty console), and the switch is audited in that tenant's trail
 * ({@code TENANT_VIEW_ENTERED}, with the admin's own tenant), so the tenant's admins see who from the platform looked.
 * One line per admin and tenant per {@link #AGAIN_AFTER} on each broker: a console page makes many requests.
 */
@Component
class TenantViews {

    static final Duration AGAIN_AFTER = Duration.ofMinutes(30);
    private static final int MAX_REMEMBERED = 10_000;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final Map<String, Long> auditedAt = new ConcurrentHashMap<>();

    TenantViews(JdbcClient jdbc, TransactionTemplate tx, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.events = events;
    }

    @EventListener
    void on(TenantViewed e) {
        String key = e.actor().userId() + "/" + e.actor().username() + "/" + e.tenantId();
        long now = System.nanoTime();
        Long last = auditedAt.get(key);
        if (last != null && now - last < AGAIN_AFTER.toNanos()) {
            return;
        }
        tx.executeWithoutResult(status -> {
            boolean exists = jdbc.sql("select exists (select 1 from tenant where id = ?)").param(e.tenantId())
                    .query(Boolean.class).single();
            if (!exists) {
                throw ProblemException.notFound("Tenant", e.tenantId());
            }
            Map<String, Object> details = new java.util.LinkedHashMap<>();
            details.put("adminTenantId", e.actor().tenantId());
            events.publishEvent(new AdminActionPerformed(e.tenantId(), e.actor(), "TENANT_VIEW_ENTERED", "TENANT",
                    e.tenantId().toString(), details));
        });
        if (auditedAt.size() >= MAX_REMEMBERED) {
            auditedAt.clear();
        }
        auditedAt.put(key, now);
    }
}
