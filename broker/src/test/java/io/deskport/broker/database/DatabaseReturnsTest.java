package io.deskport.broker.database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.util.DriverDataSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pool's physical connections come from a source that keeps trying a database that is down, so the pool
 * does not sleep through the database's return (a real PostgreSQL, stopped and started again on its port).
 */
class DatabaseReturnsTest {

    Path dir;
    EmbeddedPostgres pg;

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory(Path.of("target"), "pg-returns");
        pg = EmbeddedPostgres.start(dir, 0);
    }

    @AfterEach
    void stop() {
        if (pg != null) {
            pg.stop();
        }
    }

    private DatabaseReturns.Patient patient(String password, Duration patience) {
        return new DatabaseReturns.Patient(new DriverDataSource(pg.jdbcUrl("postgres"), null, new Properties(),
                pg.username(), password), Duration.ofMillis(50), patience);
    }

    @Test
    void aConnectionAskedForWhileTheDatabaseIsDownArrivesOnceItIsBack() throws Exception {
        DatabaseReturns.Patient source = patient(pg.password(), Duration.ofSeconds(60));
        int port = pg.port();
        pg.stop();
        pg = null;

        CompletableFuture<Connection> asked = CompletableFuture.supplyAsync(() -> {
            try {
                return source.getConnection();
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(1500);
        assertThat(asked).as("still trying while the database is down").isNotDone();

        pg = EmbeddedPostgres.start(dir, port);
        try (Connection c = asked.get(30, TimeUnit.SECONDS)) {
            assertThat(c.createStatement().executeQuery("select 1").next()).isTrue();
        }
    }

    @Test
    void aDatabaseThatStaysDownIsReportedAfterThePatienceWithTheDriversOwnError() {
        DatabaseReturns.Patient source = patient(pg.password(), Duration.ofMillis(600));
        pg.stop();
        pg = null;

        assertThatThrownBy(source::getConnection).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).startsWith("08"));
    }

    @Test
    void aWrongPasswordIsNotTriedAgain() {
        DatabaseReturns.Patient source = patient("not-the-password", Duration.ofSeconds(60));
        // with the patience of a minute, an answer at all shows it was not tried again
        assertThat(CompletableFuture.supplyAsync(() -> {
            try {
                source.getConnection().close();
                return "connected";
            } catch (SQLException e) {
                return e.getSQLState();
            }
        }).orTimeout(30, TimeUnit.SECONDS).join()).isEqualTo("28P01");
    }
}
