package io.deskport.broker.shared;

import java.util.UUID;

/**
 * The tenant an admin request acts in and who acts. Controllers take it as a parameter; it is the
 * caller's own tenant, or — for platform admins only — the tenant named by the
 * {@code X-Deskport-Tenant} header.
 *
 * @param actor the signed-in admin
 * @param tenantId the tenant every object of the request must belong to
 */
public record AdminContext(CurrentUser actor, UUID tenantId) {

    public static final String TENANT_HEADER = "X-Deskport-Tenant";

    /**
     * @param actor the signed-in user
     * @param requestedTenant the header's value, or null
     * @return the context
     * @throws ProblemException FORBIDDEN when a non-platform admin names another tenant
     */
    public static AdminContext resolve(CurrentUser actor, UUID requestedTenant) {
        if (requestedTenant == null || requestedTenant.equals(actor.tenantId())) {
            return new AdminContext(actor, actor.tenantId());
        }
        if (!actor.isPlatformAdmin()) {
            throw new ProblemException(Reason.FORBIDDEN, "Only platform admins may act in another tenant");
        }
        return new AdminContext(actor, requestedTenant);
    }
}
