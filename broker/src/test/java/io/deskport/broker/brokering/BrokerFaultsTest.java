package io.deskport.broker.brokering;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
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
 * What a Monday morning does to two broker replicas on one real PostgreSQL, from the outside: storms of
 * connects into pools smaller than the demand and a quota below the places, with 64 clients per broker;
 * kill -9 of a broker in the middle of a connect storm and of a logoff storm; a PostgreSQL restart in
 * the middle of a storm. No answer is ever a 500, every refusal is a documented one, and afterwards the
 * ledger holds (checked in SQL, {@link LedgerChecks}).
 */
class BrokerFaultsTest {

    private static final int CLIENTS_PER_BROKER = 64;
    /** Every answer a connect or logoff may give under these faults. */
    private static final Set<String> DOCUMENTED = Set.of("200 null", "201 null", "503 POOL_EXHAUSTED",
            "503 HOST_CAPACITY", "429 TENANT_QUOTA", "503 OVERLOADED", "503 SERVICE_UNAVAILABLE", "409 CONFLICT");

    private static Path dir;
    private static EmbeddedPostgres postgres;
    private static String database;
    private static String operatorPassword;
    private static BrokerProcess[] brokers;

    private StormEstate estate;

    @BeforeAll
    static void startDatabaseAndTwoBrokers() throws Exception {
        dir = Files.createTempDirectory(Path.of("target"), "faults");
        postgres = EmbeddedPostgres.start(dir.resolve("postgres"), 0);
        database = "faults";
        postgres.ensureDatabase(database);
        operatorPassword = "platform-op-" + Long.toHexString(ThreadLocalRandom.current().nextLong());
        brokers = new BrokerProcess[2];
        for (int i = 0; i < 2; i++) {
            brokers[i] = BrokerProcess.start("ab".substring(i, i + 1), dir, postgres.jdbcUrl(database),
                    postgres.username(), postgres.password(), operatorPassword,
                    List.of("--deskport.sessions.timer-interval=1s"));
            if (i == 0) {
                // the first one migrates the schema; the second starts on it
                brokers[0].awaitHealthy(Duration.ofSeconds(120));
            }
        }
        brokers[1].awaitHealthy(Duration.ofSeconds(120));
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

    @BeforeEach
    void bothBrokersUp() throws Exception {
        for (BrokerProcess b : brokers) {
            if (!b.isAlive()) {
                b.restart();
            }
            b.awaitHealthy(Duration.ofSeconds(120));
        }
    }

    /** A tenant with {@code quota} seats, desktops in each VM pool and 2 session hosts, and its users signed in. */
    private void estate(int quota, int desktops, int hostSeats, int users) throws Exception {
        Api operator = new Api(brokers[0].port()).login("platform", "operator", operatorPassword);
        estate = StormEstate.create(operator, List.of(brokers[0].port(), brokers[1].port()), quota, desktops, 2,
                hostSeats, users);
    }

    @Test
    void aRefusalStormOnTwoBrokersAnswersEveryConnectWithADocumentedRefusalAndFillsExactlyTheQuota() throws Exception {
        // 30 seats for 40 places (15 pooled, 15 persistent, 2 hosts x 5) and 150 users
        estate(30, 15, 5, 150);
        List<Outcome> answers = estate.connectStorm(CLIENTS_PER_BROKER, 1500, n -> { });

        assertOnlyDocumentedAnswers(answers);
        assertThat(StormEstate.tally(answers)).containsKeys("429 TENANT_QUOTA");
        assertLedgerHolds();
        assertThat(liveSessions()).as("refused only when the quota was really used up").isEqualTo(30);

        assertOnlyDocumentedAnswers(estate.logoffStorm(CLIENTS_PER_BROKER, n -> { }));
        assertLedgerHolds();
        assertThat(liveSessions()).isZero();
    }

    @Test
    void killingABrokerMidConnectStormAndMidLogoffStormLeavesTheLedgerWhole() throws Exception {
        // room for hundreds of sessions, so that the logoff storm lasts long enough to be cut in the middle
        estate(1000, 120, 60, 400);
        CompletableFuture<Void> killed = new CompletableFuture<>();
        List<Outcome> answers = estate.connectStorm(CLIENTS_PER_BROKER, 2000, n -> {
            if (n == 300 && !killed.isDone()) {
                killInBackground(brokers[0], killed);
            }
        });
        killed.get();
        assertOnlyDocumentedAnswers(answers);
        assertThat(answers).as("connects after the kill reached no one on the dead broker")
                .anyMatch(o -> o.status() == 0 && o.broker() == 0);
        assertLedgerHolds();

        brokers[0].restart();
        brokers[0].awaitHealthy(Duration.ofSeconds(120));
        CompletableFuture<Void> killedToo = new CompletableFuture<>();
        int toLogOff = estate.knownLive();
        // enough for the kill to land mid-storm (a loaded machine turns more of the 2,000 connects away as
        // OVERLOADED, and a run on one found 196)
        assertThat(toLogOff).as("sessions to log off").isGreaterThan(100);
        List<Outcome> logoffs = estate.logoffStorm(CLIENTS_PER_BROKER, n -> {
            if (n == toLogOff / 4 && !killedToo.isDone()) {
                killInBackground(brokers[1], killedToo);
            }
        });
        killedToo.get();
        assertOnlyDocumentedAnswers(logoffs);
        assertLedgerHolds();

        // what the dead broker did not finish, the other one does
        estate.logoffEverything(0);
        assertLedgerHolds();
        assertThat(liveSessions()).isZero();
    }

    @Test
    void aPostgresRestartMidStormAnswersInWordsAndBothBrokersRecoverWithTheirBackgroundLoops() throws Exception {
        estate(30, 15, 5, 150);
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<List<Outcome>> storm = CompletableFuture.supplyAsync(() -> {
            try {
                return estate.connectUntil(16, stop);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> liveSessions() >= 10);

        postgres.stop();
        try {
            for (BrokerProcess b : brokers) {
                await("broker " + b.name() + " not ready while its database is down").atMost(Duration.ofSeconds(60))
                        .until(() -> b.readiness() == 503);
                assertThat(b.isAlive()).isTrue();
            }
        } finally {
            postgres = EmbeddedPostgres.start(dir.resolve("postgres"), postgres.port());
        }
        for (int i = 0; i < 2; i++) {
            BrokerProcess b = brokers[i];
            int broker = i;
            await("broker " + b.name() + " ready again").atMost(Duration.ofSeconds(60)).until(() -> b.readiness() == 200);
            await("broker " + b.name() + " connects again").atMost(Duration.ofSeconds(60)).until(() -> {
                int status = estate.connect(broker, ThreadLocalRandom.current().nextInt(estate.users()),
                        estate.pools.get(ThreadLocalRandom.current().nextInt(3))).status();
                return status == 200 || status == 201;
            });
        }
        stop.set(true);
        List<Outcome> answers = storm.get();

        assertOnlyDocumentedAnswers(answers);
        assertThat(answers).as("the outage was answered in words, with when to come back")
                .anyMatch(o -> "SERVICE_UNAVAILABLE".equals(o.reason()))
                .filteredOn(o -> "SERVICE_UNAVAILABLE".equals(o.reason()) || "OVERLOADED".equals(o.reason()))
                .allMatch(o -> o.retryAfter() != null);
        assertLedgerHolds();

        // the background loops survived the outage: one broker leads the reconciler again (its advisory lock),
        // both listen for tunnel notifications again, and the session timers log off a session disconnected
        // past its pool's timeout
        // (the reconciler's key, "dp-recon" in ASCII, as pg_locks shows a bigint key: its high and low halves)
        await("a reconciler leader again").atMost(Duration.ofSeconds(60)).until(() ->
                count("select count(*) from pg_locks where locktype = 'advisory' and granted and objsubid = 1 "
                        + "and classid::bigint = 1685073266 and objid::bigint = 1701015406") == 1);
        // each broker's presence lock (brokering.ReplicaPresence), by which the others know its tunnels are alive
        await("both brokers' presence again").atMost(Duration.ofSeconds(60)).until(() ->
                count("select count(*) from pg_locks where locktype = 'advisory' and granted and objsubid = 1 "
                        + "and not (classid::bigint = 1685073266 and objid::bigint = 1701015406)") >= 2);
        await("both brokers listening again").atMost(Duration.ofSeconds(60)).until(() ->
                count("select count(*) from pg_stat_activity where query ilike 'listen %'") == 2);
        Outcome s = connectedSomewhere();
        execute("update session set state = 'DISCONNECTED', state_changed_at = now() - interval '2 hours' where id = ?::uuid",
                s.sessionId());
        await().atMost(Duration.ofSeconds(30)).until(() -> "ENDED".equals(stateOf(s.sessionId())));
    }

    private Outcome connectedSomewhere() {
        for (int u = 0; u < estate.users(); u++) {
            Outcome o = estate.connect(u % 2, u, estate.pooled);
            if (o.sessionId() != null) {
                return o;
            }
        }
        throw new AssertionError("no user could connect after the outage");
    }

    private static void killInBackground(BrokerProcess broker, CompletableFuture<Void> done) {
        Thread.ofPlatform().start(() -> {
            try {
                broker.kill9();
                done.complete(null);
            } catch (Throwable e) {
                done.completeExceptionally(e);
            }
        });
    }

    private static void assertOnlyDocumentedAnswers(List<Outcome> answers) {
        Map<String, Integer> tally = StormEstate.tally(answers);
        System.out.println("answers: " + tally);
        assertThat(answers).as("no 500, every refusal documented: " + tally)
                .allMatch(o -> o.status() == 0 || DOCUMENTED.contains(o.kind()));
    }

    private void assertLedgerHolds() throws Exception {
        Map<String, Integer> found = LedgerChecks.withDefaults().run(postgres.jdbcUrl(database), postgres.username(),
                postgres.password());
        assertThat(LedgerChecks.violations(found)).as("ledger checks").isEmpty();
    }

    private int liveSessions() throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(database), postgres.username(), postgres.password());
             PreparedStatement ps = c.prepareStatement("select count(*) from session where tenant_id = ? and state <> 'ENDED'")) {
            ps.setObject(1, estate.tenantId);
            var rs = ps.executeQuery();
            rs.next();
            return rs.getInt(1);
        }
    }

    private int count(String sql) throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(database), postgres.username(), postgres.password());
             PreparedStatement ps = c.prepareStatement(sql)) {
            var rs = ps.executeQuery();
            rs.next();
            return rs.getInt(1);
        }
    }

    private String stateOf(String sessionId) throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(database), postgres.username(), postgres.password());
             PreparedStatement ps = c.prepareStatement("select state from session where id = ?::uuid")) {
            ps.setString(1, sessionId);
            var rs = ps.executeQuery();
            rs.next();
            return rs.getString(1);
        }
    }

    private void execute(String sql, Object param) throws Exception {
        try (Connection c = DriverManager.getConnection(postgres.jdbcUrl(database), postgres.username(), postgres.password());
             PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, param);
            ps.executeUpdate();
        }
    }
}
