package io.deskport.broker.replicas;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.deskport.broker.database.EmbeddedPostgres;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.BrokerProcess;
import io.deskport.broker.support.LedgerChecks;
import io.deskport.broker.support.StormEstate;
import io.deskport.broker.support.StormEstate.Outcome;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two broker processes on one real PostgreSQL; the one elected to run the reconciler (its advisory lock, seen in
 * {@code pg_locks} as an outsider sees it) is killed with -9 in the middle of a logon storm spread over both. The
 * other takes the lead within {@link #FAILOVER_BOUND}, its session timers go on (a session disconnected past its
 * pool's timeout is logged off), and the ledger of the broker core holds ({@link LedgerChecks}, the storms' own
 * checks).
 */
class ReplicaFailoverTest {

    /**
     * The reconciler's documented bound on one machine: PostgreSQL drops a killed process's connection (and its
     * lock) at once, and the other broker tries at its next pass (every 2 s); the rest is a loaded machine's slack.
     */
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(10);
    /** The reconciler's advisory lock ("dp-recon" in ASCII, {@code provisioning.Reconciler.LOCK_KEY}). */
    private static final long RECONCILER_LOCK = 0x64702d7265636f6eL;
    private static final Set<String> DOCUMENTED = Set.of("200 null", "201 null", "503 POOL_EXHAUSTED",
            "503 HOST_CAPACITY", "429 TENANT_QUOTA", "503 OVERLOADED", "503 SERVICE_UNAVAILABLE", "409 CONFLICT");

    private static Path dir;
    private static EmbeddedPostgres postgres;
    private static final String DATABASE = "failover";
    private static String operatorPassword;
    private static BrokerProcess[] brokers;

    @BeforeAll
    static void startDatabaseAndTwoBrokers() throws Exception {
        dir = Files.createTempDirectory(Path.of("target"), "failover");
        postgres = EmbeddedPostgres.start(dir.resolve("postgres"), 0);
        postgres.ensureDatabase(DATABASE);
        operatorPassword = "platform-op-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        brokers = new BrokerProcess[2];
        // both at once on the empty database, as a Deployment's replicas start: one migrates the schema and bootstraps
        // the platform while the other waits for Flyway's lock (see bothStartedAtOnceOnAnEmptyDatabase…)
        for (int i = 0; i < 2; i++) {
            brokers[i] = BrokerProcess.start("ab".substring(i, i + 1), dir, postgres.jdbcUrl(DATABASE),
                    postgres.username(), postgres.password(), operatorPassword,
                    List.of("--deskport.sessions.timer-interval=1s"));
        }
        brokers[0].awaitHealthy(Duration.ofSeconds(180));
        brokers[1].awaitHealthy(Duration.ofSeconds(180));
    }

    @Test
    void bothStartedAtOnceOnAnEmptyDatabaseMigratedItOnceAndBootstrappedOnePlatform() throws Exception {
        try (Connection c = connect(); var st = c.createStatement()) {
            ResultSet rs = st.executeQuery("""
                    select count(*), count(distinct version), bool_and(success) from flyway_schema_history
                    where version is not null""");
            rs.next();
            assertThat(rs.getInt(1)).as("every migration applied once").isEqualTo(rs.getInt(2)).isPositive();
            assertThat(rs.getBoolean(3)).as("every migration succeeded").isTrue();
            rs = st.executeQuery("select count(*) from tenant where slug = 'platform'");
            rs.next();
            assertThat(rs.getInt(1)).as("one platform tenant").isEqualTo(1);
        }
        for (BrokerProcess b : brokers) {
            new Api(b.port()).login("platform", "operator", operatorPassword); // each broker signs the operator in
        }
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (brokers != null) {
            for (BrokerProcess b : brokers) {
                if (b != null) {
                    b.close();
                }
            }
        }
        if (postgres != null) {
            postgres.stop();
        }
    }

    @Test
    void killingTheElectedBrokerMidStormMovesItsLoopsToTheOtherWithinTheBoundAndKeepsTheLedger() throws Exception {
        Api operator = new Api(brokers[0].port()).login("platform", "operator", operatorPassword);
        StormEstate estate = StormEstate.create(operator, List.of(brokers[0].port(), brokers[1].port()), 1000, 120, 2,
                60, 400);
        await("one broker leads the reconciler").atMost(Duration.ofSeconds(30)).until(() -> leaderPid().isPresent());
        int leader = leaderPid().getAsLong() == brokers[0].handle().pid() ? 0 : 1;
        assertThat(brokers[leader].handle().pid()).as("the lock's holder is one of the two brokers")
                .isEqualTo(leaderPid().getAsLong());
        BrokerProcess elected = brokers[leader];
        BrokerProcess survivor = brokers[1 - leader];

        CompletableFuture<Long> killedAt = new CompletableFuture<>();
        List<Outcome> answers = estate.connectStorm(64, 2000, n -> {
            if (n == 300 && !killedAt.isDone()) {
                Thread.ofPlatform().start(() -> {
                    try {
                        elected.kill9();
                        killedAt.complete(System.nanoTime());
                    } catch (Throwable e) {
                        killedAt.completeExceptionally(e);
                    }
                });
            }
        });
        long killed = killedAt.get();
        await("the other broker leads").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> leaderPid().orElse(-1) == survivor.handle().pid());
        Duration failover = Duration.ofNanos(System.nanoTime() - killed);
        System.out.println("reconciler failover after kill -9: " + failover.toMillis() + " ms");
        assertThat(failover).as("the reconciler's lead moved within its bound").isLessThanOrEqualTo(FAILOVER_BOUND);

        Map<String, Integer> tally = StormEstate.tally(answers);
        System.out.println("answers: " + tally);
        assertThat(answers).as("no 500, every refusal documented: " + tally)
                .allMatch(o -> o.status() == 0 || DOCUMENTED.contains(o.kind()));
        assertThat(answers).as("the storm reached both brokers").anyMatch(o -> o.broker() == 0 && o.sessionId() != null)
                .anyMatch(o -> o.broker() == 1 && o.sessionId() != null);
        assertLedgerHolds();

        // the session timers go on on the survivor: a session disconnected past its pool's timeout is logged off
        int survivorIndex = 1 - leader;
        Outcome s = answers.stream().filter(o -> o.sessionId() != null && o.broker() == survivorIndex
                        && o.pool().equals(estate.pooled)).findFirst()
                .orElseThrow();
        execute("update session set state = 'DISCONNECTED', state_changed_at = now() - interval '2 hours' where id = ?::uuid",
                s.sessionId());
        long marked = System.nanoTime();
        await("the survivor's timers log it off").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> "ENDED".equals(stateOf(s.sessionId())));
        System.out.println("session timer on the survivor acted after " + (System.nanoTime() - marked) / 1_000_000 + " ms");

        estate.logoffEverything(survivorIndex);
        assertLedgerHolds();
        elected.restart();
        elected.awaitHealthy(Duration.ofSeconds(120));
        assertThat(leaderPid().orElse(-1)).as("a restarted broker does not take the lead from the one holding it")
                .isEqualTo(survivor.handle().pid());
    }

    /**
     * The broker process that holds the reconciler's advisory lock: PostgreSQL names the client port of the lock
     * holder's connection, and Linux names the process that owns the socket on that port.
     */
    private static OptionalLong leaderPid() throws Exception {
        int clientPort;
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("select a.client_port from pg_locks l "
                + "join pg_stat_activity a on a.pid = l.pid where l.locktype = 'advisory' and l.granted "
                + "and l.classid::bigint = ? and l.objid::bigint = ? and l.objsubid = 1")) {
            ps.setLong(1, RECONCILER_LOCK >>> 32);
            ps.setLong(2, RECONCILER_LOCK & 0xffffffffL);
            ResultSet rs = ps.executeQuery();
            if (!rs.next()) {
                return OptionalLong.empty();
            }
            clientPort = rs.getInt(1);
            assertThat(rs.next()).as("one leader only").isFalse();
        }
        for (BrokerProcess b : brokers) {
            if (b.isAlive() && LocalSockets.of(b.handle().pid()).contains(clientPort)) {
                return OptionalLong.of(b.handle().pid());
            }
        }
        return OptionalLong.empty();
    }

    private static void assertLedgerHolds() throws Exception {
        Map<String, Integer> found = LedgerChecks.withDefaults().run(postgres.jdbcUrl(DATABASE), postgres.username(),
                postgres.password());
        assertThat(LedgerChecks.violations(found)).as("ledger checks").isEmpty();
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(postgres.jdbcUrl(DATABASE), postgres.username(), postgres.password());
    }

    private static String stateOf(String sessionId) throws Exception {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("select state from session where id = ?::uuid")) {
            ps.setString(1, sessionId);
            ResultSet rs = ps.executeQuery();
            rs.next();
            return rs.getString(1);
        }
    }

    private static void execute(String sql, Object param) throws Exception {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            ps.executeUpdate();
        }
    }
}
