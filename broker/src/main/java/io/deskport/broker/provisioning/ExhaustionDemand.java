package io.deskport.broker.provisioning;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.deskport.broker.shared.DatabaseOutages;

/**
 * Refused connects are demand: the reconciler grows a pool that turned users away. A refusal happens
 * inside the connect's transaction, which holds a pooled connection and then rolls back; writing the
 * demand there would need a second connection (a storm of refusals then waits for connections that
 * only the waiting requests hold). So a refusal is only counted here, in memory, and one background
 * writer adds the counts to {@code pool_provisioning} after the refusals, in a transaction of its own,
 * then wakes the reconciler. Counts that could not be written (the database is down) are kept and
 * written with the next ones: demand is a hint, and it arrives late rather than holding a request.
 */
@Component
class ExhaustionDemand {

    private static final Logger log = LoggerFactory.getLogger(ExhaustionDemand.class);

    private final Map<UUID, Integer> pending = new ConcurrentHashMap<>();
    private final AtomicBoolean writing = new AtomicBoolean();
    private final PoolProvisioning pools;
    private final ProvisioningProperties props;
    private final Reconciler reconciler;

    ExhaustionDemand(PoolProvisioning pools, ProvisioningProperties props, Reconciler reconciler) {
        this.pools = pools;
        this.props = props;
        this.reconciler = reconciler;
    }

    /** A connect found the pool exhausted: count it; it is written after, off the request's thread. */
    void refused(UUID poolId) {
        pending.merge(poolId, 1, Integer::sum);
        if (writing.compareAndSet(false, true)) {
            Thread.ofVirtual().name("deskport-demand").start(this::writeAll);
        }
    }

    /**
     * Writes every pool's count; one thread at a time. While the database refuses, it tries again every
     * second for as long as counts are waiting.
     */
    private void writeAll() {
        while (true) {
            boolean failed = false;
            for (UUID poolId : pending.keySet()) {
                Integer n = pending.remove(poolId);
                if (n == null) {
                    continue;
                }
                try {
                    pools.recordExhausted(poolId, n, props.demandWindow());
                } catch (RuntimeException e) {
                    pending.merge(poolId, n, Integer::sum);
                    log.warn("Could not record {} refused connects of pool {} as demand ({}); trying again in 1 s",
                            n, poolId, DatabaseOutages.rootMessage(e));
                    failed = true;
                    break;
                }
            }
            if (failed) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    writing.set(false);
                    return;
                }
            } else {
                reconciler.wakeUp();
            }
            writing.set(false);
            // counts that arrived after the last look, unless a new writer has taken them
            if (pending.isEmpty() || !writing.compareAndSet(false, true)) {
                return;
            }
        }
    }
}
