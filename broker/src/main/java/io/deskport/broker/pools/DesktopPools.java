package io.deskport.broker.pools;

import java.sql.ResultSet;
import java.time.Instant;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.ConfigurationTransactional;
import io.deskport.broker.shared.Listing;
import io.deskport.broker.shared.Page;
import io.deskport.broker.shared.PageParams;
import io.deskport.broker.shared.Versions.IfMatch;
import io.deskport.broker.shared.Versions.Versioned;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.tenancy.TenantQuotas;

/** Defines desktop pools and their session policy. */
@Service
public class DesktopPools {

    static final String COLUMNS = "id, tenant_id, name, description, kind, enabled, load_balancing, idle_timeout_s, "
            + "idle_action, disconnect_timeout_s, max_session_s, record_sessions, prepare_timeout_s, created_at, updated_at, "
            + "announce_shadowing, clipboard_policy";

    /** The columns of the published read model {@code pools_pools}, which {@link #map} reads into a pool. */
    public static final String PUBLISHED_COLUMNS = COLUMNS;

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final TenantQuotas quotas;
    private final EntityManager em;

    DesktopPools(JdbcClient jdbc, ApplicationEventPublisher events, TenantQuotas quotas, EntityManager em) {
        this.quotas = quotas;
        this.jdbc = jdbc;
        this.events = events;
        this.em = em;
    }

    /** Settings of a pool; on change, null members stay as they are (kind cannot change). */
    public record PoolSettings(String name, String description, PoolKind kind, Boolean enabled,
                               LoadBalancing loadBalancing, Integer idleTimeoutSeconds, IdleAction idleAction,
                               Integer disconnectTimeoutSeconds, Integer maxSessionSeconds, Boolean recordSessions,
                               Integer prepareTimeoutSeconds, Boolean announceShadowing,
                               ClipboardPolicy clipboardPolicy) {
    }

    /** Default disconnect timeout of new pools: a disconnected session is logged off after an hour. */
    public static final int DEFAULT_DISCONNECT_TIMEOUT_S = 3600;

    /**
     * Creates a pool.
     *
     * @return the pool and its version (the ETag of the answer)
     */
    @ConfigurationTransactional
    public Versioned<DesktopPool> create(AdminContext ctx, PoolSettings s) {
        PoolRecord p = new PoolRecord();
        p.id = Ids.newId();
        p.tenantId = ctx.tenantId();
        p.name = s.name();
        p.description = s.description() == null ? "" : s.description();
        p.kind = s.kind();
        p.enabled = s.enabled() == null || s.enabled();
        p.loadBalancing = s.loadBalancing() == null ? LoadBalancing.BREADTH_FIRST : s.loadBalancing();
        p.idleTimeoutSeconds = s.idleTimeoutSeconds();
        p.idleAction = s.idleAction() == null ? IdleAction.DISCONNECT : s.idleAction();
        p.disconnectTimeoutSeconds = s.disconnectTimeoutSeconds() == null ? Integer.valueOf(DEFAULT_DISCONNECT_TIMEOUT_S)
                : zeroIsNone(s.disconnectTimeoutSeconds());
        p.maxSessionSeconds = s.maxSessionSeconds();
        p.recordSessions = s.recordSessions() != null && s.recordSessions();
        p.announceShadowing = s.announceShadowing() == null || s.announceShadowing();
        p.prepareTimeoutSeconds = s.prepareTimeoutSeconds() == null || s.prepareTimeoutSeconds() == 0 ? null
                : s.prepareTimeoutSeconds();
        p.clipboardPolicy = s.clipboardPolicy() == null ? ClipboardPolicy.BOTH : s.clipboardPolicy();
        p.createdAt = p.updatedAt = Instant.now();
        em.persist(p);
        em.flush();
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "POOL_CREATED", "DESKTOP_POOL",
                p.id.toString(), describe(p.view())));
        return new Versioned<>(p.view(), p.version);
    }

    /** Filters of the pool list; null members do not filter. {@code q}: words in the name or description. */
    public record PoolFilter(PoolKind kind, Boolean enabled, String q) {
    }

    private static final Listing<DesktopPool> LISTING = Listing.of(COLUMNS, "desktop_pool", "id", Listing.Kind.UUID,
                    DesktopPools::map)
            .sort("name", "name", Listing.Kind.TEXT).sort("createdAt", "created_at", Listing.Kind.TIME)
            .sort("updatedAt", "updated_at", Listing.Kind.TIME).build();

    /** A page of the tenant's pools (sort keys: {@code name} (default), {@code createdAt}, {@code updatedAt}). */
    @Transactional(readOnly = true)
    public Page<DesktopPool> page(UUID tenantId, PoolFilter f, PageParams page) {
        return LISTING.page(jdbc, Listing.Where.of("tenant_id = ?", tenantId).and("kind = ?", f.kind())
                .and("enabled = ?", f.enabled()).text(f.q(), "name", "description"), page);
    }

    /** @return the tenant's pools by name (for the admin API) */
    @ConfigurationTransactional(readOnly = true)
    public List<DesktopPool> list(UUID tenantId) {
        return em.createQuery("from PoolRecord p where p.tenantId = :tenant order by p.name", PoolRecord.class)
                .setParameter("tenant", tenantId).getResultStream().map(PoolRecord::view).toList();
    }

    /**
     * The pool as the admin API shows it, with its version.
     *
     * @throws ProblemException NOT_FOUND unless it belongs to the tenant
     */
    @ConfigurationTransactional(readOnly = true)
    public Versioned<DesktopPool> find(UUID tenantId, UUID id) {
        PoolRecord p = record(tenantId, id, LockModeType.NONE);
        return new Versioned<>(p.view(), p.version);
    }

    /**
     * The pool, read with plain SQL: for other modules and the hot paths, inside their JDBC transactions (no
     * entity is loaded there).
     *
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
     * Changes the pool's settings, made from the version {@code ifMatch} names. To clear a timeout, send 0
     * (stored as "never"; for the prepare timeout: "the platform's default").
     *
     * @throws ProblemException PRECONDITION_REQUIRED, STALE_VERSION (see {@link io.deskport.broker.shared.Versions})
     */
    @ConfigurationTransactional
    public Versioned<DesktopPool> update(AdminContext ctx, UUID id, IfMatch ifMatch, PoolSettings s) {
        PoolRecord p = record(ctx.tenantId(), id, LockModeType.PESSIMISTIC_WRITE);
        ifMatch.check("Pool", id, p.version);
        if (s.name() != null) {
            p.name = s.name();
        }
        if (s.description() != null) {
            p.description = s.description();
        }
        if (s.enabled() != null) {
            p.enabled = s.enabled();
        }
        if (s.loadBalancing() != null) {
            p.loadBalancing = s.loadBalancing();
        }
        if (s.idleTimeoutSeconds() != null) {
            p.idleTimeoutSeconds = zeroIsNone(s.idleTimeoutSeconds());
        }
        if (s.idleAction() != null) {
            p.idleAction = s.idleAction();
        }
        if (s.disconnectTimeoutSeconds() != null) {
            p.disconnectTimeoutSeconds = zeroIsNone(s.disconnectTimeoutSeconds());
        }
        if (s.maxSessionSeconds() != null) {
            p.maxSessionSeconds = zeroIsNone(s.maxSessionSeconds());
        }
        if (s.recordSessions() != null) {
            p.recordSessions = s.recordSessions();
        }
        if (s.prepareTimeoutSeconds() != null) {
            p.prepareTimeoutSeconds = zeroIsNone(s.prepareTimeoutSeconds());
        }
        if (s.announceShadowing() != null) {
            p.announceShadowing = s.announceShadowing();
        }
        if (s.clipboardPolicy() != null) {
            p.clipboardPolicy = s.clipboardPolicy();
        }
        p.updatedAt = Instant.now();
        em.flush();
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "POOL_UPDATED", "DESKTOP_POOL",
                id.toString(), describe(p.view())));
        return new Versioned<>(p.view(), p.version);
    }

    private static Integer zeroIsNone(int seconds) {
        return seconds == 0 ? null : seconds;
    }

    /** Removes the pool; its live sessions are ended and its machines and hosts released first. */
    @ConfigurationTransactional
    public void delete(AdminContext ctx, UUID id) {
        PoolRecord pool = record(ctx.tenantId(), id, LockModeType.PESSIMISTIC_WRITE);
        events.publishEvent(new DesktopPoolRemoved(ctx.tenantId(), id, pool.name));
        int desktops = jdbc.sql("select count(*) from desktop where pool_id = ?").param(id).query(Integer.class).single();
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "POOL_DELETED", "DESKTOP_POOL",
                id.toString(), Map.of("name", pool.name, "desktopsRemoved", desktops)));
        em.remove(pool);
        em.flush();
        quotas.releaseDesktops(ctx.tenantId(), desktops);
    }

    private PoolRecord record(UUID tenantId, UUID id, LockModeType lock) {
        PoolRecord p = em.find(PoolRecord.class, id, lock);
        if (p == null || !p.tenantId.equals(tenantId)) {
            throw ProblemException.notFound("Pool", id);
        }
        return p;
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
        d.put("announceShadowing", p.announceShadowing());
        d.put("prepareTimeoutSeconds", p.prepareTimeoutSeconds());
        d.put("clipboardPolicy", p.clipboardPolicy().name());
        return d;
    }

    /** A pool from a row of {@link #PUBLISHED_COLUMNS} (of {@code desktop_pool} or {@code pools_pools}). */
    public static DesktopPool map(ResultSet rs, int row) throws SQLException {
        return new DesktopPool(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getString("name"), rs.getString("description"), PoolKind.valueOf(rs.getString("kind")),
                rs.getBoolean("enabled"), LoadBalancing.valueOf(rs.getString("load_balancing")),
                (Integer) rs.getObject("idle_timeout_s"), IdleAction.valueOf(rs.getString("idle_action")),
                (Integer) rs.getObject("disconnect_timeout_s"), (Integer) rs.getObject("max_session_s"),
                rs.getBoolean("record_sessions"), rs.getBoolean("announce_shadowing"),
                (Integer) rs.getObject("prepare_timeout_s"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
                ClipboardPolicy.valueOf(rs.getString("clipboard_policy")));
    }
}
