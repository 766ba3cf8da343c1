package io.deskport.broker.licensing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.BrokerProcess;
import io.deskport.broker.support.LedgerChecks;
import io.deskport.broker.support.StormEstate;
import io.deskport.broker.support.TestTenant;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #19, "must be shown": kill -9 of a broker during a storm. A broker in a process of its own and the test's
 * broker share one database; clients on both connect users to two pools (whose sessions take a CONCURRENT_USER
 * seat, and in one of them a NAMED_USER seat too) and log half of the sessions off again, against licences
 * smaller than the demand. The process is killed with SIGKILL in the middle of it. Afterwards, and again after
 * it is restarted and the storm goes on through both: the seats held equal the live sessions, checked in SQL
 * against the session table (not only against the licence module's own bookkeeping), no seat is held twice or
 * above capacity, and a mass logoff gives every concurrent-user seat back.
 */
@BrokerTest
class LicenceCrashTest {

    static final int CONCURRENT_SEATS = 40;
    static final int NAMED_SEATS = 30;
    static final int USERS = 120;
    static final int CLIENTS_PER_BROKER = 16;
    /** Connects to the third pool that the killed broker has sent with their COMMIT when it dies. */
    static final int IN_COMMIT = 2;
    /** Every answer a connect or logoff may give here; 0: the broker could not be reached (it was killed). */
    static final Set<String> DOCUMENTED = Set.of("0 null", "200 null", "201 null", "503 LICENCE_EXHAUSTED",
            "503 OVERLOADED", "409 CONFLICT");

    /** The {@code application_name} of the broker process's connections. */
    static final String PROCESS_APPLICATION = "licence-crash-broker";

    static Path dir;
    static BrokerProcess process;
    static String url;
    static String user;
    static String password;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    DataSource dataSource;

    @BeforeAll
    static void startBrokerProcess(@Autowired Environment env) throws Exception {
        Files.createDirectories(Path.of("target"));
        dir = Files.createTempDirectory(Path.of("target"), "licence-crash");
        url = env.getProperty("spring.datasource.url");
        user = env.getProperty("spring.datasource.username");
        password = env.getProperty("spring.datasource.password");
        // on the test broker's database, its connections named so that the test can tell them; no operator to bootstrap
        String processUrl = url.contains("ApplicationName=")
                ? url.replaceAll("ApplicationName=[^&]*", "ApplicationName=" + PROCESS_APPLICATION)
                : url + (url.contains("?") ? "&" : "?") + "ApplicationName=" + PROCESS_APPLICATION;
        process = BrokerProcess.start("licence", dir, processUrl, user, password, "", List.of());
        process.awaitHealthy(Duration.ofSeconds(180));
    }

    @AfterAll
    static void stopBrokerProcess() throws Exception {
        if (process != null) {
            process.close();
        }
    }

    /** One answer of the storm: a connect or a logoff, through broker 0 (the test's) or 1 (the process). */
    record Answer(int broker, int user, UUID pool, boolean logoff, int status, String reason, String sessionId) {
        String kind() {
            return status + " " + reason;
        }
    }

    @Test
    void aBrokerKilledMidStormLeavesSeatsHeldEqualToTheLiveSessionsBeforeAndAfterItsRestart() throws Exception {
        LicenceFixture licences = new LicenceFixture(context);
        TestTenant t = TestTenant.create(context, port, 5000, 5000);
        UUID office = sharedPool(t, "office");
        UUID cad = sharedPool(t, "cad");
        UUID vda = licences.product(t.id, "Crash VDA", LicenceModel.CONCURRENT_USER);
        licences.licence(vda, CONCURRENT_SEATS, Enforcement.HARD, 0);
        licences.require(office, vda);
        licences.require(cad, vda);
        UUID suite = licences.product(t.id, "Crash CAD", LicenceModel.NAMED_USER);
        licences.licence(suite, NAMED_SEATS, Enforcement.HARD, 0);
        licences.require(cad, suite);
        // POOLED: its connects claim desktops skipping locked ones, so that they do not queue for one host row
        UUID spare = t.pool("spare", "POOLED", null);
        t.desktops(spare, 2 * IN_COMMIT, "READY");
        UUID spareProduct = licences.product(t.id, "Crash spare VDA", LicenceModel.CONCURRENT_USER);
        licences.licence(spareProduct, 10, Enforcement.HARD, 0);
        licences.require(spare, spareProduct);
        Api[][] clients = users(t, List.of(office, cad, spare));
        List<UUID> pools = List.of(office, cad);

        // the storm; in its middle the broker process is killed while transactions of its are inside the database:
        // connects of a few users to a third pool wait in their COMMIT for the seat of its product (the test holds
        // that product's shard rows), and the storm's own connects and logoffs wait for the tenant's session seats
        // (the test holds those rows too)
        Queue<Answer> answers = new ConcurrentLinkedQueue<>();
        Queue<Answer> inCommit = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        int atKill;
        int waitingAtKill;
        try (ExecutorService runner = Executors.newCachedThreadPool()) {
            Future<?> storm = runner.submit(() -> churn(clients, pools, answers, stop));
            try {
                await("the storm under way").atMost(Duration.ofSeconds(120)).until(() -> storm.isDone()
                        || answers.stream().filter(a -> a.broker() == 1 && a.status() > 0).count() >= 300);
                assertThat(storm.isDone()).as("the storm still runs").isFalse();
                try (Connection lock = database()) {
                    lock.setAutoCommit(false);
                    int lockPid = lockRows(lock, "select shard from licence_seat_shard where product_id = ? "
                            + "order by shard for update", spareProduct);
                    List<Future<?>> spares = new ArrayList<>();
                    for (int u = 0; u < IN_COMMIT; u++) {
                        int user = u;
                        spares.add(runner.submit(() -> inCommit.add(connectUntilAnswered(clients[user][1], user, spare))));
                    }
                    // (the first waits for the test's row lock, the others queue behind it)
                    await("connects of the doomed broker waiting in their COMMIT").atMost(Duration.ofSeconds(60))
                            .until(() -> blockedBy(lockPid, PROCESS_APPLICATION) == IN_COMMIT);
                    lockRows(lock, "select shard from tenant_session_seats where tenant_id = ? order by shard for update", t.id);
                    await("the storm's transactions of the doomed broker waiting").atMost(Duration.ofSeconds(60))
                            .until(() -> waitingOf(PROCESS_APPLICATION) >= IN_COMMIT + 2);
                    waitingAtKill = waitingOf(PROCESS_APPLICATION);
                    process.kill9();
                    atKill = answers.size();
                    lock.rollback();
                    for (Future<?> f : spares) {
                        f.get();
                    }
                }
                // its connections' backends finish what they were sent (a COMMIT too) and go
                await("the killed broker's connections gone").atMost(Duration.ofSeconds(60))
                        .until(() -> backendsOf(PROCESS_APPLICATION) == 0);
                // the survivor serves on
                await("answers after the kill").atMost(Duration.ofSeconds(120)).until(() -> storm.isDone()
                        || answers.stream().skip(atKill).filter(a -> a.broker() == 0).count() >= 300);
            } finally {
                // a failure above must not leave the clients running (closing the runner waits for them)
                stop.set(true);
            }
            storm.get();
        }
        assertThat(process.isAlive()).isFalse();
        Map<String, Long> tally = tally(answers);
        Set<String> created = new java.util.HashSet<>(createdSessionsOf(answers));
        long unheard = jdbc.sql("select id::text from session where tenant_id = ?").param(t.id).query(String.class).list()
                .stream().filter(id -> !created.contains(id)).count();
        System.out.printf("LicenceCrashTest: %d answers, %d before the kill (%d transactions of the killed broker "
                + "waiting in the database then, %d of them connects in their COMMIT; %d sessions committed that no "
                + "client heard of): %s%n", answers.size(), atKill, waitingAtKill, IN_COMMIT, unheard, tally);
        // the connects the broker had sent with their COMMIT when it died committed without it, seats and all
        assertThat(inCommit).as("their clients heard nothing").hasSize(IN_COMMIT).allMatch(a -> a.status() == 0);
        for (int u = 0; u < IN_COMMIT; u++) {
            String userId = jdbc.sql("select id::text from app_user where tenant_id = ? and username = ?")
                    .params(t.id, "crash" + u).query(String.class).single();
            assertThat(jdbc.sql("select count(*) from session where pool_id = ? and user_id = ?::uuid and state <> 'ENDED'")
                    .params(spare, userId).query(Integer.class).single()).as("live session of crash%d in the third pool", u)
                    .isEqualTo(1);
        }
        assertThat(seats(spareProduct)).as("the third pool's seats: its sessions' users, one session each")
                .isEqualTo(sessionsByUser(t, List.of(spare))).hasSize(IN_COMMIT);
        assertThat(unheard).isGreaterThanOrEqualTo(IN_COMMIT);
        assertThat(tally.keySet()).as("documented answers only").isSubsetOf(DOCUMENTED);
        assertThat(answers).as("clients of the killed broker found it gone")
                .anyMatch(a -> a.broker() == 1 && a.status() == 0);
        assertThat(answers).as("the licences refused").anyMatch(a -> "LICENCE_EXHAUSTED".equals(a.reason()));
        assertThat(answers).as("sessions were logged off").anyMatch(a -> a.logoff() && a.status() == 200);
        assertSeatsEqualLiveSessions(t, vda, suite, office, cad);

        // the killed broker comes back, and the storm goes on through both
        process.restart();
        process.awaitHealthy(Duration.ofSeconds(180));
        assertSeatsEqualLiveSessions(t, vda, suite, office, cad);
        Queue<Answer> after = new ConcurrentLinkedQueue<>();
        AtomicBoolean stopAfter = new AtomicBoolean();
        try (ExecutorService runner = Executors.newSingleThreadExecutor()) {
            Future<?> again = runner.submit(() -> churn(clients, pools, after, stopAfter));
            try {
                await("answers after the restart").atMost(Duration.ofSeconds(120)).until(() -> again.isDone()
                        || after.stream().filter(a -> a.broker() == 1 && a.status() > 0).count() >= 200);
            } finally {
                stopAfter.set(true);
            }
            again.get();
        }
        Map<String, Long> tallyAfter = tally(after);
        System.out.printf("LicenceCrashTest: %d answers after the restart: %s%n", after.size(), tallyAfter);
        assertThat(tallyAfter.keySet()).as("documented answers only, and the broker is reachable again")
                .isSubsetOf(DOCUMENTED).doesNotContain("0 null");
        assertSeatsEqualLiveSessions(t, vda, suite, office, cad);

        // everyone logs off, through both brokers: no concurrent-user seat is left; named seats stay, unused
        int loggedOff = logoffEverything(clients);
        System.out.printf("LicenceCrashTest: %d sessions logged off at the end%n", loggedOff);
        assertThat(jdbc.sql("select count(*) from session where tenant_id = ? and state <> 'ENDED'").param(t.id)
                .query(Integer.class).single()).isZero();
        assertSeatsEqualLiveSessions(t, vda, suite, office, cad);
        assertThat(licences.held(vda)).isZero();
        assertThat(licences.counted(vda)).isZero();
        assertThat(licences.held(spareProduct)).isZero();
        assertThat(licences.counted(spareProduct)).isZero();
        assertThat(licences.held(suite)).isEqualTo(licences.counted(suite)).isPositive().isLessThanOrEqualTo(NAMED_SEATS);
        assertThat(jdbc.sql("select count(*) from licence_seat where product_id = ? and released_at is null and sessions <> 0")
                .param(suite).query(Integer.class).single()).isZero();
    }

    /**
     * The seats held, checked in SQL against the live sessions: per product the shards count the held seats; a
     * concurrent-user seat is held by exactly the users with a live session in a pool of the product, counting
     * those sessions; a named user with a live session holds a seat counting those sessions; no shard and no
     * product above its capacity; and every ledger check (licence checks included) finds nothing.
     */
    private void assertSeatsEqualLiveSessions(TestTenant t, UUID vda, UUID suite, UUID office, UUID cad) throws Exception {
        for (UUID product : List.of(vda, suite)) {
            assertThat(jdbc.sql("select coalesce(sum(used), 0) from licence_seat_shard where product_id = ?").param(product)
                    .query(Integer.class).single()).as("shards' count = held seats")
                    .isEqualTo(jdbc.sql("select count(*) from licence_seat where product_id = ? and released_at is null")
                            .param(product).query(Integer.class).single());
            assertThat(jdbc.sql("select count(*) from licence_seat_shard where product_id = ? and used > capacity")
                    .param(product).query(Integer.class).single()).as("shards above capacity").isZero();
        }
        assertThat(jdbc.sql("select count(*) from licence_seat where product_id = ? and released_at is null").param(vda)
                .query(Integer.class).single()).isLessThanOrEqualTo(CONCURRENT_SEATS);
        assertThat(jdbc.sql("select count(*) from licence_seat where product_id = ? and released_at is null").param(suite)
                .query(Integer.class).single()).isLessThanOrEqualTo(NAMED_SEATS);

        Map<String, Integer> liveByUser = sessionsByUser(t, List.of(office, cad));
        assertThat(seats(vda)).as("concurrent-user seats: holder -> sessions, as the live sessions say")
                .isEqualTo(liveByUser);
        Map<String, Integer> liveInCad = sessionsByUser(t, List.of(cad));
        Map<String, Integer> named = seats(suite);
        liveInCad.forEach((user, sessions) -> assertThat(named.get(user)).as("named seat of %s", user).isEqualTo(sessions));
        named.forEach((user, sessions) -> assertThat(sessions).as("named seat of %s", user)
                .isEqualTo(liveInCad.getOrDefault(user, 0)));

        Map<String, Integer> found = LedgerChecks.withDefaults().run(dataSource);
        assertThat(found).isNotEmpty();
        assertThat(LedgerChecks.violations(found)).as("ledger checks").isEmpty();
    }

    /** Live sessions of the tenant in the pools, counted per user (as text, the seats' holder). */
    private Map<String, Integer> sessionsByUser(TestTenant t, List<UUID> pools) {
        Map<String, Integer> m = new TreeMap<>();
        for (UUID pool : pools) {
            jdbc.sql("select user_id::text from session where tenant_id = ? and pool_id = ? and state <> 'ENDED'")
                    .params(t.id, pool).query(String.class).list().forEach(u -> m.merge(u, 1, Integer::sum));
        }
        return m;
    }

    /** The product's held seats: holder -> sessions using it. */
    private Map<String, Integer> seats(UUID product) {
        Map<String, Integer> m = new TreeMap<>();
        jdbc.sql("select holder, sessions from licence_seat where product_id = ? and released_at is null").param(product)
                .query((rs, n) -> m.put(rs.getString(1), rs.getInt(2))).list();
        return m;
    }

    // ---- the estate and the storm --------------------------------------------------------------------------

    private static UUID sharedPool(TestTenant t, String name) {
        UUID pool = t.pool(name, "SHARED", "BREADTH_FIRST");
        for (int i = 0; i < 2; i++) {
            t.host(pool, name + "-host-" + i, 200);
        }
        return pool;
    }

    /** The users, entitled by a group, signed in on both brokers: clients[user][broker]. */
    private Api[][] users(TestTenant t, List<UUID> pools) throws Exception {
        UUID groupId = check(t.admin.post("/api/v1/admin/groups", json("name", "crash-users")), 201).id();
        StringBuilder csv = new StringBuilder("username,password,groups\n");
        for (int i = 0; i < USERS; i++) {
            csv.append("crash").append(i).append(',').append(TestTenant.PASSWORD).append(",crash-users\n");
        }
        assertThat(check(t.admin.postRaw("/api/v1/admin/users/import", "text/csv", csv.toString()), 200).body()
                .get("created").asInt()).isEqualTo(USERS);
        for (UUID p : pools) {
            t.entitleGroup(p, groupId);
        }
        Api[][] clients = new Api[USERS][2];
        try (ExecutorService logins = Executors.newFixedThreadPool(16)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < USERS; i++) {
                int u = i;
                fs.add(logins.submit(() -> {
                    clients[u][0] = new Api(port).login(t.slug, "crash" + u, TestTenant.PASSWORD);
                    clients[u][1] = new Api(process.port()).login(t.slug, "crash" + u, TestTenant.PASSWORD);
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
        return clients;
    }

    /**
     * Until {@code stop}: each client connects a random user to a random pool through its broker and logs half
     * of the sessions it gets off again at once. A client whose broker cannot be reached stops.
     */
    private static Void churn(Api[][] clients, List<UUID> pools, Queue<Answer> out, AtomicBoolean stop) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(2 * CLIENTS_PER_BROKER)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int c = 0; c < 2 * CLIENTS_PER_BROKER; c++) {
                int broker = c % 2;
                fs.add(pool.submit(() -> {
                    while (!stop.get()) {
                        int u = ThreadLocalRandom.current().nextInt(USERS);
                        UUID p = pools.get(ThreadLocalRandom.current().nextInt(pools.size()));
                        Api api = clients[u][broker];
                        Api.Response r = send(api, "/api/v1/pools/" + p + "/connect");
                        String session = r != null && (r.status() == 200 || r.status() == 201)
                                ? r.body().get("session").get("id").asString() : null;
                        out.add(new Answer(broker, u, p, false, r == null ? 0 : r.status(), r == null ? null : r.reason(),
                                session));
                        if (r == null) {
                            return null;
                        }
                        Duration overloaded = StormEstate.overloadedWait(r.status(), r.reason(), r.header("Retry-After"));
                        if (!overloaded.isZero()) {
                            Thread.sleep(overloaded);
                            continue;
                        }
                        if (session != null && ThreadLocalRandom.current().nextBoolean()) {
                            Api.Response off = send(api, "/api/v1/sessions/" + session + "/logoff");
                            out.add(new Answer(broker, u, p, true, off == null ? 0 : off.status(),
                                    off == null ? null : off.reason(), session));
                            if (off == null) {
                                return null;
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
        return null;
    }

    /** @return the answer, or null when the broker could not be reached */
    private static Api.Response send(Api api, String path) {
        try {
            return api.post(path);
        } catch (IllegalStateException unreachable) {
            return null;
        }
    }

    /** Logs off every live session of every user, listed and logged off through both brokers in turn. */
    private static int logoffEverything(Api[][] clients) throws Exception {
        int n = 0;
        for (int u = 0; u < USERS; u++) {
            Api api = clients[u][u % 2];
            Api.Response list = check(api.get("/api/v1/sessions"), 200);
            for (var s : list.body()) {
                if (!"ENDED".equals(s.get("state").asString())) {
                    check(api.post("/api/v1/sessions/" + s.get("id").asString() + "/logoff"), 200);
                    n++;
                }
            }
        }
        return n;
    }

    /** Sessions answered as created (201), not those found again (200). */
    private static List<String> createdSessionsOf(Queue<Answer> answers) {
        return answers.stream().filter(a -> !a.logoff() && a.status() == 201).map(Answer::sessionId).toList();
    }

    /** A connection of its own to the database (the test broker's pool may be all taken by waiting connects). */
    private static Connection database() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    /** Backends of the application's connections waiting for a lock. */
    private static int waitingOf(String application) throws SQLException {
        return count("select count(*) from pg_stat_activity where application_name = ? and wait_event_type = 'Lock'",
                application);
    }

    /** Backends of the application's connections that the given backend blocks, directly or behind others. */
    private static int blockedBy(int blocker, String application) throws SQLException {
        try (Connection c = database(); PreparedStatement ps = c.prepareStatement("with recursive blocked(pid) as ("
                + "select pid from pg_stat_activity where ? = any(pg_blocking_pids(pid)) union "
                + "select a.pid from pg_stat_activity a join blocked b on b.pid = any(pg_blocking_pids(a.pid))) "
                + "select count(*) from blocked b join pg_stat_activity a on a.pid = b.pid where a.application_name = ?")) {
            ps.setInt(1, blocker);
            ps.setString(2, application);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Locks rows in the connection's transaction; @return the connection's backend pid */
    private static int lockRows(Connection c, String sql, UUID param) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            ps.executeQuery().close();
        }
        try (PreparedStatement ps = c.prepareStatement("select pg_backend_pid()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** A connect, sent again after Retry-After while OVERLOADED; status 0 when the broker could not be reached. */
    private static Answer connectUntilAnswered(Api api, int user, UUID pool) throws InterruptedException {
        while (true) {
            Api.Response r = send(api, "/api/v1/pools/" + pool + "/connect");
            if (r == null) {
                return new Answer(1, user, pool, false, 0, null, null);
            }
            Duration overloaded = StormEstate.overloadedWait(r.status(), r.reason(), r.header("Retry-After"));
            if (overloaded.isZero()) {
                return new Answer(1, user, pool, false, r.status(), r.reason(),
                        r.status() < 300 ? r.body().get("session").get("id").asString() : null);
            }
            Thread.sleep(overloaded);
        }
    }

    /** Backends of the application's connections. */
    private static int backendsOf(String application) throws SQLException {
        return count("select count(*) from pg_stat_activity where application_name = ?", application);
    }

    private static int count(String sql, String param) throws SQLException {
        try (Connection c = database(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static Map<String, Long> tally(Queue<Answer> answers) {
        return answers.stream().collect(Collectors.groupingBy(Answer::kind, TreeMap::new, Collectors.counting()));
    }
}
