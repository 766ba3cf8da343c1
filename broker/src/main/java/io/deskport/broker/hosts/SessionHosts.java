package io.deskport.broker.hosts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.ConsoleNetworks;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.ConfigurationTransactional;
import io.deskport.broker.shared.Listing;
import io.deskport.broker.shared.Versions.IfMatch;
import io.deskport.broker.shared.Versions.Versioned;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import io.deskport.broker.shared.Page;
import io.deskport.broker.shared.PageParams;
import io.deskport.broker.shared.Reason;

/** The registry of session hosts: add, drain, resume, change limits, remove. */
@Service
public class SessionHosts {

    private static final String COLUMNS = "id, tenant_id, pool_id, name, state, draining, max_sessions, active_sessions, "
            + "console_host, console_port, console_password is not null as has_password, created_at, state_changed_at, "
            + "agent_managed, credential_hash is not null as enrolled, revoked_at, agent_address, agent_os, agent_version, "
            + "cpu_count, memory_mb, last_heartbeat_at, load_cpu_percent, load_memory_used_mb, reported_sessions, "
            + "logged_on_user, power_managed, agent_can_power_off, coalesce(wake_mac, agent_mac) as power_mac, agent_mac, "
            + "wake_mac, wake_address, power_action, power_action_at, power_attempts, power_detail";

    private final JdbcClient jdbc;
    private final DesktopPools pools;
    private final ApplicationEventPublisher events;
    private final ConsoleNetworks consoleNetworks;

    private final EntityManager em;
    private final AgentCommands commands;

    SessionHosts(JdbcClient jdbc, DesktopPools pools, ApplicationEventPublisher events, ConsoleNetworks consoleNetworks,
                 EntityManager em, AgentCommands commands) {
        this.em = em;
        this.commands = commands;
        this.jdbc = jdbc;
        this.pools = pools;
        this.events = events;
        this.consoleNetworks = consoleNetworks;
    }

    /** A host registered by its console address, without an agent: its sessions are READY at once. */
    public record HostRegistration(String name, int maxSessions, String consoleHost, int consolePort,
                                   String consolePassword) {
    }

    @Transactional
    public SessionHost register(AdminContext ctx, UUID poolId, HostRegistration r) {
        DesktopPool pool = pools.get(ctx.tenantId(), poolId);
        if (pool.kind() != PoolKind.SHARED) {
            throw new ProblemException(Reason.INVALID_STATE, "Only SHARED pools have session hosts",
                    Map.of("poolKind", pool.kind()));
        }
        consoleNetworks.require("consoleHost", r.consoleHost());
        UUID id = Ids.newId();
        jdbc.sql("insert into session_host (id, tenant_id, pool_id, name, state, max_sessions, console_host, "
                        + "console_port, console_password) values (?, ?, ?, ?, 'AVAILABLE', ?, ?, ?, ?)")
                .params(id, ctx.tenantId(), poolId, r.name(), r.maxSessions(), r.consoleHost(), r.consolePort(),
                        r.consolePassword())
                .update();
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "SESSION_HOST_REGISTERED",
                "SESSION_HOST", id.toString(), Map.of("poolId", poolId.toString(), "name", r.name(),
                        "maxSessions", r.maxSessions(), "console", r.consoleHost() + ":" + r.consolePort())));
        return get(ctx.tenantId(), id);
    }

    /**
     * Filters of the session host list; null members do not filter.
     *
     * @param q words in the name or console address
     */
    public record HostFilter(UUID poolId, SessionHostState state, Boolean draining, String q) {
    }

    private static final Listing<SessionHost> LISTING = Listing.of(COLUMNS, "session_host", "id", Listing.Kind.UUID,
                    SessionHosts::map)
            .sort("name", "name", Listing.Kind.TEXT).sort("createdAt", "created_at", Listing.Kind.TIME)
            .sort("activeSessions", "active_sessions", Listing.Kind.NUMBER).build();

    /**
     * A page of the tenant's session hosts (sort keys: {@code name} (default), {@code createdAt},
     * {@code activeSessions}).
     */
    @Transactional(readOnly = true)
    public Page<SessionHost> page(UUID tenantId, HostFilter f, PageParams page) {
        return LISTING.page(jdbc, Listing.Where.of("tenant_id = ?", tenantId).and("pool_id = ?", f.poolId())
                .and("state = ?", f.state()).and("draining = ?", f.draining()).text(f.q(), "name", "console_host"), page);
    }

    @Transactional(readOnly = true)
    public List<SessionHost> list(UUID tenantId, UUID poolId) {
        return jdbc.sql("select " + COLUMNS + " from session_host where tenant_id = ? and pool_id = ? order by name")
                .params(tenantId, poolId).query(SessionHosts::map).list();
    }

    @Transactional(readOnly = true)
    public SessionHost get(UUID tenantId, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from session_host where tenant_id = ? and id = ?").params(tenantId, id)
                .query(SessionHosts::map).optional().orElseThrow(() -> ProblemException.notFound("Session host", id));
    }

    /**
     * Drains (no new sessions; existing ones continue and may reconnect) or resumes a host.
     */
    @Transactional
    public SessionHost setDraining(AdminContext ctx, UUID id, boolean draining) {
        SessionHost host = get(ctx.tenantId(), id);
        jdbc.sql("update session_host set draining = ? where tenant_id = ? and id = ?")
                .params(draining, ctx.tenantId(), id).update();
        if (!draining && "POWER_OFF".equals(host.power().action())) {
            // resumed before its agent went down: the power-off is withdrawn (the agent's last handshake is refused too)
            jdbc.sql("update session_host set power_action = null, power_action_at = null, power_detail = ? "
                    + "where id = ? and power_action = 'POWER_OFF'").params("resumed before it powered off", id).update();
            commands.cancel(id, AgentCommands.Kind.POWER_OFF);
        }
        if (host.draining() != draining) {
            events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(),
                    draining ? "SESSION_HOST_DRAINED" : "SESSION_HOST_RESUMED", "SESSION_HOST", id.toString(),
                    Map.of("name", host.name(), "activeSessions", host.activeSessions())));
        }
        return get(ctx.tenantId(), id);
    }

    /**
     * Changes the host's session limit, made from the version {@code ifMatch} names; lowering it below the live
     * count only stops new placements.
     *
     * @throws ProblemException PRECONDITION_REQUIRED, STALE_VERSION (see {@link io.deskport.broker.shared.Versions})
     */
    @ConfigurationTransactional
    public Versioned<SessionHost> setMaxSessions(AdminContext ctx, UUID id, IfMatch ifMatch, int maxSessions) {
        SessionHostRecord host = em.find(SessionHostRecord.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (host == null || !host.tenantId.equals(ctx.tenantId())) {
            throw ProblemException.notFound("Session host", id);
        }
        ifMatch.check("Session host", id, host.version);
        int previous = host.maxSessions;
        host.maxSessions = maxSessions;
        em.flush();
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "SESSION_HOST_UPDATED",
                "SESSION_HOST", id.toString(), Map.of("maxSessions", maxSessions, "previousMaxSessions", previous)));
        return new Versioned<>(get(ctx.tenantId(), id), host.version);
    }

    /** The host as the admin API shows it, with the version of its registration (the ETag). */
    @Transactional(readOnly = true)
    public Versioned<SessionHost> versioned(UUID tenantId, UUID id) {
        SessionHost host = get(tenantId, id);
        return new Versioned<>(host, jdbc.sql("select version from session_host where id = ?").param(id)
                .query(Long.class).single());
    }

    /**
     * Removes a host. With live sessions it is refused unless {@code force}, which ends them first.
     *
     * @throws ProblemException IN_USE when sessions live on it and {@code force} is false
     */
    @Transactional
    public void remove(AdminContext ctx, UUID id, boolean force) {
        SessionHost host = jdbc.sql("select " + COLUMNS + " from session_host where tenant_id = ? and id = ? for update")
                .params(ctx.tenantId(), id).query(SessionHosts::map).optional()
                .orElseThrow(() -> ProblemException.notFound("Session host", id));
        if (host.activeSessions() > 0 && !force) {
            throw new ProblemException(Reason.IN_USE, "The host has " + host.activeSessions()
                    + " live sessions; drain it and wait, or remove it with force=true to log them off",
                    Map.of("activeSessions", host.activeSessions()));
        }
        events.publishEvent(new SessionHostRemoved(ctx.tenantId(), host.poolId(), id, host.name()));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", host.name());
        details.put("forced", force);
        details.put("sessionsEnded", host.activeSessions());
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "SESSION_HOST_REMOVED",
                "SESSION_HOST", id.toString(), details));
        jdbc.sql("delete from session_host where tenant_id = ? and id = ?").params(ctx.tenantId(), id).update();
    }

    /**
     * Per shared pool: its hosts in service (reachable, not draining) and the seats new sessions could take now
     * (placeable hosts only).
     */
    public record Seats(int hosts, int free) {
    }

    @Transactional(readOnly = true)
    public Map<UUID, Seats> seats(UUID tenantId, Collection<UUID> poolIds) {
        Map<UUID, Seats> result = new HashMap<>();
        if (poolIds.isEmpty()) {
            return result;
        }
        jdbc.sql("select pool_id, count(*) filter (where state <> 'UNREACHABLE' and not draining), coalesce(sum(greatest(max_sessions - active_sessions, 0)) filter "
                        + "(where state = 'AVAILABLE' and not draining), 0) from session_host "
                        + "where tenant_id = ? and pool_id = any(?) and state <> 'REMOVED' group by pool_id")
                .params(tenantId, poolIds.toArray(UUID[]::new))
                .query((rs, n) -> result.put(rs.getObject(1, UUID.class), new Seats(rs.getInt(2), rs.getInt(3))))
                .list();
        return result;
    }

    static SessionHost map(ResultSet rs, int row) throws SQLException {
        SessionHost.Agent agent = !rs.getBoolean("agent_managed") ? null : new SessionHost.Agent(rs.getBoolean("enrolled"),
                instant(rs.getTimestamp("revoked_at")), rs.getString("agent_address"), rs.getString("agent_os"),
                rs.getString("agent_version"), (Integer) rs.getObject("cpu_count"), (Long) rs.getObject("memory_mb"),
                instant(rs.getTimestamp("last_heartbeat_at")), (Float) rs.getObject("load_cpu_percent"),
                (Long) rs.getObject("load_memory_used_mb"), (Integer) rs.getObject("reported_sessions"),
                rs.getString("logged_on_user"));
        return new SessionHost(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getObject("pool_id", UUID.class), rs.getString("name"),
                SessionHostState.valueOf(rs.getString("state")), rs.getBoolean("draining"), rs.getInt("max_sessions"),
                rs.getInt("active_sessions"), rs.getString("console_host"), (Integer) rs.getObject("console_port"),
                rs.getBoolean("has_password"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("state_changed_at").toInstant(), agent,
                new SessionHost.Power(rs.getBoolean("power_managed"), rs.getBoolean("agent_can_power_off"),
                        rs.getString("power_mac"), rs.getString("agent_mac"), rs.getString("wake_mac"),
                        rs.getString("wake_address"), rs.getString("power_action"), instant(rs.getTimestamp("power_action_at")),
                        rs.getInt("power_attempts"), rs.getString("power_detail")));
    }

    private static java.time.Instant instant(java.sql.Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
