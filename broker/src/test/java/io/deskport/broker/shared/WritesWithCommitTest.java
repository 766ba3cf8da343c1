package io.deskport.broker.shared;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import com.zaxxer.hikari.HikariDataSource;

import io.deskport.broker.database.EmbeddedPostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rows held for the COMMIT, against a real PostgreSQL, through one pooled connection. */
class WritesWithCommitTest {

    private static EmbeddedPostgres pg;
    private static HikariDataSource dataSource;
    private static WritesWithCommit writes;
    private static JdbcClient jdbc;
    private static TransactionTemplate tx;

    @BeforeAll
    static void start() throws Exception {
        pg = EmbeddedPostgres.start(Files.createTempDirectory(Path.of("target"), "pg-writes"), 0);
        pg.ensureDatabase("writes");
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(pg.jdbcUrl("writes"));
        dataSource.setUsername(pg.username());
        dataSource.setPassword(pg.password());
        // one connection: every transaction and every check below runs on the connection the last commit used
        dataSource.setMaximumPoolSize(1);
        writes = new WritesWithCommit(dataSource);
        jdbc = JdbcClient.create(dataSource);
        tx = new TransactionTemplate(writes);
        jdbc.sql("create table line (id int primary key, note text not null)").update();
        // takes what it is asked for, or fails the way take_session_seat does when nothing is left
        jdbc.sql("create function take_line(p_id int) returns void language plpgsql as $$ begin "
                + "insert into line values (p_id, 'taken') on conflict do nothing; "
                + "if not found then raise exception 'line % is taken', p_id using errcode = 'DPQ01'; end if; end $$").update();
    }

    @AfterAll
    static void stop() throws Exception {
        dataSource.close();
        pg.stop();
    }

    @BeforeEach
    void empty() {
        jdbc.sql("delete from line").update();
    }

    @Test
    void aHeldRowIsWrittenWithTheCommitAndNotBefore() throws Exception {
        tx.executeWithoutResult(status -> {
            jdbc.sql("insert into line values (1, 'the change')").update();
            writes.append("insert into line (id, note) values (?, ?)", 2, "its audit line");
            // not sent yet: the transaction itself does not see it
            assertThat(ids("where id = 2")).isEmpty();
        });
        assertThat(committedIds()).containsExactly(1, 2);
        // the connection went back to the pool with no transaction open: an autocommit write is durable at once
        jdbc.sql("insert into line values (3, 'after')").update();
        assertThat(committedIds()).containsExactly(1, 2, 3);
    }

    @Test
    void severalHeldRowsGoTogetherInTheirOrder() throws Exception {
        tx.executeWithoutResult(status -> {
            writes.append("insert into line (id, note) values (?, ?)", 5, "first");
            jdbc.sql("insert into line values (4, 'the change')").update();
            writes.append("insert into line (id, note) values (?, ?)", 6, "second");
        });
        assertThat(committedIds()).containsExactly(4, 5, 6);
    }

    @Test
    void aTransactionThatRollsBackDropsItsHeldRows() throws Exception {
        tx.executeWithoutResult(status -> {
            jdbc.sql("insert into line values (1, 'the change')").update();
            writes.append("insert into line (id, note) values (?, ?)", 2, "its audit line");
            status.setRollbackOnly();
        });
        assertThat(committedIds()).isEmpty();
        // nor are they sent with the next transaction's commit
        tx.executeWithoutResult(status -> jdbc.sql("insert into line values (3, 'the next change')").update());
        assertThat(committedIds()).containsExactly(3);
    }

    @Test
    void aHeldRowThatFailsRollsTheWholeTransactionBack() throws Exception {
        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
            jdbc.sql("insert into line values (1, 'the change')").update();
            writes.append("insert into line (id, note) values (?, ?)", 2, null);
        })).isInstanceOf(DataIntegrityViolationException.class);
        assertThat(committedIds()).isEmpty();
        // and the connection is fit for the next transaction
        tx.executeWithoutResult(status -> {
            jdbc.sql("insert into line values (7, 'next')").update();
            writes.append("insert into line (id, note) values (?, ?)", 8, "next line");
        });
        assertThat(committedIds()).containsExactly(7, 8);
    }

    @Test
    void aHeldCallTakesWithTheCommit() throws Exception {
        tx.executeWithoutResult(status -> {
            writes.append("insert into line (id, note) values (?, ?)", 1, "the session");
            writes.append("select take_line(?)", 2);
        });
        assertThat(committedIds()).containsExactly(1, 2);
    }

    @Test
    void aHeldCallThatRaisesFailsTheCommitWithItsErrorAndRollsEverythingBack() throws Exception {
        jdbc.sql("insert into line values (2, 'taken before')").update();
        assertThatThrownBy(() -> tx.executeWithoutResult(status -> {
            jdbc.sql("insert into line values (1, 'the claim')").update();
            writes.append("insert into line (id, note) values (?, ?)", 3, "the session");
            writes.append("select take_line(?)", 2);
        })).hasRootCauseInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) NestedExceptionUtils.getRootCause(e)).getSQLState())
                        .isEqualTo("DPQ01"));
        assertThat(committedIds()).containsExactly(2);
        tx.executeWithoutResult(status -> writes.append("select take_line(?)", 4));
        assertThat(committedIds()).containsExactly(2, 4);
    }

    @Test
    void withoutATransactionACallRunsAtOnce() throws Exception {
        writes.append("select take_line(?)", 5);
        assertThat(committedIds()).containsExactly(5);
        assertThatThrownBy(() -> writes.append("select take_line(?)", 5)).isInstanceOf(DataAccessException.class);
    }

    @Test
    void aNewInnerTransactionSendsOnlyItsOwnRowsAndTheOuterKeepsItsOwn() throws Exception {
        TransactionTemplate inner = new TransactionTemplate(writes);
        inner.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        dataSource.setMaximumPoolSize(2);
        try {
            tx.executeWithoutResult(status -> {
                writes.append("insert into line (id, note) values (?, ?)", 1, "outer");
                inner.executeWithoutResult(s -> writes.append("insert into line (id, note) values (?, ?)", 2, "inner"));
                // the inner commit sent only its own row: the outer's is not there yet
                try {
                    assertThat(committedIds()).containsExactly(2);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        } finally {
            dataSource.setMaximumPoolSize(1);
        }
        // and the outer kept its own (sent twice, it would have failed the outer commit on the key)
        assertThat(committedIds()).containsExactly(1, 2);
    }

    @Test
    void withoutATransactionTheRowIsWrittenAtOnce() throws Exception {
        writes.append("insert into line (id, note) values (?, ?)", 9, "no transaction");
        assertThat(committedIds()).containsExactly(9);
    }

    @Test
    void aHeldStatementIsOneStatement() {
        tx.executeWithoutResult(status -> assertThatThrownBy(() ->
                writes.append("insert into line (id, note) values (1, 'a'); delete from line"))
                .isInstanceOf(IllegalArgumentException.class));
    }

    private static List<Integer> ids(String where) {
        return jdbc.sql("select id from line " + where + " order by id").query(Integer.class).list();
    }

    /** What other sessions see: read on a connection of its own. */
    private static List<Integer> committedIds() throws Exception {
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl("writes"), pg.username(), pg.password());
             var rs = c.createStatement().executeQuery("select id from line order by id")) {
            List<Integer> ids = new java.util.ArrayList<>();
            while (rs.next()) {
                ids.add(rs.getInt(1));
            }
            return ids;
        }
    }
}
