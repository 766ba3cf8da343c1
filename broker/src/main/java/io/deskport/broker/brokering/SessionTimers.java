package io.deskport.broker.brokering;

import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.shared.CurrentUser;

/**
 * Enforces each pool's session timeouts: disconnected (or never attached) too long → logoff; no input
 * for the idle timeout → disconnect or logoff per pool; older than the maximum session length → logoff;
 * PREPARING longer than the pool's prepare timeout, or live on a FAILED desktop → ended as
 * PROVISIONING_FAILED (its desktop, host seat and quota seat given back).
 *
 * <p>Every broker runs it; batches are claimed with {@code FOR UPDATE SKIP LOCKED}, so replicas share
 * the work and never act twice on one session.
 */
@Component
class SessionTimers {

    private static final Logger log = LoggerFactory.getLogger(SessionTimers.class);
    private static final int BATCH = 200;

    private final JdbcClient jdbc;
    private final SessionLifecycle lifecycle;
    private final TransactionTemplate tx;

    private final SessionProperties props;

    SessionTimers(JdbcClient jdbc, SessionLifecycle lifecycle, PlatformTransactionManager txManager,
                  SessionProperties props) {
        this.props = props;
        this.jdbc = jdbc;
        this.lifecycle = lifecycle;
        this.tx = new TransactionTemplate(txManager);
    }

    @Scheduled(fixedDelayString = "${deskport.sessions.timer-interval:5s}", initialDelayString = "${deskport.sessions.timer-interval:5s}")
    void enforce() {
        try {
            int n = enforceNow();
            if (n > 0) {
                log.info("Session timers acted on {} sessions", n);
            }
        } catch (RuntimeException e) {
            log.warn("Session timer pass failed; it runs again shortly: {}", e.getMessage());
        }
    }

    /** Runs one pass over every rule; returns how many sessions it changed. */
    int enforceNow() {
        int total = 0;
        // deadlines of transient states: a session waits for its desktop at most the prepare timeout (the
        // default is configuration, a number, not input), and none stays on a desktop that failed
        total += drain("s.state = 'PREPARING' and s.state_changed_at < now() - make_interval(secs => "
                        + "coalesce(p.prepare_timeout_s, " + props.prepareTimeout().toSeconds() + "))",
                id -> lifecycle.end(id, EndReason.PROVISIONING_FAILED, CurrentUser.SYSTEM));
        total += drain("s.state <> 'ENDED' and s.desktop_id is not null and exists (select 1 from pools_desktops d "
                        + "where d.id = s.desktop_id and d.state = 'FAILED')",
                id -> lifecycle.end(id, EndReason.PROVISIONING_FAILED, CurrentUser.SYSTEM));
        total += drain("s.state in ('DISCONNECTED', 'READY') and p.disconnect_timeout_s is not null "
                + "and s.state_changed_at < now() - make_interval(secs => p.disconnect_timeout_s)",
                id -> lifecycle.end(id, EndReason.DISCONNECT_TIMEOUT, CurrentUser.SYSTEM));
        total += drain("s.state <> 'ENDED' and p.max_session_s is not null "
                + "and s.created_at < now() - make_interval(secs => p.max_session_s)",
                id -> lifecycle.end(id, EndReason.MAX_SESSION_LENGTH, CurrentUser.SYSTEM));
        total += drain("s.state = 'CONNECTED' and p.idle_timeout_s is not null and p.idle_action = 'LOGOFF' "
                + "and coalesce(s.last_activity_at, s.state_changed_at) < now() - make_interval(secs => p.idle_timeout_s)",
                id -> lifecycle.end(id, EndReason.IDLE_TIMEOUT, CurrentUser.SYSTEM));
        total += drain("s.state = 'CONNECTED' and p.idle_timeout_s is not null and p.idle_action = 'DISCONNECT' "
                + "and coalesce(s.last_activity_at, s.state_changed_at) < now() - make_interval(secs => p.idle_timeout_s)",
                id -> lifecycle.markDisconnected(id, CurrentUser.SYSTEM, EndReason.IDLE_TIMEOUT));
        return total;
    }

    private int drain(String condition, java.util.function.Consumer<UUID> action) {
        int total = 0;
        while (true) {
            Integer n = tx.execute(status -> {
                List<UUID> due = jdbc.sql("select s.id from session s join pools_pools p on p.id = s.pool_id where "
                                + condition + " order by s.state_changed_at limit " + BATCH + " for update of s skip locked")
                        .query(UUID.class).list();
                due.forEach(action);
                return due.size();
            });
            total += n;
            if (n < BATCH) {
                return total;
            }
        }
    }
}
