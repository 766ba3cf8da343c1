package io.deskport.broker.tenancy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.shared.Role;

/** Local user accounts of a tenant. */
@Service
public class Users {

    private static final String COLUMNS = "id, tenant_id, username, display_name, email, roles, enabled, created_at";

    private final JdbcClient jdbc;
    private final PasswordEncoder passwords;
    private final ApplicationEventPublisher events;

    Users(JdbcClient jdbc, PasswordEncoder passwords, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.passwords = passwords;
        this.events = events;
    }

    /** What a new user looks like; {@code password} may be null for accounts of an external identity provider. */
    public record NewUser(String username, String displayName, String email, String password, Set<Role> roles) {
    }

    /** A partial change: null members stay as they are. */
    public record UserChange(String displayName, String email, String password, Set<Role> roles, Boolean enabled) {
    }

    @Transactional
    public User create(AdminContext ctx, NewUser u) {
        Set<Role> roles = u.roles() == null || u.roles().isEmpty() ? Set.of(Role.USER) : u.roles();
        checkGrantable(ctx, roles);
        UUID id = Ids.newId();
        jdbc.sql("insert into app_user (id, tenant_id, username, display_name, email, password_hash, roles) "
                        + "values (?, ?, ?, ?, ?, ?, ?)")
                .params(id, ctx.tenantId(), u.username(), u.displayName() == null ? u.username() : u.displayName(),
                        u.email(), u.password() == null ? null : passwords.encode(u.password()), roleArray(roles))
                .update();
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "USER_CREATED", "USER",
                id.toString(), Map.of("username", u.username(), "roles", roles.stream().map(Enum::name).sorted().toList())));
        return get(ctx.tenantId(), id);
    }

    @Transactional(readOnly = true)
    public List<User> list(UUID tenantId, String search, int limit, int offset) {
        String pattern = search == null || search.isBlank() ? "%" : "%" + search.strip().replace("%", "\\%") + "%";
        return jdbc.sql("select " + COLUMNS + " from app_user where tenant_id = ? "
                        + "and (username ilike ? or display_name ilike ?) order by username limit ? offset ?")
                .params(tenantId, pattern, pattern, limit, offset).query(Users::map).list();
    }

    @Transactional(readOnly = true)
    public User get(UUID tenantId, UUID id) {
        return jdbc.sql("select " + COLUMNS + " from app_user where tenant_id = ? and id = ?")
                .params(tenantId, id).query(Users::map).optional()
                .orElseThrow(() -> ProblemException.notFound("User", id));
    }

    @Transactional
    public User update(AdminContext ctx, UUID id, UserChange change) {
        User current = get(ctx.tenantId(), id);
        // no change of any kind (password, enabled, name, roles) to an account whose roles the caller could not
        // grant: a tenant admin who could reset a platform admin's password could sign in as one
        checkGrantable(ctx, current.roles());
        if (change.roles() != null) {
            checkGrantable(ctx, change.roles());
        }
        jdbc.sql("update app_user set display_name = coalesce(?, display_name), email = coalesce(?, email), "
                        + "password_hash = coalesce(?, password_hash), roles = coalesce(?, roles), "
                        + "enabled = coalesce(?, enabled), updated_at = now() where tenant_id = ? and id = ?")
                .params(change.displayName(), change.email(),
                        change.password() == null ? null : passwords.encode(change.password()),
                        change.roles() == null ? null : roleArray(change.roles()), change.enabled(), ctx.tenantId(), id)
                .update();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("displayName", change.displayName());
        details.put("email", change.email());
        details.put("passwordChanged", change.password() != null);
        details.put("roles", change.roles() == null ? null : change.roles().stream().map(Enum::name).sorted().toList());
        details.put("enabled", change.enabled());
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "USER_UPDATED", "USER",
                id.toString(), details));
        boolean disabled = Boolean.FALSE.equals(change.enabled()) && current.enabled();
        boolean rolesChanged = change.roles() != null && !change.roles().equals(current.roles());
        if (disabled || rolesChanged || change.password() != null) {
            // the tokens issued before this change still carry what it took away
            events.publishEvent(new UserAccessChanged(ctx.tenantId(), id, disabled ? "DISABLED"
                    : rolesChanged ? "ROLES_CHANGED" : "PASSWORD_RESET", disabled));
        }
        return get(ctx.tenantId(), id);
    }

    /**
     * A user changes their own password, proving the current one. Every access token they were issued so far
     * stops counting ({@link UserAccessChanged}, {@code PASSWORD_CHANGED}); the caller issues a fresh one for the
     * browser that made the change. The audit trail records it (never the passwords).
     *
     * @throws ProblemException VALIDATION_FAILED (field {@code currentPassword}) when the current password is
     *         wrong or the account has none (it signs in through another identity provider): not 401, which
     *         would mean the caller is not signed in
     */
    @Transactional
    public void changeOwnPassword(UUID tenantId, UUID userId, String currentPassword, String newPassword) {
        String hash = jdbc.sql("select password_hash from app_user where tenant_id = ? and id = ? and enabled for update")
                .params(tenantId, userId).query(String.class).optional().orElse(null);
        if (hash == null || !passwords.matches(currentPassword, hash)) {
            throw new ProblemException(Reason.VALIDATION_FAILED, "The current password is not right",
                    Map.of("errors", List.of(Map.of("field", "currentPassword", "message", "is not right"))));
        }
        jdbc.sql("update app_user set password_hash = ?, updated_at = now() where tenant_id = ? and id = ?")
                .params(passwords.encode(newPassword), tenantId, userId).update();
        CurrentUser actor = new CurrentUser(userId, tenantId,
                jdbc.sql("select username from app_user where id = ?").param(userId).query(String.class).single(), Set.of());
        events.publishEvent(new AdminActionPerformed(tenantId, actor, "PASSWORD_CHANGED", "USER", userId.toString(),
                Map.of("by", "self")));
        events.publishEvent(new UserAccessChanged(tenantId, userId, "PASSWORD_CHANGED", false));
    }

    /** Removes the user after their live sessions have been ended (see {@link UserRemoved}). */
    @Transactional
    public void delete(AdminContext ctx, UUID id) {
        User user = get(ctx.tenantId(), id);
        checkGrantable(ctx, user.roles());
        if (id.equals(ctx.actor().userId())) {
            throw new ProblemException(Reason.CONFLICT, "You cannot remove your own account");
        }
        events.publishEvent(new UserRemoved(ctx.tenantId(), id, user.username()));
        events.publishEvent(new UserAccessChanged(ctx.tenantId(), id, "REMOVED", true));
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "USER_DELETED", "USER",
                id.toString(), Map.of("username", user.username())));
        jdbc.sql("delete from app_user where tenant_id = ? and id = ?").params(ctx.tenantId(), id).update();
    }

    private static void checkGrantable(AdminContext ctx, Set<Role> roles) {
        if (roles.contains(Role.PLATFORM_ADMIN) && !ctx.actor().isPlatformAdmin()) {
            throw new ProblemException(Reason.FORBIDDEN, "Only platform admins can grant PLATFORM_ADMIN or change an "
                    + "account that has it");
        }
    }

    private static String[] roleArray(Set<Role> roles) {
        return roles.stream().map(Enum::name).sorted().toArray(String[]::new);
    }

    static User map(ResultSet rs, int row) throws SQLException {
        return new User(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getString("username"), rs.getString("display_name"), rs.getString("email"),
                UserDirectory.roles((String[]) rs.getArray("roles").getArray()), rs.getBoolean("enabled"),
                rs.getTimestamp("created_at").toInstant());
    }
}
