package io.deskport.broker.pools;

import java.time.Instant;
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
import io.deskport.broker.shared.Reason;

/** Who may use which pool: users directly or through their groups. */
@Service
public class Entitlements {

    private static final String ENTITLED = "exists (select 1 from entitlement e where e.pool_id = p.id and "
            + "(e.user_id = ? or e.group_id in (select m.group_id from group_member m where m.user_id = ?)))";

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    Entitlements(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    /**
     * Loads a pool for a user's connect in one query: the pool, if it is in the user's tenant, and whether
     * the user is entitled to it.
     *
     * @throws ProblemException NOT_FOUND when the pool is not in the tenant, NOT_ENTITLED when the user may
     *         not use it
     */
    @Transactional(readOnly = true)
    public DesktopPool requireEntitled(UUID tenantId, UUID userId, UUID poolId) {
        return requireEntitled(tenantId, userId, poolId, "null", UUID.class).pool();
    }

    /**
     * A pool the user may use, with one more value the caller read in the same query.
     *
     * @param also        the caller's value (null when its expression yields null)
     * @param ownDesktop  in a PERSISTENT pool, the desktop assigned to the user, read without a lock (null when
     *                    none is; always null in other pools), see {@link DesktopClaims#claim(DesktopPool, UUID, UUID)}
     * @param now         the database's {@code now()}: the time the transaction began, which every row it writes
     *                    with a {@code now()} default carries
     */
    public record EntitledPool<T>(DesktopPool pool, T also, UUID ownDesktop, Instant now) {
    }

    /**
     * As {@link #requireEntitled(UUID, UUID, UUID)}, reading one more value in the same query, so that a
     * connect needs one read before it takes anything: {@code alsoSql} is a scalar SQL expression that may
     * refer to the pool row as {@code p}, with its own {@code ?} parameters.
     */
    public <T> EntitledPool<T> requireEntitled(UUID tenantId, UUID userId, UUID poolId, String alsoSql, Class<T> alsoType,
                                               Object... alsoParams) {
        record Row<T>(DesktopPool pool, boolean entitled, boolean userEnabled, T also, UUID ownDesktop, Instant now) {
        }
        Object[] params = new Object[alsoParams.length + 6];
        System.arraycopy(alsoParams, 0, params, 0, alsoParams.length);
        params[alsoParams.length] = userId;
        params[alsoParams.length + 1] = userId;
        params[alsoParams.length + 2] = userId;
        params[alsoParams.length + 3] = userId;
        params[alsoParams.length + 4] = tenantId;
        params[alsoParams.length + 5] = poolId;
        // the own desktop is looked up only in a PERSISTENT pool (a CASE evaluates its subquery only when taken)
        Row<T> row = jdbc.sql("select " + prefixed() + ", (" + alsoSql + ") as also_value, " + ENTITLED + " as entitled, "
                        + "coalesce((select u.enabled from app_user u where u.id = ? and u.tenant_id = p.tenant_id), false) "
                        + "as user_enabled, case when p.kind = 'PERSISTENT' then (select d.id from desktop d "
                        + "where d.pool_id = p.id and d.assigned_user_id = ?) end as own_desktop, now() as now "
                        + "from desktop_pool p where p.tenant_id = ? and p.id = ?")
                .params(params)
                .query((rs, n) -> new Row<>(DesktopPools.map(rs, n), rs.getBoolean("entitled"), rs.getBoolean("user_enabled"),
                        rs.getObject("also_value", alsoType), rs.getObject("own_desktop", UUID.class),
                        rs.getTimestamp("now").toInstant()))
                .optional().orElseThrow(() -> ProblemException.notFound("Pool", poolId));
        if (!row.userEnabled()) {
            throw new ProblemException(Reason.FORBIDDEN, "Your account is disabled; contact your IT administrator");
        }
        if (!row.entitled()) {
            throw new ProblemException(Reason.NOT_ENTITLED, "You are not entitled to the pool '" + row.pool().name()
                    + "'; ask your IT administrator for access", Map.of("poolId", poolId, "poolName", row.pool().name()));
        }
        return new EntitledPool<>(row.pool(), row.also(), row.ownDesktop(), row.now());
    }

    /** @return the pools the user may use, directly or through a group */
    @Transactional(readOnly = true)
    public List<DesktopPool> poolsFor(UUID tenantId, UUID userId) {
        return jdbc.sql("select " + prefixed() + " from desktop_pool p where p.tenant_id = ? and " + ENTITLED
                        + " order by p.name")
                .params(tenantId, userId, userId).query(DesktopPools::map).list();
    }

    @Transactional(readOnly = true)
    public List<Entitlement> list(UUID tenantId, UUID poolId) {
        return jdbc.sql("select id, pool_id, user_id, group_id, created_at from entitlement "
                        + "where tenant_id = ? and pool_id = ? order by created_at")
                .params(tenantId, poolId)
                .query((rs, n) -> new Entitlement(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class), rs.getObject(4, UUID.class), rs.getTimestamp(5).toInstant()))
                .list();
    }

    /**
     * Entitles a user or a group (exactly one) to a pool; granting twice returns the existing entitlement.
     */
    @Transactional
    public Entitlement grant(AdminContext ctx, UUID poolId, UUID userId, UUID groupId) {
        if ((userId == null) == (groupId == null)) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "Name exactly one of userId and groupId");
        }
        jdbc.sql("select id from desktop_pool where tenant_id = ? and id = ?").params(ctx.tenantId(), poolId)
                .query(UUID.class).optional().orElseThrow(() -> ProblemException.notFound("Pool", poolId));
        String subjectTable = userId != null ? "app_user" : "user_group";
        UUID subject = userId != null ? userId : groupId;
        jdbc.sql("select id from " + subjectTable + " where tenant_id = ? and id = ?").params(ctx.tenantId(), subject)
                .query(UUID.class).optional()
                .orElseThrow(() -> ProblemException.notFound(userId != null ? "User" : "Group", subject));
        UUID id = Ids.newId();
        jdbc.sql("insert into entitlement (id, tenant_id, pool_id, user_id, group_id) values (?, ?, ?, ?, ?) "
                + "on conflict do nothing").params(id, ctx.tenantId(), poolId, userId, groupId).update();
        Entitlement e = list(ctx.tenantId(), poolId).stream()
                .filter(x -> subject.equals(x.userId()) || subject.equals(x.groupId())).findFirst().orElseThrow();
        if (e.id().equals(id)) {
            events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "ENTITLEMENT_GRANTED",
                    "DESKTOP_POOL", poolId.toString(),
                    Map.of(userId != null ? "userId" : "groupId", subject.toString(), "entitlementId", id.toString())));
        }
        return e;
    }

    @Transactional
    public void revoke(AdminContext ctx, UUID poolId, UUID entitlementId) {
        int n = jdbc.sql("delete from entitlement where tenant_id = ? and pool_id = ? and id = ?")
                .params(ctx.tenantId(), poolId, entitlementId).update();
        if (n == 0) {
            throw ProblemException.notFound("Entitlement", entitlementId);
        }
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "ENTITLEMENT_REVOKED",
                "DESKTOP_POOL", poolId.toString(), Map.of("entitlementId", entitlementId.toString())));
    }

    private static String prefixed() {
        return "p." + DesktopPools.COLUMNS.replace(", ", ", p.");
    }
}
