package io.deskport.broker.shared;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Work that follows a change only once it is committed: what {@code @TransactionalEventListener(AFTER_COMMIT,
 * fallbackExecution = true)} does, without being one. Spring Modulith's event publication registry wraps every
 * transactional event listener and records its state in a transaction of its own (a connection per call, even for the
 * listeners it does not register); the best-effort wake-ups that only mark something to be read again — a tenant's
 * dashboard, the reconciler — use this instead and cost the change nothing.
 */
public final class AfterCommit {

    private AfterCommit() {
    }

    /** Runs {@code action} once the caller's transaction has committed (never if it rolls back); at once outside one. */
    public static void run(Runnable action) {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    action.run();
                }
            });
        } else {
            action.run();
        }
    }
}
