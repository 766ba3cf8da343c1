package io.deskport.bench.provisioning;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.springframework.context.ConfigurableApplicationContext;

import io.deskport.broker.database.EmbeddedPostgres;
import io.deskport.broker.provisioning.Reconciler;

/**
 * Times full reconcile cycles through the broker's own reconciler (read everything, plan, write tasks
 * and move desktops) over 100 simulated hosts, 200 pools and 10,000 desktops in a realistic mix: most
 * in use, spares ready, a wave of logoffs to refresh and idle persistent desktops to stop. Before each
 * timed cycle the journal and the desktops are put back, so that every cycle does the same work.
 */
final class ReconcileCycleBench {

    static final int HOSTS = 100;
    static final int POOLS = 200;
    static final int PER_POOL = 50;
    private static final int WARMUP = 3;
    private static final int TIMED = 7;

    record Result(int hosts, int desktops, long medianMillis, int actionsPerCycle) {
    }

    private final EmbeddedPostgres postgres;
    private final String database;

    ReconcileCycleBench(EmbeddedPostgres postgres, String database) {
        this.postgres = postgres;
        this.database = database;
    }

    Result run() throws SQLException {
        postgres.ensureDatabase(database);
        try (ConfigurableApplicationContext broker = Brokers.start(postgres, database, false)) {
            DataSource ds = broker.getBean(DataSource.class);
            int desktops = populate(ds);
            Reconciler reconciler = broker.getBean(Reconciler.class);
            List<Long> times = new ArrayList<>();
            int actions = 0;
            for (int i = 0; i < WARMUP + TIMED; i++) {
                reset(ds);
                long t0 = System.nanoTime();
                Reconciler.CycleSummary s = reconciler.planOnce().orElseThrow(() ->
                        new IllegalStateException("this broker was not elected"));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                System.err.printf("reconcile cycle %d: %d ms (read %d, plan %d, write %d), %d actions, %d tasks%n",
                        i + 1, ms, s.readMillis(), s.planMillis(), s.writeMillis(), s.actionsPlanned(), s.tasksWritten());
                if (i == 0) {
                    java.util.Map<String, Integer> notes = new java.util.TreeMap<>();
                    reconciler.lastNotes().forEach(n -> notes.merge(n.code().name(), n.count(), Integer::sum));
                    System.err.println("held back (plan notes): " + notes);
                }
                if (i >= WARMUP) {
                    times.add(ms);
                    actions = s.tasksWritten();
                }
            }
            Collections.sort(times);
            return new Result(HOSTS, desktops, times.get(times.size() / 2), actions);
        }
    }

    /** Bulk-loads tenant, hosts, users, pools, images and desktops with plain SQL batches. */
    private int populate(DataSource ds) throws SQLException {
        UUID tenant = UUID.randomUUID();
        int count = 0;
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            exec(c, "insert into tenant (id, slug, name, max_concurrent_sessions, max_desktops, desktop_count) "
                    + "values ('" + tenant + "', 'bench', 'Benchmark', 100000, 100000, " + POOLS * PER_POOL + ")");
            List<UUID> hosts = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("insert into hypervisor_host (id, name, driver_id, settings, "
                    + "reported_cpu_total, reported_memory_total_mib, reported_storage_total_mib, inventory_at, simulated) "
                    + "values (?, ?, 'simulated', '{\"cpusPerHost\":\"128\",\"memoryMiBPerHost\":\"1048576\"}'::jsonb, "
                    + "128, 1048576, 16777216, now() + interval '1 day', true)")) {
                for (int h = 0; h < HOSTS; h++) {
                    UUID id = UUID.randomUUID();
                    hosts.add(id);
                    ps.setObject(1, id);
                    ps.setString(2, "sim-" + h);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            List<UUID> users = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("insert into app_user (id, tenant_id, username, display_name) "
                    + "values (?, ?, ?, ?)")) {
                for (int u = 0; u < POOLS * PER_POOL; u++) {
                    UUID id = UUID.randomUUID();
                    users.add(id);
                    ps.setObject(1, id);
                    ps.setObject(2, tenant);
                    ps.setString(3, "user" + u);
                    ps.setString(4, "User " + u);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            PreparedStatement pool = c.prepareStatement("insert into desktop_pool (id, tenant_id, name, kind) values (?, ?, ?, ?)");
            PreparedStatement image = c.prepareStatement("insert into image_version (id, tenant_id, pool_id, label, "
                    + "golden_disk_path, published_by) values (?, ?, ?, 'v1', '/images/golden.qcow2', 'bench')");
            PreparedStatement settings = c.prepareStatement("insert into pool_provisioning (pool_id, tenant_id, min_size, "
                    + "max_size, spare_target, vcpus, memory_mib, disk_mib, stop_after_disconnected_s, current_image_id) "
                    + "values (?, ?, 40, 60, ?, 2, 4096, 40960, ?, ?)");
            PreparedStatement desktop = c.prepareStatement("insert into desktop (id, tenant_id, pool_id, name, state, "
                    + "assigned_user_id, managed, console_host, console_port, console_password, state_changed_at) "
                    + "values (?, ?, ?, ?, ?, ?, true, 'simulated.invalid', 5900, 'pw', ?)");
            PreparedStatement placed = c.prepareStatement("insert into provisioned_desktop (desktop_id, tenant_id, pool_id, "
                    + "host_id, image_version_id, console_checked_at, last_disconnected_at) values (?, ?, ?, ?, ?, now(), ?)");
            int userIndex = 0;
            Timestamp longAgo = Timestamp.from(Instant.now().minusSeconds(7200));
            Timestamp recently = Timestamp.from(Instant.now().minusSeconds(60));
            for (int p = 0; p < POOLS; p++) {
                boolean persistent = p % 4 == 3;
                UUID poolId = UUID.randomUUID();
                UUID imageId = UUID.randomUUID();
                pool.setObject(1, poolId);
                pool.setObject(2, tenant);
                pool.setString(3, "pool-" + p);
                pool.setString(4, persistent ? "PERSISTENT" : "POOLED");
                pool.executeUpdate();
                image.setObject(1, imageId);
                image.setObject(2, tenant);
                image.setObject(3, poolId);
                image.executeUpdate();
                settings.setObject(1, poolId);
                settings.setObject(2, tenant);
                settings.setInt(3, persistent ? 2 : 5);
                settings.setObject(4, persistent ? 3600 : null);
                settings.setObject(5, imageId);
                settings.executeUpdate();
                for (int d = 0; d < PER_POOL; d++) {
                    String state;
                    UUID user = null;
                    Timestamp disconnected = null;
                    if (persistent) {
                        // 30 in use, 15 owned and idle (2 of them long enough to be stopped), 3 stopped, 2 free
                        state = d < 30 ? "IN_USE" : d < 45 ? "READY" : d < 48 ? "STOPPED" : "READY";
                        user = d < 48 ? users.get(userIndex++) : null;
                        disconnected = d >= 30 && d < 45 ? (d < 32 ? longAgo : recently) : null;
                    } else {
                        // 45 in use, 3 free spares, 2 just logged off (to refresh)
                        state = d < 45 ? "IN_USE" : d < 48 ? "READY" : "REFRESHING";
                        user = d < 45 ? users.get(userIndex++) : null;
                    }
                    UUID id = UUID.randomUUID();
                    desktop.setObject(1, id);
                    desktop.setObject(2, tenant);
                    desktop.setObject(3, poolId);
                    desktop.setString(4, "d-" + p + "-" + d);
                    desktop.setString(5, state);
                    desktop.setObject(6, user);
                    desktop.setTimestamp(7, recently);
                    desktop.addBatch();
                    placed.setObject(1, id);
                    placed.setObject(2, tenant);
                    placed.setObject(3, poolId);
                    placed.setObject(4, hosts.get((p * 31 + d) % HOSTS)); // pools spread over all hosts
                    placed.setObject(5, imageId);
                    placed.setTimestamp(6, disconnected);
                    placed.addBatch();
                    count++;
                }
                desktop.executeBatch();
                placed.executeBatch();
            }
            exec(c, "create table bench_desktop_state as select id, state from desktop");
            c.commit();
        }
        return count;
    }

    /** Puts the journal and the desktops back as populated. */
    private static void reset(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            exec(c, "delete from provisioning_task");
            exec(c, "update desktop d set state = b.state from bench_desktop_state b where b.id = d.id and d.state <> b.state");
            c.commit();
            exec(c, "vacuum analyze desktop");
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        boolean auto = c.getAutoCommit();
        if (sql.startsWith("vacuum")) {
            c.setAutoCommit(true);
        }
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        } finally {
            c.setAutoCommit(auto);
        }
    }
}
