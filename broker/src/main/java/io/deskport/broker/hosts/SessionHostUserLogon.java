package io.deskport.broker.hosts;

import java.util.UUID;

/**
 * An agent in single-session mode (inside a VDI desktop) saw its user log on or off. Published inside
 * the heartbeat's transaction, so the machine's real use is known (e.g. that a pooled desktop is free).
 */
record SessionHostUserLogon(UUID tenantId, UUID hostId, String username, boolean loggedOn) {
}
