package io.deskport.broker.brokering;

import java.util.Set;
import java.util.UUID;

/**
 * This broker added the connects and refusals it counted to the last hour's figures (every couple of seconds while
 * users connect, after the write committed): the dashboards of these tenants have new figures to show.
 *
 * @param tenantIds the tenants whose connects were counted
 */
public record ConnectOutcomesCounted(Set<UUID> tenantIds) {

    public ConnectOutcomesCounted {
        tenantIds = Set.copyOf(tenantIds);
    }
}
