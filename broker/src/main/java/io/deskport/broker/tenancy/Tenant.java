package io.deskport.broker.tenancy;

import java.time.Instant;
import java.util.UUID;

/**
 * A customer organisation: everything else belongs to exactly one tenant.
 *
 * @param activeSessions live sessions now (counted against {@code maxConcurrentSessions})
 * @param desktopCount desktops now (counted against {@code maxDesktops})
 * @param timeZone the tenant's IANA time zone (e.g. {@code Europe/Berlin}, {@code UTC}): its reports count days and
 *                 months there
 * @param offboardedAt when the tenant was offboarded (nobody of it signs in), or null for an active tenant
 */
public record Tenant(UUID id, String slug, String name, int maxConcurrentSessions, int maxDesktops,
                     int activeSessions, int desktopCount, String timeZone, Instant createdAt, Instant updatedAt,
                     Instant offboardedAt) {

    /** Whether the tenant's users may sign in (it is not offboarded). */
    public boolean active() {
        return offboardedAt == null;
    }
}
