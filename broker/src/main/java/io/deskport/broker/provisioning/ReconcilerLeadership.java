package io.deskport.broker.provisioning;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;


import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.deskport.broker.shared.DedicatedConnections;

/**
 * Elects the one broker that reconciles: whoever holds the PostgreSQL session advisory lock
 * {@link #LOCK_KEY} on a connection of its own (a dedicated one, not the request pool's). The lock lives as long as that connection, so a broker
 * that dies (even by kill -9) loses it as soon as PostgreSQL notices the closed socket, and another
 * broker takes over on its next tick. Two brokers trying at once: exactly one gets it.
 */
final class ReconcilerLeadership implements AutoCloseable {

    /** "dp-recon" in ASCII. */
    static final long LOCK_KEY = 0x64702d7265636f6eL;

    private static final Logger log = LoggerFactory.getLogger(ReconcilerLeadership.class);

    private final DedicatedConnections connections;
    private final String instanceId;
    private Connection connection;
    private boolean leader;

    ReconcilerLeadership(DedicatedConnections connections, String instanceId) {
        this.connections = connections;
        this.instanceId = instanceId;
    }

    /** Keeps or tries to take the lead; returns whether this broker leads now. */
    synchronized boolean holdOrAcquire() {
        try {
            if (connection != null && !connection.isValid(2)) {
                if (leader) {
                    log.warn("Broker {} lost its database connection and with it the reconciler lead", instanceId);
                }
                closeQuietly();
            }
            if (connection == null) {
                // outside the request pool: held for as long as this broker leads
                connection = connections.open("reconciler leadership");
            }
            if (leader) {
                return true;
            }
            try (PreparedStatement ps = connection.prepareStatement("select pg_try_advisory_lock(?)")) {
                ps.setLong(1, LOCK_KEY);
                try (ResultSet rs = ps.executeQuery()) {
                    leader = rs.next() && rs.getBoolean(1);
                }
            }
            if (leader) {
                log.info("Broker {} now runs the provisioning reconciler", instanceId);
            }
            return leader;
        } catch (SQLException e) {
            log.warn("Reconciler election failed on broker {}: {}", instanceId, e.getMessage());
            closeQuietly();
            return false;
        }
    }

    synchronized boolean isLeader() {
        return leader;
    }

    /** Gives the lead up (the lock goes with the connection). */
    @Override
    public synchronized void close() {
        if (leader) {
            log.info("Broker {} hands the provisioning reconciler over", instanceId);
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
