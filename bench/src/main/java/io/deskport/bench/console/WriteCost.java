package io.deskport.bench.console;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the console's indexes (migration V28) cost the writes that every connect makes: an audit line, and a
 * session's life (created, connected, disconnected, ended: four writes of its row, each a new version that every
 * index of the table gets an entry for, as its state is indexed). Measured on the seeded database, statement by
 * statement over JDBC as the broker writes them, inside a transaction that is rolled back; alternately with the
 * indexes and with them dropped in that transaction (so nothing else ever runs without them), twice each. The
 * figures are PostgreSQL's time per statement as the client sees it, commits left out (they cost the same in both).
 */
final class WriteCost {

    /** The indexes of V28 on the tables a connect writes. */
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
            List<UUID> users = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("select id from app_user u where tenant_id = ? and not exists "
                    + "(select 1 from session s where s.pool_id = ? and s.user_id = u.id and s.state <> 'ENDED') limit 500")) {
                ps.setObject(1, tenant);
                ps.setObject(2, pool);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        users.add(rs.getObject(1, UUID.class));
                    }
                }
            }
            System.out.printf("%nwhat V28's indexes cost a connect's writes (%,d audit lines, %,d session lives of 4 writes; "
                    + "rolled back):%n", lines, sessions);
            System.out.printf("  %-22s %16s %22s%n", "", "µs per audit line", "µs per session write");
            for (int round = 0; round < 4; round++) {
                boolean with = round % 2 == 0;
                c.setAutoCommit(false);
                if (!with) {
                    try (Statement st = c.createStatement()) {
                        for (String index : INDEXES) {
                            st.execute("drop index " + index);
                        }
                    }
                }
                double audit = auditLines(c, tenant, users, lines);
                double session = sessionLives(c, tenant, pool, users, sessions);
                c.rollback();
                c.setAutoCommit(true);
                System.out.printf("  %-22s %16.1f %22.1f%n", with ? "with V28's indexes" : "without them", audit, session);
            }
        }
    }

    /** @return µs per line */
    private static double auditLines(Connection c, UUID tenant, List<UUID> users, int n) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("insert into audit_event (tenant_id, actor_id, actor_name, action, "
                + "object_type, object_id, details) values (?, ?, ?, ?, 'SESSION', ?, ?::jsonb)")) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                UUID actor = users.get(i % users.size());
                ps.setObject(1, tenant);
                ps.setObject(2, actor);
                ps.setString(3, "bench");
                ps.setString(4, i % 2 == 0 ? "SESSION_READY" : "SESSION_CONNECTED");
                ps.setString(5, UUID.randomUUID().toString());
                ps.setString(6, "{\"from\":\"READY\",\"to\":\"CONNECTED\"}");
                ps.executeUpdate();
            }
            return (System.nanoTime() - t0) / 1e3 / n;
        }
    }

    /** @return µs per write of a session row (its insert and three updates) */
    private static double sessionLives(Connection c, UUID tenant, UUID pool, List<UUID> users, int n) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("insert into session (id, tenant_id, pool_id, user_id, state, "
                + "client_address) values (?, ?, ?, ?, 'READY', '192.168.7.7')");
             PreparedStatement connected = c.prepareStatement("update session set state = 'CONNECTED', "
                     + "state_changed_at = clock_timestamp(), connected_at = clock_timestamp(), "
                     + "last_activity_at = clock_timestamp() where id = ?");
             PreparedStatement disconnected = c.prepareStatement("update session set state = 'DISCONNECTED', "
                     + "state_changed_at = clock_timestamp(), disconnected_by = 'USER' where id = ?");
             PreparedStatement ended = c.prepareStatement("update session set state = 'ENDED', end_reason = 'LOGOFF', "
                     + "state_changed_at = clock_timestamp(), ended_at = clock_timestamp() where id = ?")) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                UUID id = UUID.randomUUID();
                insert.setObject(1, id);
                insert.setObject(2, tenant);
                insert.setObject(3, pool);
                insert.setObject(4, users.get(i % users.size()));
                insert.executeUpdate();
                for (PreparedStatement u : List.of(connected, disconnected, ended)) {
                    u.setObject(1, id);
                    u.executeUpdate();
                }
            }
            return (System.nanoTime() - t0) / 1e3 / (4.0 * n);
        }
    }
}
