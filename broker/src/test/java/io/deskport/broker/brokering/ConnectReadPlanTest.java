package io.deskport.broker.brokering;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import io.deskport.broker.BrokerTest;

/**
 * The connect's first read finds the user's live session by its key (pool and user) even when the planner believes
 * there is no live session at all: after a VACUUM and ANALYZE at a moment when every session had ended (a quiet
 * night), every index limited to live sessions looks empty to it until the next ANALYZE, however many sessions
 * have gone live since. Before V42 the read could then take the live sessions' index by state, which has no key:
 * in the next logon storm every connect scanned every live session (bench/metering, 2026-12-07: the read at 3–4 ms
 * of PostgreSQL instead of ~0.1 ms for a whole saturation phase).
 *
 * <p>Checked on a copy of the {@code session} table with its indexes as the migrations left them (in a schema of
 * its own, so that no other test's live sessions count), holding ten days of a tenant's sessions that have all
 * ended (each user with a history, as in a deployment); both plans PostgreSQL can pick are read: the custom one
 * (the values bound, as for a statement's first executions) and the generic one (a prepared statement's after them).
 */
@BrokerTest
class ConnectReadPlanTest {

    /** Users of the copy's tenant, each in one of three pools, and the days each of them worked. */
    private static final int USERS = 300;
    private static final int DAYS = 10;
    private static final UUID TENANT = UUID.randomUUID();
    /** A user of the copy (one with a history), its pool and the three pools, as SQL. */
    private static final String USER = "md5('user-1')::uuid";
    private static final String POOL = "md5('pool-1')::uuid";
    private static final String POOLS = "array[md5('pool-0')::uuid, " + POOL + ", md5('pool-2')::uuid]";

    @Autowired
    DataSource dataSource;

    @Test
    void theLiveSessionIsLookedUpByItsKeyAfterAnAnalyzeThatSawNoLiveSession() throws SQLException {
        assertPlans("connect_read(uuid, uuid, uuid, uuid, uuid, uuid)", ConnectRead.SQL,
                String.join(", ", USER, USER, USER, USER, "'" + TENANT + "'", POOL));
    }

    /**
     * The portal's first page ({@code GET /api/v1/pools}) reads the user's live sessions in the pools listed: by pool
     * and user. Read by the user alone (as before 2026-12-07), the same ANALYZE made a scan of the whole unique index
     * look cheapest, every live session of every tenant filtered for the user.
     */
    @Test
    void theUsersLiveSessionsOfThePortalsFirstPageAreLookedUpByTheirKey() throws SQLException {
        assertPlans("live_in_pools(uuid, uuid[], uuid)", SessionQueries.LIVE_IN_POOLS,
                String.join(", ", "'" + TENANT + "'", POOLS, USER));
    }

    /**
     * Prepares {@code sql} as {@code statement} against the copy and asserts, in its custom and generic plans, that
     * the session is found through the unique index by pool and user with both as the index's condition, and not
     * through the live sessions' index by state.
     */
    private void assertPlans(String statement, String sql, String values) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            try {
                st.execute("drop schema if exists connect_read_plan cascade");
                st.execute("create schema connect_read_plan");
                st.execute("create table connect_read_plan.session (like public.session including defaults "
                        + "including constraints including indexes)");
                // ten days of the tenant's users each connecting to their pool once, all ended every evening
                for (int day = 0; day < DAYS; day++) {
                    st.execute("insert into connect_read_plan.session (id, tenant_id, pool_id, user_id, state) select "
                            + "gen_random_uuid(), '" + TENANT + "', md5('pool-' || u % 3)::uuid, md5('user-' || u)::uuid, "
                            + "'READY' from generate_series(1, " + USERS + ") u");
                    assertThat(st.executeUpdate("update connect_read_plan.session set state = 'ENDED', "
                            + "end_reason = 'LOGOFF', ended_at = now(), state_changed_at = now() where state <> 'ENDED'"))
                            .isEqualTo(USERS);
                }
                st.execute("vacuum analyze connect_read_plan.session");
                String byKey = index(st, "(pool_id, user_id)");
                String byState = index(st, "(state, state_changed_at)");

                st.execute("set search_path = connect_read_plan, public");
                st.execute("prepare " + statement + " as " + numbered(sql));
                String name = statement.substring(0, statement.indexOf('('));
                for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
                    st.execute("set plan_cache_mode = " + mode);
                    String plan = lines(st.executeQuery("explain execute " + name + "(" + values + ")"));
                    assertThat(plan).as("%s: the live session looked up by its pool and user:%n%s", mode, plan)
                            .containsPattern("Index Scan using " + byKey + " on session s .*\\n\\s*Index Cond: "
                                    + "\\(\\(pool_id = [^\\n]*\\) AND \\(user_id = ")
                            .doesNotContain(byState);
                }
            } finally {
                st.execute("deallocate all");
                st.execute("reset plan_cache_mode");
                st.execute("reset search_path");
                st.execute("drop schema if exists connect_read_plan cascade");
            }
        }
    }

    /** The name of the copy's index over these columns. */
    private static String index(Statement st, String columns) throws SQLException {
        try (ResultSet rs = st.executeQuery("select indexname from pg_indexes where schemaname = 'connect_read_plan' "
                + "and tablename = 'session' and indexdef like '%" + columns + "%'")) {
            assertThat(rs.next()).as("an index over %s", columns).isTrue();
            return rs.getString(1);
        }
    }

    private static String lines(ResultSet rs) throws SQLException {
        try (rs) {
            StringBuilder b = new StringBuilder();
            while (rs.next()) {
                b.append(rs.getString(1)).append('\n');
            }
            return b.toString();
        }
    }

    /** The statement with $1, $2, … for its ?s. */
    private static String numbered(String sql) {
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (char c : sql.toCharArray()) {
            b.append(c == '?' ? "$" + ++n : String.valueOf(c));
        }
        return b.toString();
    }
}
