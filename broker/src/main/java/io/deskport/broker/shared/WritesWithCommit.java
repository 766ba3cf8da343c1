package io.deskport.broker.shared;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.SqlTypeValue;
import org.springframework.jdbc.core.StatementCreatorUtils;
import org.springframework.jdbc.datasource.ConnectionHolder;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * The broker's transaction manager: Spring's JDBC transaction manager, plus rows that travel with the
 * COMMIT.
 *
 * <p>Some writes of a transaction are never read back before it ends: audit lines are the case, and so
 * are a new session's row and its tenant seat in a connect. {@link #append} holds such a statement until the
 * transaction commits and sends it in the same message as the COMMIT, so the database is reached once
 * instead of twice for each. A connect holds three, which makes it three round trips instead of five.
 * Atomicity is unchanged: the database runs the held statements and the COMMIT in order and stops at the
 * first error. A failed statement (a unique index, a check, or a function that raises because what it
 * should take is gone) leaves the transaction aborted, and the commit then fails with that statement's
 * error and rolls it back. A transaction that rolls back drops its held statements unsent. Only what needs
 * no answer can be held: a statement whose failure must change what the transaction does next runs at once.
 *
 * <p>Rows are held only in a transaction this manager began, on that transaction's own connection. A
 * transaction that REQUIRES_NEW holds its own rows, and the suspended one keeps its rows. With no such
 * transaction, {@link #append} runs the insert at once.
 */
public class WritesWithCommit extends JdbcTransactionManager {

    /** Held rows by the connection of the transaction they belong to. */
    private final Map<ConnectionHolder, List<Held>> held = new ConcurrentHashMap<>();
    private final JdbcTemplate jdbc;

    private record Held(String sql, Object[] params) {
    }

    public WritesWithCommit(DataSource dataSource) {
        super(dataSource);
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /**
     * Runs a write with the current transaction's COMMIT; or now, when no transaction of this manager runs.
     *
     * @param sql one statement (an INSERT, or a call that takes something or raises an error) whose effect
     *            nothing in the transaction reads before the commit, with {@code ?} parameters
     */
    public void append(String sql, Object... params) {
        List<Held> rows = heldByCurrent();
        if (rows == null) {
            jdbc.execute(sql, (PreparedStatement ps) -> {
                bind(ps, 1, params);
                return ps.execute();
            });
            return;
        }
        if (sql.indexOf(';') >= 0) {
            throw new IllegalArgumentException("one statement per call, without ';'");
        }
        rows.add(new Held(sql, params.clone()));
    }

    private List<Held> heldByCurrent() {
        ConnectionHolder holder = currentHolder();
        return holder == null ? null : held.get(holder);
    }

    private ConnectionHolder currentHolder() {
        return TransactionSynchronizationManager.getResource(obtainDataSource()) instanceof ConnectionHolder h ? h : null;
    }

    /** Takes the place of Spring Boot's transaction manager (which backs off when one is defined). */
    @Configuration(proxyBeanMethods = false)
    static class Registration {
        @Bean
        @Primary
        WritesWithCommit transactionManager(DataSource dataSource) {
            return new WritesWithCommit(dataSource);
        }
    }

    /**
     * A transaction of the configuration model ({@link ConfigurationTransactional}, Spring's JPA transaction
     * manager) has bound its connection: JDBC code called inside it joins it instead of taking that connection
     * over as a transaction of its own (whose commit would end the configuration change half-way).
     */
    @Override
    protected boolean isExistingTransaction(Object transaction) {
        return super.isExistingTransaction(transaction)
                || (TransactionSynchronizationManager.isActualTransactionActive() && currentHolder() != null);
    }

    @Override
    protected void doBegin(Object transaction, TransactionDefinition definition) {
        super.doBegin(transaction, definition);
        ConnectionHolder holder = currentHolder();
        if (holder != null) {
            held.put(holder, new ArrayList<>(2));
        }
    }

    @Override
    protected void doCommit(DefaultTransactionStatus status) {
        ConnectionHolder holder = currentHolder();
        List<Held> rows = holder == null ? null : held.remove(holder);
        if (rows == null || rows.isEmpty()) {
            super.doCommit(status);
            return;
        }
        if (status.isDebug()) {
            logger.debug("Committing JDBC transaction with " + rows.size() + " held row(s)");
        }
        StringBuilder sql = new StringBuilder(rows.size() * 160 + 8);
        for (Held row : rows) {
            sql.append(row.sql()).append(";\n");
        }
        sql.append("commit");
        Connection con = holder.getConnection();
        try (PreparedStatement ps = con.prepareStatement(sql.toString())) {
            int index = 1;
            for (Held row : rows) {
                index = bind(ps, index, row.params());
            }
            ps.execute();
        } catch (SQLException ex) {
            throw translateException("JDBC commit", ex);
        }
    }

    private static int bind(PreparedStatement ps, int index, Object[] params) throws SQLException {
        for (Object param : params) {
            StatementCreatorUtils.setParameterValue(ps, index++, SqlTypeValue.TYPE_UNKNOWN, param);
        }
        return index;
    }

    @Override
    protected void doCleanupAfterCompletion(Object transaction) {
        ConnectionHolder holder = currentHolder();
        if (holder != null) {
            held.remove(holder);
        }
        super.doCleanupAfterCompletion(transaction);
    }
}
