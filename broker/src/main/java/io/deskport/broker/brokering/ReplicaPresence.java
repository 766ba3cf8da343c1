package io.deskport.broker.brokering;

import java.lang.management.ManagementFactory;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

import io.deskport.broker.shared.DedicatedConnections;
import io.deskport.broker.shared.ReplicaLeadership;

/**
 * This broker replica's presence in the database: a PostgreSQL session advisory lock on a key of its own, held on
 * a dedicated connection for as long as the process runs (the same mechanism as {@link ReplicaLeadership}, with a
 * key nobody else takes). A session's tunnel records the key of the replica that serves it
 * ({@code session.tunnel_replica}); when that lock is gone from {@code pg_locks} — the replica was killed, or its
 * machine vanished and the connection's keepalives gave up — the others know its tunnels are gone too
 * ({@link SessionTimers}).
 *
 * <p>The key is random per process (62 bits: no clash with the fixed keys of the elected loops). The lock is taken
 * when the bean is made and checked on every session-timer pass, so a replica whose database connection broke
 * takes it again as soon as the database answers. It is not given up when a (test) context pauses, only when the
 * bean is destroyed or the process ends.
 */
@Component
class ReplicaPresence implements DisposableBean {

    private final long key;
    private final ReplicaLeadership lock;

    ReplicaPresence(DedicatedConnections connections) {
        this.key = ThreadLocalRandom.current().nextLong(1L << 32, 1L << 62);
        this.lock = new ReplicaLeadership(connections, "presence", key, ManagementFactory.getRuntimeMXBean().getName());
        lock.holdOrAcquire();
    }

    /** The key this replica's tunnels are recorded with. */
    long key() {
        return key;
    }

    /** Keeps the lock, or takes it again after a broken connection; returns whether it is held. */
    boolean hold() {
        return lock.holdOrAcquire();
    }

    @Override
    public void destroy() {
        lock.close();
    }
}
