package io.deskport.broker.database;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import javax.sql.DataSource;

import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.util.DriverDataSource;

/**
 * The broker serves again within moments of its database's return, not up to five seconds later.
 *
 * <p>HikariCP makes new connections on one thread of its own; after each failed attempt it sleeps, doubling the
 * sleep up to five seconds. A database that is down for five seconds or more has pushed that sleep to its top:
 * the database comes back, and the pool only tries again up to five seconds later, while every request waits
 * and is answered {@code 503 SERVICE_UNAVAILABLE}. So the pool gets its physical connections from a source that
 * keeps trying a database that refuses connections or is starting up every
 * {@link Settings#retryInterval() retry interval}, for up to {@link Settings#patience() patience}, before it
 * reports the failure: the pool sees one slow failure where it saw many fast ones, its own sleep stays short,
 * and the first attempt after the database is back succeeds.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DatabaseReturns.Settings.class)
class DatabaseReturns {

    /**
     * {@code deskport.database.reconnect.*}.
     *
     * @param retryInterval how often a refused connection is tried again
     * @param patience      how long one connection attempt keeps trying before the pool is told it failed
     */
    @ConfigurationProperties("deskport.database.reconnect")
    record Settings(@DefaultValue("100ms") Duration retryInterval, @DefaultValue("2s") Duration patience) {
    }

    @Bean
    static BeanPostProcessor patientPhysicalConnections(org.springframework.beans.factory.ObjectProvider<Settings> settings) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String name) {
                if (bean instanceof HikariDataSource pool) {
                    usePatientConnections(pool, settings.getObject());
                }
                return bean;
            }
        };
    }

    /** A pool not yet started that would connect by URL connects through a {@link Patient} source instead. */
    static void usePatientConnections(HikariDataSource pool, Settings settings) {
        if (pool.getDataSource() == null && pool.getJdbcUrl() != null && !pool.isRunning()) {
            pool.setDataSource(new Patient(new DriverDataSource(pool.getJdbcUrl(), pool.getDriverClassName(),
                    pool.getDataSourceProperties(), pool.getUsername(), pool.getPassword()), settings.retryInterval(),
                    settings.patience()));
        }
    }

    /** A source of physical connections that tries a refusing database again for a while. */
    static final class Patient implements DataSource {

        private final DataSource driver;
        private final long intervalNanos;
        private final long patienceNanos;

        Patient(DataSource driver, Duration interval, Duration patience) {
            this.driver = driver;
            this.intervalNanos = interval.toNanos();
            this.patienceNanos = patience.toNanos();
        }

        @Override
        public Connection getConnection() throws SQLException {
            return patiently(driver::getConnection);
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            return patiently(() -> driver.getConnection(username, password));
        }

        private interface Attempt {
            Connection connect() throws SQLException;
        }

        private Connection patiently(Attempt attempt) throws SQLException {
            long giveUp = System.nanoTime() + patienceNanos;
            while (true) {
                try {
                    return attempt.connect();
                } catch (SQLException e) {
                    if (!refused(e) || System.nanoTime() + intervalNanos > giveUp) {
                        throw e;
                    }
                    try {
                        TimeUnit.NANOSECONDS.sleep(intervalNanos);
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                        throw e;
                    }
                }
            }
        }

        /**
         * SQLSTATE class 08 (the database could not be reached or refused the connection) or 57P03 (it is starting
         * up); not a wrong password or a missing database.
         */
        static boolean refused(SQLException e) {
            String state = e.getSQLState();
            return state != null && (state.startsWith("08") || state.equals("57P03"));
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return driver.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            driver.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            driver.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return driver.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return driver.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            if (iface.isInstance(this)) {
                return iface.cast(this);
            }
            return driver.unwrap(iface);
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) throws SQLException {
            return iface.isInstance(this) || driver.isWrapperFor(iface);
        }
    }
}
