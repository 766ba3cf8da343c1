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
                          boolean hasConsolePassword, Instant createdAt, Instant stateChangedAt, Agent agent,
                          Power power) {

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

    /**
     * Powering the host off and waking it ({@link SessionHostPower}).
     *
     * @param managed the admin allows the broker to power it off and wake it by itself (off-peak consolidation)
     * @param canPowerOff its agent has a power-off command
     * @param mac the network card woken: the admin's {@code wakeMac}, else the one the agent reported
     * @param agentMac the MAC the agent reported
     * @param wakeAddress where the magic packet goes (null: the local broadcast, port 9)
     * @param action a change under way: {@code POWER_OFF} or {@code WAKE}; null when none
     * @param attempts magic packets sent for the wake under way
     * @param detail why the last power change did not happen (null once one succeeds)
     */
    public record Power(boolean managed, boolean canPowerOff, String mac, String agentMac, String wakeMac,
                        String wakeAddress, String action, Instant actionAt, int attempts, String detail) {
    }
}
