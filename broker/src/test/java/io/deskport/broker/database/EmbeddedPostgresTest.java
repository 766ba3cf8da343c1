package io.deskport.broker.database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EmbeddedPostgresTest {

    @Test
    void dataSurvivesAStopAndARestartOfTheEmbeddedServer() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "pg-restart");
        EmbeddedPostgres first = EmbeddedPostgres.start(dir, 0);
        first.ensureDatabase("keep");
        try (Connection c = DriverManager.getConnection(first.jdbcUrl("keep"), first.username(), first.password())) {
            c.createStatement().execute("create table note (text text)");
            c.createStatement().execute("insert into note values ('still here')");
        }
        first.stop();

        EmbeddedPostgres second = EmbeddedPostgres.start(dir, 0);
        try (Connection c = DriverManager.getConnection(second.jdbcUrl("keep"), second.username(), second.password())) {
            var rs = c.createStatement().executeQuery("select text from note");
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("still here");
        } finally {
            second.stop();
        }
    }

    @Test
    void theServerRefusesConnectionsWithoutItsGeneratedPassword() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "pg-auth");
        EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0);
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                    DriverManager.getConnection(pg.jdbcUrl("postgres"), "postgres", "guess")).hasMessageContaining("password");
            assertThat(Files.getPosixFilePermissions(dir.resolve("superuser-password")).toString())
                    .isEqualTo("[OWNER_READ, OWNER_WRITE]");
        } finally {
            pg.stop();
        }
    }

    @Test
    void theBrokerThatStartedTheServerLeavesItRunningWhileAnotherReplicaStillUsesIt() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "pg-shared");
        EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0);
        String otherReplica = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres?ApplicationName=deskport-other-replica";
        try (Connection replica = DriverManager.getConnection(otherReplica, pg.username(), pg.password())) {
            pg.stopWhenUnused(Duration.ofSeconds(2));
            assertThat(replica.createStatement().executeQuery("select 1").next()).as("the other replica still works").isTrue();
        }
        // the last user gone: the broker that started it stops it
        pg.stopWhenUnused(Duration.ofSeconds(2));
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                DriverManager.getConnection(otherReplica, pg.username(), pg.password())).isInstanceOf(SQLException.class);
    }

    @Test
    void aBrokerThatAdoptedARunningServerNeverStopsItWhenItExits() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "pg-adopted");
        EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0);
        try {
            // another broker process adopts the running server and exits normally (its shutdown hooks run)
            String java = ProcessHandle.current().info().command().orElse("java");
            Process adopter = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                    AdoptingBroker.class.getName(), dir.toString())).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("adopter.log").toFile()).start();
            assertThat(adopter.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(dir.resolve("adopter.log"))).contains("adopted port " + pg.port());
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl("postgres"), pg.username(), pg.password())) {
                assertThat(c.createStatement().executeQuery("select 1").next()).as("still running").isTrue();
            }
        } finally {
            pg.stop();
        }
    }

    /** A second process on the same data directory: adopts the server, says so, exits. */
    static final class AdoptingBroker {
        public static void main(String[] args) {
            EmbeddedPostgres pg = EmbeddedPostgres.start(Path.of(args[0]), 0);
            System.out.println("adopted port " + pg.port());
        }
    }
}
