package io.deskport.broker.hosts;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.CurrentUser;

/**
 * Watches agent hosts: no heartbeat for the timeout → UNREACHABLE (nothing is placed on it); still
 * unreachable after the grace period → its sessions end as HOST_LOST. A host told to power off that goes silent is
 * POWERED_OFF instead, and power changes that do not happen are found ({@link SessionHostPower#watch}).
 *
 * <p>Every broker runs it: the state change is one conditional update, and ending a session is guarded by
 * the session's row lock, so replicas never act twice on one session. (Hosts are not locked here: every
 * path locks sessions before their host.)
 */
@Component
class SessionHostMonitor {

    private static final Logger log = LoggerFactory.getLogger(SessionHostMonitor.class);

    private final JdbcClient jdbc;
    private final HostedSessions sessions;
    private final HostsProperties properties;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private final SessionHostPower power;

    SessionHostMonitor(JdbcClient jdbc, HostedSessions sessions, HostsProperties properties,
                       ApplicationEventPublisher events, PlatformTransactionManager txManager, SessionHostPower power) {
        this.power = power;
        this.jdbc = jdbc;
        this.sessions = sessions;
        this.properties = properties;
        this.events = events;
        this.tx = new TransactionTemplate(txManager);
    }

    @Scheduled(fixedDelayString = "${deskport.hosts.monitor-interval:2s}", initialDelayString = "${deskport.hosts.monitor-interval:2s}")
    void watch() {
        try {
            markSilentHostsUnreachable();
            endSessionsOfLostHosts();
            power.watch();
        } catch (RuntimeException e) {
            log.warn("Session host watch failed; it runs again shortly: {}", e.getMessage());
        }
    }

    private record Host(UUID id, UUID tenantId, String name) {
    }

    void markSilentHostsUnreachable() {
        tx.executeWithoutResult(status -> {
            List<Host> silent = jdbc.sql("update session_host set state = 'UNREACHABLE', state_changed_at = now() "
                            + "where agent_managed and state = 'AVAILABLE' "
                            // a host told to power off that goes silent is powered off (SessionHostPower.watch)
                            + "and (power_action is distinct from 'POWER_OFF' or active_sessions > 0) "
                            + "and last_heartbeat_at < now() - make_interval(secs => ?) returning id, tenant_id, name")
                    .param(seconds(properties.heartbeatTimeout()))
                    .query((rs, n) -> new Host(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3)))
                    .list();
            for (Host h : silent) {
                log.warn("Session host {} ({}) missed its heartbeats for {}: UNREACHABLE, no new sessions; its sessions "
                        + "end after {} unless it reports again", h.name(), h.id(), properties.heartbeatTimeout(),
                        properties.lostSessionGrace());
                events.publishEvent(new AdminActionPerformed(h.tenantId(), CurrentUser.SYSTEM, "SESSION_HOST_UNREACHABLE",
                        "SESSION_HOST", h.id().toString(), Map.of("name", h.name())));
            }
        });
    }

    void endSessionsOfLostHosts() {
        tx.executeWithoutResult(status -> {
            List<Host> lost = jdbc.sql("select id, tenant_id, name from session_host where agent_managed "
                            + "and state = 'UNREACHABLE' and active_sessions > 0 "
                            + "and state_changed_at < now() - make_interval(secs => ?) limit 20")
                    .param(seconds(properties.lostSessionGrace()))
                    .query((rs, n) -> new Host(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3)))
                    .list();
            for (Host h : lost) {
                int ended = sessions.hostLost(h.id());
                log.warn("Session host {} ({}) stayed unreachable past the grace period: ended {} sessions as HOST_LOST",
                        h.name(), h.id(), ended);
                events.publishEvent(new AdminActionPerformed(h.tenantId(), CurrentUser.SYSTEM,
                        "SESSION_HOST_SESSIONS_LOST", "SESSION_HOST", h.id().toString(),
                        Map.of("name", h.name(), "sessionsEnded", ended)));
            }
        });
    }

    private static double seconds(java.time.Duration d) {
        return d.toMillis() / 1000.0;
    }
}
