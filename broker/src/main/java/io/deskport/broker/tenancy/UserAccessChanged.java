package io.deskport.broker.tenancy;

import java.util.UUID;

/**
 * What a user may do changed in a way their issued access tokens do not show: disabled, roles changed,
 * password reset, or removed. Published inside the changing transaction; identity revokes the user's tokens
 * in it, and brokering disconnects the live sessions of a user who may no longer sign in.
 *
 * @param signInRevoked true when the user may no longer sign in at all (disabled or removed)
 */
public record UserAccessChanged(UUID tenantId, UUID userId, String why, boolean signInRevoked) {
}
