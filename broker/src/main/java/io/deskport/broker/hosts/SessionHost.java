package io.deskport.broker.hosts;

import java.time.Instant;
import java.util.UUID;

/**
 * A multi-user machine of a SHARED pool as admins see it (never with a console password or credential).
 *
 * @param activeSessions live sessions placed on it now
 * @param consoleHost the one console of a host registered without an agent (null for agent hosts)
 * @param agent what its agent enrolled and last reported; null for a host registered by console address
 */
public record SessionHost(UUID id, UUID tenantId, UUID poolId, String name, SessionHostState state, boolean draining,
                          int maxSessions, int activeSessions, String consoleHost, Integer consolePort,
                          boolean hasConsolePassword, Instant createdAt, Instant stateChangedAt, Agent agent) {

    /**
     * The agent side of a host.
     *
     * @param enrolled a credential is issued and not revoked
     * @param revokedAt when its credential was revoked (null if never, or re-enrolled since)
     * @param address the address the agent registered (where its sessions' consoles listen)
     * @param cpuPercent CPU load of the last heartbeat, 0–100
     * @param reportedSessions desktop sessions the agent counted in its last heartbeat
     * @param loggedOnUser single-session mode: the user logged on now
     */
    public record Agent(boolean enrolled, Instant revokedAt, String address, String os, String version,
                        Integer cpuCount, Long memoryMb, Instant lastHeartbeatAt, Float cpuPercent,
                        Long memoryUsedMb, Integer reportedSessions, String loggedOnUser) {
    }
}
