package io.deskport.broker.shared;

import org.springframework.transaction.IllegalTransactionStateException;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The guarantee of {@code @Transactional(propagation = MANDATORY)} for the components a connect runs
 * through, without a transactional proxy on every call: a connect made about seven such calls, and the
 * proxies' per-call work was about 6% of the broker's CPU in a logon storm.
 *
 * <h2>The rule: a request never holds two pooled connections at once</h2>
 *
 * Nothing that runs inside a caller's transaction — a component of the connect path, or a listener of
 * an event published there — may open a transaction or a connection of its own ({@code REQUIRES_NEW},
 * {@code dataSource.getConnection()}, a {@code TransactionTemplate} of its own). Under a storm every
 * pooled connection is held by a request that then waits for one more: the pool deadlocks until its
 * timeout, and every request fails. Side records go in the caller's transaction (they commit or roll
 * back with it), or after it, off the request's thread ({@code ExhaustionDemand} in provisioning counts
 * refused connects in memory and writes them from one background thread). Connections held for the
 * broker's lifetime come from {@link DedicatedConnections}, never from the pool. {@code RefusalStormTest}
 * guards the rule: 64 refused connects at once on a pool of four connections.
 */
public final class CallerTransaction {

    private CallerTransaction() {
    }

    /**
     * Fails unless the calling thread runs inside a transaction; the component's statements join it.
     *
     * @throws IllegalTransactionStateException when there is none
     */
    public static void require() {
        if (!TransactionSynchronizationManager.isActualTransactionActive()) {
            throw new IllegalTransactionStateException(
                    "No existing transaction found: this runs only inside its caller's transaction");
        }
    }
}
