package io.deskport.broker.brokering;

import java.util.UUID;

/**
 * A session's desktop could not be reached through the display gateway. Published inside the transaction
 * that recorded it (before the session's own move to DISCONNECTED or ENDED).
 *
 * @param detail       what the gateway said, for admins (it may name the console's address); never shown to users
 * @param attempts     failed attempts in a row, this one included
 * @param sessionEnded true when this failure ended the session as {@link EndReason#DESKTOP_UNREACHABLE}
 */
public record SessionConsoleFailed(UUID tenantId, UUID sessionId, UUID poolId, UUID userId, UUID desktopId,
                                   UUID sessionHostId, ConsoleFailure failure, String detail, int attempts,
                                   boolean sessionEnded) {
}
