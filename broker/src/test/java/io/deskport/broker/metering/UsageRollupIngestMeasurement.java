package io.deskport.broker.metering;

import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DelegatingDataSource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.node.ObjectNode;

/**
 * Not a test of behaviour (its name keeps it out of the normal run; run it with
 * {@code -Dtest=UsageRollupIngestMeasurement}): how fast one roll-up pass catches up on 20,000 realistic usage events
 * (sessions created, connected, disconnected, ended over 300 users in the last two hours, their licence seats, desktops
 * powered on and off, a few events recorded out of order), and what that costs in statements, in PostgreSQL's CPU
 * and in the pass's own. Prints one {@code MEASUREMENT} line per round: a warm-up of 2,000 events, then 20,000 twice,
 * each round in a tenant of its own.
 */
@BrokerTest
@TestPropertySource(properties = "deskport.metering.rollup-interval=1h") // no scheduled pass takes the events first
class UsageRollupIngestMeasurement {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    UsageRecorder recorder;
    @Autowired
    UsageRollups rollups;
    @Autowired
    PlatformTransactionManager txManager;
    @Autowired
    JdbcClient jdbc;

    /** Counts the statements prepared on the measured thread, and notes when the pass's clock step begins. */
    static final class Statements {
        static volatile Thread measured;
        static final AtomicInteger count = new AtomicInteger();
        static volatile int atClock = -1;
        static volatile long clockNanos;
        static volatile double clockPgMillis;
        static volatile long postmaster;

        static void prepared(String sql) {
            if (Thread.currentThread() != measured) {
                return;
            }
            int n = count.incrementAndGet();
            if (atClock < 0 && sql.startsWith("select rolled_until")) {
                atClock = n - 1;
                clockNanos = System.nanoTime();
                clockPgMillis = cpuMillisOfTree(postmaster);
            }
        }
    }

    @TestConfiguration
    static class CountingDataSource {
        @Bean
        static BeanPostProcessor countStatements() {
            return new BeanPostProcessor() {
                @Override
                public Object postProcessAfterInitialization(Object bean, String name) {
                    return bean instanceof DataSource ds && !(bean instanceof DelegatingDataSource) ? counting(ds) : bean;
                }
            };
        }

        private static DataSource counting(DataSource target) {
            return new DelegatingDataSource(target) {
                @Override
                public Connection getConnection() throws SQLException {
                    return wrap(super.getConnection());
                }

                @Override
                public Connection getConnection(String user, String password) throws SQLException {
                    return wrap(super.getConnection(user, password));
                }
            };
        }

        private static Connection wrap(Connection c) {
            return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                    (proxy, method, args) -> {
                        String m = method.getName();
                        if (m.equals("prepareStatement") || m.equals("prepareCall") || m.equals("createStatement")) {
                            Statements.prepared(args != null && args.length > 0 && args[0] instanceof String s ? s : "");
                        }
                        try {
                            return method.invoke(c, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }

    @Test
    void catchingUpOnTwentyThousandEvents() {
        Statements.postmaster = ProcessHandle.of(jdbc.sql("select pg_backend_pid()").query(Long.class).single())
                .flatMap(ProcessHandle::parent).orElseThrow().pid();
        round("warm-up", 2_000, 1L);
        round("measured-1", 20_000, 2L);
        round("measured-2", 20_000, 3L);
    }

    private void round(String name, int events, long seed) {
        TestTenant tenant = TestTenant.create(context, port, 10, 10);
        rollups.rollUpNow(); // the tenant's own setup events, and anything before
        List<UsageWeek.Event> generated = generate(new Random(seed), events);
        record(tenant.id, generated);
        await().atMost(Duration.ofSeconds(120)).until(() -> jdbc.sql("select count(*) from usage_event where tenant_id = ? "
                + "and tx < pg_snapshot_xmin(pg_current_snapshot())").param(tenant.id).query(Integer.class).single() >= events);

        String loadBefore = loadAverage();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Statements.count.set(0);
        Statements.atClock = -1;
        Statements.measured = Thread.currentThread();
        double pgBefore = cpuMillisOfTree(Statements.postmaster);
        long cpuBefore = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        UsageRollups.Pass pass = rollups.rollUpNow();
        long end = System.nanoTime();
        long cpuAfter = threads.getCurrentThreadCpuTime();
        double pgAfter = cpuMillisOfTree(Statements.postmaster);
        Statements.measured = null;

        int unread = unread(tenant.id);
        if (unread > 0) {
            // the pass stopped at the end of the visible log: say what held it back, then catch up
            System.out.printf("MEASUREMENT %s: the pass read %d events and stopped with %d of the tenant's unread; "
                            + "transactions holding an xid: %s%n", name, pass.events(), unread,
                    jdbc.sql("select pid, backend_xid::text, state, xact_start, left(query, 80) from pg_stat_activity "
                            + "where backend_xid is not null").query().listOfRows());
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                rollups.rollUpNow();
                return unread(tenant.id) == 0;
            });
        }
        double ingestMs = (Statements.clockNanos - start) / 1e6;
        double totalMs = (end - start) / 1e6;
        int intervals = jdbc.sql("select count(*) from usage_interval where tenant_id = ?").param(tenant.id).query(Integer.class).single();
        System.out.printf("MEASUREMENT %s: events=%d intervals=%d hours=%d | ingest %.0f ms = %.0f events/s, %d statements, "
                        + "PostgreSQL CPU %.0f ms | recompute %.0f ms, %d statements, PostgreSQL CPU %.0f ms | pass thread CPU %.0f ms "
                        + "| load %s -> %s%n",
                name, pass.events(), intervals, pass.hours(), ingestMs, pass.events() / (ingestMs / 1000), Statements.atClock,
                Statements.clockPgMillis - pgBefore, totalMs - ingestMs, Statements.count.get() - Statements.atClock,
                pgAfter - Statements.clockPgMillis, (cpuAfter - cpuBefore) / 1e6, loadBefore, loadAverage());
    }

    private int unread(UUID tenantId) {
        UsageCursor c = rollups.cursor();
        return jdbc.sql("select count(*) from usage_event where tenant_id = ? and (tx, seq) > (?::text::xid8, ?)")
                .params(tenantId, Long.toString(c.tx()), c.seq()).query(Integer.class).single();
    }

    /**
     * The last two hours of a tenant's day: sessions of 300 users in 2 pools (created, connected, sometimes
     * disconnected and connected again, ended), the licence seat each takes and releases (written a moment after the
     * session's change, as the relay does), 80 desktops powered on and off; one event in 200 written a few hundred
     * events late (a transaction that began before others committed).
     */
    private static List<UsageWeek.Event> generate(Random rnd, int target) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Instant from = now.minus(Duration.ofHours(2));
        long span = ChronoUnit.MICROS.between(from, now.minusSeconds(60));
        UUID[] pools = {UUID.randomUUID(), UUID.randomUUID()};
        UUID[] users = new UUID[300];
        for (int i = 0; i < users.length; i++) {
            users[i] = UUID.randomUUID();
        }
        UUID product = UUID.randomUUID();
        List<UsageWeek.Event> events = new ArrayList<>();
        int desktops = 80;
        for (int d = 0; d < desktops; d++) {
            UUID id = UUID.randomUUID();
            UUID pool = pools[d % 2];
            Instant t = from.plus(rnd.nextInt(60_000_000), ChronoUnit.MICROS);
            events.add(new UsageWeek.Event(UsageEventType.DESKTOP_CREATED, id, t, desktop(id, pool)));
            for (int p = 0; p < 8; p++) {
                t = t.plus(1 + (long) (rnd.nextDouble() * span / 10), ChronoUnit.MICROS);
                events.add(new UsageWeek.Event(p % 2 == 0 ? UsageEventType.DESKTOP_POWERED_ON : UsageEventType.DESKTOP_POWERED_OFF,
                        id, t, desktop(id, pool)));
            }
        }
        long seat = 5_000_000 + rnd.nextInt(1_000_000);
        while (events.size() < target) {
            UUID id = UUID.randomUUID();
            UUID pool = pools[rnd.nextInt(2)];
            UUID user = users[rnd.nextInt(users.length)];
            Instant created = from.plus((long) (rnd.nextDouble() * span), ChronoUnit.MICROS);
            Instant t = created;
            events.add(new UsageWeek.Event(UsageEventType.SESSION_CREATED, id, t, session(id, pool, user, "device-" + rnd.nextInt(500))));
            Instant taken = t.plusMillis(5 + rnd.nextInt(50));
            long seatId = seat++;
            events.add(new UsageWeek.Event(UsageEventType.LICENCE_SEAT_TAKEN, seatId, taken, seat(seatId, product, user)));
            int connections = rnd.nextInt(10) < 7 ? 1 : 2;
            for (int c = 0; c < connections; c++) {
                t = t.plusMillis(200 + rnd.nextInt(2_000));
                events.add(new UsageWeek.Event(UsageEventType.SESSION_CONNECTED, id, t, session(id, pool, user, null)));
                if (c + 1 < connections) {
                    t = t.plusSeconds(30 + rnd.nextInt(600));
                    events.add(new UsageWeek.Event(UsageEventType.SESSION_DISCONNECTED, id, t, session(id, pool, user, null)));
                }
            }
            t = t.plusSeconds(60 + rnd.nextInt(1_800));
            events.add(new UsageWeek.Event(UsageEventType.SESSION_ENDED, id, t, session(id, pool, user, null)));
            events.add(new UsageWeek.Event(UsageEventType.LICENCE_SEAT_RELEASED, seatId, t.plusMillis(5 + rnd.nextInt(50)),
                    seat(seatId, product, user).put("takenAt", taken.toString())));
        }
        events.sort(Comparator.comparing(UsageWeek.Event::time));
        List<UsageWeek.Event> written = new ArrayList<>(events.subList(0, target));
        for (int i = 0; i + 400 < written.size(); i += 200) {
            UsageWeek.Event e = written.get(i);
            if (e.type() == UsageEventType.SESSION_CONNECTED || e.type() == UsageEventType.DESKTOP_POWERED_OFF
                    || e.type() == UsageEventType.DESKTOP_POWERED_ON) {
                written.add(i + 100 + rnd.nextInt(300), written.remove(i));
            }
        }
        return written;
    }

    private static ObjectNode session(UUID id, UUID pool, UUID user, String device) {
        ObjectNode d = UsageRecorder.data().put("sessionId", id.toString()).put("poolId", pool.toString())
                .put("userId", user.toString());
        return device == null ? d : d.put("deviceId", device);
    }

    private static ObjectNode desktop(UUID id, UUID pool) {
        ObjectNode d = UsageRecorder.data().put("desktopId", id.toString()).put("poolId", pool.toString());
        d.putObject("size").put("vcpus", 2).put("memoryMiB", 4096).put("diskMiB", 40960);
        return d;
    }

    private static ObjectNode seat(long id, UUID product, UUID user) {
        return UsageRecorder.data().put("seatId", id).put("productId", product.toString()).put("model", "CONCURRENT_USER")
                .put("userId", user.toString());
    }

    /** Writes the events as the changes' transactions would, a transaction per 200. */
    private void record(UUID tenantId, List<UsageWeek.Event> events) {
        TransactionTemplate tx = new TransactionTemplate(txManager);
        for (int i = 0; i < events.size(); i += 200) {
            List<UsageWeek.Event> batch = events.subList(i, Math.min(events.size(), i + 200));
            tx.executeWithoutResult(status -> batch.forEach(e -> recorder.recordAt(tenantId, e.type(), e.subject(), e.time(),
                    e.data())));
        }
    }

    /** CPU milliseconds of a process and its descendants alive now (PostgreSQL: the postmaster and its backends). */
    static double cpuMillisOfTree(long pid) {
        return ProcessHandle.of(pid).map(p -> cpuMillis(p) + p.descendants().mapToDouble(UsageRollupIngestMeasurement::cpuMillis).sum())
                .orElse(0.0);
    }

    private static double cpuMillis(ProcessHandle p) {
        return p.info().totalCpuDuration().map(Duration::toMillis).orElse(0L);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
