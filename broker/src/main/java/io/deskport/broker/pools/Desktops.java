package io.deskport.broker.pools;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.Listing;
import io.deskport.broker.shared.Page;
import io.deskport.broker.shared.PageParams;
import io.deskport.broker.shared.ConsoleNetworks;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.tenancy.TenantQuotas;

/**
 * Desktops of PERSISTENT and POOLED pools as admins manage them: registering existing machines by their
 * console address, maintenance, assignment and removal. Provisioning adds machines through the same table.
 */
@Service
public class Desktops {

    /** States that provisioning moves a desktop out of by itself; only managed desktops may be put in them. */
    private static final Set<DesktopState> TRANSIENT = EnumSet.of(DesktopState.PROVISIONING, DesktopState.STARTING,
            DesktopState.STOPPING, DesktopState.REFRESHING, DesktopState.DELETING);

    static final String COLUMNS = "id, tenant_id, pool_id, name, state, assigned_user_id, console_host, console_port, "
            + "console_password is not null as has_password, managed, failure_reason, created_at, state_changed_at";

    private final JdbcClient jdbc;
    private final DesktopPools pools;
    private final TenantQuotas quotas;
    private final ApplicationEventPublisher events;
    private final ConsoleNetworks consoleNetworks;

    Desktops(JdbcClient jdbc, DesktopPools pools, TenantQuotas quotas, ApplicationEventPublisher events,
             ConsoleNetworks consoleNetworks) {
        this.jdbc = jdbc;
        this.pools = pools;
        this.quotas = quotas;
        this.events = events;
        this.consoleNetworks = consoleNetworks;
    }

    /** An existing machine reachable on a VNC console. */
    public record DesktopRegistration(String name, String consoleHost, int consolePort, String consolePassword,
                                      DesktopState state, UUID assignedUserId) {
    }

    @Transactional
    public Desktop register(AdminContext ctx, UUID poolId, DesktopRegistration r) {
        return register(ctx, poolId, r, null);
    }

    /**
     * Registers a desktop after its console was checked: a READY registration whose check found the console
     * unusable is registered FAILED with the finding as its reason (an admin sets it READY once it answers).
     *
     * @param check what the console said, or null when it was not checked
     */
    @Transactional
    public Desktop register(AdminContext ctx, UUID poolId, DesktopRegistration r, ConsoleCheck check) {
        DesktopPool pool = pools.get(ctx.tenantId(), poolId);
        if (pool.kind() == PoolKind.SHARED) {
            throw new ProblemException(Reason.INVALID_STATE, "A SHARED pool has session hosts, not desktops",
                    Map.of("poolKind", pool.kind()));
        }
        DesktopState state = r.state() == null ? DesktopState.READY : r.state();
        if (state != DesktopState.READY && state != DesktopState.STOPPED && state != DesktopState.MAINTENANCE) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "A registered desktop starts READY, STOPPED or MAINTENANCE");
        }
        if (r.assignedUserId() != null && pool.kind() != PoolKind.PERSISTENT) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "Only desktops of PERSISTENT pools are assigned to a user");
        }
        if (r.assignedUserId() != null) {
            jdbc.sql("select id from tenancy_users where tenant_id = ? and id = ?").params(ctx.tenantId(), r.assignedUserId())
                    .query(UUID.class).optional().orElseThrow(() -> ProblemException.notFound("User", r.assignedUserId()));
        }
        consoleNetworks.require("consoleHost", r.consoleHost());
        String failureReason = null;
        if (check != null && check.result().failed() && state == DesktopState.READY) {
            state = DesktopState.FAILED;
            failureReason = "console check at registration: " + check.result() + " (" + check.detail() + ")";
        }
        quotas.reserveDesktop(ctx.tenantId());
        UUID id = Ids.newId();
        jdbc.sql("insert into desktop (id, tenant_id, pool_id, name, state, assigned_user_id, console_host, "
                        + "console_port, console_password, failure_reason) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(id, ctx.tenantId(), poolId, r.name(), state.name(), r.assignedUserId(), r.consoleHost(),
                        r.consolePort(), r.consolePassword(), failureReason)
                .update();
        events.publishEvent(new DesktopAdded(ctx.tenantId(), poolId, id, false));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("poolId", poolId.toString());
        details.put("name", r.name());
        details.put("console", r.consoleHost() + ":" + r.consolePort());
        details.put("state", state.name());
        details.put("assignedUserId", r.assignedUserId() == null ? null : r.assignedUserId().toString());
        if (check != null) {
            details.put("consoleCheck", check.result().name());
            details.put("rfbVersion", check.rfbVersion());
        }
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "DESKTOP_REGISTERED", "DESKTOP",
                id.toString(), details));
        return get(ctx.tenantId(), id);
    }

    /**
     * A pool's desktops counted.
     *
     * @param managed those provisioning created (their machines are its); the others were registered by address
     * @param assigned those assigned to a user now (PERSISTENT: owned; POOLED: in use)
     */
    public record Tally(int total, int managed, int assigned) {
    }

    /** @return the pool's desktops counted */
    @Transactional(readOnly = true)
    public Tally tally(UUID tenantId, UUID poolId) {
        return jdbc.sql("select count(*), count(*) filter (where managed), count(assigned_user_id) from desktop "
                        + "where tenant_id = ? and pool_id = ?").params(tenantId, poolId)
                .query((rs, n) -> new Tally(rs.getInt(1), rs.getInt(2), rs.getInt(3))).single();
    }

    @Transactional(readOnly = true)
    public List<Desktop> list(UUID tenantId, UUID poolId) {
        return jdbc.sql("select " + COLUMNS + " from desktop where tenant_id = ? and pool_id = ? order by name")
                .params(tenantId, poolId).query(Desktops::map).list();
    }

    /**
     * Filters of the desktop list; null members do not filter.
     *
     * @param userId the assigned user (PERSISTENT: the owner; POOLED: the user of the current session)
     * @param q words in the name or console address
     */
    public record DesktopFilter(UUID poolId, DesktopState state, UUID userId, Boolean managed, String q) {
    }

    private static final Listing<Desktop> LISTING = Listing.of(COLUMNS, "desktop", "id", Listing.Kind.UUID,
                    Desktops::map)
            .sort("name", "name", Listing.Kind.TEXT).sort("createdAt", "created_at", Listing.Kind.TIME)
            .sort("stateChangedAt", "state_changed_at", Listing.Kind.TIME).build();

    /** A page of the tenant's desktops (sort keys: {@code name} (default), {@code createdAt}, {@code stateChangedAt}). */
    @Transactional(readOnly = true)
    public Page<Desktop> page(UUID tenantId, DesktopFilter f, PageParams page) {
        return LISTING.page(jdbc, Listing.Where.of("tenant_id = ?", tenantId).and("pool_id = ?", f.poolId())
                .and("state = ?", f.state()).and("assigned_user_id = ?", f.userId()).and("managed = ?", f.managed())
                .text(f.q(), "name", "console_host"), page);
    }

    @Transactional(readOnly = true)
    public Desktop get(UUID tenantId, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from desktop where tenant_id = ? and id = ?").params(tenantId, id)
                .query(Desktops::map).optional().orElseThrow(() -> ProblemException.notFound("Desktop", id));
    }

    /**
     * Moves a desktop to another state on an admin's word (maintenance on/off, marking it started or
     * stopped). The move must be legal; desktops with a session are left alone.
     */
    @Transactional
    public Desktop changeState(AdminContext ctx, UUID id, DesktopState next) {
        Desktop d = get(ctx.tenantId(), id);
        if (d.state() == DesktopState.IN_USE || next == DesktopState.IN_USE) {
            throw new ProblemException(Reason.IN_USE, "Sessions move desktops in and out of IN_USE; end the session instead",
                    Map.of("desktopState", d.state()));
        }
        if (!d.managed() && TRANSIENT.contains(next)) {
            // nothing would ever move it on: a machine registered by address has no provisioning to own the state
            throw new ProblemException(Reason.INVALID_STATE, "Only provisioning moves a desktop to " + next
                    + "; this desktop is registered by address: set it READY, STOPPED or MAINTENANCE",
                    Map.of("desktopState", d.state(), "requestedState", next, "managed", false));
        }
        // an admin who switched on a machine registered by address says so directly: no STARTING in between,
        // which only provisioning would end
        boolean switchedOnByHand = !d.managed() && d.state() == DesktopState.STOPPED && next == DesktopState.READY;
        if (!d.state().canMoveTo(next) && !switchedOnByHand) {
            throw new ProblemException(Reason.INVALID_STATE, "A desktop cannot go from " + d.state() + " to " + next,
                    Map.of("desktopState", d.state(), "requestedState", next));
        }
        int n = jdbc.sql("update desktop set state = ?, state_changed_at = now(), "
                        + "failure_reason = case when ? = 'FAILED' then failure_reason else null end "
                        + "where tenant_id = ? and id = ? and state = ?")
                .params(next.name(), next.name(), ctx.tenantId(), id, d.state().name()).update();
        if (n == 0) {
            throw new ProblemException(Reason.CONFLICT, "The desktop changed meanwhile; read it again");
        }
        events.publishEvent(new DesktopStateChanged(ctx.tenantId(), d.poolId(), id, d.state(), next));
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "DESKTOP_STATE_CHANGED", "DESKTOP",
                id.toString(), Map.of("from", d.state().name(), "to", next.name())));
        return get(ctx.tenantId(), id);
    }

    /**
     * Resets a pooled desktop to its pool's image now (as after a logoff): it goes REFRESHING and provisioning
     * refreshes it. Only managed desktops of POOLED pools: a persistent desktop keeps its user's disk, and a desktop
     * registered by address has no image to go back to.
     */
    @Transactional
    public Desktop refresh(AdminContext ctx, UUID id) {
        Desktop d = get(ctx.tenantId(), id);
        DesktopPool pool = pools.get(ctx.tenantId(), d.poolId());
        if (pool.kind() != PoolKind.POOLED || !d.managed()) {
            throw new ProblemException(Reason.INVALID_STATE, pool.kind() != PoolKind.POOLED
                    ? "Only desktops of POOLED pools are refreshed; a " + pool.kind() + " desktop keeps its disk"
                    : "This desktop is registered by address: there is no image to refresh it from",
                    Map.of("poolKind", pool.kind(), "managed", d.managed()));
        }
        return changeState(ctx, id, DesktopState.REFRESHING);
    }

    /** Assigns (or, with null, unassigns) the owner of a PERSISTENT pool's desktop that has no session. */
    @Transactional
    public Desktop assign(AdminContext ctx, UUID id, UUID userId) {
        Desktop d = get(ctx.tenantId(), id);
        DesktopPool pool = pools.get(ctx.tenantId(), d.poolId());
        if (pool.kind() != PoolKind.PERSISTENT) {
            throw new ProblemException(Reason.INVALID_STATE, "Only desktops of PERSISTENT pools have an owner",
                    Map.of("poolKind", pool.kind()));
        }
        if (d.state() == DesktopState.IN_USE || d.state() == DesktopState.STARTING) {
            throw new ProblemException(Reason.IN_USE, "The desktop has a session; end it before reassigning",
                    Map.of("desktopState", d.state()));
        }
        if (userId != null) {
            jdbc.sql("select id from tenancy_users where tenant_id = ? and id = ?").params(ctx.tenantId(), userId)
                    .query(UUID.class).optional().orElseThrow(() -> ProblemException.notFound("User", userId));
        }
        jdbc.sql("update desktop set assigned_user_id = ? where tenant_id = ? and id = ?")
                .params(userId, ctx.tenantId(), id).update();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("previousUserId", d.assignedUserId() == null ? null : d.assignedUserId().toString());
        details.put("userId", userId == null ? null : userId.toString());
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "DESKTOP_ASSIGNED", "DESKTOP",
                id.toString(), details));
        return get(ctx.tenantId(), id);
    }

    /** Removes a desktop; a live session on it is ended first (by the listeners of {@link DesktopRemoved}). */
    @Transactional
    public void delete(AdminContext ctx, UUID id) {
        Desktop d = get(ctx.tenantId(), id);
        events.publishEvent(new DesktopRemoved(ctx.tenantId(), d.poolId(), id, d.name()));
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "DESKTOP_DELETED", "DESKTOP",
                id.toString(), Map.of("name", d.name(), "poolId", d.poolId().toString())));
        jdbc.sql("delete from desktop where tenant_id = ? and id = ?").params(ctx.tenantId(), id).update();
        quotas.releaseDesktop(ctx.tenantId());
    }

    static Desktop map(ResultSet rs, int row) throws SQLException {
        return new Desktop(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getObject("pool_id", UUID.class), rs.getString("name"), DesktopState.valueOf(rs.getString("state")),
                rs.getObject("assigned_user_id", UUID.class), rs.getString("console_host"),
                (Integer) rs.getObject("console_port"), rs.getBoolean("has_password"), rs.getBoolean("managed"),
                rs.getString("failure_reason"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("state_changed_at").toInstant());
    }

    /**
     * For the user's "My desktops" list: per pool, how many desktops it has in service (not failed, in maintenance
     * or being deleted) and how many a connect of this user
     * could take now or soon (free ones: ready, stopped or on their way; in a persistent pool the user's own
     * one, or free unassigned ones). A hint; the connect decides.
     */
    public record Capacity(int desktops, int usable) {
    }

    @Transactional(readOnly = true)
    public Map<UUID, Capacity> capacityFor(UUID tenantId, UUID userId, Collection<UUID> poolIds) {
        Map<UUID, Capacity> result = new HashMap<>();
        if (poolIds.isEmpty()) {
            return result;
        }
        jdbc.sql("select pool_id, count(*) filter (where state not in ('FAILED', 'MAINTENANCE', 'DELETING')), "
                        + "count(*) filter (where state in ('READY', 'STOPPED', 'STARTING', "
                        + "'REFRESHING', 'PROVISIONING') and (assigned_user_id is null or assigned_user_id = ?)) "
                        + "+ count(*) filter (where assigned_user_id = ? and state in ('IN_USE', 'STOPPING')) "
                        + "from desktop where tenant_id = ? and pool_id = any(?) group by pool_id")
                .params(userId, userId, tenantId, poolIds.toArray(UUID[]::new))
                .query((rs, n) -> result.put(rs.getObject(1, UUID.class), new Capacity(rs.getInt(2), rs.getInt(3))))
                .list();
        return result;
    }
}
