package io.deskport.broker.tenancy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
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
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.shared.Role;

/** Local user accounts of a tenant. */
@Service
public class Users {

    private final JdbcClient jdbc;
    private final PasswordEncoder passwords;
    private final ApplicationEventPublisher events;
    private final EntityManager em;
    private final PasswordPolicy policy;

    Users(JdbcClient jdbc, PasswordEncoder passwords, ApplicationEventPublisher events, EntityManager em,
          PasswordPolicy policy) {
        this.em = em;
        this.policy = policy;
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

    @ConfigurationTransactional
    public Versioned<User> create(AdminContext ctx, NewUser u) {
        Set<Role> roles = u.roles() == null || u.roles().isEmpty() ? Set.of(Role.USER) : u.roles();
        checkGrantable(ctx, roles);
        if (u.password() != null) {
            policy.check("password", u.username(), u.password());
        }
        UserRecord r = new UserRecord();
        r.id = Ids.newId();
        r.tenantId = ctx.tenantId();
        r.username = u.username();
        r.displayName = u.displayName() == null ? u.username() : u.displayName();
        r.email = u.email();
        r.passwordHash = u.password() == null ? null : passwords.encode(u.password());
        r.roles = roleArray(roles);
        r.enabled = true;
        r.createdAt = r.updatedAt = Instant.now();
        em.persist(r);
        em.flush();
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "USER_CREATED", "USER",
                r.id.toString(), Map.of("username", u.username(), "roles", roles.stream().map(Enum::name).sorted().toList())));
        return new Versioned<>(r.view(), r.version);
    }

    /**
     * Filters of the user list; null members do not filter.
     *
     * @param q words in the username, display name or e-mail address
     */
    public record UserFilter(String q, Role role, Boolean enabled) {
    }

    private static final Listing<User> LISTING = Listing.of(
                    "id, tenant_id, username, display_name, email, roles, enabled, created_at", "app_user", "id",
                    Listing.Kind.UUID, (rs, n) -> new User(rs.getObject("id", UUID.class),
                            rs.getObject("tenant_id", UUID.class), rs.getString("username"), rs.getString("display_name"),
                            rs.getString("email"), UserDirectory.roles((String[]) rs.getArray("roles").getArray()),
                            rs.getBoolean("enabled"), rs.getTimestamp("created_at").toInstant()))
            .sort("username", "username", Listing.Kind.TEXT).sort("displayName", "display_name", Listing.Kind.TEXT)
            .sort("createdAt", "created_at", Listing.Kind.TIME).build();

    /** A page of the tenant's users (sort keys: {@code username} (default), {@code displayName}, {@code createdAt}). */
    @Transactional(readOnly = true)
    public Page<User> page(UUID tenantId, UserFilter f, PageParams page) {
        return LISTING.page(jdbc, Listing.Where.of("tenant_id = ?", tenantId)
                .and("? = any(roles)", f.role()).and("enabled = ?", f.enabled())
                .text(f.q(), "username", "display_name", "email"), page);
    }

    /** @throws ProblemException NOT_FOUND unless the user belongs to the tenant */
    @ConfigurationTransactional(readOnly = true)
    public Versioned<User> get(UUID tenantId, UUID id) {
        UserRecord r = record(tenantId, id, LockModeType.NONE);
        return new Versioned<>(r.view(), r.version);
    }

    /** @throws ProblemException PRECONDITION_REQUIRED, STALE_VERSION (see {@link io.deskport.broker.shared.Versions}) */
    @ConfigurationTransactional
    public Versioned<User> update(AdminContext ctx, UUID id, IfMatch ifMatch, UserChange change) {
        UserRecord r = record(ctx.tenantId(), id, LockModeType.PESSIMISTIC_WRITE);
        User current = r.view();
        // no change of any kind (password, enabled, name, roles) to an account whose roles the caller could not
        // grant: a tenant admin who could reset a platform admin's password could sign in as one
        checkGrantable(ctx, current.roles());
        if (change.roles() != null) {
            checkGrantable(ctx, change.roles());
        }
        ifMatch.check("User", id, r.version);
        if (change.password() != null) {
            policy.check("password", r.username, change.password());
        }
        if (change.displayName() != null) {
            r.displayName = change.displayName();
        }
        if (change.email() != null) {
            r.email = change.email().isEmpty() ? null : change.email();
        }
        if (change.password() != null) {
            r.passwordHash = passwords.encode(change.password());
        }
        if (change.roles() != null) {
            r.roles = roleArray(change.roles().isEmpty() ? Set.of(Role.USER) : change.roles());
        }
        if (change.enabled() != null) {
            r.enabled = change.enabled();
        }
        r.updatedAt = Instant.now();
        em.flush();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("displayName", change.displayName());
        details.put("email", change.email());
        details.put("passwordChanged", change.password() != null);
        details.put("roles", change.roles() == null ? null : change.roles().stream().map(Enum::name).sorted().toList());
        details.put("enabled", change.enabled());
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "USER_UPDATED", "USER",
                id.toString(), details));
        boolean disabled = Boolean.FALSE.equals(change.enabled()) && current.enabled();
        boolean rolesChanged = change.roles() != null && !r.view().roles().equals(current.roles());
        if (disabled || rolesChanged || change.password() != null) {
            // the tokens issued before this change still carry what it took away
            events.publishEvent(new UserAccessChanged(ctx.tenantId(), id, disabled ? "DISABLED"
                    : rolesChanged ? "ROLES_CHANGED" : "PASSWORD_RESET", disabled));
        }
        return new Versioned<>(r.view(), r.version);
    }

    private UserRecord record(UUID tenantId, UUID id, LockModeType lock) {
        UserRecord r = em.find(UserRecord.class, id, lock);
        if (r == null || !r.tenantId.equals(tenantId)) {
            throw ProblemException.notFound("User", id);
        }
        return r;
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
        policy.check("newPassword", jdbc.sql("select username from app_user where id = ?").param(userId)
                .query(String.class).single(), newPassword);
        jdbc.sql("update app_user set password_hash = ?, updated_at = now() where tenant_id = ? and id = ?")
                .params(passwords.encode(newPassword), tenantId, userId).update();
        CurrentUser actor = new CurrentUser(userId, tenantId,
                jdbc.sql("select username from app_user where id = ?").param(userId).query(String.class).single(), Set.of());
        events.publishEvent(new AdminActionPerformed(tenantId, actor, "PASSWORD_CHANGED", "USER", userId.toString(),
                Map.of("by", "self")));
        events.publishEvent(new UserAccessChanged(tenantId, userId, "PASSWORD_CHANGED", false));
    }

    /** Removes the user after their live sessions have been ended (see {@link UserRemoved}). */
    @ConfigurationTransactional
    public void delete(AdminContext ctx, UUID id) {
        UserRecord user = record(ctx.tenantId(), id, LockModeType.PESSIMISTIC_WRITE);
        checkGrantable(ctx, user.view().roles());
        if (id.equals(ctx.actor().userId())) {
            throw new ProblemException(Reason.CONFLICT, "You cannot remove your own account");
        }
        events.publishEvent(new UserRemoved(ctx.tenantId(), id, user.username));
        events.publishEvent(new UserAccessChanged(ctx.tenantId(), id, "REMOVED", true));
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "USER_DELETED", "USER",
                id.toString(), Map.of("username", user.username)));
        em.remove(user);
        em.flush();
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
}
