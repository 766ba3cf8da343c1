package io.deskport.bench.provisioning;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import javax.sql.DataSource;

import org.springframework.context.ConfigurableApplicationContext;

import io.deskport.broker.brokering.ConnectService;
import io.deskport.broker.brokering.EndReason;
import io.deskport.broker.brokering.SessionLifecycle;
import io.deskport.broker.database.EmbeddedPostgres;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.Role;
import io.deskport.provisioning.console.ConsoleProbe;
import io.deskport.provisioning.driver.ConsoleEndpoint;
import io.deskport.provisioning.image.TinyImage;
import io.deskport.provisioning.image.TinyImageBuilder;

/**
 * A connect to a stopped persistent desktop until its VNC console answers, through the broker with its
 * reconciler on the real libvirtd: the connect returns PREPARING, the reconciler starts the VM and
 * waits for its console, the session turns READY, and the console (address and password from the
 * database, as the gateway reads them) answers the RFB handshake.
 */
final class ConnectToConsoleBench {

    private final EmbeddedPostgres postgres;
    private final String database;

    ConnectToConsoleBench(EmbeddedPostgres postgres, String database) {
        this.postgres = postgres;
        this.database = database;
    }

    double run() throws Exception {
        UUID tenant = UUID.randomUUID();
        try {
            return measure(tenant);
        } finally {
            // whatever happened, leave no VM of this run behind
            try (var driver = new io.deskport.provisioning.libvirt.LibvirtDriver(
                    io.deskport.provisioning.libvirt.LibvirtDriverConfig.from(new io.deskport.provisioning.driver.DriverConfig(
                            "bench-cleanup", java.util.Map.of("uri", LibvirtCloneBench.URI,
                            "storagePool", LibvirtCloneBench.STORAGE_POOL))))) {
                driver.listDesktops().stream().filter(d -> d.tag().tenantId().equals(tenant.toString()))
                        .forEach(d -> driver.delete(d.desktopId()));
            }
        }
    }

    private double measure(UUID tenant) throws Exception {
        TinyImage tiny = new TinyImageBuilder(TinyImageBuilder.DEFAULT_CACHE).build();
        postgres.ensureDatabase(database);
        String h = "deskport.provisioning.hypervisors[0].";
        try (ConfigurableApplicationContext broker = Brokers.start(postgres, database, true,
                "deskport.provisioning.interval=100ms", "deskport.provisioning.shutdown-grace=3s", h + "name=bench-libvirt", h + "driver=libvirt",
                h + "settings.uri=" + LibvirtCloneBench.URI, h + "settings.storagePool=" + LibvirtCloneBench.STORAGE_POOL,
                h + "settings.storagePoolPath=" + LibvirtCloneBench.STORAGE_POOL_PATH, h + "settings.vncListen=127.0.0.1")) {
            DataSource ds = broker.getBean(DataSource.class);
            UUID user = UUID.randomUUID();
            UUID pool = UUID.randomUUID();
            setUp(ds, tenant, user, pool, tiny);
            ConnectService connects = broker.getBean(ConnectService.class);
            SessionLifecycle sessions = broker.getBean(SessionLifecycle.class);
            CurrentUser me = new CurrentUser(user, tenant, "bench", Set.of(Role.USER));
            try {
                await(() -> count(ds, "select count(*) from desktop where pool_id = ? and state = 'READY'", pool) == 1,
                        Duration.ofSeconds(90));
                UUID first = connects.connect(me, pool).session().id();
                sessions.end(first, EndReason.LOGOFF, me);
                await(() -> count(ds, "select count(*) from desktop where pool_id = ? and state = 'STOPPED'", pool) == 1,
                        Duration.ofSeconds(60));

                long t0 = System.nanoTime();
                var result = connects.connect(me, pool);
                UUID session = result.session().id();
                System.err.println("connect to the stopped desktop: " + result.session().state() + " "
                        + result.session().preparing());
                await(() -> count(ds, "select count(*) from session where id = ? and state = 'READY'", session) == 1,
                        Duration.ofSeconds(60));
                ConsoleEndpoint console = console(ds, result.session().desktopId());
                new ConsoleProbe(Duration.ofSeconds(5)).probe(console);
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.err.printf("connect → console answers: %.2f s%n", seconds);
                sessions.end(session, EndReason.LOGOFF, me);
                return seconds;
            } finally {
                // removing the pool deletes its desktop and VM through the task journal
                broker.getBean(io.deskport.broker.pools.DesktopPools.class).delete(new io.deskport.broker.shared.AdminContext(
                        new CurrentUser(null, tenant, "bench", Set.of(Role.PLATFORM_ADMIN)), tenant), pool);
                await(() -> count(ds, "select count(*) from provisioning_task where pool_id = ? and state in "
                        + "('PENDING', 'RUNNING')", pool) == 0, Duration.ofSeconds(60));
            }
        }
    }

    private static void setUp(DataSource ds, UUID tenant, UUID user, UUID pool, TinyImage tiny) throws SQLException {
        UUID image = UUID.randomUUID();
        try (Connection c = ds.getConnection()) {
            update(c, "insert into tenant (id, slug, name, max_concurrent_sessions, max_desktops) values (?, 'bench', 'Bench', 10, 10)",
                    tenant);
            update(c, "insert into app_user (id, tenant_id, username, display_name) values (?, ?, 'bench', 'Bench')", user, tenant);
            update(c, "insert into desktop_pool (id, tenant_id, name, kind, disconnect_timeout_s) values (?, ?, 'mine', 'PERSISTENT', 3600)",
                    pool, tenant);
            update(c, "insert into entitlement (id, tenant_id, pool_id, user_id) values (?, ?, ?, ?)", UUID.randomUUID(),
                    tenant, pool, user);
            update(c, "insert into image_version (id, tenant_id, pool_id, label, golden_disk_path, kernel_path, initrd_path, "
                    + "kernel_cmdline, published_by) values (?, ?, ?, 'tiny', ?, ?, ?, ?, 'bench')", image, tenant, pool,
                    tiny.goldenDisk().toString(), tiny.kernel().toString(), tiny.initrd().toString(), tiny.cmdline());
            update(c, "insert into pool_provisioning (pool_id, tenant_id, min_size, max_size, spare_target, vcpus, memory_mib, "
                    + "disk_mib, stop_after_disconnected_s, current_image_id) values (?, ?, 1, 1, 0, 1, 256, 64, 0, ?)",
                    pool, tenant, image);
        }
    }

    private static ConsoleEndpoint console(DataSource ds, UUID desktop) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "select console_host, console_port, console_password from desktop where id = ?")) {
            ps.setObject(1, desktop);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new ConsoleEndpoint("vnc", rs.getString(1), rs.getInt(2), rs.getString(3), false);
            }
        }
    }

    private static long count(DataSource ds, String sql, UUID id) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout);
            }
            Thread.sleep(5);
        }
    }

    private static void update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }
}
