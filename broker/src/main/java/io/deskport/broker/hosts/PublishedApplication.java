package io.deskport.broker.hosts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An application published on a SHARED pool (RemoteApp-style): the pool's entitled users launch it from the
 * portal and get only its window, in a session of the pool started without a desktop shell.
 *
 * @param command          the program, a path or a name found on the session's {@code PATH}; run directly
 *                         (no shell) with {@code arguments}
 * @param workingDirectory an absolute directory to start it in, or null (the user's home)
 * @param icon             a small PNG or SVG as a {@code data:} URL, or null
 */
public record PublishedApplication(UUID id, UUID poolId, String name, String command, List<String> arguments,
                                   String workingDirectory, String icon, Instant createdAt, Instant updatedAt) {
}
