package io.deskport.broker.tenancy;

import java.util.UUID;

/**
 * A tenant's quotas were set (at its creation) or changed. Published inside the changing transaction.
 *
 * @param previousMaxConcurrentSessions the quota before, or null for a new tenant
 * @param previousMaxDesktops           the quota before, or null for a new tenant
 */
public record TenantQuotaChanged(UUID tenantId, int maxConcurrentSessions, int maxDesktops,
                                 Integer previousMaxConcurrentSessions, Integer previousMaxDesktops) {
}
