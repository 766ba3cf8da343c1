package io.deskport.broker.brokering;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 *
 * <p>It also finds the tunnels of replicas that are gone: a CONNECTED session whose tunnel was served by a replica
 * whose {@link ReplicaPresence} lock is no longer in {@code pg_locks} (killed, or its machine lost) for
 * {@code deskport.sessions.orphaned-tunnel-grace} is marked DISCONNECTED, as if its browser's network had dropped:
 * its disconnect timeout runs, the seats held while connected are given back, and the user's reconnect resumes it.
 */
@Component
class SessionTimers {

    private static final Logger log = LoggerFactory.getLogger(SessionTimers.class);
    private static final int BATCH = 200;
    private static final int ORPHAN_BATCH = 1000;

    private final JdbcClient jdbc;
    private final SessionLifecycle lifecycle;
    private final TransactionTemplate tx;

    private final SessionProperties props;
    private final ReplicaPresence presence;
    /** Sessions seen on a gone replica's tunnel, and since when (this replica's own view). */
    private final Map<UUID, Instant> orphanedSince = new HashMap<>();

    SessionTimers(JdbcClient jdbc, SessionLifecycle lifecycle, PlatformTransactionManager txManager,
                  SessionProperties props, ReplicaPresence presence) {
        this.props = props;
        this.presence = presence;
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
        total += drain("s.state in " + SessionState.LIVE_LIST + " and s.desktop_id is not null "
                        + "and exists (select 1 from pools_desktops d where d.id = s.desktop_id and d.state = 'FAILED')",
                id -> lifecycle.end(id, EndReason.PROVISIONING_FAILED, CurrentUser.SYSTEM));
        total += drain("s.state in ('DISCONNECTED', 'READY') and p.disconnect_timeout_s is not null "
                + "and s.state_changed_at < now() - make_interval(secs => p.disconnect_timeout_s)",
                id -> lifecycle.end(id, EndReason.DISCONNECT_TIMEOUT, CurrentUser.SYSTEM));
        total += drain("s.state in " + SessionState.LIVE_LIST + " and p.max_session_s is not null "
                + "and s.created_at < now() - make_interval(secs => p.max_session_s)",
                id -> lifecycle.end(id, EndReason.MAX_SESSION_LENGTH, CurrentUser.SYSTEM));
        total += drain("s.state = 'CONNECTED' and p.idle_timeout_s is not null and p.idle_action = 'LOGOFF' "
                + "and coalesce(s.last_activity_at, s.state_changed_at) < now() - make_interval(secs => p.idle_timeout_s)",
                id -> lifecycle.end(id, EndReason.IDLE_TIMEOUT, CurrentUser.SYSTEM));
        total += drain("s.state = 'CONNECTED' and p.idle_timeout_s is not null and p.idle_action = 'DISCONNECT' "
                + "and coalesce(s.last_activity_at, s.state_changed_at) < now() - make_interval(secs => p.idle_timeout_s)",
                id -> lifecycle.markDisconnected(id, CurrentUser.SYSTEM, EndReason.IDLE_TIMEOUT));
        total += disconnectOrphanedTunnels(Instant.now());
        return total;
    }

    /** The advisory locks held in this database, as the bigint keys they were taken with. */
    private static final String HELD_KEYS = "select (l.classid::bigint << 32) | l.objid::bigint from pg_locks l "
            + "where l.locktype = 'advisory' and l.objsubid = 1 and l.granted "
            + "and l.database = (select oid from pg_database where datname = current_database())";

    /**
     * Marks DISCONNECTED the CONNECTED sessions whose tunnel's replica has been gone for the grace period. Run only
     * while this replica holds its own presence lock (a replica cut off from the database judges nobody).
     */
    synchronized int disconnectOrphanedTunnels(Instant now) {
        if (!presence.hold()) {
            return 0;
        }
        Instant due = now.minus(props.orphanedTunnelGrace());
        Set<UUID> seen = new HashSet<>();
        List<UUID> acted = new ArrayList<>();
        tx.executeWithoutResult(status -> {
            record Orphan(UUID session, UUID tunnel) {
            }
            // one batch a pass (the oldest sessions first): a gone replica's tunnels wait out the grace anyway
            List<Orphan> orphans = jdbc.sql("select s.id, s.tunnel_id from session s where s.state = 'CONNECTED' "
                            + "and s.tunnel_replica is not null and s.tunnel_replica <> ? "
                            + "and s.tunnel_replica not in (" + HELD_KEYS + ") "
                            + "order by s.state_changed_at limit " + ORPHAN_BATCH + " for update of s skip locked")
                    .param(presence.key())
                    .query((rs, n) -> new Orphan(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class)))
                    .list();
            for (Orphan o : orphans) {
                seen.add(o.session());
                Instant since = orphanedSince.computeIfAbsent(o.session(), id -> now);
                if (!since.isAfter(due) && lifecycle.markTunnelClosed(o.session(), o.tunnel(), CurrentUser.SYSTEM)) {
                    acted.add(o.session());
                }
            }
        });
        orphanedSince.keySet().retainAll(seen);
        if (!acted.isEmpty()) {
            log.warn("Marked {} sessions DISCONNECTED: their tunnels were on a broker replica that is gone "
                    + "(its presence lock released for {} or more)", acted.size(), props.orphanedTunnelGrace());
        }
        return acted.size();
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
