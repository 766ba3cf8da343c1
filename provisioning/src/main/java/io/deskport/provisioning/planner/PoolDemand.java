package io.deskport.provisioning.planner;

import java.util.Set;

/**
 * Users waiting for a desktop of a pool right now.
 *
 * @param pendingConnects connects waiting for a free desktop (each needs one more ready spare)
 * @param waitingUsers    users whose own (persistent) desktop must be powered on for them
 */
public record PoolDemand(int pendingConnects, Set<String> waitingUsers) {

    /** Nobody is waiting. */
    public static final PoolDemand NONE = new PoolDemand(0, Set.of());

    public PoolDemand {
        if (pendingConnects < 0) {
            throw new IllegalArgumentException("pendingConnects must be >= 0");
        }
        waitingUsers = waitingUsers == null ? Set.of() : Set.copyOf(waitingUsers);
    }
}
