package io.deskport.broker.brokering;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.hosts.PublishedApplication;
import io.deskport.broker.hosts.PublishedApplications;
import io.deskport.broker.hosts.SessionHostAgents;
import io.deskport.broker.hosts.SessionHostPlacement;
import io.deskport.broker.licensing.LicenceSeats;
import io.deskport.broker.pools.DesktopClaims;
import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.DatabaseOutages;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.shared.Spans;
import io.deskport.broker.shared.WritesWithCommit;
import io.deskport.broker.tenancy.TenantQuotas;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * One click to a desktop: in ONE short transaction, entitlement → the user's live session in the pool
 * (reconnect) → pool enabled → tenant quota → capacity (claim a desktop or place on a host) → session row
 * → audit (through {@link SessionStateChanged}) → licence seats → quota seat. A refusal names the tenant quota before
 * capacity when both are exhausted. On a session host with an agent, the same transaction enqueues the
 * agent's command to create the desktop, and the session stays PREPARING until the agent reports its
 * console answering.
 *
 * <p>Three round trips for a new session: one read (pool, entitlement, live session, own desktop, the
 * transaction's time), one conditional update that claims the desktop or seats the session on a host, and
 * one message with the session row, the audit line, the licence seats, the tenant's seat and the COMMIT
 * ({@link WritesWithCommit}).
 *
 * <p>Correct under any number of brokers: the claim and the host seat are conditional updates of locked
 * rows, taken before the session row that refers to them; the quota seat, the one row every connect of
 * a tenant shares, is taken with the commit (so it is locked for the commit alone) and fails it when the
 * quota is full, which rolls the claim back too; and a unique index allows one live session per user and
 * pool. Two simultaneous connects of one user collide on that index; the loser's commit fails, and the
 * whole transaction is retried and then finds the winner's session — so reconnect always returns the
 * same session. Licence seats are taken like the quota seat, with the commit ({@link LicenceSeats}); a
 * product without a seat fails the commit as a full quota does.
 */
@Service
public class ConnectService {

    private static final Logger log = LoggerFactory.getLogger(ConnectService.class);
    private static final int ATTEMPTS = 3;
    private static final int HOST_ATTEMPTS = 20;
    /** Connect durations by pool kind and outcome ({@link ConnectMeters}). */
    static final String CONNECTS_METER = ConnectMeters.CONNECT;
    /** Refused connects by reason. */
    static final String REFUSED_METER = ConnectMeters.REFUSALS;

    private static final String INSERT_DESKTOP_SESSION = "insert into session (id, tenant_id, pool_id, user_id, "
            + "desktop_id, state) values (?, ?, ?, ?, ?, ?)";
    private static final String INSERT_HOSTED_SESSION = "insert into session (id, tenant_id, pool_id, user_id, "
            + "session_host_id, state) values (?, ?, ?, ?, ?, ?)";

    private final TransactionTemplate tx;
    private final WritesWithCommit writes;
    private final JdbcClient jdbc;
    private final ConnectRead connectRead;
    private final DesktopClaims claims;
    private final SessionHostPlacement placement;
    private final TenantQuotas quotas;
    private final LicenceSeats licences;
    private final SessionQueries queries;
    private final SessionHostAgents agents;
    private final ApplicationEventPublisher events;
    private final ConnectAdmission admission;
    private final RecentRefusals refusals;
    private final ConnectTally tally;
    private final ConnectMeters meters;
    private final Spans spans;
    private final PublishedApplications applications;

    ConnectService(WritesWithCommit txManager, JdbcClient jdbc, ConnectRead connectRead,
                   DesktopClaims claims, SessionHostPlacement placement, TenantQuotas quotas, LicenceSeats licences,
                   SessionQueries queries, SessionHostAgents agents, ApplicationEventPublisher events, ConnectAdmission admission,
                   RecentRefusals refusals, ConnectTally tally, ObjectProvider<MeterRegistry> meters, Spans spans,
                   PublishedApplications applications) {
        this.spans = spans;
        this.applications = applications;
        this.admission = admission;
        this.refusals = refusals;
        this.tally = tally;
        this.meters = new ConnectMeters(meters.getIfAvailable(SimpleMeterRegistry::new));
        this.tx = new TransactionTemplate(txManager);
        this.writes = txManager;
        this.jdbc = jdbc;
        this.connectRead = connectRead;
        this.claims = claims;
        this.placement = placement;
        this.quotas = quotas;
        this.licences = licences;
        this.queries = queries;
        this.agents = agents;
        this.events = events;
    }

    /**
     * What a connect produced.
     *
     * @param reconnected true when an existing live session was returned
     */
    public record ConnectResult(Session session, boolean reconnected) {
    }

    /** As {@link #connect(CurrentUser, UUID, String)} from a client that names no device. */
    public ConnectResult connect(CurrentUser user, UUID poolId) {
        return connect(user, poolId, null);
    }

    /**
     * Connects the user to a desktop of the pool, or returns their live session there.
     *
     * @param deviceId the client's device id (PER_DEVICE licences), or null
     * @throws ProblemException NOT_FOUND, NOT_ENTITLED, POOL_DISABLED, TENANT_QUOTA, LICENCE_EXHAUSTED,
     *         DEVICE_ID_REQUIRED, POOL_EXHAUSTED, HOST_CAPACITY or DESKTOP_UNAVAILABLE, each with the figures
     */
    public ConnectResult connect(CurrentUser user, UUID poolId, String deviceId) {
        return connect(user, poolId, deviceId, null);
    }

    /**
     * Launches a published application: a connect to the application's pool with the intent "this application".
     * The user's live session in the pool (a reconnect) gets the application started in it; a new session is
     * created without a desktop shell, running the application. Entitlement, licences, quota and metering are the
     * connect's: an application session is a session of the pool, and several applications share it.
     *
     * @throws ProblemException NOT_FOUND (the application is not the tenant's), INVALID_STATE (the session's host has
     *         no agent to start it), and every refusal of {@link #connect(CurrentUser, UUID, String)}
     */
    public ConnectResult launch(CurrentUser user, UUID applicationId, String deviceId) {
        PublishedApplication application = applications.get(user.tenantId(), applicationId).body();
        return connect(user, application.poolId(), deviceId, application);
    }

    private ConnectResult connect(CurrentUser user, UUID poolId, String deviceId, PublishedApplication application) {
        long start = System.nanoTime();
        // the pool's kind, once the connect has read the pool (refusals before that are of no kind)
        PoolKind[] kind = new PoolKind[1];
        try (Spans.Traced span = spans.start("deskport.connect")) {
            span.tag("deskport.tenant.id", user.tenantId()).tag("deskport.user.id", user.userId())
                    .tag("deskport.pool.id", poolId);
            try {
                ConnectResult result = admission.admit(() -> connectWithRetries(user, poolId, deviceId, application, kind));
                meters.connected(kind[0], result.reconnected(), System.nanoTime() - start);
                tally.count(user.tenantId(), poolId, result.reconnected() ? ConnectTally.RECONNECTED : ConnectTally.CREATED);
                span.tag("deskport.pool.kind", kind[0]).tag("deskport.session.id", result.session().id())
                        .tag("deskport.connect.outcome", result.reconnected() ? "RESUMED" : "CONNECTED");
                return result;
            } catch (ProblemException refused) {
                meters.refused(kind[0], refused.reason(), System.nanoTime() - start);
                // a pool that is not the tenant's (or not known yet) is not named in the figures
                boolean poolKnown = refused.reason() != Reason.NOT_FOUND && refused.reason() != Reason.OVERLOADED
                        && refused.reason() != Reason.SERVICE_UNAVAILABLE;
                tally.count(user.tenantId(), poolKnown ? poolId : null, refused.reason().name());
                span.tag("deskport.connect.outcome", "REFUSED").tag("deskport.refusal.reason", refused.reason());
                throw refused;
            } catch (RuntimeException | Error failed) {
                meters.failed(kind[0], System.nanoTime() - start);
                span.tag("deskport.connect.outcome", "ERROR").error(failed);
                throw failed;
            }
        }
    }

    private ConnectResult connectWithRetries(CurrentUser user, UUID poolId, String deviceId,
                                             PublishedApplication application, PoolKind[] kind) {
        int hostsFilled = 0;
        int collisions = 0;
        while (true) {
            try {
                return tx.execute(status -> connectOnce(user, poolId, deviceId, application, kind));
            } catch (HostFilled e) {
                // the chosen host's last seats went to concurrent connects: choose again from the new state
                if (++hostsFilled >= HOST_ATTEMPTS) {
                    log.warn("Connect of user {} to pool {} lost the race for a host seat {} times", user.userId(), poolId,
                            hostsFilled);
                    throw new ProblemException(Reason.CONFLICT, "Too many logons at this moment compete for the last "
                            + "seats of this pool's hosts; try again");
                }
            } catch (DuplicateKeyException | PessimisticLockingFailureException e) {
                // a concurrent connect of the same user won the unique index (found by the commit, which
                // carries the session row), or the database broke a lock cycle: run the whole (short)
                // transaction again
                if (++collisions >= ATTEMPTS) {
                    log.warn("Connect of user {} to pool {} kept colliding with concurrent connects", user.userId(), poolId);
                    if (e instanceof DuplicateKeyException) {
                        throw new ProblemException(Reason.CONFLICT, "Another connect of yours to this pool is in progress; try again");
                    }
                    throw DatabaseOutages.refusal(e);
                }
            } catch (DataAccessException | TransactionSystemException e) {
                // the commit carries the licence seats and the tenant's seat, which fail it when a licence or
                // the quota is full (SQLSTATEs of our own, which Spring reports as a failed commit); anything else
                // that says the database is unavailable is answered in words; nothing committed either way
                Optional<ProblemException> noLicence = licences.seatRefusal(user.tenantId(), e);
                if (noLicence.isPresent()) {
                    throw noLicence.get();
                }
                Optional<ProblemException> quotaFull = quotas.seatRefusal(user.tenantId(), e);
                if (quotaFull.isPresent()) {
                    refusals.quotaRefused(user.tenantId(), quotaFull.get());
                    throw quotaFull.get();
                }
                if (DatabaseOutages.isOutage(e)) {
                    log.warn("Connect of user {} to pool {} failed: the database is unavailable ({})", user.userId(),
                            poolId, DatabaseOutages.rootMessage(e));
                    throw DatabaseOutages.refusal(e);
                }
                throw e;
            }
        }
    }

    private ConnectResult connectOnce(CurrentUser user, UUID poolId, String deviceId, PublishedApplication application,
                                      PoolKind[] kind) {
        // one read: the pool, the entitlement, the user's live session in the pool (reconnect) and, in a
        // PERSISTENT pool, the user's own desktop
        ConnectRead.Start entitled = connectRead.read(user.tenantId(), user.userId(), poolId);
        DesktopPool pool = entitled.pool();
        kind[0] = pool.kind();
        if (entitled.liveSession() != null) {
            Optional<Session> live = queries.liveSession(pool.id(), user.userId());
            if (live.isPresent()) {
                if (live.get().state() == SessionState.DISCONNECTED && entitled.licensed()) {
                    // seats given back at disconnect are taken again (none to take: the function reads one row)
                    licences.takeBackWithCommit(live.get().id());
                }
                if (application != null) {
                    launchInto(live.get(), application);
                }
                return new ConnectResult(live.get(), true);
            }
        }
        if (!pool.enabled()) {
            throw new ProblemException(Reason.POOL_DISABLED, "The pool '" + pool.name()
                    + "' is disabled by your IT administrator", Map.of("poolId", pool.id(), "poolName", pool.name()));
        }
        if (entitled.ownDesktop() == null) {
            // in a refusal storm: what this broker found a moment ago, without claiming and rolling back again
            Optional<ProblemException> recent = refusals.recent(user.tenantId(), pool.id());
            if (recent.isPresent()) {
                throw recent.get();
            }
        }
        UUID desktopId = null;
        Boolean desktopManaged = null;
        UUID hostId = null;
        String machine;
        SessionState state;
        boolean agentCreatesDesktop = false;
        try {
            if (pool.kind() == PoolKind.SHARED) {
                // the seat before the session row: the row's foreign key then finds the host row locked by this
                // transaction already, instead of adding a share lock (a multixact) next to a concurrent seat
                SessionHostPlacement.Placement p = placement.place(pool).orElseThrow(HostFilled::new);
                hostId = p.hostId();
                machine = p.hostName();
                // an agent host creates the user's own desktop session first; a console-registered host has one ready
                agentCreatesDesktop = p.agentManaged();
                state = agentCreatesDesktop ? SessionState.PREPARING : SessionState.READY;
            } else {
                DesktopClaims.Claim c = claims.claim(pool, user.userId(), entitled.ownDesktop());
                desktopId = c.desktopId();
                desktopManaged = c.managed();
                machine = c.desktopName();
                state = c.ready() ? SessionState.READY : SessionState.PREPARING;
            }
        } catch (ProblemException capacityRefusal) {
            // the quota is checked before capacity in meaning, but only read when capacity refuses: on the
            // hot path the binding seat taken below is the only quota statement
            try {
                quotas.checkSessionQuota(user.tenantId());
            } catch (ProblemException quotaFull) {
                refusals.quotaRefused(user.tenantId(), quotaFull);
                throw quotaFull;
            }
            if (capacityRefusal.reason() == Reason.POOL_EXHAUSTED || capacityRefusal.reason() == Reason.HOST_CAPACITY) {
                refusals.poolRefused(pool.id(), capacityRefusal);
            }
            throw capacityRefusal;
        }

        if (application != null && !agentCreatesDesktop) {
            throw noAgent(application, hostId); // rolls back the host seat just taken
        }
        UUID sessionId = Ids.newId();
        // the session row travels with the COMMIT: nothing in this transaction reads it, and its times are the
        // transaction's now(), read with the entitlement. One statement per kind of machine, so that the
        // parameter types (and so the prepared statement) stay the same from one connect to the next.
        writes.append(hostId != null ? INSERT_HOSTED_SESSION : INSERT_DESKTOP_SESSION,
                sessionId, user.tenantId(), pool.id(), user.userId(), hostId != null ? hostId : desktopId, state.name());
        Instant now = entitled.now();
        if (agentCreatesDesktop) {
            if (application == null) {
                agents.requestSession(user.tenantId(), hostId, sessionId, pool.id(), user.userId(), user.username());
            } else {
                agents.requestSession(user.tenantId(), hostId, sessionId, pool.id(), user.userId(), user.username(),
                        application);
            }
        }
        events.publishEvent(new SessionStateChanged(user.tenantId(), sessionId, pool.id(), user.userId(), null, state,
                null, desktopId, hostId, user, desktopManaged, deviceId));
        Session.Preparing preparing = state != SessionState.PREPARING ? null
                : desktopId == null ? new Session.Preparing(SessionQueries.AGENT_STARTING_PHASE, now)
                : jdbc.sql("select state, state_changed_at from pools_desktops where id = ?").param(desktopId)
                        .query((rs, n) -> new Session.Preparing(rs.getString(1), rs.getTimestamp(2).toInstant())).single();
        // last, with the COMMIT: the licence seats' and the tenant's seat rows are locked for the commit alone
        if (entitled.licensed()) {
            licences.takeForSession(user.tenantId(), pool.id(), sessionId, user.userId(), deviceId);
        }
        quotas.takeSessionSlot(user.tenantId());
        Session session = new Session(sessionId, user.tenantId(), pool.id(), pool.name(), pool.kind(), user.userId(),
                user.username(), state, null, desktopId, hostId, machine, now, now, null, null, null, preparing, null, null, null,
                pool.clipboardPolicy());
        return new ConnectResult(session, false);
    }

    /** Starts the application in the user's live session (its window joins the session's display). */
    private void launchInto(Session live, PublishedApplication application) {
        if (live.sessionHostId() == null || !agents.requestLaunch(live.sessionHostId(), live.id(), application)) {
            throw noAgent(application, live.sessionHostId());
        }
    }

    private static ProblemException noAgent(PublishedApplication application, UUID hostId) {
        Map<String, Object> figures = new java.util.LinkedHashMap<>();
        figures.put("applicationId", application.id());
        figures.put("sessionHostId", hostId);
        return new ProblemException(Reason.INVALID_STATE, "The application '" + application.name() + "' cannot start: "
                + "the session host is registered by its console address and runs no Deskport agent", figures);
    }

    /** The chosen host had no room left when its seat was to be taken; the transaction rolls back. */
    private static final class HostFilled extends RuntimeException {
        HostFilled() {
            super("the chosen host filled up meanwhile", null, false, false);
        }
    }
}
