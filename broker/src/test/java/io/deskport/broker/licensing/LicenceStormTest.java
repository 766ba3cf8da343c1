package io.deskport.broker.licensing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.LedgerChecks;
import io.deskport.broker.support.SecondBroker;
import io.deskport.broker.support.StormEstate;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #19, "must be shown": a logon storm through TWO broker instances on ONE database against a HARD licence
 * of {@value #SEATS} seats and {@value #USERS} users, for each model a session takes a seat of. Every user
 * connects through both brokers at the same moment (shuffled, {@value #THREADS} threads); the pools and the
 * tenant's quota have room for everyone, so only the licence refuses. Exactly {@value #SEATS} holders get in,
 * every other connect is refused with LICENCE_EXHAUSTED and the figures, nothing else is answered, the ledger
 * holds, and after a mass logoff through both brokers the seats are where the model says they are.
 */
@BrokerTest
class LicenceStormTest {

    static final int SEATS = 100;
    static final int USERS = 300;
    static final int THREADS = 48;

    static SecondBroker secondBroker;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    DataSource dataSource;

    LicenceFixture licences;
    TestTenant t;

    @BeforeAll
    static void startSecondBroker(@Autowired Environment env) {
        secondBroker = SecondBroker.on(env);
    }

    @AfterAll
    static void stopSecondBroker() {
        if (secondBroker != null) {
            secondBroker.close();
        }
    }

    @BeforeEach
    void tenant() {
        licences = new LicenceFixture(context);
        // the quota is no limit here: only the licence refuses
        t = TestTenant.create(context, port, 5000, 5000);
    }

    /** A user signed in on both brokers (index 0: the test's own, 1: the second). */
    record User(UUID id, String name, Api[] brokers) {
    }

    /** One connect as it was answered (after {@code resent} OVERLOADED answers, each sent again). */
    record Outcome(User user, UUID pool, int broker, String device, int status, String reason, String sessionId,
                   JsonNode body, int resent) {

        boolean admitted() {
            return status == 200 || status == 201;
        }

        String kind() {
            return admitted() ? "admitted" : status + " " + reason;
        }
    }

    /** A connect to be made in the storm. */
    record Call(User user, UUID pool, int broker, String device) {
    }

    // ---- the scenarios -------------------------------------------------------------------------------------

    @Test
    void concurrentUserStormOnTwoBrokersAdmitsExactlyTheSeatsAndTheLogoffFreesThemAll() throws Exception {
        UUID pool = sharedPool("office", 4, 100);
        UUID product = licences.product(t.id, "Storm VDA", LicenceModel.CONCURRENT_USER);
        licences.licence(product, SEATS, Enforcement.HARD, 0);
        licences.require(pool, product);
        List<User> users = users("cu", USERS, List.of(pool));

        List<Call> calls = new ArrayList<>();
        for (User u : users) {
            calls.add(new Call(u, pool, 0, null));
            calls.add(new Call(u, pool, 1, null));
        }
        List<Outcome> outcomes = storm(calls);

        assertOnlyAdmittedOrLicenceExhausted(outcomes);
        Map<User, List<Outcome>> byUser = outcomes.stream().collect(Collectors.groupingBy(Outcome::user));
        Set<UUID> admitted = admittedUsers(byUser);
        assertThat(admitted).as("users holding a seat").hasSize(SEATS);
        assertRefusedUsersWereRefusedEveryTime(byUser, admitted, USERS - SEATS);
        assertRefusalFigures(outcomes, "Storm VDA", "CONCURRENT_USER");
        // both connects of an admitted user answer with one session (the second is a reconnect)
        byUser.forEach((u, os) -> assertThat(os.stream().map(Outcome::sessionId).distinct().count())
                .as("sessions of %s", u.name()).isEqualTo(1));

        assertThat(liveSessions(pool)).isEqualTo(SEATS);
        assertThat(heldBy(product)).as("the seats' holders are the admitted users")
                .containsExactlyInAnyOrderElementsOf(admitted.stream().map(UUID::toString).toList());
        assertThat(jdbc.sql("select count(*) from licence_seat where product_id = ? and released_at is null and sessions = 1")
                .param(product).query(Integer.class).single()).as("each seat held by its one session").isEqualTo(SEATS);
        assertShards(product, SEATS, SEATS);
        assertThat(jdbc.sql("select count(*) from licence_seat where product_id = ?").param(product).query(Integer.class)
                .single()).as("a refused connect leaves no holding in the history").isEqualTo(SEATS);
        assertLedgerClean();

        assertThat(massLogoff(outcomes)).isEqualTo(SEATS);
        assertThat(liveSessions(pool)).isZero();
        assertShards(product, SEATS, 0);
        assertThat(licences.held(product)).as("no held seat left").isZero();
        assertThat(jdbc.sql("select count(*) from licence_seat where product_id = ? and release_reason = 'LOGOFF'")
                .param(product).query(Integer.class).single()).isEqualTo(SEATS);
        assertLedgerClean();
    }

    @Test
    void namedUserFirstUsesRacingOnTwoBrokersAndTwoPoolsAssignEachSeatOnce() throws Exception {
        UUID cad = sharedPool("cad", 3, 200);
        UUID viewer = sharedPool("viewer", 3, 200);
        UUID product = licences.product(t.id, "Storm CAD seat", LicenceModel.NAMED_USER, false, 30);
        licences.licence(product, SEATS, Enforcement.HARD, 0);
        licences.require(cad, product);
        licences.require(viewer, product);
        List<User> users = users("nu", USERS, List.of(cad, viewer));

        // each user's first use four times at once: both pools, each through both brokers
        List<Call> calls = new ArrayList<>();
        for (User u : users) {
            for (UUID p : List.of(cad, viewer)) {
                calls.add(new Call(u, p, 0, null));
                calls.add(new Call(u, p, 1, null));
            }
        }
        List<Outcome> outcomes = storm(calls);

        assertOnlyAdmittedOrLicenceExhausted(outcomes);
        Map<User, List<Outcome>> byUser = outcomes.stream().collect(Collectors.groupingBy(Outcome::user));
        Set<UUID> admitted = admittedUsers(byUser);
        assertThat(admitted).as("users assigned a seat").hasSize(SEATS);
        assertRefusedUsersWereRefusedEveryTime(byUser, admitted, USERS - SEATS);
        assertRefusalFigures(outcomes, "Storm CAD seat", "NAMED_USER");
        // a user with a seat got into both pools: the race of their first uses took one seat, and the other joined it
        byUser.forEach((u, os) -> {
            if (admitted.contains(u.id())) {
                assertThat(os).as("connects of %s", u.name()).allMatch(Outcome::admitted);
                assertThat(os.stream().filter(o -> o.pool().equals(cad)).map(Outcome::sessionId).distinct().count()).isEqualTo(1);
                assertThat(os.stream().filter(o -> o.pool().equals(viewer)).map(Outcome::sessionId).distinct().count()).isEqualTo(1);
            }
        });
        assertThat(liveSessions(cad) + liveSessions(viewer)).isEqualTo(2 * SEATS);
        assertThat(heldBy(product)).as("one held seat per assigned user, held by exactly them")
                .containsExactlyInAnyOrderElementsOf(admitted.stream().map(UUID::toString).toList());
        assertThat(jdbc.sql("select count(*) from licence_seat where product_id = ?").param(product).query(Integer.class)
                .single()).as("no user was ever assigned twice").isEqualTo(SEATS);
        assertThat(jdbc.sql("select count(*) from licence_seat where product_id = ? and released_at is null and sessions = 2")
                .param(product).query(Integer.class).single()).as("each seat used by its user's two sessions").isEqualTo(SEATS);
        assertShards(product, SEATS, SEATS);
        assertLedgerClean();

        assertThat(massLogoff(outcomes)).isEqualTo(2 * SEATS);
        assertThat(liveSessions(cad) + liveSessions(viewer)).isZero();
        assertThat(heldBy(product)).as("named seats stay with their users after logoff")
                .containsExactlyInAnyOrderElementsOf(admitted.stream().map(UUID::toString).toList());
        assertThat(jdbc.sql("select count(*) from licence_seat where product_id = ? and released_at is null and sessions = 0")
                .param(product).query(Integer.class).single()).isEqualTo(SEATS);
        assertShards(product, SEATS, SEATS);
        assertLedgerClean();

        // the assigned users come back; the others are still refused
        List<Call> again = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            again.add(new Call(users.get(i), i % 2 == 0 ? cad : viewer, i % 2, null));
        }
        List<Outcome> back = storm(again);
        assertOnlyAdmittedOrLicenceExhausted(back);
        assertThat(back.stream().filter(Outcome::admitted).map(o -> o.user().id()).collect(Collectors.toSet()))
                .as("exactly the named users get in again").isEqualTo(admitted);
        assertRefusalFigures(back, "Storm CAD seat", "NAMED_USER");
        assertThat(jdbc.sql("select count(*) from licence_seat where product_id = ?").param(product).query(Integer.class)
                .single()).as("their holdings, not new ones").isEqualTo(SEATS);
        assertShards(product, SEATS, SEATS);
        assertLedgerClean();
        assertThat(massLogoff(back)).isEqualTo(SEATS);
        assertLedgerClean();
    }

    @Test
    void perDeviceStormOnTwoBrokersAdmitsExactlyTheSeatsInDevicesWhoeverSitsAtThem() throws Exception {
        UUID pool = sharedPool("kiosk", 4, 100);
        UUID product = licences.product(t.id, "Storm device CAL", LicenceModel.PER_DEVICE, false, 30);
        licences.licence(product, SEATS, Enforcement.HARD, 0);
        licences.require(pool, product);
        // USERS users on a device of their own, and 60 more on 20 shared kiosks, three at each
        int sharers = 60;
        List<User> users = users("pd", USERS + sharers, List.of(pool));
        Map<User, String> deviceOf = new HashMap<>();
        for (int i = 0; i < users.size(); i++) {
            deviceOf.put(users.get(i), i < USERS ? "laptop-%05d".formatted(i) : "kiosk-%05d".formatted((i - USERS) / 3));
        }
        assertThat(new HashSet<>(deviceOf.values())).hasSize(USERS + sharers / 3);

        List<Call> calls = new ArrayList<>();
        for (User u : users) {
            calls.add(new Call(u, pool, 0, deviceOf.get(u)));
            calls.add(new Call(u, pool, 1, deviceOf.get(u)));
        }
        List<Outcome> outcomes = storm(calls);

        assertOnlyAdmittedOrLicenceExhausted(outcomes);
        Map<String, List<Outcome>> byDevice = outcomes.stream().collect(Collectors.groupingBy(Outcome::device));
        Set<String> admittedDevices = outcomes.stream().filter(Outcome::admitted).map(Outcome::device)
                .collect(Collectors.toSet());
        assertThat(admittedDevices).as("distinct devices admitted").hasSize(SEATS);
        // a device is in or out: everyone at an admitted device gets in, everyone at another is refused
        byDevice.forEach((device, os) -> assertThat(os).as("connects from %s", device)
                .allMatch(admittedDevices.contains(device) ? Outcome::admitted : o -> !o.admitted()));
        assertRefusalFigures(outcomes, "Storm device CAL", "PER_DEVICE");
        assertThat(heldBy(product)).as("the seats' holders are the admitted devices")
                .containsExactlyInAnyOrderElementsOf(admittedDevices);
        Set<User> admittedUsers = outcomes.stream().filter(Outcome::admitted).map(Outcome::user).collect(Collectors.toSet());
        assertThat(liveSessions(pool)).isEqualTo(admittedUsers.size());
        // each device's seat counts the sessions of the users at it (three at an admitted kiosk)
        Map<String, Integer> sessionsAt = new TreeMap<>();
        admittedUsers.forEach(u -> sessionsAt.merge(deviceOf.get(u), 1, Integer::sum));
        Map<String, Integer> counted = new TreeMap<>();
        jdbc.sql("select holder, sessions from licence_seat where product_id = ? and released_at is null").param(product)
                .query((rs, n) -> counted.put(rs.getString(1), rs.getInt(2))).list();
        assertThat(counted).isEqualTo(sessionsAt);
        assertThat(jdbc.sql("select count(*) from licence_seat where product_id = ?").param(product).query(Integer.class)
                .single()).as("no device was ever given two seats").isEqualTo(SEATS);
        assertShards(product, SEATS, SEATS);
        assertLedgerClean();

        assertThat(massLogoff(outcomes)).isEqualTo(admittedUsers.size());
        assertThat(liveSessions(pool)).isZero();
        assertThat(heldBy(product)).as("device seats stay with their devices after logoff")
                .containsExactlyInAnyOrderElementsOf(admittedDevices);
        assertThat(jdbc.sql("select count(*) from licence_seat where product_id = ? and released_at is null and sessions = 0")
                .param(product).query(Integer.class).single()).isEqualTo(SEATS);
        assertShards(product, SEATS, SEATS);
        assertLedgerClean();

        // the devices with a seat come back (with any user at them); the others are still refused
        List<Call> again = new ArrayList<>();
        for (int i = 0; i < users.size(); i++) {
            again.add(new Call(users.get(i), pool, i % 2, deviceOf.get(users.get(i))));
        }
        List<Outcome> back = storm(again);
        assertOnlyAdmittedOrLicenceExhausted(back);
        assertThat(back.stream().filter(Outcome::admitted).map(Outcome::device).collect(Collectors.toSet()))
                .isEqualTo(admittedDevices);
        assertThat(back.stream().filter(o -> admittedDevices.contains(o.device()))).allMatch(Outcome::admitted);
        assertThat(jdbc.sql("select count(*) from licence_seat where product_id = ?").param(product).query(Integer.class)
                .single()).isEqualTo(SEATS);
        assertShards(product, SEATS, SEATS);
        massLogoff(back);
        assertLedgerClean();
    }

    /**
     * A user's two connects race through the two brokers and whoever created the session logs it off at once, so
     * that the logoff meets the other connect in flight: on the host row (both sessions' seat there), on the
     * session's unique key and on the user's concurrent-user seat. Every logoff succeeds, every connect is admitted
     * (there are seats for all), and the seats end where the sessions do.
     */
    @Test
    void aLogoffRacingTheSameUsersConnectThroughTheOtherBrokerSucceedsAndLeavesNoSeat() throws Exception {
        // one host: every connect and every logoff of the pool meets on its row
        UUID pool = sharedPool("race", 1, 1000);
        UUID product = licences.product(t.id, "Race VDA", LicenceModel.CONCURRENT_USER);
        int users = 40;
        licences.licence(product, users, Enforcement.HARD, 0);
        licences.require(pool, product);
        List<User> all = users("race", users, List.of(pool));

        List<String> answers = new CopyOnWriteArrayList<>();
        for (int round = 0; round < 8; round++) {
            List<Call> calls = new ArrayList<>();
            for (User u : all) {
                calls.add(new Call(u, pool, 0, null));
                calls.add(new Call(u, pool, 1, null));
            }
            Collections.shuffle(calls);
            CountDownLatch go = new CountDownLatch(1);
            try (ExecutorService race = Executors.newFixedThreadPool(THREADS)) {
                List<Future<?>> fs = new ArrayList<>();
                for (Call c : calls) {
                    fs.add(race.submit(() -> {
                        go.await();
                        Outcome o = connect(c);
                        answers.add("connect " + o.kind());
                        if (o.status() == 201) {
                            Api.Response off = c.user().brokers()[c.broker()].post("/api/v1/sessions/" + o.sessionId() + "/logoff");
                            answers.add("logoff " + off.status() + (off.status() == 200 ? "" : " " + off.raw()));
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : fs) {
                    f.get();
                }
            }
        }
        Map<String, Long> tally = answers.stream().collect(Collectors.groupingBy(a -> a, TreeMap::new, Collectors.counting()));
        System.out.println("LicenceStormTest: connects racing logoffs: " + tally);
        assertThat(answers).as("answers: %s", tally).allMatch(a -> a.equals("connect admitted") || a.equals("logoff 200"));
        assertThat(answers).as("sessions logged off").contains("logoff 200");
        assertThat(liveSessions(pool)).isZero();
        assertShards(product, users, 0);
        assertLedgerClean();
    }

    // ---- the estate ----------------------------------------------------------------------------------------

    /** A SHARED pool with hosts that have room for every user (the licence is what refuses). */
    private UUID sharedPool(String name, int hosts, int maxSessions) {
        UUID pool = t.pool(name, "SHARED", "BREADTH_FIRST");
        for (int i = 0; i < hosts; i++) {
            t.host(pool, name + "-host-" + i, maxSessions);
        }
        return pool;
    }

    /** {@code n} users imported in one request, entitled (by a group) to the pools, signed in on both brokers. */
    private List<User> users(String prefix, int n, List<UUID> pools) throws Exception {
        String group = prefix + "-users";
        UUID groupId = check(t.admin.post("/api/v1/admin/groups", json("name", group)), 201).id();
        StringBuilder csv = new StringBuilder("username,password,groups\n");
        for (int i = 0; i < n; i++) {
            csv.append(prefix).append(i).append(',').append(TestTenant.PASSWORD).append(',').append(group).append('\n');
        }
        JsonNode imported = check(t.admin.postRaw("/api/v1/admin/users/import", "text/csv", csv.toString()), 200).body();
        assertThat(imported.get("created").asInt()).as(imported.toString()).isEqualTo(n);
        for (UUID p : pools) {
            t.entitleGroup(p, groupId);
        }
        List<UUID> ids = new ArrayList<>();
        imported.get("results").forEach(r -> ids.add(UUID.fromString(r.get("id").asString())));
        User[] users = new User[n];
        parallel(16, n, i -> users[i] = new User(ids.get(i), prefix + i, new Api[] {
                new Api(port).login(t.slug, prefix + i, TestTenant.PASSWORD),
                new Api(secondBroker.port()).login(t.slug, prefix + i, TestTenant.PASSWORD)}));
        return List.of(users);
    }

    // ---- the storm -----------------------------------------------------------------------------------------

    /** The calls, shuffled, from {@value #THREADS} threads released at once; an answer per call. */
    private static List<Outcome> storm(List<Call> calls) throws Exception {
        List<Call> shuffled = new ArrayList<>(calls);
        Collections.shuffle(shuffled);
        List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        long started = System.nanoTime();
        try (ExecutorService storm = Executors.newFixedThreadPool(THREADS)) {
            List<Future<?>> fs = new ArrayList<>();
            for (Call c : shuffled) {
                fs.add(storm.submit(() -> {
                    go.await();
                    outcomes.add(connect(c));
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : fs) {
                f.get();
            }
        }
        System.out.printf("LicenceStormTest: %d connects in %d ms: %s (%d sent again after OVERLOADED)%n", calls.size(),
                (System.nanoTime() - started) / 1_000_000, tally(outcomes), outcomes.stream().mapToInt(Outcome::resent).sum());
        assertThat(outcomes).hasSize(calls.size());
        return outcomes;
    }

    /** One connect, as the portal makes it: turned away as OVERLOADED, it is sent again after Retry-After. */
    private static Outcome connect(Call c) {
        Api api = c.user().brokers()[c.broker()];
        if (c.device() != null) {
            api = api.withHeader(LicenceSeats.DEVICE_HEADER, c.device());
        }
        String path = "/api/v1/pools/" + c.pool() + "/connect";
        Api.Response r = api.post(path);
        int again = 0;
        for (; again < 20; again++) {
            Duration wait = StormEstate.overloadedWait(r.status(), r.reason(), r.header("Retry-After"));
            if (wait.isZero()) {
                break;
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            r = api.post(path);
        }
        String session = r.status() == 200 || r.status() == 201 ? r.body().get("session").get("id").asString() : null;
        return new Outcome(c.user(), c.pool(), c.broker(), c.device(), r.status(), r.reason(), session, r.body(), again);
    }

    /** Logs off every session the outcomes name, through both brokers at once; each logoff must answer 200. */
    private int massLogoff(List<Outcome> outcomes) throws Exception {
        Map<String, User> sessions = new HashMap<>();
        outcomes.stream().filter(Outcome::admitted).forEach(o -> sessions.put(o.sessionId(), o.user()));
        List<Map.Entry<String, User>> todo = new ArrayList<>(sessions.entrySet());
        Collections.shuffle(todo);
        List<String> failures = new CopyOnWriteArrayList<>();
        parallel(32, todo.size(), i -> {
            Api.Response r = todo.get(i).getValue().brokers()[i % 2].post("/api/v1/sessions/" + todo.get(i).getKey() + "/logoff");
            if (r.status() != 200) {
                failures.add(r.status() + " " + r.raw());
            }
        });
        assertThat(failures).as("logoffs").isEmpty();
        return todo.size();
    }

    // ---- what is checked -----------------------------------------------------------------------------------

    private static void assertOnlyAdmittedOrLicenceExhausted(List<Outcome> outcomes) {
        assertThat(outcomes).as("only 200/201 or 503 LICENCE_EXHAUSTED: %s", tally(outcomes))
                .allMatch(o -> o.admitted() || o.status() == 503 && "LICENCE_EXHAUSTED".equals(o.reason()));
    }

    private static Set<UUID> admittedUsers(Map<User, List<Outcome>> byUser) {
        return byUser.entrySet().stream().filter(e -> e.getValue().stream().anyMatch(Outcome::admitted))
                .map(e -> e.getKey().id()).collect(Collectors.toSet());
    }

    /** Every connect of a user who got no seat was refused (not one let in and another refused by a race). */
    private static void assertRefusedUsersWereRefusedEveryTime(Map<User, List<Outcome>> byUser, Set<UUID> admitted,
                                                               int expectedRefusedUsers) {
        Map<User, List<Outcome>> refused = byUser.entrySet().stream().filter(e -> !admitted.contains(e.getKey().id()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(refused).as("users refused").hasSize(expectedRefusedUsers);
        refused.forEach((u, os) -> assertThat(os).as("connects of %s", u.name()).noneMatch(Outcome::admitted));
        byUser.forEach((u, os) -> {
            if (admitted.contains(u.id())) {
                assertThat(os).as("connects of %s, who holds a seat", u.name()).allMatch(Outcome::admitted);
            }
        });
    }

    /** Every refusal names the product and its figures: all the seats, all in use, HARD. */
    private static void assertRefusalFigures(List<Outcome> outcomes, String product, String model) {
        List<Outcome> refusals = outcomes.stream().filter(o -> !o.admitted()).toList();
        assertThat(refusals).isNotEmpty().allSatisfy(o -> {
            JsonNode b = o.body();
            assertThat(b.get("product").asString()).isEqualTo(product);
            assertThat(b.get("model").asString()).isEqualTo(model);
            assertThat(b.get("seats").asInt()).isEqualTo(SEATS);
            assertThat(b.get("seatsInUse").asInt()).isEqualTo(SEATS);
            assertThat(b.get("enforcement").asString()).isEqualTo("HARD");
            assertThat(b.get("overuseMargin")).as("no margin for a HARD licence").isNull();
        });
    }

    /** The product's shards: their capacities add up to the licence, their counts to the seats held. */
    private void assertShards(UUID product, int capacity, int used) {
        Map<String, Object> s = jdbc.sql("select count(*) as shards, sum(capacity) as capacity, sum(used) as used, "
                + "count(*) filter (where used > capacity) as over from licence_seat_shard where product_id = ?")
                .param(product).query().singleRow();
        assertThat(((Number) s.get("shards")).intValue()).isEqualTo(LicenceCapacity.SHARDS);
        assertThat(((Number) s.get("capacity")).intValue()).isEqualTo(capacity);
        assertThat(((Number) s.get("used")).intValue()).as("shards' count of seats in use").isEqualTo(used);
        assertThat(((Number) s.get("over")).intValue()).as("shards above their capacity").isZero();
        assertThat(licences.held(product)).as("held seat rows").isEqualTo(used);
    }

    private List<String> heldBy(UUID product) {
        return jdbc.sql("select holder from licence_seat where product_id = ? and released_at is null").param(product)
                .query(String.class).list();
    }

    private int liveSessions(UUID pool) {
        return jdbc.sql("select count(*) from session where pool_id = ? and state <> 'ENDED'").param(pool)
                .query(Integer.class).single();
    }

    private void assertLedgerClean() throws Exception {
        Map<String, Integer> found = LedgerChecks.withDefaults().run(dataSource);
        assertThat(found).as("every ledger check ran").isNotEmpty();
        assertThat(LedgerChecks.violations(found)).as("ledger checks").isEmpty();
    }

    private static Map<String, Long> tally(List<Outcome> outcomes) {
        return outcomes.stream().collect(Collectors.groupingBy(Outcome::kind, TreeMap::new, Collectors.counting()));
    }

    private interface Task {
        void run(int index) throws Exception;
    }

    private static void parallel(int threads, int n, Task task) throws Exception {
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                fs.add(pool.submit(() -> {
                    task.run(index);
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get();
            }
        }
    }
}
