package io.deskport.broker.shared;

import java.util.Set;
import java.util.UUID;

/**
 * The signed-in user as every module sees it, whatever identity provider authenticated them.
 *
 * @param userId the user's id (rows in {@code app_user})
 * @param tenantId the tenant the user belongs to
 * @param username the login name inside the tenant
 * @param roles what the user may do
 */
public record CurrentUser(UUID userId, UUID tenantId, String username, Set<Role> roles) {

    public CurrentUser {
        roles = Set.copyOf(roles);
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /** @return true when the user administers more than their own tenant */
    public boolean isPlatformAdmin() {
        return roles.contains(Role.PLATFORM_ADMIN);
    }

    /** The actor for changes the system makes by itself (timers, reconcilers). */
    public static final CurrentUser SYSTEM = new CurrentUser(null, null, "system", Set.of());
}
