package io.deskport.broker.pools;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import io.deskport.broker.shared.CallerTransaction;
import io.deskport.broker.shared.LockedRows;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

/**
 * Hands desktops to sessions and takes them back, inside the connect (or logoff) transaction.
 *
 * <p>Claims are conditional updates on rows locked with {@code FOR UPDATE SKIP LOCKED}: concurrent
 * brokers never wait for each other and never hand out one desktop twice (also guarded by the unique
 * index of one desktop per user per pool). When every candidate is locked by someone else, the claim
 * looks at the committed state and tries again while free desktops remain, so "exhausted" is only
 * reported when it is true — and no transaction ever waits on another's desktop lock (no deadlocks).
 */
@Service
public class DesktopClaims {

    private static final Logger log = LoggerFactory.getLogger(DesktopClaims.class);

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    DesktopClaims(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    /**
     * A desktop handed to a session.
     *
     * @param ready   true when the desktop is up (session READY); false when it is being started (PREPARING)
     * @param managed true when provisioning manages the desktop's VM
     */
    public record Claim(UUID desktopId, String desktopName, boolean ready, boolean managed) {
    }

    /**
     * Finds the user's desktop in a PERSISTENT or POOLED pool: the user's own (persistent), else a free
     * ready one, else a free stopped one to start.
     *
     * @throws ProblemException POOL_EXHAUSTED (with the pool's figures) or DESKTOP_UNAVAILABLE
     */
    public Claim claim(DesktopPool pool, UUID userId) {
        return claim(pool, userId, null, false);
    }

    /**
     * As {@link #claim(DesktopPool, UUID)}, for a caller that has read the user's own desktop in the pool
     * already (the connect's first read, the desktop assigned to the user, read without a lock): a returning user's
     * desktop is then taken in one statement, and a first-time user's is not looked for again. The read held
     * no lock; if the desktop changed owner or state meanwhile, the claim looks again under a lock. A
     * desktop assigned to the user after that read makes the claim of a free one collide with the unique
     * index of one desktop per user and pool, and the caller's transaction is retried.
     *
     * @param ownDesktop the desktop assigned to the user in a PERSISTENT pool, or null when none was
     */
    public Claim claim(DesktopPool pool, UUID userId, UUID ownDesktop) {
        return claim(pool, userId, ownDesktop, true);
    }

    private Claim claim(DesktopPool pool, UUID userId, UUID ownDesktop, boolean ownKnown) {
        CallerTransaction.require();
        if (pool.kind() == PoolKind.SHARED) {
            throw new IllegalArgumentException("SHARED pools place sessions on hosts");
        }
        if (pool.kind() == PoolKind.PERSISTENT && (!ownKnown || ownDesktop != null)) {
            Optional<Claim> own = ownDesktop != null ? takeOwn(pool, userId, ownDesktop).or(() -> claimOwn(pool, userId))
                    : claimOwn(pool, userId);
            if (own.isPresent()) {
                return own.get();
            }
        }
        long deadline = System.nanoTime() + LOCKED_CANDIDATES_WAIT.toNanos();
        for (int attempt = 0; ; attempt++) {
            Optional<Claim> claim = claimFree(pool, userId, DesktopState.READY, DesktopState.IN_USE)
                    .or(() -> claimFree(pool, userId, DesktopState.STOPPED, DesktopState.STARTING));
            if (claim.isPresent()) {
                return claim.get();
            }
            // Every candidate was locked by a concurrent claim, or none is left: only the committed state
            // tells which. Waiting on those locks instead could deadlock, so look and try again.
            if (!anyFree(pool) || System.nanoTime() > deadline) {
                throw exhausted(pool);
            }
            LockedRows.pause(attempt);
        }
    }

    /** How long a claim keeps trying while every free desktop is locked by concurrent claims. */
    private static final java.time.Duration LOCKED_CANDIDATES_WAIT = java.time.Duration.ofSeconds(3);

    private boolean anyFree(DesktopPool pool) {
        return jdbc.sql("select exists (select 1 from desktop where pool_id = ? and (state = 'READY' "
                + "or state = 'STOPPED' and managed) and assigned_user_id is null)").param(pool.id()).query(Boolean.class).single();
    }

    /**
     * A desktop registered by address and switched off: no provisioning can start it, so a connect is
     * answered at once rather than left PREPARING on a desktop that never comes up.
     */
    private static ProblemException unmanagedStopped(UUID id, String name) {
        return new ProblemException(Reason.DESKTOP_UNAVAILABLE, "Your desktop '" + name + "' is switched off and "
                + "Deskport cannot start it (it is not managed by a hypervisor); ask your IT administrator to start it",
                Map.of("desktopId", id, "desktopState", DesktopState.STOPPED, "managed", false));
    }

    private Optional<Claim> claimOwn(DesktopPool pool, UUID userId) {
        record Own(UUID id, String name, DesktopState state, boolean managed) {
        }
        Optional<Own> own = jdbc.sql("select id, name, state, managed from desktop where pool_id = ? and assigned_user_id = ? "
                        + "for update")
                .params(pool.id(), userId)
                .query((rs, n) -> new Own(rs.getObject(1, UUID.class), rs.getString(2),
                        DesktopState.valueOf(rs.getString(3)), rs.getBoolean(4)))
                .optional();
        if (own.isEmpty()) {
            return Optional.empty();
        }
        Own d = own.get();
        switch (d.state()) {
            case READY, IN_USE -> {
                if (d.state() == DesktopState.IN_USE) {
                    log.warn("Desktop {} was IN_USE without a live session; handing it to its owner {} again", d.id(), userId);
                }
                move(pool, d.id(), d.state(), DesktopState.IN_USE);
                return Optional.of(new Claim(d.id(), d.name(), true, d.managed()));
            }
            case STOPPED -> {
                if (!d.managed()) {
                    throw unmanagedStopped(d.id(), d.name());
                }
                move(pool, d.id(), d.state(), DesktopState.STARTING);
                return Optional.of(new Claim(d.id(), d.name(), false, d.managed()));
            }
            case STOPPING -> {
                if (!d.managed()) {
                    throw unmanagedStopped(d.id(), d.name());
                }
                // being powered off by the power policy: provisioning starts it again for its owner
                move(pool, d.id(), d.state(), DesktopState.STARTING);
                return Optional.of(new Claim(d.id(), d.name(), false, d.managed()));
            }
            case STARTING, PROVISIONING -> {
                return Optional.of(new Claim(d.id(), d.name(), false, d.managed()));
            }
            default -> throw new ProblemException(Reason.DESKTOP_UNAVAILABLE, "Your desktop '" + d.name()
                    + "' is " + d.state().name().toLowerCase() + "; try again later or contact your IT administrator",
                    Map.of("desktopId", d.id(), "desktopState", d.state()));
        }
    }

    /**
     * A returning user's own desktop in one statement, for the usual states: READY (or IN_USE without a
     * live session) goes into use, STOPPED or STOPPING is started. Empty when the desktop is in another
     * state or no longer the user's; {@link #claimOwn} then decides under a lock.
     */
    private Optional<Claim> takeOwn(DesktopPool pool, UUID userId, UUID desktopId) {
        record Taken(Claim claim, DesktopState from, DesktopState to) {
        }
        // the sub-select locks the row and yields its state before the update (RETURNING sees only the new one)
        Optional<Taken> taken = jdbc.sql("update desktop d set state = case o.state when 'STOPPED' then 'STARTING' "
                        + "when 'STOPPING' then 'STARTING' else 'IN_USE' end, state_changed_at = now() "
                        + "from (select id, state from desktop where id = ? and pool_id = ? and assigned_user_id = ? "
                        + "for update) o where d.id = o.id and (o.state in ('READY', 'IN_USE') "
                        + "or o.state in ('STOPPED', 'STOPPING') and d.managed) "
                        + "returning d.id, d.name, d.managed, o.state, d.state")
                .params(desktopId, pool.id(), userId)
                .query((rs, n) -> {
                    DesktopState to = DesktopState.valueOf(rs.getString(5));
                    return new Taken(new Claim(rs.getObject(1, UUID.class), rs.getString(2), to == DesktopState.IN_USE,
                            rs.getBoolean(3)), DesktopState.valueOf(rs.getString(4)), to);
                })
                .optional();
        taken.ifPresent(t -> {
            if (t.from() == DesktopState.IN_USE) {
                log.warn("Desktop {} was IN_USE without a live session; handing it to its owner {} again", desktopId, userId);
            } else {
                events.publishEvent(new DesktopStateChanged(pool.tenantId(), pool.id(), desktopId, t.from(), t.to()));
            }
        });
        return taken.map(Taken::claim);
    }

    private Optional<Claim> claimFree(DesktopPool pool, UUID userId, DesktopState from, DesktopState to) {
        // only provisioning can start a STOPPED desktop: one registered by address and switched off is not free
        // The states are written into the statement (enum names, not input): with them as parameters the
        // planner cannot fit the partial index (desktop_claimable for READY, desktop_startable for STOPPED) to a
        // cached plan and plans every claim anew.
        // The order is the index's own: without it a cached plan may scan the whole table for a free desktop,
        // costed as if the first row matched.
        Optional<Claim> claim = jdbc.sql("update desktop set state = '" + to.name() + "', assigned_user_id = ?, "
                        + "state_changed_at = now() where id = (select id from desktop where pool_id = ? and state = '"
                        + from.name() + "' and assigned_user_id is null" + (from == DesktopState.STOPPED ? " and managed" : "")
                        + " order by id limit 1 for update skip locked) "
                        + "returning id, name, managed")
                .params(userId, pool.id())
                .query((rs, n) -> new Claim(rs.getObject(1, UUID.class), rs.getString(2), to == DesktopState.IN_USE,
                        rs.getBoolean(3)))
                .optional();
        claim.ifPresent(c -> events.publishEvent(new DesktopStateChanged(pool.tenantId(), pool.id(), c.desktopId(), from, to)));
        return claim;
    }

    /** Puts a desktop into use for a session that waited for it to start. */
    public boolean occupy(DesktopPool pool, UUID desktopId) {
        CallerTransaction.require();
        return move(pool, desktopId, DesktopState.READY, DesktopState.IN_USE);
    }

    /**
     * Takes a desktop back after its session ended: a persistent desktop stays with its owner, a pooled
     * one is freed — refreshed first when provisioning manages it.
     */
    public void release(DesktopPool pool, UUID desktopId) {
        CallerTransaction.require();
        record Row(DesktopState state, boolean managed) {
        }
        Row row = jdbc.sql("select state, managed from desktop where id = ? for update").param(desktopId)
                .query((rs, n) -> new Row(DesktopState.valueOf(rs.getString(1)), rs.getBoolean(2))).optional().orElse(null);
        if (row == null) {
            return;
        }
        if (pool.kind() == PoolKind.PERSISTENT) {
            if (row.state() == DesktopState.IN_USE) {
                move(pool, desktopId, DesktopState.IN_USE, DesktopState.READY);
            }
            return;
        }
        if (row.state() == DesktopState.IN_USE || row.state() == DesktopState.STARTING) {
            // an unmanaged machine still starting when its session ended is left stopped for an admin
            DesktopState next = row.managed() ? DesktopState.REFRESHING
                    : row.state() == DesktopState.STARTING ? DesktopState.STOPPED : DesktopState.READY;
            jdbc.sql("update desktop set state = ?, assigned_user_id = null, state_changed_at = now() where id = ?")
                    .params(next.name(), desktopId).update();
            events.publishEvent(new DesktopStateChanged(pool.tenantId(), pool.id(), desktopId, row.state(), next));
        } else {
            jdbc.sql("update desktop set assigned_user_id = null where id = ?").param(desktopId).update();
        }
    }

    /**
     * Takes a desktop back after its session ended because its console could not be reached: it is marked
     * FAILED with {@code failureReason}, so that no one else is given it until an admin has looked (a
     * persistent desktop keeps its owner; provisioning replaces a managed pooled one). A desktop already
     * being deleted is only released.
     */
    public void takeOutOfService(DesktopPool pool, UUID desktopId, String failureReason) {
        CallerTransaction.require();
        DesktopState from = jdbc.sql("select state from desktop where id = ? for update").param(desktopId)
                .query((rs, n) -> DesktopState.valueOf(rs.getString(1))).optional().orElse(null);
        if (from == null) {
            return;
        }
        if (from != DesktopState.FAILED && !from.canMoveTo(DesktopState.FAILED)) {
            release(pool, desktopId);
            return;
        }
        jdbc.sql("update desktop set state = 'FAILED', failure_reason = ?, state_changed_at = now()"
                        + (pool.kind() == PoolKind.PERSISTENT ? "" : ", assigned_user_id = null") + " where id = ?")
                .params(failureReason, desktopId).update();
        if (from != DesktopState.FAILED) {
            events.publishEvent(new DesktopStateChanged(pool.tenantId(), pool.id(), desktopId, from, DesktopState.FAILED));
        }
    }

    private boolean move(DesktopPool pool, UUID desktopId, DesktopState from, DesktopState to) {
        int n = jdbc.sql("update desktop set state = ?, state_changed_at = now() where id = ? and state = ?")
                .params(to.name(), desktopId, from.name()).update();
        if (n == 1 && from != to) {
            events.publishEvent(new DesktopStateChanged(pool.tenantId(), pool.id(), desktopId, from, to));
        }
        return n == 1;
    }

    private ProblemException exhausted(DesktopPool pool) {
        events.publishEvent(new PoolExhausted(pool.tenantId(), pool.id()));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("poolId", pool.id());
        figures.put("poolName", pool.name());
        Map<String, Integer> byState = new LinkedHashMap<>();
        for (DesktopState s : DesktopState.values()) {
            byState.put(s.name(), 0);
        }
        int[] total = {0};
        int[] freeReady = {0};
        jdbc.sql("select state, count(*), count(*) filter (where assigned_user_id is null) from desktop "
                        + "where pool_id = ? group by state")
                .param(pool.id())
                .query(rs -> {
                    byState.put(rs.getString(1), rs.getInt(2));
                    total[0] += rs.getInt(2);
                    if ("READY".equals(rs.getString(1))) {
                        freeReady[0] = rs.getInt(3);
                    }
                });
        figures.put("poolSize", total[0]);
        figures.put("readyDesktops", freeReady[0]);
        figures.put("desktopsInUse", byState.get("IN_USE"));
        figures.put("desktopsByState", byState);
        String detail = total[0] == 0
                ? "The pool '" + pool.name() + "' has no desktops yet; an administrator must add some"
                : "All " + total[0] + " desktops of the pool '" + pool.name() + "' are taken or unavailable ("
                        + byState.get("IN_USE") + " in use); try again in a few minutes";
        return new ProblemException(Reason.POOL_EXHAUSTED, detail, figures);
    }
}
