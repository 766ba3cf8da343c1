package io.deskport.broker.brokering;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

/**
 * The connect's one read, before it takes anything: the pool (if it is in the user's tenant), whether the
 * user may use it, whether their account is enabled, their live session in it (a reconnect), in a PERSISTENT
 * pool their own desktop, and the transaction's {@code now()}. Brokering's own query: its {@code session}
 * table and the read models pools, tenancy and licensing publish ({@code pools_pools}, {@code pools_entitled_users},
 * {@code pools_desktops}, {@code tenancy_users}, {@code licensing_pool_products}).
 */
@Component
class ConnectRead {

    // the own desktop is looked up only in a PERSISTENT pool (a CASE evaluates its subquery only when taken)
    static final String SQL = "select " + DesktopPools.PUBLISHED_COLUMNS.replaceAll("(^|, )", "$1p.")
            + ", (select s.id from session s where s.pool_id = p.id and s.user_id = ? and s.state <> 'ENDED') as live_session, "
            + "exists (select 1 from pools_entitled_users e where e.pool_id = p.id and e.user_id = ?) as entitled, "
            + "coalesce((select u.enabled from tenancy_users u where u.id = ? and u.tenant_id = p.tenant_id), false) "
            + "as user_enabled, case when p.kind = 'PERSISTENT' then (select d.id from pools_desktops d "
            + "where d.pool_id = p.id and d.assigned_user_id = ?) end as own_desktop, now() as now, "
            + "exists (select 1 from licensing_pool_products l where l.pool_id = p.id) as licensed "
            + "from pools_pools p where p.tenant_id = ? and p.id = ?";

    private final JdbcClient jdbc;

    ConnectRead(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * What a connect of the user to the pool starts from.
     *
     * @param liveSession the user's live session in the pool, or null
     * @param ownDesktop  in a PERSISTENT pool, the desktop assigned to the user, read without a lock (null when
     *                    none is; always null in other pools)
     * @param now         the database's {@code now()}: the time the transaction began, which every row it
     *                    writes with a {@code now()} default carries
     * @param licensed    whether the pool consumes licence products (its sessions take seats)
     */
    record Start(DesktopPool pool, UUID liveSession, UUID ownDesktop, Instant now, boolean licensed) {
    }

    /**
     * @throws ProblemException NOT_FOUND when the pool is not in the tenant, FORBIDDEN when the user's account
     *         is disabled, NOT_ENTITLED when the user may not use the pool
     */
    Start read(UUID tenantId, UUID userId, UUID poolId) {
        record Row(DesktopPool pool, boolean entitled, boolean userEnabled, UUID liveSession, UUID ownDesktop,
                   Instant now, boolean licensed) {
        }
        Row row = jdbc.sql(SQL).params(userId, userId, userId, userId, tenantId, poolId)
                .query((rs, n) -> new Row(DesktopPools.map(rs, n), rs.getBoolean("entitled"),
                        rs.getBoolean("user_enabled"), rs.getObject("live_session", UUID.class),
                        rs.getObject("own_desktop", UUID.class), rs.getTimestamp("now").toInstant(),
                        rs.getBoolean("licensed")))
                .optional().orElseThrow(() -> ProblemException.notFound("Pool", poolId));
        if (!row.userEnabled()) {
            throw new ProblemException(Reason.FORBIDDEN, "Your account is disabled; contact your IT administrator");
        }
        if (!row.entitled()) {
            throw new ProblemException(Reason.NOT_ENTITLED, "You are not entitled to the pool '" + row.pool().name()
                    + "'; ask your IT administrator for access", Map.of("poolId", poolId, "poolName", row.pool().name()));
        }
        return new Start(row.pool(), row.liveSession(), row.ownDesktop(), row.now(), row.licensed());
    }
}
