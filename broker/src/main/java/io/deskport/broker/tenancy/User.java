package io.deskport.broker.tenancy;

import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import io.deskport.broker.shared.Role;

/** A person who signs in; the password hash never leaves the tenancy module. */
public record User(UUID id, UUID tenantId, String username, String displayName, String email, Set<Role> roles,
                   boolean enabled, Instant createdAt) {
}
