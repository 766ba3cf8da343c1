package io.deskport.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where PostgreSQL's time went in a phase, when the database keeps statistics of statements
 * ({@code pg_stat_statements}, nested statements of functions included with {@code pg_stat_statements.track =
 * all}) and of PL/pgSQL functions ({@code track_functions = pl}): bench/licensing with {@code LICENSING_PG_STATS=1}
 * and bench/metering with {@code METERING_PG_STATS=1} turn both on (the extension is created here when the server
 * has its library loaded). Without them it does nothing.
 */
final class StatementStatistics {

    private final String url;
    private final String user;
    private final String password;
    private final int top;

    StatementStatistics(String url, String user, String password, int top) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.top = top;
    }

    /** @return whether the statistics are kept (and were reset now) */
    boolean reset() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("select exists (select 1 from pg_extension where extname = 'pg_stat_statements'), "
                    + "current_setting('shared_preload_libraries') like '%pg_stat_statements%'")) {
                rs.next();
                if (!rs.getBoolean(1) && !rs.getBoolean(2)) {
                    return false;
                }
                if (!rs.getBoolean(1)) {
                    st.execute("create extension pg_stat_statements");
                }
            }
            st.execute("select pg_stat_statements_reset()");
            // the functions' counters alone: pg_stat_reset() would also clear the tables' counts autovacuum goes by
            st.execute("select pg_stat_reset_single_function_counters(funcid) from pg_stat_user_functions");
            return true;
        }
    }

    /** Prints the statements that took the most time since the reset, and the functions' times, per connect. */
    void print(int connects) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            System.out.printf("  statements by total time (ms per connect; calls per connect; mean ms; top level or nested):%n");
            try (ResultSet rs = st.executeQuery("select total_exec_time, calls, mean_exec_time, toplevel, "
                    + "left(regexp_replace(query, '\\s+', ' ', 'g'), 150) from pg_stat_statements "
                    + "where dbid = (select oid from pg_database where datname = current_database()) "
                    + "order by total_exec_time desc limit " + top)) {
                while (rs.next()) {
                    System.out.printf("  %7.3f %6.2f %7.3f %-6s %s%n", rs.getDouble(1) / connects, rs.getDouble(2) / connects,
                            rs.getDouble(3), rs.getBoolean(4) ? "top" : "nested", rs.getString(5));
                }
            }
            System.out.printf("  PL/pgSQL functions (ms per connect, total and self; calls per connect):%n");
            try (ResultSet rs = st.executeQuery("select funcname, total_time, self_time, calls from pg_stat_user_functions "
                    + "order by total_time desc")) {
                while (rs.next()) {
                    System.out.printf("  %-28s %7.3f %7.3f %6.2f%n", rs.getString(1), rs.getDouble(2) / connects,
                            rs.getDouble(3) / connects, rs.getDouble(4) / connects);
                }
            }
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }
}
