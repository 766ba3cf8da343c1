package io.deskport.broker.hosts;

import java.util.UUID;

/** An authenticated session-host agent: the principal of every agent API call. */
record AgentPrincipal(UUID hostId, UUID tenantId, UUID poolId, String hostName) {
}
