package io.deskport.broker.audit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.deskport.broker.brokering.SessionConsoleFailed;
import io.deskport.broker.brokering.SessionStateChanged;
import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.CallerTransaction;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.WritesWithCommit;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes audit lines inside the transaction of the change they record: a change that rolls back leaves
 * no line, a committed change always has one. Nothing reads a line before its transaction ends, so the
 * line travels with the COMMIT ({@link WritesWithCommit}).
 */
@Component
class AuditRecorder {

    private final WritesWithCommit writes;
    private final JsonMapper json;

    AuditRecorder(WritesWithCommit writes, JsonMapper json) {
        this.writes = writes;
        this.json = json;
    }

    @EventListener
    void on(AdminActionPerformed e) {
        CallerTransaction.require();
        insert(e.tenantId(), e.actor(), e.action(), e.objectType(), e.objectId(), e.details());
    }

    @EventListener
    void on(SessionStateChanged e) {
        CallerTransaction.require();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("from", e.from() == null ? null : e.from().name());
        details.put("to", e.to().name());
        if (e.endReason() != null) {
            details.put("endReason", e.endReason().name());
        }
        details.put("poolId", e.poolId());
        details.put("userId", e.userId());
        if (e.desktopId() != null) {
            details.put("desktopId", e.desktopId());
        }
        if (e.sessionHostId() != null) {
            details.put("sessionHostId", e.sessionHostId());
        }
        insert(e.tenantId(), e.actor(), "SESSION_" + e.to().name(), "SESSION", e.sessionId().toString(), details);
    }

    /** A desktop that could not be reached: what failed, the how-many-th time, and whether the session ended. */
    @EventListener
    void on(SessionConsoleFailed e) {
        CallerTransaction.require();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("failure", e.failure().name());
        details.put("attempts", e.attempts());
        details.put("attemptsBeforeEnd", e.failure().attemptsBeforeEnd());
        details.put("sessionEnded", e.sessionEnded());
        details.put("detail", e.detail());
        details.put("poolId", e.poolId());
        details.put("userId", e.userId());
        if (e.desktopId() != null) {
            details.put("desktopId", e.desktopId());
        }
        if (e.sessionHostId() != null) {
            details.put("sessionHostId", e.sessionHostId());
        }
        insert(e.tenantId(), CurrentUser.SYSTEM, "SESSION_CONSOLE_FAILED", "SESSION", e.sessionId().toString(), details);
    }

    private void insert(UUID tenantId, CurrentUser actor, String action, String objectType, String objectId,
                        Map<String, Object> details) {
        writes.append("insert into audit_event (tenant_id, actor_id, actor_name, action, object_type, object_id, details) "
                        + "values (?, ?, ?, ?, ?, ?, ?::jsonb)", tenantId, actor.userId(), actor.username(), action, objectType,
                objectId, json.writeValueAsString(details));
    }
}
