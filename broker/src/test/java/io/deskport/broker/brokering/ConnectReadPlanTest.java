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
 * its own, so that no other test's live sessions count), holding a day of sessions that have all ended; both plans
 * PostgreSQL can pick are read: the custom one (the values bound, as for a statement's first executions) and the
 * generic one (a prepared statement's after them).
 */
@BrokerTest
class ConnectReadPlanTest {

    private static final int SESSIONS = 3000;

    @Autowired
    DataSource dataSource;

    @Test
    void theLiveSessionIsLookedUpByItsKeyAfterAnAnalyzeThatSawNoLiveSession() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            c.setAutoCommit(true);
            try {
                st.execute("drop schema if exists connect_read_plan cascade");
                st.execute("create schema connect_read_plan");
                st.execute("create table connect_read_plan.session (like public.session including defaults "
                        + "including constraints including indexes)");
                // a day's sessions, each of its own user, all ended by the evening
                st.execute("insert into connect_read_plan.session (id, tenant_id, pool_id, user_id, state) select "
                        + "gen_random_uuid(), t, p, gen_random_uuid(), 'READY' from generate_series(1, " + SESSIONS
                        + "), (select gen_random_uuid() t, gen_random_uuid() p) k");
                assertThat(st.executeUpdate("update connect_read_plan.session set state = 'ENDED', end_reason = 'LOGOFF', "
                        + "ended_at = now(), state_changed_at = now()")).isEqualTo(SESSIONS);
                st.execute("vacuum analyze connect_read_plan.session");
                String byKey = index(st, "(pool_id, user_id)");
                String byState = index(st, "(state, state_changed_at)");

                st.execute("set search_path = connect_read_plan, public");
                st.execute("prepare connect_read(uuid, uuid, uuid, uuid, uuid, uuid) as " + numbered(ConnectRead.SQL));
                UUID user = UUID.randomUUID();
                String values = "'" + user + "', '" + user + "', '" + user + "', '" + user + "', '" + UUID.randomUUID()
                        + "', '" + UUID.randomUUID() + "'";
                for (String mode : List.of("force_custom_plan", "force_generic_plan")) {
                    st.execute("set plan_cache_mode = " + mode);
                    String plan = lines(st.executeQuery("explain execute connect_read(" + values + ")"));
                    assertThat(plan).as("%s: the live session looked up by its pool and user:%n%s", mode, plan)
                            .contains("Index Scan using " + byKey + " on session s")
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
