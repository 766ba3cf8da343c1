package io.deskport.broker.tenancy;

import java.time.Instant;
import java.util.Arrays;
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

/** Groups of users and their members. */
@Service
public class Groups {

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final EntityManager em;

    Groups(JdbcClient jdbc, ApplicationEventPublisher events, EntityManager em) {
        this.em = em;
        this.jdbc = jdbc;
        this.events = events;
    }

    @ConfigurationTransactional
    public Versioned<Group> create(AdminContext ctx, String name, String description) {
        GroupRecord g = new GroupRecord();
        g.id = Ids.newId();
        g.tenantId = ctx.tenantId();
        g.name = name;
        g.description = description == null ? "" : description;
        g.createdAt = Instant.now();
        em.persist(g);
        em.flush();
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "GROUP_CREATED", "GROUP",
                g.id.toString(), Map.of("name", name)));
        return view(g);
    }

    private final Listing<Group> listing = Listing.of("g.id, g.tenant_id, g.name, g.description, g.created_at, "
                    + "coalesce(array(select m.user_id from group_member m where m.group_id = g.id order by m.user_id), "
                    + "'{}') as members", "user_group g", "g.id", Listing.Kind.UUID, this::map)
            .sort("name", "g.name", Listing.Kind.TEXT).sort("createdAt", "g.created_at", Listing.Kind.TIME).build();

    /**
     * A page of the tenant's groups (sort keys: {@code name} (default), {@code createdAt}).
     *
     * @param q words in the name or description
     * @param memberId only groups this user belongs to
     */
    @Transactional(readOnly = true)
    public Page<Group> page(UUID tenantId, String q, UUID memberId, PageParams page) {
        return listing.page(jdbc, Listing.Where.of("g.tenant_id = ?", tenantId)
                .and("exists (select 1 from group_member m where m.group_id = g.id and m.user_id = ?)", memberId)
                .text(q, "g.name", "g.description"), page);
    }

    /** @throws ProblemException NOT_FOUND unless the group belongs to the tenant */
    @ConfigurationTransactional(readOnly = true)
    public Versioned<Group> get(UUID tenantId, UUID id) {
        return view(record(tenantId, id, LockModeType.NONE));
    }

    /** @throws ProblemException PRECONDITION_REQUIRED, STALE_VERSION (see {@link io.deskport.broker.shared.Versions}) */
    @ConfigurationTransactional
    public Versioned<Group> update(AdminContext ctx, UUID id, IfMatch ifMatch, String name, String description) {
        GroupRecord g = record(ctx.tenantId(), id, LockModeType.PESSIMISTIC_WRITE);
        ifMatch.check("Group", id, g.version);
        if (name != null) {
            g.name = name;
        }
        if (description != null) {
            g.description = description;
        }
        em.flush();
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "GROUP_UPDATED", "GROUP",
                id.toString(), Map.of("name", g.name)));
        return view(g);
    }

    @ConfigurationTransactional
    public void delete(AdminContext ctx, UUID id) {
        GroupRecord group = record(ctx.tenantId(), id, LockModeType.PESSIMISTIC_WRITE);
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "GROUP_DELETED", "GROUP",
                id.toString(), Map.of("name", group.name)));
        em.remove(group);
        em.flush();
    }

    private GroupRecord record(UUID tenantId, UUID id, LockModeType lock) {
        GroupRecord g = em.find(GroupRecord.class, id, lock);
        if (g == null || !g.tenantId.equals(tenantId)) {
            throw ProblemException.notFound("Group", id);
        }
        return g;
    }

    private Versioned<Group> view(GroupRecord g) {
        List<UUID> members = jdbc.sql("select user_id from group_member where group_id = ? order by user_id")
                .param(g.id).query(UUID.class).list();
        return new Versioned<>(new Group(g.id, g.tenantId, g.name, g.description, members, g.createdAt), g.version);
    }

    /** Adds a member; both must belong to the context's tenant (enforced by the composite foreign keys). */
    @ConfigurationTransactional
    public Versioned<Group> addMember(AdminContext ctx, UUID groupId, UUID userId) {
        GroupRecord group = record(ctx.tenantId(), groupId, LockModeType.PESSIMISTIC_FORCE_INCREMENT);
        int n = jdbc.sql("insert into group_member (tenant_id, group_id, user_id) "
                        + "select ?, ?, u.id from app_user u where u.tenant_id = ? and u.id = ? on conflict do nothing")
                .params(ctx.tenantId(), groupId, ctx.tenantId(), userId).update();
        if (n == 0 && !isMember(groupId, userId)) {
            throw ProblemException.notFound("User", userId);
        }
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "GROUP_MEMBER_ADDED", "GROUP",
                groupId.toString(), Map.of("userId", userId.toString())));
        return view(group);
    }

    @ConfigurationTransactional
    public Versioned<Group> removeMember(AdminContext ctx, UUID groupId, UUID userId) {
        GroupRecord group = record(ctx.tenantId(), groupId, LockModeType.PESSIMISTIC_FORCE_INCREMENT);
        int n = jdbc.sql("delete from group_member where tenant_id = ? and group_id = ? and user_id = ?")
                .params(ctx.tenantId(), groupId, userId).update();
        if (n == 0 && jdbc.sql("select count(*) from app_user where tenant_id = ? and id = ?")
                .params(ctx.tenantId(), userId).query(Integer.class).single() == 0) {
            throw ProblemException.notFound("User", userId); // another tenant's user is none of this tenant's business
        }
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "GROUP_MEMBER_REMOVED", "GROUP",
                groupId.toString(), Map.of("userId", userId.toString())));
        return view(group);
    }

    private boolean isMember(UUID groupId, UUID userId) {
        return jdbc.sql("select count(*) from group_member where group_id = ? and user_id = ?")
                .params(groupId, userId).query(Integer.class).single() > 0;
    }

    private Group map(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        UUID[] members = (UUID[]) rs.getArray("members").getArray();
        return new Group(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class), rs.getString("name"),
                rs.getString("description"), Arrays.asList(members), rs.getTimestamp("created_at").toInstant());
    }
}
