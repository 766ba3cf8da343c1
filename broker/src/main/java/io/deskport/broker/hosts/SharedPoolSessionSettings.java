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

    @Transactional(readOnly = true)
    public Settings get(UUID tenantId, UUID poolId) {
        requireShared(tenantId, poolId);
        return new Settings(poolId, jdbc.sql("select desktop_command from shared_pool_session_settings where pool_id = ?")
                .param(poolId).query(String.class).optional().orElse(null));
    }

    @Transactional
    public Settings set(AdminContext ctx, UUID poolId, String desktopCommand) {
        requireShared(ctx.tenantId(), poolId);
        jdbc.sql("insert into shared_pool_session_settings (pool_id, tenant_id, desktop_command) values (?, ?, ?) "
                        + "on conflict (pool_id) do update set desktop_command = excluded.desktop_command, updated_at = now()")
                .params(poolId, ctx.tenantId(), desktopCommand).update();
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "POOL_SESSION_SETTINGS_CHANGED",
                "DESKTOP_POOL", poolId.toString(), desktopCommand == null ? Map.of() : Map.of("desktopCommand", desktopCommand)));
        return new Settings(poolId, desktopCommand);
    }

    private void requireShared(UUID tenantId, UUID poolId) {
        DesktopPool pool = pools.get(tenantId, poolId);
        if (pool.kind() != PoolKind.SHARED) {
            throw new ProblemException(Reason.INVALID_STATE, "Only SHARED pools have session settings",
                    Map.of("poolKind", pool.kind()));
        }
    }
}
