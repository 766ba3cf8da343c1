package io.deskport.broker.hosts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.shared.Versions.IfMatch;
import io.deskport.broker.shared.Versions.Versioned;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The applications published on SHARED pools: an admin publishes, changes and unpublishes them; the pool's
 * entitled users see and launch them (entitlement is the pool's: there is none per application). Tenant-scoped
 * throughout: another tenant's application or pool is NOT_FOUND.
 */
@Service
public class PublishedApplications {

    private static final String COLUMNS = "id, pool_id, name, command, arguments::text, working_directory, icon, "
            + "created_at, updated_at, version";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final DesktopPools pools;
    private final ApplicationEventPublisher events;

    PublishedApplications(JdbcClient jdbc, JsonMapper json, DesktopPools pools, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.json = json;
        this.pools = pools;
        this.events = events;
    }

    /**
     * What an admin publishes: checked by the API's bean validation for sizes, and here for what sizes cannot say.
     *
     * @param arguments null = none
     */
    public record Draft(String name, String command, List<String> arguments, String workingDirectory, String icon) {
    }

    /** The pool's applications, by name. @throws ProblemException NOT_FOUND unless the pool is the tenant's */
    @Transactional(readOnly = true)
    public List<PublishedApplication> ofPool(UUID tenantId, UUID poolId) {
        pools.get(tenantId, poolId);
        return jdbc.sql("select " + COLUMNS + " from published_application where tenant_id = ? and pool_id = ? "
                        + "order by lower(name), id")
                .params(tenantId, poolId).query(this::map).list().stream().map(Versioned::body).toList();
    }

    /** The applications of these pools (the user's entitled pools), by pool and name. */
    @Transactional(readOnly = true)
    public List<PublishedApplication> ofPools(UUID tenantId, List<UUID> poolIds) {
        if (poolIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select " + COLUMNS + " from published_application where tenant_id = ? and pool_id = any(?) "
                        + "order by lower(name), id")
                .params(tenantId, poolIds.toArray(UUID[]::new)).query(this::map).list().stream()
                .map(Versioned::body).toList();
    }

    /** @throws ProblemException NOT_FOUND unless the application is the tenant's */
    @Transactional(readOnly = true)
    public Versioned<PublishedApplication> get(UUID tenantId, UUID id) {
        return find(tenantId, id, false).orElseThrow(() -> ProblemException.notFound("Application", id));
    }

    /**
     * Publishes an application on a SHARED pool.
     *
     * @throws ProblemException NOT_FOUND (pool), INVALID_STATE (not a SHARED pool), VALIDATION_FAILED,
     *         CONFLICT (the pool has an application of that name)
     */
    @Transactional
    public Versioned<PublishedApplication> publish(AdminContext ctx, UUID poolId, Draft d) {
        DesktopPool pool = requireShared(ctx.tenantId(), poolId);
        Draft checked = check(d);
        UUID id = Ids.newId();
        try {
            jdbc.sql("insert into published_application (id, tenant_id, pool_id, name, command, arguments, "
                            + "working_directory, icon) values (?, ?, ?, ?, ?, ?::jsonb, ?, ?)")
                    .params(id, ctx.tenantId(), poolId, checked.name(), checked.command(),
                            json.writeValueAsString(checked.arguments()), checked.workingDirectory(), checked.icon())
                    .update();
        } catch (DuplicateKeyException e) {
            throw nameTaken(pool, checked.name());
        }
        audit(ctx, "APPLICATION_PUBLISHED", id, pool, checked);
        return get(ctx.tenantId(), id);
    }

    /**
     * Replaces the application's settings, made from the version {@code ifMatch} names.
     *
     * @throws ProblemException NOT_FOUND, PRECONDITION_REQUIRED, STALE_VERSION, VALIDATION_FAILED, CONFLICT
     */
    @Transactional
    public Versioned<PublishedApplication> update(AdminContext ctx, UUID id, IfMatch ifMatch, Draft d) {
        Versioned<PublishedApplication> current = find(ctx.tenantId(), id, true)
                .orElseThrow(() -> ProblemException.notFound("Application", id));
        ifMatch.check("Application", id, current.version());
        Draft checked = check(d);
        DesktopPool pool = pools.get(ctx.tenantId(), current.body().poolId());
        try {
            jdbc.sql("update published_application set name = ?, command = ?, arguments = ?::jsonb, "
                            + "working_directory = ?, icon = ?, updated_at = now(), version = version + 1 "
                            + "where tenant_id = ? and id = ?")
                    .params(checked.name(), checked.command(), json.writeValueAsString(checked.arguments()),
                            checked.workingDirectory(), checked.icon(), ctx.tenantId(), id)
                    .update();
        } catch (DuplicateKeyException e) {
            throw nameTaken(pool, checked.name());
        }
        audit(ctx, "APPLICATION_UPDATED", id, pool, checked);
        return get(ctx.tenantId(), id);
    }

    /**
     * Unpublishes the application: users no longer see or launch it; windows of it that are open stay open.
     *
     * @throws ProblemException NOT_FOUND
     */
    @Transactional
    public void unpublish(AdminContext ctx, UUID id) {
        PublishedApplication app = find(ctx.tenantId(), id, true)
                .orElseThrow(() -> ProblemException.notFound("Application", id)).body();
        jdbc.sql("delete from published_application where tenant_id = ? and id = ?").params(ctx.tenantId(), id).update();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", app.name());
        details.put("poolId", app.poolId().toString());
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "APPLICATION_UNPUBLISHED",
                "PUBLISHED_APPLICATION", id.toString(), details));
    }

    private Optional<Versioned<PublishedApplication>> find(UUID tenantId, UUID id, boolean lock) {
        return jdbc.sql("select " + COLUMNS + " from published_application where tenant_id = ? and id = ?"
                        + (lock ? " for update" : ""))
                .params(tenantId, id).query(this::map).optional();
    }

    private DesktopPool requireShared(UUID tenantId, UUID poolId) {
        DesktopPool pool = pools.get(tenantId, poolId);
        if (pool.kind() != PoolKind.SHARED) {
            throw new ProblemException(Reason.INVALID_STATE, "Applications are published on SHARED pools (served by "
                    + "session hosts); the pool '" + pool.name() + "' is " + pool.kind(),
                    Map.of("poolId", poolId, "poolKind", pool.kind(), "requiredPoolKind", PoolKind.SHARED));
        }
        return pool;
    }

    /** What bean validation cannot say: control characters, a relative directory, the icon's content. */
    static Draft check(Draft d) {
        String name = d.name().strip();
        if (name.isEmpty() || hasControl(name)) {
            throw ProblemException.validation("name", "must be printable text");
        }
        String command = d.command().strip();
        if (command.isEmpty() || hasControl(command)) {
            throw ProblemException.validation("command", "must be a program's path or name, without control characters");
        }
        List<String> arguments = d.arguments() == null ? List.of() : d.arguments();
        for (int i = 0; i < arguments.size(); i++) {
            if (arguments.get(i) == null || arguments.get(i).indexOf('\0') >= 0 || arguments.get(i).contains("\n")) {
                throw ProblemException.validation("arguments[" + i + "]", "must be one line of text");
            }
        }
        String dir = d.workingDirectory() == null || d.workingDirectory().isBlank() ? null : d.workingDirectory().strip();
        if (dir != null && (!dir.startsWith("/") || hasControl(dir) || List.of(dir.split("/")).contains(".."))) {
            throw ProblemException.validation("workingDirectory", "must be an absolute path without '..'");
        }
        return new Draft(name, command, new ArrayList<>(arguments), dir, ApplicationIcons.check(d.icon()));
    }

    private static boolean hasControl(String s) {
        return s.chars().anyMatch(Character::isISOControl);
    }

    private static ProblemException nameTaken(DesktopPool pool, String name) {
        return new ProblemException(Reason.CONFLICT, "The pool '" + pool.name() + "' already has an application named '"
                + name + "'", Map.of("poolId", pool.id(), "name", name));
    }

    private void audit(AdminContext ctx, String action, UUID id, DesktopPool pool, Draft d) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", d.name());
        details.put("poolId", pool.id().toString());
        details.put("command", d.command());
        details.put("arguments", d.arguments());
        if (d.workingDirectory() != null) {
            details.put("workingDirectory", d.workingDirectory());
        }
        details.put("icon", d.icon() != null);
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), action, "PUBLISHED_APPLICATION",
                id.toString(), details));
    }

    private Versioned<PublishedApplication> map(ResultSet rs, int n) throws SQLException {
        return new Versioned<>(new PublishedApplication(rs.getObject("id", UUID.class), rs.getObject("pool_id", UUID.class),
                rs.getString("name"), rs.getString("command"), json.readValue(rs.getString("arguments"), STRINGS),
                rs.getString("working_directory"), rs.getString("icon"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant()), rs.getLong("version"));
    }
}
