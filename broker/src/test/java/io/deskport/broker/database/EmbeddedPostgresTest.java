package io.deskport.broker.database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

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
}
