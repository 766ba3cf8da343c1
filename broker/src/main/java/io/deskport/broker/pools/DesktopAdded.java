package io.deskport.broker.pools;

import java.util.UUID;

/**
 * A desktop is being added to a pool (provisioning is about to create it, or an admin registered it).
 * Published inside the adding transaction after its row is written. A listener may refuse the desktop by
 * throwing {@link io.deskport.broker.shared.ProblemException}, which rolls the addition back: licensing does,
 * when the pool consumes a PER_DESKTOP licence that has no seat left.
 *
 * @param managed whether provisioning manages it (false: registered by an admin)
 */
public record DesktopAdded(UUID tenantId, UUID poolId, UUID desktopId, boolean managed) {
}
