package io.deskport.broker.tenancy;

import java.util.UUID;

/**
 * A user is being removed. Published inside the removing transaction before the row goes, so
 * synchronous listeners (ending the user's sessions) still see everything that references the user.
 */
public record UserRemoved(UUID tenantId, UUID userId, String username) {
}
