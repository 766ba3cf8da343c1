package io.deskport.broker.brokering;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.hosts.HostedSessions;
import io.deskport.broker.shared.CurrentUser;

/**
 * Applies what session-host agents report to the sessions: a desktop ready (PREPARING → READY, its
 * console kept server-side), a desktop gone by itself, the heartbeat's list (sessions the agent lost
 * end, idle times feed the idle timeout), and hosts lost for good.
 */
@Component
@Transactional(propagation = Propagation.MANDATORY)
class HostedSessionReports implements HostedSessions {

    private static final Logger log = LoggerFactory.getLogger(HostedSessionReports.class);

    private final JdbcClient jdbc;
    private final SessionLifecycle lifecycle;
    private final ApplicationEventPublisher events;

    HostedSessionReports(JdbcClient jdbc, SessionLifecycle lifecycle, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.lifecycle = lifecycle;
        this.events = events;
    }

    private record Live(UUID id, UUID tenantId, UUID poolId, UUID userId, SessionState state, boolean settled,
                        boolean overdue) {
    }

    @Override
    public boolean ready(UUID hostId, UUID sessionId, Console console) {
        Live s = jdbc.sql("select id, tenant_id, pool_id, user_id, state, false, false from session "
                        + "where id = ? and session_host_id = ? and state <> 'ENDED' for update")
                .params(sessionId, hostId).query(HostedSessionReports::live).optional().orElse(null);
        if (s == null) {
            log.info("Host {} reports session {} ready, but it is not live there; the agent logs it off", hostId, sessionId);
            return false;
        }
        jdbc.sql("update session set console_host = ?, console_port = ?, console_password = ? where id = ?")
                .params(console.host(), console.port(), console.password(), sessionId).update();
        if (s.state() == SessionState.PREPARING) {
            jdbc.sql("update session set state = 'READY', state_changed_at = now() where id = ?").param(sessionId).update();
            events.publishEvent(new SessionStateChanged(s.tenantId(), sessionId, s.poolId(), s.userId(),
                    SessionState.PREPARING, SessionState.READY, null, null, hostId, CurrentUser.SYSTEM));
        }
        return true;
    }

    @Override
    public void ended(UUID hostId, UUID sessionId, boolean failed, String detail) {
        jdbc.sql("select state from session where id = ? and session_host_id = ? and state <> 'ENDED'")
                .params(sessionId, hostId).query(String.class).optional().ifPresent(state -> {
                    EndReason reason = failed && SessionState.valueOf(state) == SessionState.PREPARING
                            ? EndReason.PROVISIONING_FAILED : EndReason.SESSION_EXITED;
                    log.info("Session {} on host {} ended there by itself ({}): {}", sessionId, hostId, reason,
                            detail == null ? "no detail" : detail);
                    lifecycle.end(sessionId, reason, CurrentUser.SYSTEM, false);
                });
    }

    @Override
    public Set<UUID> reconcile(UUID hostId, List<ReportedSession> reported, Duration reportGrace,
                               Duration prepareTimeout) {
        Map<UUID, Live> live = jdbc.sql("select id, tenant_id, pool_id, user_id, state, "
                        + "state_changed_at < now() - make_interval(secs => ?), "
                        + "state = 'PREPARING' and created_at < now() - make_interval(secs => ?) "
                        + "from session where session_host_id = ? and state in " + SessionState.LIVE_LIST
                        + " order by id for update")
                .params(reportGrace.toMillis() / 1000.0, prepareTimeout.toMillis() / 1000.0, hostId)
                .query(HostedSessionReports::live).stream()
                .collect(Collectors.toMap(Live::id, Function.identity()));
        Set<UUID> logoff = new HashSet<>();
        Set<UUID> present = new HashSet<>();
        for (ReportedSession r : reported) {
            if (r.sessionId() == null) {
                continue;
            }
            present.add(r.sessionId());
            if (!live.containsKey(r.sessionId())) {
                logoff.add(r.sessionId());
            } else if (r.idleMillis() != null && r.idleMillis() >= 0) {
                // input seen on the display counts as activity; the timers apply the pool's idle policy
                jdbc.sql("update session set last_activity_at = greatest(coalesce(last_activity_at, created_at), "
                                + "now() - make_interval(secs => ?)) where id = ?")
                        .params(r.idleMillis() / 1000.0, r.sessionId()).update();
            }
        }
        for (Live s : live.values()) {
            if (present.contains(s.id())) {
                continue;
            }
            if (s.state() == SessionState.PREPARING) {
                if (s.overdue()) {
                    log.warn("Session {} on host {} was not made ready in {}; ended", s.id(), hostId, prepareTimeout);
                    lifecycle.end(s.id(), EndReason.PROVISIONING_FAILED, CurrentUser.SYSTEM, true);
                }
            } else if (s.settled()) {
                log.info("Session {} is live in the broker but its host {} no longer has it; ended", s.id(), hostId);
                lifecycle.end(s.id(), EndReason.SESSION_EXITED, CurrentUser.SYSTEM, false);
            }
        }
        return logoff;
    }

    @Override
    public int hostLost(UUID hostId) {
        // all of them locked first, in one order, before any host seat is given back
        List<UUID> live = jdbc.sql("select id from session where session_host_id = ? and state in "
                        + SessionState.LIVE_LIST + " order by id for update")
                .param(hostId).query(UUID.class).list();
        live.forEach(id -> lifecycle.end(id, EndReason.HOST_LOST, CurrentUser.SYSTEM, true));
        return live.size();
    }

    private static Live live(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Live(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
                rs.getObject(4, UUID.class), SessionState.valueOf(rs.getString(5)), rs.getBoolean(6), rs.getBoolean(7));
    }
}
