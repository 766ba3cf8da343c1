package io.deskport.broker.audit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.deskport.broker.brokering.SessionConsoleFailed;
import io.deskport.broker.brokering.SessionStateChanged;
import io.deskport.broker.licensing.LicenceExpiring;
import io.deskport.broker.licensing.LicenceOveruseEnded;
import io.deskport.broker.licensing.LicenceOveruseStarted;
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

    /** Licence alerts: overuse started and ended, a licence about to end (seats taken and given back are history enough). */
    @EventListener
    void on(LicenceOveruseStarted e) {
        CallerTransaction.require();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("product", e.product());
        details.put("seats", e.seats());
        details.put("excess", e.excess());
        details.put("startedAt", e.startedAt().toString());
        insert(e.tenantId(), CurrentUser.SYSTEM, "LICENCE_OVERUSE_STARTED", "LICENCE_PRODUCT", e.productId().toString(), details);
    }

    @EventListener
    void on(LicenceOveruseEnded e) {
        CallerTransaction.require();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("product", e.product());
        details.put("seats", e.seats());
        details.put("peakExcess", e.peakExcess());
        details.put("startedAt", e.startedAt().toString());
        details.put("endedAt", e.endedAt().toString());
        insert(e.tenantId(), CurrentUser.SYSTEM, "LICENCE_OVERUSE_ENDED", "LICENCE_PRODUCT", e.productId().toString(), details);
    }

    @EventListener
    void on(LicenceExpiring e) {
        CallerTransaction.require();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("product", e.product());
        details.put("licenceId", e.licenceId().toString());
        details.put("seats", e.seats());
        details.put("noticeDays", e.notice());
        details.put("validUntil", e.validUntil().toString());
        details.put("graceEnd", e.graceEnd().toString());
        details.put("renewed", e.renewed());
        insert(e.tenantId(), CurrentUser.SYSTEM, "LICENCE_EXPIRING", "LICENCE_PRODUCT", e.productId().toString(), details);
    }

    private void insert(UUID tenantId, CurrentUser actor, String action, String objectType, String objectId,
                        Map<String, Object> details) {
        writes.append("insert into audit_event (tenant_id, actor_id, actor_name, action, object_type, object_id, details) "
                        + "values (?, ?, ?, ?, ?, ?, ?::jsonb)", tenantId, actor.userId(), actor.username(), action, objectType,
                objectId, json.writeValueAsString(details));
    }
}
