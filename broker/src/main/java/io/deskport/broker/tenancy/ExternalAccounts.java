package io.deskport.broker.tenancy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.Role;

/**
 * Users whose identity provider is not Deskport (Keycloak): they appear on their first sign-in (just in time) and
 * are brought up to date from each token that says something new — name, e-mail, roles and groups. They have no
 * password here. The provider is authoritative for their groups: a group the token names is created when the
 * tenant has none of that name, and memberships the token no longer names are dropped.
 */
@Service
public class ExternalAccounts {

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;

    ExternalAccounts(JdbcClient jdbc, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.events = events;
    }

    /**
     * What a token says about its user.
     *
     * @param username the login name (made to fit Deskport's: letters, digits, {@code . _ @ -}, at most 128)
     * @param groups the names of the tenant's groups the user is a member of
     */
    public record Profile(String username, String displayName, String email, Set<Role> roles, Set<String> groups) {
    }

    /** The user as Deskport has them after the update. */
    public record Account(UUID userId, String username, Set<Role> roles, boolean enabled) {
    }

    /**
     * Creates or updates the user in one transaction of its own.
     *
     * @param knownUserId the user this identity was linked to before, or null on a first sign-in; a first sign-in
     *                    adopts the tenant's user of the same username when it has no local password (created by an
     *                    admin ahead of it)
     * @throws UsernameTaken when the username is a local account's (with a password)
     * @param provider names the provider in the audit line, e.g. the issuer
     */
    @Transactional
    public Account sync(UUID tenantId, UUID knownUserId, Profile p, String provider) {
        String username = fit(p.username());
        Set<Role> roles = p.roles().isEmpty() ? Set.of(Role.USER) : p.roles();
        String[] roleNames = roles.stream().map(Enum::name).sorted().toArray(String[]::new);
        String displayName = p.displayName() == null || p.displayName().isBlank() ? username : p.displayName();
        UUID id = knownUserId;
        boolean created = false;
        if (id != null && jdbc.sql("select 1 from app_user where id = ? and tenant_id = ?").params(id, tenantId)
                .query(Integer.class).optional().isEmpty()) {
            id = null; // removed in Deskport since: signs in as a new user
        }
        if (id == null) {
            id = adoptable(tenantId, username);
        }
        if (id == null) {
            id = Ids.newId();
            created = jdbc.sql("insert into app_user (id, tenant_id, username, display_name, email, roles) "
                            + "values (?, ?, ?, ?, ?, ?) on conflict (tenant_id, username) do nothing")
                    .params(id, tenantId, username, displayName, p.email(), roleNames).update() == 1;
            if (!created) { // another broker created them a moment ago
                id = adoptable(tenantId, username);
            }
        }
        if (!created) {
            jdbc.sql("update app_user set display_name = ?, email = ?, roles = ?, updated_at = now(), "
                            + "version = version + 1 where id = ? and (display_name, coalesce(email, ''), roles) "
                            + "is distinct from (?, coalesce(?, ''), ?::text[])")
                    .params(displayName, p.email(), roleNames, id, displayName, p.email(), roleNames).update();
        }
        syncGroups(tenantId, id, p.groups());
        if (created) {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("username", username);
            details.put("roles", List.of(roleNames));
            details.put("provider", provider);
            events.publishEvent(new AdminActionPerformed(tenantId, new CurrentUser(id, tenantId, username, Set.of()),
                    "USER_PROVISIONED", "USER", id.toString(), details));
        }
        UUID userId = id;
        return jdbc.sql("select username, roles, enabled from app_user where id = ?").param(id)
                .query((rs, n) -> new Account(userId, rs.getString(1),
                        UserDirectory.roles((String[]) rs.getArray(2).getArray()), rs.getBoolean(3)))
                .single();
    }

    /**
     * The tenant's user of that name, when it may become this identity's: one without a local password (created
     * ahead by an admin, or by another broker a moment ago). A local account with a password stays its owner's.
     *
     * @throws UsernameTaken when the name is a local account's
     */
    private UUID adoptable(UUID tenantId, String username) {
        var row = jdbc.sql("select id, password_hash is not null from app_user where tenant_id = ? and username = ?")
                .params(tenantId, username)
                .query((rs, n) -> Map.entry(rs.getObject(1, UUID.class), rs.getBoolean(2))).optional();
        if (row.isPresent() && row.get().getValue()) {
            throw new UsernameTaken(username);
        }
        return row.map(Map.Entry::getKey).orElse(null);
    }

    /** The username is a local account's (with a password): the provider's user cannot take it over. */
    public static final class UsernameTaken extends RuntimeException {
        UsernameTaken(String username) {
            super("The username " + username + " is a local account's", null, false, false);
        }
    }

    private void syncGroups(UUID tenantId, UUID userId, Set<String> groups) {
        String[] names = groups.stream().filter(g -> !g.isBlank() && g.length() <= 200).sorted().toArray(String[]::new);
        jdbc.sql("insert into user_group (id, tenant_id, name, description) "
                        + "select gen_random_uuid(), ?, n, 'From the identity provider' from unnest(?::text[]) n "
                        + "on conflict (tenant_id, name) do nothing")
                .params(tenantId, names).update();
        jdbc.sql("delete from group_member m using user_group g where m.group_id = g.id and m.tenant_id = ? "
                        + "and m.user_id = ? and not (g.name = any(?::text[]))")
                .params(tenantId, userId, names).update();
        jdbc.sql("insert into group_member (tenant_id, group_id, user_id) select g.tenant_id, g.id, ? from user_group g "
                        + "where g.tenant_id = ? and g.name = any(?::text[]) on conflict do nothing")
                .params(userId, tenantId, names).update();
    }

    /** Fits a provider's user name to Deskport's rules: other characters become {@code _}, at most 128. */
    static String fit(String username) {
        StringBuilder b = new StringBuilder(Math.min(128, username.length()));
        for (int i = 0; i < username.length() && b.length() < 128; i++) {
            char c = username.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_'
                    || c == '@' || c == '-';
            b.append(ok ? c : '_');
        }
        return b.isEmpty() ? "_" : b.toString();
    }

}
