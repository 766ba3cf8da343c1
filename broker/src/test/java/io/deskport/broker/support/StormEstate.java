package io.deskport.broker.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.deskport.broker.support.Api.json;

/**
 * A tenant smaller than its demand, set up through the admin API of running brokers as an operator
 * would script it: a POOLED, a PERSISTENT and a SHARED pool with fewer places than users, and a quota
 * below the places; then storms of connects and logoffs from many clients spread over the brokers, each
 * answer kept. For fault tests and bench/overload.
 */
public final class StormEstate {

    /** One answer of a storm; {@code status} 0 when the broker could not be reached at all. */
    public record Outcome(int broker, int user, UUID pool, int status, String reason, String sessionId,
                          String retryAfter, long nanos, long doneAt) {

        public String kind() {
            return status == 0 ? "unreachable" : status + " " + reason;
        }
    }

    /**
     * How a storm's requests travel: by default the tests' {@link Api} (the JDK's HttpClient); a benchmark
     * plugs in a leaner client, since the load generator shares the machine's cores with the brokers.
     */
    public interface Transport {
        /**
         * POSTs without a body with the bearer token to the broker of that index.
         *
         * @return the answer; status 0 when the broker could not be reached
         */
        Answer post(int broker, String bearer, String path);
    }

    /** What a {@link Transport} returns: status, problem reason, the session id of a connect, Retry-After. */
    public record Answer(int status, String reason, String sessionId, String retryAfter) {
    }

    private volatile Transport transport;

    public final UUID tenantId;
    public final String slug;
    public final UUID pooled;
    public final UUID persistent;
    public final UUID shared;
    public final List<UUID> pools;
    private final int users;
    /** users × brokers: each user signed in on each broker (any replica verifies any token; this spreads sign-in). */
    private final Api[][] clients;
    /** Live sessions this estate knows of, by user and pool. */
    private final Map<String, String> live = new ConcurrentHashMap<>();

    private StormEstate(UUID tenantId, String slug, UUID pooled, UUID persistent, UUID shared, int users,
                        Api[][] clients) {
        this.tenantId = tenantId;
        this.slug = slug;
        this.pooled = pooled;
        this.persistent = persistent;
        this.shared = shared;
        this.pools = List.of(pooled, persistent, shared);
        this.users = users;
        this.clients = clients;
    }

    /**
     * Creates the tenant and signs every user in on every broker.
     *
     * @param operator   a platform operator signed in on the first broker
     * @param ports      the brokers' ports
     * @param quota      the tenant's concurrent-session quota
     * @param desktops   desktops in each of the POOLED and PERSISTENT pools
     * @param hosts      session hosts of the SHARED pool, {@code hostSeats} sessions each
     */
    public static StormEstate create(Api operator, List<Integer> ports, int quota, int desktops, int hosts,
                                     int hostSeats, int users) throws Exception {
        String slug = "s" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        Api.Response t = operator.post("/api/v1/admin/tenants", json("slug", slug, "name", "Storm " + slug,
                "maxConcurrentSessions", quota, "maxDesktops", 10_000));
        TestTenant.check(t, 201);
        UUID tenantId = t.id();
        Api admin = operator.inTenant(tenantId);
        UUID pooled = TestTenant.check(admin.post("/api/v1/admin/pools", json("name", "office", "kind", "POOLED")), 201).id();
        UUID persistent = TestTenant.check(admin.post("/api/v1/admin/pools", json("name", "eng", "kind", "PERSISTENT")), 201).id();
        UUID shared = TestTenant.check(admin.post("/api/v1/admin/pools", json("name", "apps", "kind", "SHARED",
                "loadBalancing", "DEPTH_FIRST")), 201).id();
        UUID group = TestTenant.check(admin.post("/api/v1/admin/groups", json("name", "everyone")), 201).id();
        for (UUID p : List.of(pooled, persistent, shared)) {
            TestTenant.check(admin.post("/api/v1/admin/pools/" + p + "/entitlements", json("groupId", group.toString())), 201);
        }
        parallel(8, desktops * 2 + hosts, i -> {
            if (i < 2 * desktops) {
                UUID p = i < desktops ? pooled : persistent;
                TestTenant.check(admin.post("/api/v1/admin/pools/" + p + "/desktops", json("name", "vm-" + i,
                        "consoleHost", "127.0.0.1", "consolePort", 5900, "state", "READY")), 201);
            } else {
                TestTenant.check(admin.post("/api/v1/admin/pools/" + shared + "/session-hosts", json("name",
                        "host-" + i, "maxSessions", hostSeats, "consoleHost", "127.0.0.1", "consolePort", 5900)), 201);
            }
        });
        String password = "storm-" + java.util.UUID.randomUUID();
        Api[][] clients = new Api[users][ports.size()];
        parallel(8, users, u -> {
            UUID id = TestTenant.check(admin.post("/api/v1/admin/users", json("username", "user" + u,
                    "password", password)), 201).id();
            TestTenant.check(admin.put("/api/v1/admin/groups/" + group + "/members/" + id, null), 200);
            for (int b = 0; b < ports.size(); b++) {
                clients[u][b] = new Api(ports.get(b)).login(slug, "user" + u, password);
            }
        });
        return new StormEstate(tenantId, slug, pooled, persistent, shared, users, clients);
    }

    public int users() {
        return users;
    }

    /** Live sessions this estate has seen created and not yet logged off. */
    public int knownLive() {
        return live.size();
    }

    /**
     * {@code calls} connects of random users to random pools, from {@code clientsPerBroker} concurrent
     * clients on each broker; a connect that returns a session is remembered for {@link #logoffStorm}.
     *
     * @param onEach called after each answer (a fault test kills a broker after so many)
     */
    public List<Outcome> connectStorm(int clientsPerBroker, int calls, java.util.function.IntConsumer onEach)
            throws Exception {
        return connectStorm(clientsPerBroker, calls, 0, users, pools, onEach);
    }

    /** As {@link #connectStorm(int, int, java.util.function.IntConsumer)}, by users [from, to) to the given pools. */
    public List<Outcome> connectStorm(int clientsPerBroker, int calls, int fromUser, int toUser, List<UUID> toPools,
                                      java.util.function.IntConsumer onEach) throws Exception {
        int brokers = clients[0].length;
        AtomicInteger next = new AtomicInteger();
        Queue<Outcome> out = new ConcurrentLinkedQueue<>();
        AtomicInteger answered = new AtomicInteger();
        runClients(clientsPerBroker * brokers, c -> {
            int b = c % brokers;
            int n;
            while ((n = next.getAndIncrement()) < calls) {
                int u = ThreadLocalRandom.current().nextInt(fromUser, toUser);
                UUID pool = toPools.get(ThreadLocalRandom.current().nextInt(toPools.size()));
                Outcome o = call(b, u, pool, "/api/v1/pools/" + pool + "/connect");
                if (o.sessionId() != null) {
                    live.put(u + "/" + pool, o.sessionId());
                }
                out.add(o);
                onEach.accept(answered.incrementAndGet());
                backOff(o, false);
            }
        });
        return new ArrayList<>(out);
    }

    /**
     * What a client does after an answer, as the portal does: a connect the broker turned away as OVERLOADED
     * (it tried nothing) is sent again after its Retry-After; a client that cannot reach the broker, or is
     * refused for capacity, may back off a little ({@code patient}) or knock again at once, as a user
     * clicking Connect does.
     */
    private static void backOff(Outcome o, boolean patient) {
        Duration overloaded = overloadedWait(o.status(), o.reason(), o.retryAfter());
        if (!overloaded.isZero()) {
            pause(overloaded.toMillis());
        } else if (patient && (o.status() == 0 || o.status() == 503 && o.retryAfter() != null)) {
            pause(50);
        }
    }

    /**
     * How long a client waits before sending again a connect answered with this status, reason and
     * {@code Retry-After}: for {@code 503 OVERLOADED} the header's seconds, 1–10 (1 when absent or a date), and,
     * as the portal does ({@code web-portal/src/api/http.ts}), up to half of it again at random, so that a crowd
     * turned away together does not come back in step; zero for any other answer. (Until 2026-12-07 the load
     * clients waited the Retry-After exactly: every client refused in one moment came back in the same
     * millisecond, to be refused together again.)
     */
    public static Duration overloadedWait(int status, String reason, String retryAfter) {
        if (status != 503 || !"OVERLOADED".equals(reason)) {
            return Duration.ZERO;
        }
        long seconds;
        try {
            seconds = Math.max(1, Math.min(10, Long.parseLong(retryAfter.strip())));
        } catch (RuntimeException absentOrADate) {
            seconds = 1;
        }
        long ms = seconds * 1000;
        return Duration.ofMillis(ms + ThreadLocalRandom.current().nextLong(ms / 2 + 1));
    }

    /** Connects until {@code stop} is set; for outages of unknown length. */
    public List<Outcome> connectUntil(int clientsPerBroker, AtomicBoolean stop) throws Exception {
        int brokers = clients[0].length;
        Queue<Outcome> out = new ConcurrentLinkedQueue<>();
        AtomicInteger answered = new AtomicInteger();
        runClients(clientsPerBroker * brokers, c -> {
            int b = c % brokers;
            while (!stop.get()) {
                int u = ThreadLocalRandom.current().nextInt(users);
                UUID pool = pools.get(ThreadLocalRandom.current().nextInt(pools.size()));
                Outcome o = call(b, u, pool, "/api/v1/pools/" + pool + "/connect");
                if (o.sessionId() != null) {
                    live.put(u + "/" + pool, o.sessionId());
                }
                out.add(o);
                backOff(o, true);
            }
        });
        return new ArrayList<>(out);
    }

    /**
     * Until {@code stop} is set, each client connects a random user to a random pool and logs the
     * session off again half of the time: the steady churn of a working day.
     */
    public List<Outcome> churnUntil(int clientsPerBroker, AtomicBoolean stop) throws Exception {
        return churnUntil(clientsPerBroker, stop, new ConcurrentLinkedQueue<>());
    }

    /** As {@link #churnUntil(int, AtomicBoolean)}, each answer also added to {@code out} as it arrives. */
    public List<Outcome> churnUntil(int clientsPerBroker, AtomicBoolean stop, Queue<Outcome> out) throws Exception {
        int brokers = clients[0].length;
        runClients(clientsPerBroker * brokers, c -> {
            int b = c % brokers;
            while (!stop.get()) {
                int u = ThreadLocalRandom.current().nextInt(users);
                UUID pool = pools.get(ThreadLocalRandom.current().nextInt(pools.size()));
                Outcome o = call(b, u, pool, "/api/v1/pools/" + pool + "/connect");
                out.add(o);
                if (o.sessionId() != null) {
                    live.put(u + "/" + pool, o.sessionId());
                    if (ThreadLocalRandom.current().nextBoolean()) {
                        Outcome off = call(b, u, pool, "/api/v1/sessions/" + o.sessionId() + "/logoff");
                        out.add(off);
                        if (off.status() == 200) {
                            live.remove(u + "/" + pool, o.sessionId());
                        }
                    }
                }
                backOff(o, true);
            }
        });
        return new ArrayList<>(out);
    }

    /** Logs off every session this estate knows, from concurrent clients spread over the brokers. */
    public List<Outcome> logoffStorm(int clientsPerBroker, java.util.function.IntConsumer onEach) throws Exception {
        int brokers = clients[0].length;
        List<Map.Entry<String, String>> todo = new ArrayList<>(live.entrySet());
        AtomicInteger next = new AtomicInteger();
        Queue<Outcome> out = new ConcurrentLinkedQueue<>();
        AtomicInteger answered = new AtomicInteger();
        runClients(clientsPerBroker * brokers, c -> {
            int b = c % brokers;
            int n;
            while ((n = next.getAndIncrement()) < todo.size()) {
                Map.Entry<String, String> e = todo.get(n);
                int u = Integer.parseInt(e.getKey().substring(0, e.getKey().indexOf('/')));
                UUID pool = UUID.fromString(e.getKey().substring(e.getKey().indexOf('/') + 1));
                Outcome o = call(b, u, pool, "/api/v1/sessions/" + e.getValue() + "/logoff");
                if (o.status() == 200 || o.status() == 404 || o.status() == 409) {
                    live.remove(e.getKey(), e.getValue());
                }
                out.add(o);
                onEach.accept(answered.incrementAndGet());
            }
        });
        return new ArrayList<>(out);
    }

    /** Logs off, through the given broker, every live session of the tenant the API lists (after a crash). */
    public int logoffEverything(int broker) {
        int n = 0;
        for (int u = 0; u < users; u++) {
            Api.Response list = clients[u][broker].get("/api/v1/sessions");
            if (list.status() != 200) {
                throw new IllegalStateException("listing sessions failed: " + list.raw());
            }
            for (var s : list.body()) {
                if (!"ENDED".equals(s.get("state").asString())) {
                    TestTenant.check(clients[u][broker].post("/api/v1/sessions/" + s.get("id").asString() + "/logoff"), 200);
                    n++;
                }
            }
        }
        live.clear();
        return n;
    }

    /** One connect of one user through one broker, with a fresh sign-in if the broker lost it. */
    public Outcome connect(int broker, int user, UUID pool) {
        Outcome o = call(broker, user, pool, "/api/v1/pools/" + pool + "/connect");
        if (o.sessionId() != null) {
            live.put(user + "/" + pool, o.sessionId());
        }
        return o;
    }

    /** Sends the storms' requests through {@code t} from now on. */
    public void useTransport(Transport t) {
        this.transport = t;
    }

    private Outcome call(int broker, int user, UUID pool, String path) {
        long t0 = System.nanoTime();
        Transport t = transport;
        if (t != null) {
            Answer a = t.post(broker, clients[user][broker].token(), path);
            long done = System.nanoTime();
            return new Outcome(broker, user, pool, a.status(), a.reason(), a.sessionId(), a.retryAfter(), done - t0, done);
        }
        try {
            Api.Response r = clients[user][broker].post(path);
            String session = null;
            if ((r.status() == 200 || r.status() == 201) && r.body() != null && r.body().get("session") != null) {
                session = r.body().get("session").get("id").asString();
            }
            long done = System.nanoTime();
            return new Outcome(broker, user, pool, r.status(), r.reason(), session, r.header("Retry-After"), done - t0, done);
        } catch (IllegalStateException unreachable) {
            long done = System.nanoTime();
            return new Outcome(broker, user, pool, 0, null, null, null, done - t0, done);
        }
    }

    /** Counts answers by status and reason ("201 null", "503 POOL_EXHAUSTED", "unreachable"). */
    public static Map<String, Integer> tally(List<Outcome> outcomes) {
        Map<String, Integer> t = new java.util.TreeMap<>();
        outcomes.forEach(o -> t.merge(o.kind(), 1, Integer::sum));
        return t;
    }

    private interface Client {
        void run(int index) throws Exception;
    }

    private static void runClients(int n, Client client) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int c = i;
                fs.add(pool.submit(() -> {
                    go.await();
                    client.run(c);
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : fs) {
                f.get();
            }
        }
    }

    private static void parallel(int threads, int n, Client task) throws Exception {
        AtomicInteger next = new AtomicInteger();
        runClients(threads, c -> {
            int i;
            while ((i = next.getAndIncrement()) < n) {
                task.run(i);
            }
        });
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
