package io.deskport.broker.hosts;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * The load of a tenant's session hosts, for the admin console's dashboard: sessions against each host's maximum,
 * and for agent hosts the age of the last heartbeat and the CPU load it reported.
 */
@Service
public class SessionHostLoad {

    private final JdbcClient jdbc;
    private final HostsProperties properties;

    SessionHostLoad(JdbcClient jdbc, HostsProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    /**
     * One host's load.
     *
     * @param agentManaged an agent on the host reports heartbeats (false: registered by its console address)
     * @param lastHeartbeatAt the agent's last heartbeat (null: none yet, or no agent)
     * @param cpuPercent the CPU load of that heartbeat, 0–100
     * @param heartbeatLate an available agent host whose last heartbeat is older than two heartbeat intervals (it
     *                      becomes UNREACHABLE at the heartbeat timeout)
     */
    public record HostLoad(UUID id, UUID poolId, String name, SessionHostState state, boolean draining, int sessions,
                           int maxSessions, boolean agentManaged, Instant lastHeartbeatAt, Float cpuPercent,
                           boolean heartbeatLate) {

        /** Sessions over the maximum, 0–1 (more when the maximum was lowered under the sessions). */
        public double load() {
            return maxSessions == 0 ? 0 : (double) sessions / maxSessions;
        }
    }

    /**
     * The tenant's hosts in figures.
     *
     * @param poweredOff hosts the broker powered off (woken when the forecast needs them)
     * @param capacity the maximum sessions of the hosts that take new sessions (available, not draining)
     * @param busiest the hosts with the most sessions for their maximum, at most as many as asked for
     * @param attention the hosts that are unreachable or whose heartbeat is late, at most as many as asked for
     */
    public record Summary(int hosts, int available, int registered, int unreachable, int poweredOff, int draining,
                          int heartbeatsLate,
                          int sessions, int capacity, List<HostLoad> busiest, List<HostLoad> attention) {
    }

    /** The tenant's session hosts (not removed), with the {@code top} busiest and the {@code top} needing attention. */
    @Transactional(readOnly = true)
    public Summary of(UUID tenantId, int top) {
        Instant lateBefore = Instant.now().minus(properties.heartbeatInterval().multipliedBy(2));
        List<HostLoad> hosts = jdbc.sql("select id, pool_id, name, state, draining, active_sessions, max_sessions, "
                        + "agent_managed, last_heartbeat_at, load_cpu_percent from session_host "
                        + "where tenant_id = ? and state <> 'REMOVED'")
                .param(tenantId)
                .query((rs, n) -> {
                    SessionHostState state = SessionHostState.valueOf(rs.getString(4));
                    boolean agent = rs.getBoolean(8);
                    Timestamp beat = rs.getTimestamp(9);
                    Instant lastHeartbeat = beat == null ? null : beat.toInstant();
                    Float cpu = rs.getObject(10) == null ? null : rs.getFloat(10);
                    boolean late = agent && state == SessionHostState.AVAILABLE
                            && (lastHeartbeat == null || lastHeartbeat.isBefore(lateBefore));
                    return new HostLoad(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), state,
                            rs.getBoolean(5), rs.getInt(6), rs.getInt(7), agent, lastHeartbeat, cpu, late);
                })
                .list();
        int available = 0;
        int registered = 0;
        int unreachable = 0;
        int poweredOff = 0;
        int draining = 0;
        int late = 0;
        int sessions = 0;
        int capacity = 0;
        for (HostLoad h : hosts) {
            switch (h.state()) {
                case AVAILABLE -> available++;
                case REGISTERED -> registered++;
                case UNREACHABLE -> unreachable++;
                case POWERED_OFF -> poweredOff++;
                default -> {
                }
            }
            draining += h.draining() ? 1 : 0;
            late += h.heartbeatLate() ? 1 : 0;
            sessions += h.sessions();
            if (h.state() == SessionHostState.AVAILABLE && !h.draining()) {
                capacity += h.maxSessions();
            }
        }
        List<HostLoad> busiest = hosts.stream()
                .sorted(Comparator.comparingDouble(HostLoad::load).reversed().thenComparing(HostLoad::name))
                .limit(top).toList();
        List<HostLoad> attention = hosts.stream()
                .filter(h -> h.state() == SessionHostState.UNREACHABLE || h.heartbeatLate())
                .sorted(Comparator.comparing((HostLoad h) -> h.lastHeartbeatAt() == null ? Instant.EPOCH : h.lastHeartbeatAt())
                        .thenComparing(HostLoad::name))
                .limit(top).toList();
        return new Summary(hosts.size(), available, registered, unreachable, poweredOff, draining, late, sessions, capacity, busiest,
                attention);
    }
}
