package io.deskport.broker.shared;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Elects the one broker replica that runs a background loop: whoever holds the PostgreSQL session advisory
 * lock of the loop's key on a connection of its own (a dedicated one, not the request pool's). The lock lives
 * as long as that connection, so a replica that dies (even by kill -9) loses it as soon as PostgreSQL notices
 * the closed socket, and another replica takes it on its next try. Two replicas trying at once: exactly one
 * gets it.
 *
 * <p>A replica whose machine vanishes closes no socket: the connection's TCP keepalives (set here, on the
 * server's side of the connection) let PostgreSQL notice within about {@link #KEEPALIVE_IDLE_S} +
 * {@link #KEEPALIVE_COUNT} × {@link #KEEPALIVE_INTERVAL_S} seconds and release the lock. Which replica leads shows
 * in {@code pg_locks} (the advisory lock's holder) and in the replica's log.
 *
 * <p>The owner calls {@link #holdOrAcquire()} on every pass of its loop and acts only when it returns true;
 * {@link #close()} hands the lead over at once (a graceful stop).
 */
public final class ReplicaLeadership implements AutoCloseable {

    /** Seconds of silence before PostgreSQL probes a leader's connection. */
    static final int KEEPALIVE_IDLE_S = 10;
    /** Seconds between probes. */
    static final int KEEPALIVE_INTERVAL_S = 5;
    /** Unanswered probes before PostgreSQL drops the connection (and the lock). */
    static final int KEEPALIVE_COUNT = 3;

    private static final Logger log = LoggerFactory.getLogger(ReplicaLeadership.class);

    private final DedicatedConnections connections;
    private final String loop;
    private final long lockKey;
    private final String instanceId;
    private Connection connection;
    private boolean leader;

    /**
     * @param loop       the loop's name, in logs and in the connection's name
     * @param lockKey    the advisory lock that elects its runner (one key per loop)
     * @param instanceId this replica, in logs
     */
    public ReplicaLeadership(DedicatedConnections connections, String loop, long lockKey, String instanceId) {
        this.connections = connections;
        this.loop = loop;
        this.lockKey = lockKey;
        this.instanceId = instanceId;
    }

    /** Keeps or tries to take the lead; returns whether this replica leads now. */
    public synchronized boolean holdOrAcquire() {
        try {
            if (connection != null && !connection.isValid(2)) {
                if (leader) {
                    log.warn("Broker {} lost its database connection and with it the lead of the {}", instanceId, loop);
                }
                closeQuietly();
            }
            if (connection == null) {
                // outside the request pool: held for as long as this replica leads
                connection = connections.open("leader " + loop);
                try (Statement st = connection.createStatement()) {
                    st.execute("set tcp_keepalives_idle = " + KEEPALIVE_IDLE_S + "; set tcp_keepalives_interval = "
                            + KEEPALIVE_INTERVAL_S + "; set tcp_keepalives_count = " + KEEPALIVE_COUNT);
                }
            }
            if (leader) {
                return true;
            }
            try (PreparedStatement ps = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
                ps.setLong(1, lockKey);
                try (ResultSet rs = ps.executeQuery()) {
                    leader = rs.next() && rs.getBoolean(1);
                }
            }
            if (leader) {
                log.info("Broker {} now runs the {}", instanceId, loop);
            }
            return leader;
        } catch (SQLException e) {
            log.warn("Election of the {} failed on broker {}: {}", loop, instanceId, e.getMessage());
            closeQuietly();
            return false;
        }
    }

    /** Whether this replica led at its last {@link #holdOrAcquire()}. */
    public synchronized boolean isLeader() {
        return leader;
    }

    /** Gives the lead up (the lock goes with the connection). */
    @Override
    public synchronized void close() {
        if (leader) {
            log.info("Broker {} hands the {} over", instanceId, loop);
        }
        closeQuietly();
    }

    private void closeQuietly() {
        leader = false;
        if (connection != null) {
            try {
                try (PreparedStatement ps = connection.prepareStatement("select pg_advisory_unlock_all()")) {
                    ps.execute();
                } catch (SQLException ignored) {
                    // the connection is broken; the server released the lock with it
                }
                connection.close();
            } catch (SQLException ignored) {
                // nothing more to do
            }
            connection = null;
        }
    }
}
