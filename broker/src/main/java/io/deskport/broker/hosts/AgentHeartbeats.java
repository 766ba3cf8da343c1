package io.deskport.broker.hosts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.hosts.HostedSessions.ReportedSession;
import io.deskport.broker.shared.CurrentUser;

/**
 * What agents report: heartbeats (load, sessions, single-session logons) that keep their host
 * AVAILABLE, and the state of each desktop session they create or lose.
 */
@Service
class AgentHeartbeats {

    private static final Logger log = LoggerFactory.getLogger(AgentHeartbeats.class);

    private final TransactionTemplate tx;
    private final JdbcClient jdbc;
    private final HostedSessions sessions;
    private final HostsProperties properties;
    private final ApplicationEventPublisher events;
    private final SessionHostPower power;

    AgentHeartbeats(JdbcClient jdbc, HostedSessions sessions, HostsProperties properties,
                    ApplicationEventPublisher events, PlatformTransactionManager txManager, SessionHostPower power) {
        this.power = power;
        this.tx = new TransactionTemplate(txManager);
        this.jdbc = jdbc;
        this.sessions = sessions;
        this.properties = properties;
        this.events = events;
    }

    /**
     * One heartbeat. Null numbers were not measured. Sizes and ranges are checked before anything is
     * written: the logged-on user goes into the append-only audit trail.
     */
    record Heartbeat(@Size(max = 255) @Pattern(regexp = PRINTABLE) String address,
                     @DecimalMin("0") @DecimalMax("100") Double cpuPercent,
                     @PositiveOrZero @Max(1L << 40) Long memoryUsedMb,
                     @PositiveOrZero @Max(100_000) Integer sessionCount,
                     @Size(max = 10_000) List<@NotNull @Valid ReportedSession> sessions,
                     @Size(max = 256) @Pattern(regexp = PRINTABLE) String loggedOnUser,
                     @Pattern(regexp = "[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}") String macAddress,
                     Boolean canPowerOff) {
    }

    /** No control characters (a user or host name is printed in logs and the audit trail). */
    static final String PRINTABLE = "[^\\p{Cntrl}]*";

    /**
     * The broker's answer to a heartbeat.
     *
     * @param logoff sessions the agent has that the broker does not know as live there: log them off
     */
    record HeartbeatAnswer(UUID hostId, SessionHostState state, boolean draining, long heartbeatIntervalMillis,
                           Set<UUID> logoff) {
    }

    private record HostRow(SessionHostState state, boolean draining, String name, String loggedOnUser,
                           String powerAction) {
    }

    /**
     * Applies a heartbeat in two short transactions: the sessions are reconciled first, then the host row
     * is updated. Every path locks sessions before their host (as ending a session does), so heartbeats
     * and logoffs never deadlock; and as separate transactions, a heartbeat never holds the host's session
     * rows while it waits for the host row behind a burst of connects (their READY reports would wait too).
     */
    HeartbeatAnswer heartbeat(AgentPrincipal agent, Heartbeat hb) {
        List<HostedSessions.ReportedSession> reported = hb.sessions() == null ? List.of() : hb.sessions();
        Set<UUID> logoff = tx.execute(status -> sessions.reconcile(agent.hostId(), reported, properties.reportGrace(),
                properties.prepareTimeout()));
        boolean draining = tx.execute(status -> updateHost(agent, hb));
        return new HeartbeatAnswer(agent.hostId(), SessionHostState.AVAILABLE, draining,
                properties.heartbeatInterval().toMillis(), logoff);
    }

    /** @return whether the host is draining */
    private boolean updateHost(AgentPrincipal agent, Heartbeat hb) {
        HostRow before = jdbc.sql("select state, draining, name, logged_on_user, power_action from session_host "
                        + "where id = ? for update")
                .param(agent.hostId())
                .query((rs, n) -> new HostRow(SessionHostState.valueOf(rs.getString(1)), rs.getBoolean(2),
                        rs.getString(3), rs.getString(4), rs.getString(5)))
                .single();
        jdbc.sql("update session_host set last_heartbeat_at = now(), load_cpu_percent = ?, load_memory_used_mb = ?, "
                        + "reported_sessions = ?, agent_address = coalesce(?, agent_address), logged_on_user = ?, "
                        + "logged_on_at = case when logged_on_user is distinct from ? then now() else logged_on_at end, "
                        + "state_changed_at = case when state <> 'AVAILABLE' then now() else state_changed_at end, "
                        + "agent_mac = coalesce(?, agent_mac), agent_can_power_off = coalesce(?, agent_can_power_off), "
                        + "state = 'AVAILABLE' where id = ?")
                .params(hb.cpuPercent() == null ? null : hb.cpuPercent().floatValue(), hb.memoryUsedMb(),
                        hb.sessionCount(), hb.address(), hb.loggedOnUser(), hb.loggedOnUser(),
                        SessionHostPower.normalMac(hb.macAddress()), hb.canPowerOff(), agent.hostId())
                .update();
        if (before.state() == SessionHostState.POWERED_OFF) {
            power.cameBack(agent.tenantId(), agent.hostId(), before.name(), before.powerAction());
        }
        if (before.state() != SessionHostState.AVAILABLE) {
            log.info("Session host {} ({}) reports: {} → AVAILABLE", before.name(), agent.hostId(), before.state());
            audit(agent, "SESSION_HOST_AVAILABLE", Map.of("name", before.name(), "previousState", before.state().name()));
        }
        if (!Objects.equals(before.loggedOnUser(), hb.loggedOnUser())) {
            userChanged(agent, before, hb.loggedOnUser());
        }
        return before.draining();
    }

    /** A session's state as its agent reports it between heartbeats. */
    enum ReportedState { READY, ENDED, FAILED }

    /** One report of a session; the console members only with READY. */
    record SessionReport(@NotNull ReportedState state, @Size(max = 255) @Pattern(regexp = PRINTABLE) String consoleHost,
                         @Min(1) @Max(65535) Integer consolePort, @Size(max = 256) String consolePassword,
                         @Size(max = 2000) String detail) {
    }

    /** @return false when the broker does not know the session as live on the host (the agent logs it off) */
    @Transactional
    boolean report(AgentPrincipal agent, UUID sessionId, SessionReport r) {
        return switch (r.state()) {
            case READY -> sessions.ready(agent.hostId(), sessionId,
                    new HostedSessions.Console(r.consoleHost(), r.consolePort(), r.consolePassword()));
            case ENDED, FAILED -> {
                sessions.ended(agent.hostId(), sessionId, r.state() == ReportedState.FAILED, r.detail());
                yield true;
            }
        };
    }

    private void userChanged(AgentPrincipal agent, HostRow before, String now) {
        if (before.loggedOnUser() != null) {
            audit(agent, "SESSION_HOST_USER_LOGGED_OFF", Map.of("name", before.name(), "user", before.loggedOnUser()));
            events.publishEvent(new SessionHostUserLogon(agent.tenantId(), agent.hostId(), before.loggedOnUser(), false));
        }
        if (now != null) {
            audit(agent, "SESSION_HOST_USER_LOGGED_ON", Map.of("name", before.name(), "user", now));
            events.publishEvent(new SessionHostUserLogon(agent.tenantId(), agent.hostId(), now, true));
        }
    }

    private void audit(AgentPrincipal agent, String action, Map<String, Object> details) {
        events.publishEvent(new AdminActionPerformed(agent.tenantId(), CurrentUser.SYSTEM, action, "SESSION_HOST",
                agent.hostId().toString(), new LinkedHashMap<>(details)));
    }
}
