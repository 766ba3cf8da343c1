package io.deskport.broker.tenancy;

import java.util.Arrays;
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

/** Groups of users and their members. */
@Service
public class Groups {

    private static final String SELECT = "select g.id, g.tenant_id, g.name, g.description, g.created_at, "
            + "coalesce(array(select m.user_id from group_member m where m.group_id = g.id order by m.user_id), "
            + "'{}') as members from user_group g";

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    Groups(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    @Transactional
    public Group create(AdminContext ctx, String name, String description) {
        UUID id = Ids.newId();
        jdbc.sql("insert into user_group (id, tenant_id, name, description) values (?, ?, ?, ?)")
                .params(id, ctx.tenantId(), name, description == null ? "" : description).update();
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "GROUP_CREATED", "GROUP",
                id.toString(), Map.of("name", name)));
        return get(ctx.tenantId(), id);
    }

    @Transactional(readOnly = true)
    public List<Group> list(UUID tenantId) {
        return jdbc.sql(SELECT + " where g.tenant_id = ? order by g.name").param(tenantId).query(this::map).list();
    }

    @Transactional(readOnly = true)
    public Group get(UUID tenantId, UUID id) {
        return jdbc.sql(SELECT + " where g.tenant_id = ? and g.id = ?").params(tenantId, id).query(this::map)
                .optional().orElseThrow(() -> ProblemException.notFound("Group", id));
    }

    @Transactional
    public Group update(AdminContext ctx, UUID id, String name, String description) {
        get(ctx.tenantId(), id);
        jdbc.sql("update user_group set name = coalesce(?, name), description = coalesce(?, description) "
                + "where tenant_id = ? and id = ?").params(name, description, ctx.tenantId(), id).update();
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "GROUP_UPDATED", "GROUP",
                id.toString(), Map.of("name", name == null ? "" : name)));
        return get(ctx.tenantId(), id);
    }

    @Transactional
    public void delete(AdminContext ctx, UUID id) {
        Group group = get(ctx.tenantId(), id);
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "GROUP_DELETED", "GROUP",
                id.toString(), Map.of("name", group.name())));
        jdbc.sql("delete from user_group where tenant_id = ? and id = ?").params(ctx.tenantId(), id).update();
    }

    /** Adds a member; both must belong to the context's tenant (enforced by the composite foreign keys). */
    @Transactional
    public Group addMember(AdminContext ctx, UUID groupId, UUID userId) {
        get(ctx.tenantId(), groupId);
        int n = jdbc.sql("insert into group_member (tenant_id, group_id, user_id) "
                        + "select ?, ?, u.id from app_user u where u.tenant_id = ? and u.id = ? on conflict do nothing")
                .params(ctx.tenantId(), groupId, ctx.tenantId(), userId).update();
        if (n == 0 && !isMember(groupId, userId)) {
            throw ProblemException.notFound("User", userId);
        }
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "GROUP_MEMBER_ADDED", "GROUP",
                groupId.toString(), Map.of("userId", userId.toString())));
        return get(ctx.tenantId(), groupId);
    }

    @Transactional
    public Group removeMember(AdminContext ctx, UUID groupId, UUID userId) {
        get(ctx.tenantId(), groupId);
        int n = jdbc.sql("delete from group_member where tenant_id = ? and group_id = ? and user_id = ?")
                .params(ctx.tenantId(), groupId, userId).update();
        if (n == 0 && jdbc.sql("select count(*) from app_user where tenant_id = ? and id = ?")
                .params(ctx.tenantId(), userId).query(Integer.class).single() == 0) {
            throw ProblemException.notFound("User", userId); // another tenant's user is none of this tenant's business
        }
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "GROUP_MEMBER_REMOVED", "GROUP",
                groupId.toString(), Map.of("userId", userId.toString())));
        return get(ctx.tenantId(), groupId);
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
