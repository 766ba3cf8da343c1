package io.deskport.bench.console;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

/**
 * What the console's indexes (migration V28) cost the writes a broker makes all the time: an audit line, and a
 * session's life (created, connected, disconnected, ended: four writes of its row, each a new version that every
 * index of the table gets an entry for whose predicate it meets, as its state is indexed). Measured on the seeded
 * database by PL/pgSQL loops (one statement per line or write, as the broker writes them; the client's and the
 * network's share left out), inside a transaction that is rolled back, with the indexes and with them dropped in
 * that transaction (so nothing else ever runs without them), in the order with, without, without, with — twice —
 * so that neither kind always runs on the warmer or the more bloated table. The figures are PostgreSQL's time per
 * statement, commits left out (they cost the same in both).
 */
final class WriteCost {

    /** The indexes of V28 on the tables every connect writes. */
    static final List<String> INDEXES = List.of("audit_by_time", "audit_by_actor", "audit_by_action",
            "session_ended_by_pool", "session_ended_by_host");

    private WriteCost() {
    }

    static void measure(String url, String user, String password, UUID tenant, UUID pool, int lines, int sessions)
            throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password)) {
            try (PreparedStatement ps = c.prepareStatement("select count(*) from pg_indexes where indexname = any(?)")) {
                ps.setArray(1, c.createArrayOf("text", INDEXES.toArray()));
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getInt(1) != INDEXES.size()) {
                        System.out.printf("%nV28's indexes are not in this database: their write cost is not measured%n");
                        return;
                    }
                }
            }
            System.out.printf("%nwhat V28's indexes cost the writes (%,d audit lines, %,d session lives of 4 writes; "
                    + "PL/pgSQL, rolled back):%n", lines, sessions);
            System.out.printf("  %-22s %18s %22s%n", "", "µs per audit line", "µs per session write");
            boolean[] order = {true, false, false, true, true, false, false, true};
            double[][] sums = new double[2][2];
            for (boolean with : order) {
                c.setAutoCommit(false);
                if (!with) {
                    try (Statement st = c.createStatement()) {
                        for (String index : INDEXES) {
                            st.execute("drop index " + index);
                        }
                    }
                }
                double audit = timed(c, AUDIT_LINES, tenant, pool, lines) / lines;
                double session = timed(c, SESSION_LIVES, tenant, pool, sessions) / (4.0 * sessions);
                c.rollback();
                c.setAutoCommit(true);
                sums[with ? 0 : 1][0] += audit / 4;
                sums[with ? 0 : 1][1] += session / 4;
                System.out.printf("  %-22s %18.1f %22.1f%n", with ? "with V28's indexes" : "without them", audit, session);
            }
            System.out.printf("  %-22s %18.1f %22.1f%n  %-22s %18.1f %22.1f%n", "mean with", sums[0][0], sums[0][1],
                    "mean without", sums[1][0], sums[1][1]);
        }
    }

    /** Audit lines of sessions, one insert each ($1 tenant, $3 lines). */
    private static final String AUDIT_LINES = """
            do $$
            declare
                actors uuid[] := array(select id from app_user where tenant_id = '%1$s' limit 500);
            begin
                for i in 1..%3$s loop
                    insert into audit_event (tenant_id, actor_id, actor_name, action, object_type, object_id, details)
                    values ('%1$s', actors[1 + i %% cardinality(actors)], 'bench',
                            case when i %% 2 = 0 then 'SESSION_READY' else 'SESSION_CONNECTED' end, 'SESSION',
                            gen_random_uuid()::text, '{"from":"READY","to":"CONNECTED"}');
                end loop;
            end $$""";

    /** Session lives in a pool, each an insert and three updates ($1 tenant, $2 pool, $3 sessions). */
    private static final String SESSION_LIVES = """
            do $$
            declare
                users uuid[] := array(select u.id from app_user u where u.tenant_id = '%1$s' and not exists
                    (select 1 from session s where s.pool_id = '%2$s' and s.user_id = u.id and s.state <> 'ENDED') limit 500);
                sid uuid;
            begin
                for i in 1..%3$s loop
                    sid := gen_random_uuid();
                    insert into session (id, tenant_id, pool_id, user_id, state, client_address)
                    values (sid, '%1$s', '%2$s', users[1 + i %% cardinality(users)], 'READY', '192.168.7.7');
                    update session set state = 'CONNECTED', state_changed_at = clock_timestamp(),
                        connected_at = clock_timestamp(), last_activity_at = clock_timestamp() where id = sid;
                    update session set state = 'DISCONNECTED', state_changed_at = clock_timestamp(),
                        disconnected_by = 'USER' where id = sid;
                    update session set state = 'ENDED', end_reason = 'LOGOFF', state_changed_at = clock_timestamp(),
                        ended_at = clock_timestamp() where id = sid;
                end loop;
            end $$""";

    /** @return µs the block took */
    private static double timed(Connection c, String block, UUID tenant, UUID pool, int n) throws SQLException {
        try (Statement st = c.createStatement()) {
            long t0 = System.nanoTime();
            st.execute(String.format(block, tenant, pool, n));
            return (System.nanoTime() - t0) / 1e3;
        }
    }
}
