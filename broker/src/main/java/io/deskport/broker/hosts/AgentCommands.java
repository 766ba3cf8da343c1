package io.deskport.broker.hosts;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.deskport.broker.shared.AfterCommit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The command queue of each agent, in PostgreSQL so that any broker replica can enqueue and any replica
 * can serve the agent's long poll. Delivery is at least once: a command delivered but not acknowledged
 * is delivered again after {@link HostsProperties#commandRedelivery()}; agents act idempotently.
 *
 * <p>A poll held by the replica that enqueued a command wakes up as soon as the enqueuing transaction
 * commits; a poll held by another replica sees it at its next look (at most a second later).
 */
@Component
class AgentCommands implements SmartLifecycle {

    /** What an agent is asked to do. */
    enum Kind { CREATE_SESSION, LOGOFF_SESSION, LAUNCH_APPLICATION, POWER_OFF }

    /** A command as the agent receives it ({@code sessionId} null for a command about the host: POWER_OFF). */
    record Command(long id, Kind kind, UUID sessionId, JsonNode payload) {
    }

    private static final Duration CROSS_REPLICA_LOOK = Duration.ofSeconds(1);

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final HostsProperties properties;
    private final Map<UUID, Signal> signals = new ConcurrentHashMap<>();
    private volatile boolean running;

    AgentCommands(JdbcClient jdbc, JsonMapper json, HostsProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        this.properties = properties;
    }

    /** Enqueues a command inside the caller's transaction; the host's waiting poll wakes at commit. */
    void enqueue(UUID tenantId, UUID hostId, UUID sessionId, Kind kind, Map<String, ?> payload) {
        jdbc.sql("insert into session_host_command (tenant_id, host_id, session_id, kind, payload) "
                        + "values (?, ?, ?, ?, ?::jsonb)")
                .params(tenantId, hostId, sessionId, kind.name(), json.writeValueAsString(payload)).update();
        AfterCommit.run(() -> signal(hostId).wake());
    }

    /**
     * Hands out the host's pending commands, waiting up to {@code wait} for one to arrive.
     *
     * @return the commands (empty when none arrived in time or the broker is shutting down)
     */
    List<Command> poll(UUID hostId, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        Signal signal = signal(hostId);
        while (true) {
            long seen = signal.generation();
            List<Command> claimed = claim(hostId);
            long left = deadline - System.nanoTime();
            if (!claimed.isEmpty() || left <= 0 || !running) {
                return claimed;
            }
            signal.await(seen, Math.min(left, CROSS_REPLICA_LOOK.toNanos()));
        }
    }

    /** The agent has done a command (or found nothing to do): it is not delivered again. */
    boolean acknowledge(UUID hostId, long commandId) {
        return jdbc.sql("delete from session_host_command where id = ? and host_id = ?")
                .params(commandId, hostId).update() == 1;
    }

    /** Withdraws the host's commands of a kind not yet acknowledged (delivered or not). */
    int cancel(UUID hostId, Kind kind) {
        return jdbc.sql("delete from session_host_command where host_id = ? and kind = ?").params(hostId, kind.name())
                .update();
    }

    private List<Command> claim(UUID hostId) {
        return jdbc.sql("update session_host_command set delivered_at = now(), deliveries = deliveries + 1 "
                        + "where id in (select id from session_host_command where host_id = ? and (delivered_at is null "
                        + "or delivered_at < now() - make_interval(secs => ?)) order by id limit 50 for update skip locked) "
                        + "returning id, kind, session_id, payload::text")
                .params(hostId, (double) properties.commandRedelivery().toMillis() / 1000)
                .query((rs, n) -> new Command(rs.getLong(1), Kind.valueOf(rs.getString(2)), rs.getObject(3, UUID.class),
                        json.readTree(rs.getString(4))))
                .list()
                .stream().sorted((a, b) -> Long.compare(a.id(), b.id())).toList();
    }

    private Signal signal(UUID hostId) {
        return signals.computeIfAbsent(hostId, id -> new Signal());
    }

    @Override
    public void start() {
        running = true;
    }

    /** Releases every held poll so that a graceful shutdown does not wait for them. */
    @Override
    public void stop() {
        running = false;
        signals.values().forEach(Signal::wake);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** A wake-up counter per host: a waiter sleeps until the counter moves past what it saw. */
    private static final class Signal {
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private long generation;

        long generation() {
            lock.lock();
            try {
                return generation;
            } finally {
                lock.unlock();
            }
        }

        void wake() {
            lock.lock();
            try {
                generation++;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void await(long seen, long nanos) throws InterruptedException {
            lock.lock();
            try {
                long left = nanos;
                while (generation == seen && left > 0) {
                    left = changed.awaitNanos(left);
                }
            } finally {
                lock.unlock();
            }
        }
    }
}
