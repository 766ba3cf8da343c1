package io.deskport.broker.audit;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One line of the audit trail. */
record AuditEntry(long id, UUID tenantId, Instant occurredAt, UUID actorId, String actorName, String action,
                         String objectType, String objectId, Map<String, Object> details) {
}
