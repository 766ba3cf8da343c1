package io.deskport.broker.shared;

import java.util.UUID;

/**
 * A platform admin acts in a tenant other than their own ({@link AdminContext#TENANT_HEADER}): published for each such
 * request, before the controller runs, so that the switch into the tenant's view is checked (the tenant exists) and
 * audited. A listener that refuses it throws a {@link ProblemException}, which becomes the request's answer.
 *
 * @param actor    the platform admin
 * @param tenantId the tenant they act in
 */
public record TenantViewed(CurrentUser actor, UUID tenantId) {
}
