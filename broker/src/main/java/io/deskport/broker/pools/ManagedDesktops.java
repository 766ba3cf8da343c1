package io.deskport.broker.pools;

import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.tenancy.TenantQuotas;

/**
 * The desktops provisioning creates and runs ({@code managed = true}), as the provisioning module
 * drives them: created in PROVISIONING, moved through their states with conditional updates (each move
 * publishes {@link DesktopStateChanged}, so a session waiting in PREPARING becomes READY in the same
 * transaction), marked FAILED with a reason, removed. Works across tenants: the reconciler serves all
 * of them. Every method joins the caller's transaction.
 */
@Service
@Transactional
public class ManagedDesktops {

    private final JdbcClient jdbc;
    private final TenantQuotas quotas;
    private final ApplicationEventPublisher events;

    ManagedDesktops(JdbcClient jdbc, TenantQuotas quotas, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.quotas = quotas;
        this.events = events;
    }

    /** Every managed desktop of every tenant (the reconciler's view). */
    @Transactional(readOnly = true)
    public List<Desktop> listAll() {
        return jdbc.sql("select " + Desktops.COLUMNS + " from desktop where managed").query(Desktops::map).list();
    }

    /** A desktop of any tenant, managed or not. */
    @Transactional(readOnly = true)
    public Optional<Desktop> find(UUID desktopId) {
        return jdbc.sql("select " + Desktops.COLUMNS + " from desktop where id = ?").param(desktopId)
                .query(Desktops::map).optional();
    }

    /** Pools of any tenant by id (missing ids are left out). */
    @Transactional(readOnly = true)
    public Map<UUID, DesktopPool> pools(Collection<UUID> poolIds) {
        Map<UUID, DesktopPool> result = new HashMap<>();
        if (poolIds.isEmpty()) {
            return result;
        }
        jdbc.sql("select " + DesktopPools.COLUMNS + " from desktop_pool where id = any(?)")
                .param(poolIds.toArray(UUID[]::new)).query(DesktopPools::map).list()
                .forEach(p -> result.put(p.id(), p));
        return result;
    }

    /**
     * Records a new desktop that provisioning is about to clone: PROVISIONING, managed, counted against
     * the tenant's desktop quota.
     *
     * @throws io.deskport.broker.shared.ProblemException TENANT_QUOTA when the tenant has its maximum, or
     *         a listener's refusal of {@link DesktopAdded} (LICENCE_EXHAUSTED)
     */
    public void create(UUID tenantId, UUID poolId, UUID desktopId, String name) {
        quotas.reserveDesktop(tenantId);
        jdbc.sql("insert into desktop (id, tenant_id, pool_id, name, state, managed) values (?, ?, ?, ?, 'PROVISIONING', true)")
                .params(desktopId, tenantId, poolId, name).update();
        events.publishEvent(new DesktopAdded(tenantId, poolId, desktopId, true));
    }

    /**
     * Moves a desktop from one of {@code from} to {@code to} if it is in one of them now.
     *
     * @return the state it left, or empty when it was in none of them (or is gone)
     * @throws IllegalArgumentException when a move of {@code from} to {@code to} is not legal
     */
    public Optional<DesktopState> move(UUID desktopId, Set<DesktopState> from, DesktopState to) {
        return move(desktopId, from, to, false);
    }

    private Optional<DesktopState> move(UUID desktopId, Set<DesktopState> from, DesktopState to, boolean machineGone) {
        for (DesktopState f : from) {
            if (f != to && !f.canMoveTo(to)) {
                throw new IllegalArgumentException("a desktop cannot go from " + f + " to " + to);
            }
        }
        record Moved(UUID tenantId, UUID poolId, DesktopState from) {
        }
        Optional<Moved> moved = jdbc.sql("update desktop d set state = ?, state_changed_at = now(), "
                        + "failure_reason = case when ? = 'FAILED' then d.failure_reason else null end "
                        + "from (select id, state from desktop where id = ? for update) old "
                        + "where d.id = old.id and old.state = any(?) returning d.tenant_id, d.pool_id, old.state")
                .params(to.name(), to.name(), desktopId, from.stream().map(Enum::name).toArray(String[]::new))
                .query((rs, n) -> new Moved(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        DesktopState.valueOf(rs.getString(3))))
                .optional();
        moved.filter(m -> m.from() != to).ifPresent(m ->
                events.publishEvent(new DesktopStateChanged(m.tenantId(), m.poolId(), desktopId, m.from(), to,
                        machineGone)));
        return moved.map(Moved::from);
    }

    /**
     * Moves many desktops at once from one of {@code from} to {@code to} (those in none of them stay),
     * in one statement; each move publishes its {@link DesktopStateChanged}.
     *
     * @return the desktops that moved
     */
    public Set<UUID> moveAll(Collection<UUID> desktopIds, Set<DesktopState> from, DesktopState to) {
        for (DesktopState f : from) {
            if (f != to && !f.canMoveTo(to)) {
                throw new IllegalArgumentException("a desktop cannot go from " + f + " to " + to);
            }
        }
        Set<UUID> moved = new java.util.HashSet<>();
        if (desktopIds.isEmpty()) {
            return moved;
        }
        jdbc.sql("with old as (select id, state from desktop where id = any(?) and state = any(?) order by id for update) "
                        + "update desktop d set state = ?, state_changed_at = now(), "
                        + "failure_reason = case when ? = 'FAILED' then d.failure_reason else null end "
                        + "from old where d.id = old.id returning d.id, d.tenant_id, d.pool_id, old.state")
                .params(desktopIds.toArray(UUID[]::new), from.stream().map(Enum::name).toArray(String[]::new),
                        to.name(), to.name())
                .query(rs -> {
                    UUID id = rs.getObject(1, UUID.class);
                    DesktopState old = DesktopState.valueOf(rs.getString(4));
                    moved.add(id);
                    if (old != to) {
                        events.publishEvent(new DesktopStateChanged(rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
                                id, old, to));
                    }
                });
        return moved;
    }

    /** {@link #move(UUID, Set, DesktopState)} from one state. */
    public boolean move(UUID desktopId, DesktopState from, DesktopState to) {
        return move(desktopId, EnumSet.of(from), to).isPresent();
    }

    /**
     * The desktop's console answered: records where it is and moves the desktop to READY (a session
     * waiting for it becomes READY in this transaction).
     *
     * @return false when the desktop is not in {@code from} any more (or is gone)
     */
    public boolean ready(UUID desktopId, DesktopState from, String consoleHost, int consolePort, String consolePassword) {
        int n = jdbc.sql("update desktop set console_host = ?, console_port = ?, console_password = ? "
                        + "where id = ? and state = ?")
                .params(consoleHost, consolePort, consolePassword, desktopId, from.name()).update();
        return n == 1 && move(desktopId, from, DesktopState.READY);
    }

    /**
     * The running desktop's console answers elsewhere now (it was migrated to another host); its state is unchanged.
     * A tunnel whose console went away reads the new one.
     */
    public void consoleMoved(UUID desktopId, String consoleHost, int consolePort, String consolePassword) {
        jdbc.sql("update desktop set console_host = ?, console_port = ?, console_password = ? where id = ?")
                .params(consoleHost, consolePort, consolePassword, desktopId).update();
    }

    /**
     * Marks a desktop FAILED with a reason people can read; a desktop being deleted stays DELETING.
     *
     * @return true when it is FAILED now
     */
    public boolean fail(UUID desktopId, String failureReason) {
        return fail(desktopId, failureReason, false);
    }

    /**
     * As {@link #fail(UUID, String)}; {@code machineGone} says the desktop's machine was found gone from its
     * host (a ghost), so its live sessions end as HOST_LOST rather than PROVISIONING_FAILED.
     */
    public boolean fail(UUID desktopId, String failureReason, boolean machineGone) {
        Set<DesktopState> from = EnumSet.complementOf(EnumSet.of(DesktopState.DELETING));
        from.removeIf(s -> s != DesktopState.FAILED && !s.canMoveTo(DesktopState.FAILED));
        Optional<DesktopState> left = move(desktopId, from, DesktopState.FAILED, machineGone);
        if (left.isPresent()) {
            jdbc.sql("update desktop set failure_reason = ? where id = ?").params(failureReason, desktopId).update();
        }
        return left.isPresent();
    }

    /**
     * A desktop the broker had running (READY or IN_USE) whose machine was found powered off: it is STOPPED now
     * (a start brings it back with its disk), and its live session ends (HOST_LOST), the machine's console
     * being gone. A pooled desktop that was in use is REFRESHING instead: its next user must not find what
     * this one left on it.
     *
     * @return true when it moved
     */
    public boolean poweredOff(UUID desktopId) {
        boolean pooledInUse = jdbc.sql("select d.state = 'IN_USE' and p.kind = 'POOLED' from desktop d "
                        + "join desktop_pool p on p.id = d.pool_id where d.id = ?")
                .param(desktopId).query(Boolean.class).optional().orElse(false);
        return pooledInUse
                ? move(desktopId, EnumSet.of(DesktopState.IN_USE), DesktopState.REFRESHING, true).isPresent()
                : move(desktopId, EnumSet.of(DesktopState.READY, DesktopState.IN_USE), DesktopState.STOPPED, true).isPresent();
    }

    /**
     * Removes a desktop whose machine is gone: live sessions on it are ended (listeners of
     * {@link DesktopRemoved}), the row goes and the tenant's desktop quota is given back.
     *
     * @return false when it was already gone
     */
    public boolean remove(UUID desktopId) {
        Optional<Desktop> d = jdbc.sql("select " + Desktops.COLUMNS + " from desktop where id = ? for update")
                .param(desktopId).query(Desktops::map).optional();
        if (d.isEmpty()) {
            return false;
        }
        events.publishEvent(new DesktopRemoved(d.get().tenantId(), d.get().poolId(), desktopId, d.get().name()));
        jdbc.sql("delete from desktop where id = ?").param(desktopId).update();
        quotas.releaseDesktop(d.get().tenantId());
        return true;
    }
}
