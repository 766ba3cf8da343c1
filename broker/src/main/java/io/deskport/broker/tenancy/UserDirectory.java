package io.deskport.broker.tenancy;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.Role;

/** Look-ups for identity providers: the local account of a user, by tenant and name. */
@Service
public class UserDirectory {

    private final JdbcClient jdbc;

    UserDirectory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * What sign-in needs to know about an account.
     *
     * @param passwordHash BCrypt hash, or null for accounts that cannot sign in with a password
     */
    public record Account(UUID userId, UUID tenantId, String tenantSlug, String username, String passwordHash,
                          Set<Role> roles, boolean enabled) {
    }

    /** The account, unless it is unknown or its tenant is offboarded (nobody of an offboarded tenant signs in). */
    @Transactional(readOnly = true)
    public Optional<Account> findAccount(String tenantSlug, String username) {
        return jdbc.sql("select u.id, u.tenant_id, t.slug, u.username, u.password_hash, u.roles, u.enabled "
                        + "from app_user u join tenant t on t.id = u.tenant_id where t.slug = ? and u.username = ? "
                        + "and t.offboarded_at is null")
                .params(tenantSlug, username)
                .query((rs, n) -> new Account(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getString(3), rs.getString(4), rs.getString(5), roles((String[]) rs.getArray(6).getArray()),
                        rs.getBoolean(7)))
                .optional();
    }

    static Set<Role> roles(String[] names) {
        Set<Role> roles = EnumSet.noneOf(Role.class);
        Arrays.stream(names).map(Role::valueOf).forEach(roles::add);
        return roles;
    }
}
