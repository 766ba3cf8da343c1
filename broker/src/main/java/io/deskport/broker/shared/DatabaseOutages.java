package io.deskport.broker.shared;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;

import org.springframework.dao.ConcurrencyFailureException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;

/**
 * Tells a database outage (unreachable, restarting, out of connections, a statement or lock timeout,
 * a serialization failure that outlived its retries) from a bug, so that the API answers it as
 * {@code 503 SERVICE_UNAVAILABLE} with {@code Retry-After} — in words, never as a 500. In every such case
 * the transaction did not commit (a failed commit is rolled back by PostgreSQL), so nothing was changed
 * and trying again is safe.
 */
public final class DatabaseOutages {

    /** How long clients are asked to wait before trying again after an outage. */
    public static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private DatabaseOutages() {
    }

    /** True when {@code failure} (or one of its causes) says the database is unavailable for now. */
    public static boolean isOutage(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CannotCreateTransactionException || t instanceof DataAccessResourceFailureException
                    || t instanceof TransientDataAccessResourceException || t instanceof QueryTimeoutException
                    || t instanceof ConcurrencyFailureException || t instanceof SQLTransientConnectionException) {
                return true;
            }
            if (t instanceof SQLException e && (isOutageState(e.getSQLState()) || isClosedConnection(e))) {
                return true;
            }
            // a rollback that failed on a broken connection hides the failure that caused it
            if (t instanceof TransactionSystemException tse && tse.getApplicationException() != null
                    && tse.getApplicationException() != failure && isOutage(tse.getApplicationException())) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * SQLSTATE classes of an unavailable database: 08 connection exception, 53 insufficient resources,
     * 57 operator intervention (shutdown, cancelled statement), 58 system error, 40 transaction rollback
     * (serialization failure, deadlock), 55P03 lock not available.
     */
    static boolean isOutageState(String state) {
        if (state == null || state.length() < 2) {
            return false;
        }
        String cls = state.substring(0, 2);
        return cls.equals("08") || cls.equals("53") || cls.equals("57") || cls.equals("58") || cls.equals("40")
                || state.equals("55P03");
    }

    /**
     * The connection pool's answer for a connection it has already closed as broken (HikariCP sets no
     * SQLSTATE on it): seen when a transaction's rollback follows the failure that broke the connection.
     */
    private static boolean isClosedConnection(SQLException e) {
        return e.getSQLState() == null && e.getMessage() != null && e.getMessage().startsWith("Connection is closed");
    }

    /** The refusal an outage is answered with. */
    public static ProblemException refusal(Throwable failure) {
        return new ProblemException(Reason.SERVICE_UNAVAILABLE, "The broker cannot reach its database right now; "
                + "nothing was changed. Try again in a few seconds",
                Map.of("retryAfterSeconds", RETRY_AFTER.toSeconds()));
    }

    /** The innermost cause's message, for one log line without a stack trace. */
    public static String rootMessage(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
