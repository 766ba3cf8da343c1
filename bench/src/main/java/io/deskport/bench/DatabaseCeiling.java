package io.deskport.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The database's own ceiling on this machine: clients looping over a two-statement write transaction
 * (an insert and a row update, committed durably) as fast as PostgreSQL allows.
 */
final class DatabaseCeiling {

    private DatabaseCeiling() {
    }

    /**
     * The best of several runs, after a checkpoint and once autovacuum is idle (waiting at most a minute):
     * the ceiling is what the machine can do, not what it did while busy with something else.
     */
    static double measureBest(String url, String user, String password, int clients, int seconds, int runs)
            throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, password); var st = c.createStatement()) {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                try (var rs = st.executeQuery("select count(*) from pg_stat_activity where backend_type = 'autovacuum worker'")) {
                    rs.next();
                    if (rs.getInt(1) == 0) {
                        break;
                    }
                }
                Thread.sleep(200);
            }
            st.execute("checkpoint");
        }
        double best = 0;
        StringBuilder each = new StringBuilder();
        for (int run = 0; run < runs; run++) {
            double tps = measure(url, user, password, clients, seconds);
            best = Math.max(best, tps);
            each.append(run == 0 ? "" : ", ").append(Math.round(tps));
        }
        System.out.printf("database ceiling: %.0f two-statement write transactions/s with %d JDBC clients "
                + "(best of %d runs of %d s: %s)%n", best, clients, runs, seconds, each);
        return best;
    }

    static double measure(String url, String user, String password, int clients, int seconds) throws Exception {
        try (Connection c = DriverManager.getConnection(url, user, password); var st = c.createStatement()) {
            st.execute("create schema if not exists bench");
            st.execute("drop table if exists bench.ceiling_log, bench.ceiling_counter");
            st.execute("create table bench.ceiling_log (id bigint generated always as identity primary key, "
                    + "client int not null, at timestamptz not null default now(), note text)");
            st.execute("create table bench.ceiling_counter (client int primary key, n bigint not null)");
            st.execute("insert into bench.ceiling_counter select g, 0 from generate_series(0, " + (clients - 1) + ") g");
        }
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int client = i;
            threads.add(Thread.ofPlatform().start(() -> {
                try (Connection c = DriverManager.getConnection(url, user, password)) {
                    c.setAutoCommit(false);
                    PreparedStatement insert = c.prepareStatement("insert into bench.ceiling_log (client, note) values (?, ?)");
                    PreparedStatement update = c.prepareStatement("update bench.ceiling_counter set n = n + 1 where client = ?");
                    while (System.nanoTime() < end) {
                        insert.setInt(1, client);
                        insert.setString(2, "session-like row");
                        insert.executeUpdate();
                        update.setInt(1, client);
                        update.executeUpdate();
                        c.commit();
                        done.incrementAndGet();
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        long start = System.nanoTime();
        for (Thread t : threads) {
            t.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        try (Connection c = DriverManager.getConnection(url, user, password); var st = c.createStatement()) {
            st.execute("drop schema bench cascade");
        }
        return done.get() / elapsed;
    }
}
