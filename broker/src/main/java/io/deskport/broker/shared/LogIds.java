package io.deskport.broker.shared;

import java.util.UUID;

import org.slf4j.MDC;

/**
 * The ids a log line carries in the MDC (and so as fields of the structured JSON logs): who and what it is about.
 * Ids only, never names, tokens or anything a caller typed.
 */
public final class LogIds {

    public static final String REQUEST_ID = "requestId";
    public static final String TENANT_ID = "tenantId";
    public static final String USER_ID = "userId";
    public static final String SESSION_ID = "sessionId";

    private LogIds() {
    }

    /** Puts the ids that are not null into this thread's MDC. */
    public static void put(UUID tenantId, UUID userId, UUID sessionId) {
        if (tenantId != null) {
            MDC.put(TENANT_ID, tenantId.toString());
        }
        if (userId != null) {
            MDC.put(USER_ID, userId.toString());
        }
        if (sessionId != null) {
            MDC.put(SESSION_ID, sessionId.toString());
        }
    }

    /** Removes the tenant, user and session ids from this thread's MDC (the request id stays with its request). */
    public static void clear() {
        MDC.remove(TENANT_ID);
        MDC.remove(USER_ID);
        MDC.remove(SESSION_ID);
    }
}
