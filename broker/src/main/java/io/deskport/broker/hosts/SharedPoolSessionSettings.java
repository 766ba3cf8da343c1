package io.deskport.broker.hosts;

import java.util.Map;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.Versions;
import io.deskport.broker.shared.Versions.IfMatch;
import io.deskport.broker.shared.Versions.Versioned;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

/** How agents build the desktop sessions of a SHARED pool: the desktop command (null = the agent's default). */
@Service
class SharedPoolSessionSettings {

    private final JdbcClient jdbc;
    private final DesktopPools pools;
    private final ApplicationEventPublisher events;

    SharedPoolSessionSettings(JdbcClient jdbc, DesktopPools pools, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.pools = pools;
        this.events = events;
    }

    /** The settings of one pool. */
    public record Settings(UUID poolId, String desktopCommand) {
    }

    /** The pool's settings with their version (0 while it has none): the ETag of the admin API's answer. */
    @Transactional(readOnly = true)
    public Versioned<Settings> get(UUID tenantId, UUID poolId) {
        requireShared(tenantId, poolId);
        return jdbc.sql("select desktop_command, version from shared_pool_session_settings where pool_id = ?")
                .param(poolId).query((rs, n) -> new Versioned<>(new Settings(poolId, rs.getString(1)), rs.getLong(2)))
                .optional().orElse(new Versioned<>(new Settings(poolId, null), 0));
    }

    /**
     * Sets the pool's settings, made from the version {@code ifMatch} names ({@code "0"} for a pool that has none
     * yet; each change raises it, the first makes it 1).
     *
     * @throws ProblemException PRECONDITION_REQUIRED, STALE_VERSION (see {@link Versions})
     */
    @Transactional
    public Versioned<Settings> set(AdminContext ctx, UUID poolId, IfMatch ifMatch, String desktopCommand) {
        requireShared(ctx.tenantId(), poolId);
        long version = jdbc.sql("select version from shared_pool_session_settings where pool_id = ? for update")
                .param(poolId).query(Long.class).optional().orElse(0L);
        ifMatch.check("Pool session settings", poolId, version);
        int changed = jdbc.sql("insert into shared_pool_session_settings (pool_id, tenant_id, desktop_command, version) "
                        + "values (?, ?, ?, 1) on conflict (pool_id) do update set desktop_command = excluded.desktop_command, "
                        + "updated_at = now(), version = shared_pool_session_settings.version + 1 "
                        + "where shared_pool_session_settings.version = ?")
                .params(poolId, ctx.tenantId(), desktopCommand, version).update();
        if (changed == 0) {
            throw Versions.stale("Pool session settings", poolId, null);
        }
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "POOL_SESSION_SETTINGS_CHANGED",
                "DESKTOP_POOL", poolId.toString(), desktopCommand == null ? Map.of() : Map.of("desktopCommand", desktopCommand)));
        return new Versioned<>(new Settings(poolId, desktopCommand), version + 1);
    }

    private void requireShared(UUID tenantId, UUID poolId) {
        DesktopPool pool = pools.get(tenantId, poolId);
        if (pool.kind() != PoolKind.SHARED) {
            throw new ProblemException(Reason.INVALID_STATE, "Only SHARED pools have session settings",
                    Map.of("poolKind", pool.kind()));
        }
    }
}
