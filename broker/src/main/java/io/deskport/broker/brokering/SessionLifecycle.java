package io.deskport.broker.brokering;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.hosts.SessionHostAgents;
import io.deskport.broker.hosts.SessionHostPlacement;
import io.deskport.broker.hosts.SessionHostRemoved;
import io.deskport.broker.licensing.LicenceSeats;
import io.deskport.broker.pools.DesktopClaims;
import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.DesktopPoolRemoved;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.pools.DesktopRemoved;
import io.deskport.broker.pools.DesktopState;
import io.deskport.broker.pools.DesktopStateChanged;
import io.deskport.broker.shared.CallerTransaction;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.tenancy.TenantQuotas;
import io.deskport.broker.tenancy.UserAccessChanged;
import io.deskport.broker.tenancy.UserRemoved;

/**
 * Moves sessions through their states after the connect: tunnel attached and detached, disconnect,
 * logoff and every other end. Each move is a conditional update from the states it may leave, and an
 * end gives back, in the same transaction, everything the session held: the desktop (kept by its
 * persistent owner, freed or sent to refresh when pooled), the host seat, the licence seats and the
 * tenant's quota slot.
 */
@Service
public class SessionLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SessionLifecycle.class);

    private final JdbcClient jdbc;
    private final DesktopPools pools;
    private final DesktopClaims claims;
    private final SessionHostPlacement placement;
    private final TenantQuotas quotas;
    private final LicenceSeats licences;
    private final SessionHostAgents agents;
    private final ApplicationEventPublisher events;
    private final ReplicaPresence presence;

    SessionLifecycle(JdbcClient jdbc, DesktopPools pools, DesktopClaims claims, SessionHostPlacement placement,
                     TenantQuotas quotas, LicenceSeats licences, SessionHostAgents agents,
                     ApplicationEventPublisher events, ReplicaPresence presence) {
        this.jdbc = jdbc;
        this.presence = presence;
        this.pools = pools;
        this.claims = claims;
        this.placement = placement;
        this.quotas = quotas;
        this.licences = licences;
        this.agents = agents;
        this.events = events;
    }

    record Row(UUID id, UUID tenantId, UUID poolId, UUID userId, UUID desktopId, UUID hostId, SessionState state) {
    }

    Optional<Row> lock(UUID sessionId) {
        return jdbc.sql("select id, tenant_id, pool_id, user_id, desktop_id, session_host_id, state from session "
                        + "where id = ? for update")
                .param(sessionId)
                .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class), rs.getObject(4, UUID.class), rs.getObject(5, UUID.class),
                        rs.getObject(6, UUID.class), SessionState.valueOf(rs.getString(7))))
                .optional();
    }

    /**
     * A client's tunnel attached: READY or DISCONNECTED → CONNECTED (a CONNECTED session stays so, and the
     * new tunnel takes over from the previous one).
     *
     * @param tunnelId the attaching tunnel, remembered as the session's current one with this replica's
     *                 {@link ReplicaPresence} key (may be null: then no replica is recorded)
     * @return false when the session cannot take a client (preparing or ended)
     * @throws ProblemException LICENCE_EXHAUSTED when a disconnected session gave a seat back at disconnect
     *         and none is free now
     */
    @Transactional
    public boolean markConnected(UUID sessionId, UUID tunnelId, CurrentUser actor) {
        Row row = lock(sessionId).orElse(null);
        if (row == null) {
            return false;
        }
        if (row.state() == SessionState.CONNECTED) {
            jdbc.sql("update session set tunnel_id = ?, tunnel_replica = ?, last_activity_at = now() where id = ?")
                    .params(tunnelId, replicaOf(tunnelId), sessionId).update();
            return true;
        }
        if (!row.state().canMoveTo(SessionState.CONNECTED)) {
            return false;
        }
        if (row.state() == SessionState.DISCONNECTED) {
            licences.takeBackAtReconnect(row.tenantId(), sessionId);
        }
        jdbc.sql("update session set state = 'CONNECTED', state_changed_at = now(), connected_at = now(), "
                + "last_activity_at = now(), tunnel_id = ?, tunnel_replica = ?, changed_by_admin = null where id = ?")
                .params(tunnelId, replicaOf(tunnelId), sessionId).update();
        publish(row, SessionState.CONNECTED, null, actor);
        return true;
    }

    /**
     * The session's tunnel goes on through a new gateway connection (its desktop moved to another host and the tunnel
     * followed it): that connection is the session's current tunnel now, so that help desk's shadows join it. Nothing
     * else changes (no state change, no event).
     *
     * @return false when the session is no longer attached through {@code from} (another tunnel took over, or it
     *         was disconnected or ended meanwhile)
     */
    @Transactional
    public boolean tunnelContinued(UUID sessionId, UUID from, UUID to) {
        return jdbc.sql("update session set tunnel_id = ? where id = ? and tunnel_id = ? and state = 'CONNECTED'")
                .params(to, sessionId, from).update() == 1;
    }

    private Long replicaOf(UUID tunnelId) {
        return tunnelId == null ? null : presence.key();
    }

    /** @see #markConnected(UUID, UUID, CurrentUser) */
    @Transactional
    public boolean markConnected(UUID sessionId, CurrentUser actor) {
        return markConnected(sessionId, null, actor);
    }

    /**
     * A tunnel detached: → DISCONNECTED, but only when it is still the session's current tunnel (a tunnel
     * that was taken over changes nothing).
     */
    @Transactional
    public boolean markTunnelClosed(UUID sessionId, UUID tunnelId, CurrentUser actor) {
        return toDisconnected(sessionId, actor, null, true, tunnelId);
    }

    /** The user, an admin or a timer disconnected the session (its tunnel is closed by the tunnel module). */
    @Transactional
    public boolean markDisconnected(UUID sessionId, CurrentUser actor) {
        return markDisconnected(sessionId, actor, null);
    }

    /**
     * As {@link #markDisconnected(UUID, CurrentUser)}, with the timer's reason (the idle timeout): the
     * event carries it, so the audit names it and the client is told its session timed out (Guacamole 522).
     */
    @Transactional
    public boolean markDisconnected(UUID sessionId, CurrentUser actor, EndReason cause) {
        return toDisconnected(sessionId, actor, cause, false, null);
    }

    private static final String DISCONNECT = "update session set state = 'DISCONNECTED', state_changed_at = now(), "
            + "tunnel_id = null, tunnel_replica = null, disconnected_by = ?, changed_by_admin = ? where id = ?";

    /**
     * Who asked for the disconnect, as the user's portal tells it: the idle timeout, the user themself, someone
     * else (an admin or help-desk agent); nobody (null) when a connection closed by itself.
     */
    private static String disconnectedBy(Row row, CurrentUser actor, EndReason cause) {
        if (cause == EndReason.IDLE_TIMEOUT) {
            return Session.DisconnectedBy.TIMEOUT.name();
        }
        if (actor == null || actor == CurrentUser.SYSTEM || actor.userId() == null) {
            return null;
        }
        return actor.userId().equals(row.userId()) ? Session.DisconnectedBy.USER.name() : Session.DisconnectedBy.HELP_DESK.name();
    }

    /**
     * Lock, check, update, publish — the one way a session becomes DISCONNECTED.
     *
     * @param onlyTunnel only when the session is CONNECTED through {@code tunnelId} (a tunnel that was taken
     *                   over changes nothing); otherwise from any state that may move there
     */
    private boolean toDisconnected(UUID sessionId, CurrentUser actor, EndReason cause, boolean onlyTunnel, UUID tunnelId) {
        Row row = lock(sessionId).orElse(null);
        if (row == null || (onlyTunnel ? row.state() != SessionState.CONNECTED
                : !row.state().canMoveTo(SessionState.DISCONNECTED))) {
            return false;
        }
        // a tunnel that closed was nobody's request (a tab closed, a network lost)
        String by = onlyTunnel ? null : disconnectedBy(row, actor, cause);
        int n = onlyTunnel
                ? jdbc.sql(DISCONNECT + " and tunnel_id is not distinct from ?").params(by, null, sessionId, tunnelId).update()
                : jdbc.sql(DISCONNECT).params(by, adminOtherThanTheUser(row, actor), sessionId).update();
        if (n == 1) {
            licences.releaseAtDisconnect(sessionId);
            publish(row, SessionState.DISCONNECTED, cause, actor);
        }
        return n == 1;
    }

    /** Records user input on the session (drives the idle timeout). */
    @Transactional
    public void recordActivity(UUID sessionId) {
        jdbc.sql("update session set last_activity_at = now() where id = ? and state = 'CONNECTED'")
                .param(sessionId).update();
    }

    /**
     * Disconnects a session on request of its user or an admin.
     *
     * @throws ProblemException INVALID_STATE when the session is preparing or ended
     */
    @Transactional
    public void disconnect(UUID sessionId, CurrentUser actor) {
        Row row = lock(sessionId).orElseThrow(() -> ProblemException.notFound("Session", sessionId));
        if (row.state() == SessionState.DISCONNECTED) {
            return;
        }
        if (!markDisconnected(sessionId, actor)) {
            throw new ProblemException(Reason.INVALID_STATE, "A " + row.state().name().toLowerCase()
                    + " session cannot be disconnected", Map.of("sessionState", row.state()));
        }
    }

    /**
     * Ends every live session on a desktop of the tenant (e.g. before the desktop is restored to a snapshot), in the
     * caller's transaction, each as {@link #end} does.
     *
     * @return how many this call ended
     */
    @Transactional
    public int endSessionsOnDesktop(UUID tenantId, UUID desktopId, EndReason reason, CurrentUser actor) {
        int ended = 0;
        for (UUID id : jdbc.sql("select id from session where tenant_id = ? and desktop_id = ? and state <> 'ENDED'")
                .params(tenantId, desktopId).query(UUID.class).list()) {
            if (end(id, reason, actor, true)) {
                ended++;
            }
        }
        return ended;
    }

    /**
     * Ends a session and gives back what it held. Ending an ended session changes nothing.
     *
     * @return true when this call ended it
     */
    @Transactional
    public boolean end(UUID sessionId, EndReason reason, CurrentUser actor) {
        return end(sessionId, reason, actor, true);
    }

    /**
     * @param tellHost false when the host's agent itself reported the end (nothing left to log off there)
     */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean end(UUID sessionId, EndReason reason, CurrentUser actor, boolean tellHost) {
        return end(sessionId, reason, actor, tellHost, null);
    }

    /**
     * @param desktopFailure when not null, the session's desktop is taken out of service (FAILED with this
     *                       reason) instead of being given back: its console could not be reached
     */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean end(UUID sessionId, EndReason reason, CurrentUser actor, boolean tellHost, String desktopFailure) {
        Row row = lock(sessionId).orElse(null);
        if (row == null || row.state() == SessionState.ENDED) {
            return false;
        }
        // The host seat before the session row's update. A connect of the same user to the pool (through another
        // broker) may hold the host row, its seat taken first, until its COMMIT inserts the session row: while this
        // row is only locked, that insert fails on the one-live-session key at once (and the connect, tried again,
        // finds this session); once this row is updated, the insert waits for this transaction, which would wait
        // for the host row: a deadlock, and a logoff refused.
        if (row.hostId() != null) {
            placement.release(row.hostId());
        }
        jdbc.sql("update session set state = 'ENDED', end_reason = ?, ended_at = now(), state_changed_at = now(), "
                + "tunnel_id = null, tunnel_replica = null, changed_by_admin = ? where id = ?")
                .params(reason.name(), adminOtherThanTheUser(row, actor), sessionId).update();
        if (row.desktopId() != null) {
            DesktopPool pool = pools.get(row.tenantId(), row.poolId());
            if (desktopFailure != null) {
                claims.takeOutOfService(pool, row.desktopId(), desktopFailure);
            } else {
                claims.release(pool, row.desktopId());
            }
        }
        if (row.hostId() != null && tellHost) {
            agents.requestLogoff(row.hostId(), sessionId);
        }
        quotas.releaseSessionSlot(row.tenantId());
        licences.releaseForSession(sessionId, reason.name());
        publish(row, SessionState.ENDED, reason, actor);
        return true;
    }

    /**
     * A desktop a session waited for came up: the session becomes READY on it. A desktop that failed (or
     * whose machine is gone, or was found powered off) ends its live sessions in the same transaction, giving back their seats: no
     * session stays on a dead desktop, and the user's portal shows why (the end reason).
     */
    @EventListener
    void on(DesktopStateChanged e) {
        CallerTransaction.require();
        if (e.to() == DesktopState.FAILED || (e.machineGone()
                && (e.to() == DesktopState.STOPPED || e.to() == DesktopState.REFRESHING))) {
            EndReason why = e.machineGone() ? EndReason.HOST_LOST : EndReason.PROVISIONING_FAILED;
            List<UUID> live = jdbc.sql("select id from session where desktop_id = ? and state <> 'ENDED'")
                    .param(e.desktopId()).query(UUID.class).list();
            live.forEach(s -> end(s, why, CurrentUser.SYSTEM, true));
            if (!live.isEmpty()) {
                log.warn("Desktop {} {}: ended its {} live session(s) as {}", e.desktopId(),
                        e.to() == DesktopState.FAILED ? "failed" : "was found powered off", live.size(), why);
            }
            return;
        }
        if (e.to() != DesktopState.READY) {
            return;
        }
        jdbc.sql("select id from session where desktop_id = ? and state = 'PREPARING' for update")
                .param(e.desktopId()).query(UUID.class).optional().ifPresent(sessionId -> {
                    Row row = lock(sessionId).orElseThrow();
                    DesktopPool pool = pools.get(e.tenantId(), e.poolId());
                    if (claims.occupy(pool, e.desktopId())) {
                        jdbc.sql("update session set state = 'READY', state_changed_at = now() where id = ?")
                                .param(sessionId).update();
                        publish(row, SessionState.READY, null, CurrentUser.SYSTEM);
                    }
                });
    }

    /**
     * A user who may no longer sign in (disabled) is disconnected from every live session, in the same
     * transaction; the tunnels close on whichever broker serves them. (A removed user's sessions end.)
     */
    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void on(UserAccessChanged e) {
        if (!e.signInRevoked()) {
            return;
        }
        List<UUID> live = jdbc.sql("select id from session where tenant_id = ? and user_id = ? and state in "
                + "('READY', 'CONNECTED')").params(e.tenantId(), e.userId()).query(UUID.class).list();
        live.forEach(s -> markDisconnected(s, CurrentUser.SYSTEM));
        if (!live.isEmpty()) {
            log.info("User {} may no longer sign in ({}): disconnected {} live session(s)", e.userId(), e.why(), live.size());
        }
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void on(UserRemoved e) {
        endAll("user_id = ?", e.userId());
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void on(DesktopPoolRemoved e) {
        endAll("pool_id = ?", e.poolId());
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void on(DesktopRemoved e) {
        endAll("desktop_id = ?", e.desktopId());
    }

    @EventListener
    @Transactional(propagation = Propagation.MANDATORY)
    void on(SessionHostRemoved e) {
        endAll("session_host_id = ?", e.hostId());
    }

    private void endAll(String condition, UUID id) {
        List<UUID> live = jdbc.sql("select id from session where " + condition + " and state in " + SessionState.LIVE_LIST)
                .param(id).query(UUID.class).list();
        live.forEach(s -> end(s, EndReason.RESOURCE_REMOVED, CurrentUser.SYSTEM));
        if (!live.isEmpty()) {
            log.info("Ended {} live sessions because their {} was removed", live.size(), condition.split(" ")[0]);
        }
    }

    /** The admin or help-desk agent acting on someone else's session, else null (the user, a timer, the system). */
    private static UUID adminOtherThanTheUser(Row row, CurrentUser actor) {
        return actor.userId() != null && !actor.userId().equals(row.userId()) ? actor.userId() : null;
    }

    void publish(Row row, SessionState to, EndReason reason, CurrentUser actor) {
        events.publishEvent(new SessionStateChanged(row.tenantId(), row.id(), row.poolId(), row.userId(), row.state(),
                to, reason, row.desktopId(), row.hostId(), actor));
    }
}
