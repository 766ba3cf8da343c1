package io.deskport.broker.shared;

import java.util.Map;
import java.util.UUID;

/**
 * An administrator (or the system) changed something: published by the module that made the change,
 * inside its transaction, so the audit trail records it atomically.
 *
 * @param tenantId the tenant the object belongs to (null for platform objects)
 * @param actor who did it
 * @param action verb in the past tense, e.g. {@code POOL_CREATED}
 * @param objectType e.g. {@code DESKTOP_POOL}
 * @param objectId id of the object
 * @param details what changed (never secrets)
 */
public record AdminActionPerformed(UUID tenantId, CurrentUser actor, String action, String objectType,
                                   String objectId, Map<String, Object> details) {

    public AdminActionPerformed {
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }
}
