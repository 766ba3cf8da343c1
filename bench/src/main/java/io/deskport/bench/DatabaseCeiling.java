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
