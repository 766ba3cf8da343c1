package io.deskport.broker.shared;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import javax.sql.DataSource;

import org.springframework.stereotype.Component;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Database connections a broker keeps for as long as it runs — the reconciler's leadership lock, the
 * {@code LISTEN} for tunnel notifications — opened outside the request pool. Held in the pool, each
 * would take a connection away from requests for good (two of a pool of four), and a thread that holds
 * one while it runs pooled transactions needs two connections at once.
 */
@Component
public class DedicatedConnections {

    private final DataSource dataSource;

    DedicatedConnections(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Opens a new connection to the broker's database, in auto-commit mode; the caller closes it.
     *
     * @param purpose shown in {@code pg_stat_activity.application_name}
     */
    public Connection open(String purpose) throws SQLException {
        if (dataSource.isWrapperFor(HikariDataSource.class)) {
            HikariDataSource pool = dataSource.unwrap(HikariDataSource.class);
            Properties props = new Properties();
            props.putAll(pool.getDataSourceProperties());
            if (pool.getUsername() != null) {
                props.setProperty("user", pool.getUsername());
            }
            if (pool.getPassword() != null) {
                props.setProperty("password", pool.getPassword());
            }
            props.setProperty("ApplicationName", "deskport " + purpose);
            props.putIfAbsent("connectTimeout", "10");
            props.putIfAbsent("tcpKeepAlive", "true");
            Connection c = DriverManager.getConnection(pool.getJdbcUrl(), props);
            c.setAutoCommit(true);
            return c;
        }
        Connection c = dataSource.getConnection();
        c.setAutoCommit(true);
        return c;
    }
}
