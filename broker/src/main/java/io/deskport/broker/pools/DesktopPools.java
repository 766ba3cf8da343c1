package io.deskport.broker.pools;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.tenancy.TenantQuotas;

/** Defines desktop pools and their session policy. */
@Service
public class DesktopPools {

    static final String COLUMNS = "id, tenant_id, name, description, kind, enabled, load_balancing, idle_timeout_s, "
            + "idle_action, disconnect_timeout_s, max_session_s, record_sessions, prepare_timeout_s, created_at, updated_at";

    /** The columns of the published read model {@code pools_pools}, which {@link #map} reads into a pool. */
    public static final String PUBLISHED_COLUMNS = COLUMNS;

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final TenantQuotas quotas;

    DesktopPools(JdbcClient jdbc, ApplicationEventPublisher events, TenantQuotas quotas) {
        this.quotas = quotas;
        this.jdbc = jdbc;
        this.events = events;
    }

    /** Settings of a pool; on change, null members stay as they are (kind cannot change). */
    public record PoolSettings(String name, String description, PoolKind kind, Boolean enabled,
                               LoadBalancing loadBalancing, Integer idleTimeoutSeconds, IdleAction idleAction,
                               Integer disconnectTimeoutSeconds, Integer maxSessionSeconds, Boolean recordSessions,
                               Integer prepareTimeoutSeconds) {
    }

    /** Default disconnect timeout of new pools: a disconnected session is logged off after an hour. */
    public static final int DEFAULT_DISCONNECT_TIMEOUT_S = 3600;

    @Transactional
    public DesktopPool create(AdminContext ctx, PoolSettings s) {
        UUID id = Ids.newId();
        jdbc.sql("insert into desktop_pool (id, tenant_id, name, description, kind, enabled, load_balancing, "
                        + "idle_timeout_s, idle_action, disconnect_timeout_s, max_session_s, record_sessions, prepare_timeout_s) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(id, ctx.tenantId(), s.name(), s.description() == null ? "" : s.description(), s.kind().name(),
                        s.enabled() == null || s.enabled(),
                        (s.loadBalancing() == null ? LoadBalancing.BREADTH_FIRST : s.loadBalancing()).name(),
                        s.idleTimeoutSeconds(), (s.idleAction() == null ? IdleAction.DISCONNECT : s.idleAction()).name(),
                        s.disconnectTimeoutSeconds() == null ? DEFAULT_DISCONNECT_TIMEOUT_S : s.disconnectTimeoutSeconds(),
                        s.maxSessionSeconds(), s.recordSessions() != null && s.recordSessions(),
                        s.prepareTimeoutSeconds() == null || s.prepareTimeoutSeconds() == 0 ? null : s.prepareTimeoutSeconds())
                .update();
        DesktopPool pool = get(ctx.tenantId(), id);
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "POOL_CREATED", "DESKTOP_POOL",
                id.toString(), describe(pool)));
        return pool;
    }

    @Transactional(readOnly = true)
    public List<DesktopPool> list(UUID tenantId) {
        return jdbc.sql("select " + COLUMNS + " from desktop_pool where tenant_id = ? order by name")
                .param(tenantId).query(DesktopPools::map).list();
    }

    /**
     * @return the pool if it belongs to the tenant
     * @throws ProblemException NOT_FOUND otherwise (never revealing other tenants' pools)
     */
    @Transactional(readOnly = true)
    public DesktopPool get(UUID tenantId, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from desktop_pool where tenant_id = ? and id = ?")
                .params(tenantId, id).query(DesktopPools::map).optional()
                .orElseThrow(() -> ProblemException.notFound("Pool", id));
    }

    /**
     * Changes the pool's settings. To clear a timeout, send 0 (stored as "never"; for the prepare
     * timeout: "the platform's default").
     */
    @Transactional
    public DesktopPool update(AdminContext ctx, UUID id, PoolSettings s) {
        get(ctx.tenantId(), id);
        jdbc.sql("update desktop_pool set name = coalesce(?, name), description = coalesce(?, description), "
                        + "enabled = coalesce(?, enabled), load_balancing = coalesce(?, load_balancing), "
                        + "idle_timeout_s = case when ?::int is null then idle_timeout_s else nullif(?::int, 0) end, "
                        + "idle_action = coalesce(?, idle_action), "
                        + "disconnect_timeout_s = case when ?::int is null then disconnect_timeout_s else nullif(?::int, 0) end, "
                        + "max_session_s = case when ?::int is null then max_session_s else nullif(?::int, 0) end, "
                        + "record_sessions = coalesce(?, record_sessions), "
                        + "prepare_timeout_s = case when ?::int is null then prepare_timeout_s else nullif(?::int, 0) end, "
                        + "updated_at = now() where tenant_id = ? and id = ?")
                .params(s.name(), s.description(), s.enabled(),
                        s.loadBalancing() == null ? null : s.loadBalancing().name(),
                        s.idleTimeoutSeconds(), s.idleTimeoutSeconds(),
                        s.idleAction() == null ? null : s.idleAction().name(),
                        s.disconnectTimeoutSeconds(), s.disconnectTimeoutSeconds(),
                        s.maxSessionSeconds(), s.maxSessionSeconds(), s.recordSessions(),
                        s.prepareTimeoutSeconds(), s.prepareTimeoutSeconds(), ctx.tenantId(), id)
                .update();
        DesktopPool pool = get(ctx.tenantId(), id);
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "POOL_UPDATED", "DESKTOP_POOL",
                id.toString(), describe(pool)));
        return pool;
    }

    /** Removes the pool; its live sessions are ended and its machines and hosts released first. */
    @Transactional
    public void delete(AdminContext ctx, UUID id) {
        DesktopPool pool = get(ctx.tenantId(), id);
        events.publishEvent(new DesktopPoolRemoved(ctx.tenantId(), id, pool.name()));
        int desktops = jdbc.sql("select count(*) from desktop where pool_id = ?").param(id).query(Integer.class).single();
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "POOL_DELETED", "DESKTOP_POOL",
                id.toString(), Map.of("name", pool.name(), "desktopsRemoved", desktops)));
        jdbc.sql("delete from desktop_pool where tenant_id = ? and id = ?").params(ctx.tenantId(), id).update();
        quotas.releaseDesktops(ctx.tenantId(), desktops);
    }

    private static Map<String, Object> describe(DesktopPool p) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", p.name());
        d.put("kind", p.kind().name());
        d.put("enabled", p.enabled());
        d.put("loadBalancing", p.loadBalancing().name());
        d.put("idleTimeoutSeconds", p.idleTimeoutSeconds());
        d.put("idleAction", p.idleAction().name());
        d.put("disconnectTimeoutSeconds", p.disconnectTimeoutSeconds());
        d.put("maxSessionSeconds", p.maxSessionSeconds());
        d.put("recordSessions", p.recordSessions());
        d.put("prepareTimeoutSeconds", p.prepareTimeoutSeconds());
        return d;
    }

    /** A pool from a row of {@link #PUBLISHED_COLUMNS} (of {@code desktop_pool} or {@code pools_pools}). */
    public static DesktopPool map(ResultSet rs, int row) throws SQLException {
        return new DesktopPool(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getString("name"), rs.getString("description"), PoolKind.valueOf(rs.getString("kind")),
                rs.getBoolean("enabled"), LoadBalancing.valueOf(rs.getString("load_balancing")),
                (Integer) rs.getObject("idle_timeout_s"), IdleAction.valueOf(rs.getString("idle_action")),
                (Integer) rs.getObject("disconnect_timeout_s"), (Integer) rs.getObject("max_session_s"),
                rs.getBoolean("record_sessions"), (Integer) rs.getObject("prepare_timeout_s"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant());
    }
}
