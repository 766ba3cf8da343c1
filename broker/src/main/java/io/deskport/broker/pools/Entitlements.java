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
import io.deskport.broker.shared.Listing;
import io.deskport.broker.shared.Page;
import io.deskport.broker.shared.PageParams;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

/** Who may use which pool: users directly or through their groups. */
@Service
public class Entitlements {

    private static final String ENTITLED = "exists (select 1 from entitlement e where e.pool_id = p.id and "
            + "(e.user_id = ? or e.group_id in (select m.group_id from tenancy_group_members m where m.user_id = ?)))";

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    Entitlements(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    /** @return the pools the user may use, directly or through a group */
    @Transactional(readOnly = true)
    public List<DesktopPool> poolsFor(UUID tenantId, UUID userId) {
        return jdbc.sql("select " + prefixed() + " from desktop_pool p where p.tenant_id = ? and " + ENTITLED
                        + " order by p.name")
                .params(tenantId, userId, userId).query(DesktopPools::map).list();
    }

    /**
     * A pool's entitlements counted.
     *
     * @param users entitlements of single users
     * @param groups entitlements of groups
     * @param entitledUsers the people these entitle, each counted once (directly or through any group)
     */
    public record Tally(int users, int groups, int entitledUsers) {
    }

    /** @return the pool's entitlements counted */
    @Transactional(readOnly = true)
    public Tally tally(UUID tenantId, UUID poolId) {
        return jdbc.sql("select (select count(*) from entitlement where tenant_id = ? and pool_id = ? and user_id is not null), "
                        + "(select count(*) from entitlement where tenant_id = ? and pool_id = ? and group_id is not null), "
                        + "(select count(distinct user_id) from pools_entitled_users where tenant_id = ? and pool_id = ?)")
                .params(tenantId, poolId, tenantId, poolId, tenantId, poolId)
                .query((rs, n) -> new Tally(rs.getInt(1), rs.getInt(2), rs.getInt(3))).single();
    }

    private static final Listing<Entitlement> LISTING = Listing.of("id, pool_id, user_id, group_id, created_at",
                    "entitlement", "id", Listing.Kind.UUID,
                    (rs, n) -> new Entitlement(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                            rs.getObject(3, UUID.class), rs.getObject(4, UUID.class), rs.getTimestamp(5).toInstant()))
            .sort("createdAt", "created_at", Listing.Kind.TIME).build();

    /** A page of the pool's entitlements, oldest first (sort key {@code createdAt}); filters: a user or a group. */
    @Transactional(readOnly = true)
    public Page<Entitlement> page(UUID tenantId, UUID poolId, UUID userId, UUID groupId, PageParams page) {
        return LISTING.page(jdbc, Listing.Where.of("tenant_id = ? and pool_id = ?", tenantId, poolId)
                .and("user_id = ?", userId).and("group_id = ?", groupId), page);
    }

    /**
     * An entitlement seen from its user's or group's side: the pool it opens and, for a user, the group it comes
     * through (null when the user is entitled directly).
     */
    public record SubjectEntitlement(UUID entitlementId, UUID poolId, String poolName, PoolKind poolKind,
                                     boolean poolEnabled, UUID groupId, Instant createdAt) {
    }

    private static final Listing<SubjectEntitlement> SUBJECT_LISTING = Listing.of(
                    "e.id, e.pool_id, p.name, p.kind, p.enabled, e.group_id, e.created_at",
                    "entitlement e join desktop_pool p on p.id = e.pool_id", "e.id", Listing.Kind.UUID,
                    (rs, n) -> new SubjectEntitlement(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                            rs.getString(3), PoolKind.valueOf(rs.getString(4)), rs.getBoolean(5),
                            rs.getObject(6, UUID.class), rs.getTimestamp(7).toInstant()))
            .sort("poolName", "p.name", Listing.Kind.TEXT)
            .sort("createdAt", "e.created_at", Listing.Kind.TIME).build();

    /**
     * A page of what a user may use: their own entitlements and those of their groups (a pool open to them both ways
     * is listed once per way), by pool name.
     *
     * @throws ProblemException NOT_FOUND when the tenant has no such user
     */
    @Transactional(readOnly = true)
    public Page<SubjectEntitlement> ofUser(UUID tenantId, UUID userId, PageParams page) {
        requireSubject(tenantId, "tenancy_users", "User", userId);
        return SUBJECT_LISTING.page(jdbc, Listing.Where.of("e.tenant_id = ? and (e.user_id = ? or e.group_id in "
                + "(select m.group_id from tenancy_group_members m where m.user_id = ?))", tenantId, userId, userId), page);
    }

    /**
     * A page of the pools a group is entitled to, by pool name.
     *
     * @throws ProblemException NOT_FOUND when the tenant has no such group
     */
    @Transactional(readOnly = true)
    public Page<SubjectEntitlement> ofGroup(UUID tenantId, UUID groupId, PageParams page) {
        requireSubject(tenantId, "tenancy_groups", "Group", groupId);
        return SUBJECT_LISTING.page(jdbc, Listing.Where.of("e.tenant_id = ? and e.group_id = ?", tenantId, groupId), page);
    }

    private void requireSubject(UUID tenantId, String table, String what, UUID id) {
        jdbc.sql("select id from " + table + " where tenant_id = ? and id = ?").params(tenantId, id)
                .query(UUID.class).optional().orElseThrow(() -> ProblemException.notFound(what, id));
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
        UUID subject = userId != null ? userId : groupId;
        requireSubject(ctx.tenantId(), userId != null ? "tenancy_users" : "tenancy_groups",
                userId != null ? "User" : "Group", subject);
        UUID id = Ids.newId();
        jdbc.sql("insert into entitlement (id, tenant_id, pool_id, user_id, group_id) values (?, ?, ?, ?, ?) "
                + "on conflict do nothing").params(id, ctx.tenantId(), poolId, userId, groupId).update();
        Entitlement e = page(ctx.tenantId(), poolId, userId, groupId, PageParams.first(1)).items().getFirst();
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
