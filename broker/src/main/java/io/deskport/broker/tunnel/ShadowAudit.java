package io.deskport.broker.tunnel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.CurrentUser;

/**
 * Who watches a session and the audit lines of it: {@code SESSION_SHADOW_STARTED} when an admin's or help-desk
 * agent's shadow begins to show the session, {@code SESSION_SHADOW_ENDED} when it ends (how long, and why), both
 * in the session's tenant with the viewer as actor.
 */
@Component
class ShadowAudit {

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    ShadowAudit(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    /**
     * The person watching: a user of any tenant (a platform admin acting in another one).
     *
     * @param displayName what the user is told (the username when no display name is set)
     */
    record Viewer(UUID userId, UUID tenantId, String username, String displayName) {

        CurrentUser actor() {
            return new CurrentUser(userId, tenantId, username, Set.of());
        }
    }

    /** What ended a shadow. */
    enum EndedBy {
        /** The viewer closed it (or their browser went away). */
        VIEWER,
        /** The session's tunnel it watched closed: the user disconnected, reconnected elsewhere, or logged off. */
        SESSION,
        /** The gateway ended the stream. */
        GATEWAY,
        /** The broker stopped. */
        BROKER
    }

    /** @return the viewer, or empty when no such user exists (any more) */
    @Transactional(readOnly = true)
    Optional<Viewer> viewer(UUID userId) {
        return jdbc.sql("select tenant_id, username, display_name from tenancy_users where id = ?").param(userId)
                .query((rs, n) -> {
                    String username = rs.getString(2);
                    String display = rs.getString(3);
                    return new Viewer(userId, rs.getObject(1, UUID.class), username,
                            display == null || display.isBlank() ? username : display);
                }).optional();
    }

    @Transactional
    void started(UUID tenantId, UUID sessionId, UUID userId, UUID shadowId, Viewer viewer, boolean announced) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("shadowId", shadowId.toString());
        details.put("userId", userId.toString());
        details.put("viewer", viewer.displayName());
        details.put("announced", announced);
        details.put("viewOnly", true);
        events.publishEvent(new AdminActionPerformed(tenantId, viewer.actor(), "SESSION_SHADOW_STARTED", "SESSION",
                sessionId.toString(), details));
    }

    @Transactional
    void ended(UUID tenantId, UUID sessionId, UUID userId, UUID shadowId, Viewer viewer, long seconds, EndedBy by,
               long inputDropped) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("shadowId", shadowId.toString());
        details.put("userId", userId.toString());
        details.put("viewer", viewer.displayName());
        details.put("seconds", seconds);
        details.put("endedBy", by.name());
        details.put("inputDropped", inputDropped);
        events.publishEvent(new AdminActionPerformed(tenantId, viewer.actor(), "SESSION_SHADOW_ENDED", "SESSION",
                sessionId.toString(), details));
    }
}
