package io.deskport.bench.sessionhost;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.deskport.bench.BrokerClient;
import io.deskport.sessionhost.desktop.SessionCgroups;

import tools.jackson.databind.JsonNode;

/**
 * Session-host benchmark (not a test): N users connect at the same moment to a SHARED pool whose one
 * host runs a real session-host agent; each start is timed from the connect request to the broker until
 * the session is READY (the agent reports READY only after the session's VNC port sent its RFB greeting;
 * the bench then checks that greeting itself). Memory per session is the proportional set size (PSS) of
 * every process in the sessions' cgroups, divided by N, once the desktops (openbox + xterm) are up.
 *
 * <p>Prints as its last line: {@code session-host: sessions=N start_p50_ms=A start_p99_ms=B mem_mb_per_session=M}
 */
public final class SessionHostBench {

    private final String broker;
    private final BrokerClient api;
    private final Map<String, String> args;

    private SessionHostBench(Map<String, String> args) {
        this.args = args;
        this.broker = args.get("broker");
        this.api = new BrokerClient(broker);
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> args = new HashMap<>();
        for (int i = 0; i + 1 < argv.length; i += 2) {
            args.put(argv[i].replaceFirst("^--", ""), argv[i + 1]);
        }
        new SessionHostBench(args).run();
    }

    private void run() throws Exception {
        int n = Integer.parseInt(args.getOrDefault("sessions", "20"));
        String prefix = args.getOrDefault("account-prefix", "dpb-");
        String host = "bench-" + Long.toHexString(System.nanoTime() & 0xFFFFFF);

        readiness = new Readiness();
        String operator = login("platform", "operator", args.get("operator-password"));
        JsonNode tenantBody = call("POST", "/api/v1/admin/tenants", operator, null,
                "{\"slug\":\"bench-" + host.substring(6) + "\",\"name\":\"Session host bench\","
                        + "\"maxConcurrentSessions\":1000,\"maxDesktops\":10}", 201);
        UUID tenant = UUID.fromString(tenantBody.get("id").asString());
        UUID pool = id(call("POST", "/api/v1/admin/pools", operator, tenant,
                "{\"name\":\"bench-shared\",\"kind\":\"SHARED\",\"loadBalancing\":\"DEPTH_FIRST\"}", 201));
        JsonNode enrolment = call("POST", "/api/v1/admin/pools/" + pool + "/session-hosts/enrolments", operator, tenant,
                "{\"name\":\"" + host + "\"}", 201);
        UUID hostId = UUID.fromString(enrolment.get("host").get("id").asString());

        Path work = Path.of(args.get("work"));
        Path config = work.resolve("session-host.properties");
        Files.write(config, List.of(
                "broker.url=" + broker,
                "state.dir=" + work.resolve("agent-state").toAbsolutePath(),
                "enrolment.token=" + enrolment.get("enrolmentToken").asString(),
                "host.name=" + host,
                "host.address=127.0.0.1",
                "display.first=" + args.getOrDefault("first-display", "140"),
                "display.last=" + args.getOrDefault("last-display", "179"),
                "sessions.max=" + Math.max(n + 1, 40),
                "accounts.prefix=" + prefix,
                "accounts.remove-on-logoff=false",
                "desktop.command=" + args.getOrDefault("desktop", "openbox --startup xterm"),
                "desktop.geometry=1280x800"));
        Process agent = new ProcessBuilder(args.get("java"), "-Xmx128m", "-jar", args.get("agent-jar"), config.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("agent.log").toFile()).start();
        try {
            awaitTrue(() -> "AVAILABLE".equals(call("GET", "/api/v1/admin/session-hosts/" + hostId, operator, tenant,
                    null, 200).get("state").asString()), Duration.ofSeconds(60), "the agent did not enrol; see agent.log");
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i <= n; i++) {
                String name = "user" + i;
                UUID user = id(call("POST", "/api/v1/admin/users", operator, tenant,
                        "{\"username\":\"" + name + "\",\"password\":\"bench-password-1\",\"roles\":[\"USER\"]}", 201));
                call("POST", "/api/v1/admin/pools/" + pool + "/entitlements", operator, tenant,
                        "{\"userId\":\"" + user + "\"}", 201);
                tokens.add(login(tenantBody.get("slug").asString(), name, "bench-password-1"));
            }
            // warm-up: one session through the whole path (JIT, first useradd of the run), then log it off
            UUID warm = connectAndAwaitReady(tokens.removeLast(), pool).sessionId();
            call("POST", "/api/v1/admin/sessions/" + warm + "/logoff", operator, tenant, null, 200);
            awaitTrue(() -> sessionCgroups(host).isEmpty(), Duration.ofSeconds(30), "the warm-up session did not end");

            if (args.containsKey("baseline")) {
                baseline(tokens, operator, tenant, tenantBody);
            }
            // pass 1, first logon: the agent also creates the N local accounts (useradd, serialised by /etc/passwd)
            Pass first = startConcurrently(tokens, pool, host, operator, tenant, false);
            System.out.println("first logon (accounts created on the host):  " + first);
            // pass 2, the same users again: their accounts exist, as they do for directory (SSSD/LDAP) users
            Pass again = startConcurrently(tokens, pool, host, operator, tenant, true);
            System.out.println("accounts exist (the steady state measured):  " + again);
            int answering = again.answering();
            long[] ms = again.millis();
            long[] mem = again.memory();
            if (answering != n) {
                throw new IllegalStateException(answering + " of " + n + " VNC ports answered");
            }
            System.out.printf("session-host: sessions=%d start_p50_ms=%d start_p99_ms=%d mem_mb_per_session=%d%n",
                    n, pct(ms, 50), pct(ms, 99), Math.round(mem[0] / 1024.0 / n));
        } finally {
            agent.destroy();
            agent.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The broker core alone: the same users connect to a host registered by console address (no agent). */
    private void baseline(List<String> tokens, String operator, UUID tenant, JsonNode tenantBody) throws Exception {
        UUID consolePool = id(call("POST", "/api/v1/admin/pools", operator, tenant,
                "{\"name\":\"baseline\",\"kind\":\"SHARED\"}", 201));
        call("POST", "/api/v1/admin/pools/" + consolePool + "/session-hosts", operator, tenant,
                "{\"name\":\"console\",\"maxSessions\":100,\"consoleHost\":\"127.0.0.1\",\"consolePort\":5999}", 201);
        JsonNode users = call("GET", "/api/v1/admin/users?limit=1000", operator, tenant, null, 200);
        for (JsonNode u : users) {
            if (u.get("username").asString().startsWith("user")) {
                call("POST", "/api/v1/admin/pools/" + consolePool + "/entitlements", operator, tenant,
                        "{\"userId\":\"" + u.get("id").asString() + "\"}", 201);
            }
        }
        for (int round = 0; round < 2; round++) {
            ExecutorService threads = Executors.newFixedThreadPool(tokens.size());
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Started>> futures = new ArrayList<>();
            for (String token : tokens) {
                futures.add(threads.submit(() -> {
                    go.await();
                    return connectAndAwaitReady(token, consolePool);
                }));
            }
            go.countDown();
            List<Started> started = new ArrayList<>();
            for (Future<Started> f : futures) {
                started.add(f.get(60, TimeUnit.SECONDS));
            }
            threads.shutdown();
            long[] c = started.stream().mapToLong(Started::connectMillis).sorted().toArray();
            System.out.printf("baseline (host without agent, READY at once): connect p50 %d ms, max %d ms%n",
                    pct(c, 50), c[c.length - 1]);
            for (Started st : started) {
                call("POST", "/api/v1/admin/sessions/" + st.sessionId() + "/logoff", operator, tenant, null, 200);
            }
        }
    }

    private record Started(UUID sessionId, long millis, long connectMillis) {
    }

    private record Pass(int sessions, int answering, long[] millis, long[] connectMillis, int processes, long[] memory) {
        @Override
        public String toString() {
            return String.format("%d sessions started concurrently, %d VNC ports answered RFB; start min/p50/p90/p99/max "
                            + "= %d/%d/%d/%d/%d ms (connect answered PREPARING p50 %d ms, max %d ms); %d processes, "
                            + "PSS %.1f MB (%.1f MB/session), RSS %.1f MB (%.1f MB/session, shared pages counted in each)",
                    sessions, answering, millis[0], pct(millis, 50), pct(millis, 90), pct(millis, 99),
                    millis[millis.length - 1], pct(connectMillis, 50), connectMillis[connectMillis.length - 1], processes,
                    memory[0] / 1024.0, memory[0] / 1024.0 / sessions, memory[1] / 1024.0, memory[1] / 1024.0 / sessions);
        }
    }

    /** Starts one session per token at the same moment; measures; logs them all off unless {@code keep}. */
    private Pass startConcurrently(List<String> tokens, UUID pool, String host, String operator, UUID tenant,
                                   boolean keep) throws Exception {
        int n = tokens.size();
        ExecutorService threads = Executors.newFixedThreadPool(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Started>> futures = new ArrayList<>();
        for (String token : tokens) {
            futures.add(threads.submit(() -> {
                go.await();
                return connectAndAwaitReady(token, pool);
            }));
        }
        long wallStart = System.currentTimeMillis();
        go.countDown();
        List<Started> started = new ArrayList<>();
        for (Future<Started> f : futures) {
            started.add(f.get(120, TimeUnit.SECONDS));
        }
        threads.shutdown();
        int answering = verifyVncGreetings(started);
        printTimeline(started, wallStart);
        // let every desktop (openbox + xterm) come up before measuring memory
        awaitTrue(() -> processCount(host) >= (args.containsKey("desktop") ? 2 : 3) * n, Duration.ofSeconds(30), "desktops did not start");
        Thread.sleep(1000);
        Pass pass = new Pass(n, answering, started.stream().mapToLong(Started::millis).sorted().toArray(),
                started.stream().mapToLong(Started::connectMillis).sorted().toArray(), processCount(host), memoryKb(host));
        for (Started s : started) {
            call("POST", "/api/v1/admin/sessions/" + s.sessionId() + "/logoff", operator, tenant, null, 200);
        }
        awaitTrue(() -> sessionCgroups(host).isEmpty(), Duration.ofSeconds(60), "sessions did not end at logoff");
        // quiet machine before the next pass
        Thread.sleep(keep ? 0 : 3000);
        return pass;
    }

    private Started connectAndAwaitReady(String token, UUID pool) throws Exception {
        long t0 = System.nanoTime();
        JsonNode r = callAny("POST", "/api/v1/pools/" + pool + "/connect", token, null, null);
        long connected = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        UUID id = UUID.fromString(r.get("session").get("id").asString());
        long readyAt = "READY".equals(r.get("state").asString()) ? System.nanoTime()
                : readiness.await(id).get(60, TimeUnit.SECONDS);
        return new Started(id, TimeUnit.NANOSECONDS.toMillis(readyAt - t0), connected);
    }

    /**
     * Sees sessions become READY: one thread asks the database for all waited-for sessions every 5 ms
     * (20 clients polling the HTTP API that often would load the 2-core machine more than the sessions do).
     * A session is READY only after its agent saw the VNC port answer, so this never reports too early.
     */
    private final class Readiness implements AutoCloseable {
        private final Map<UUID, java.util.concurrent.CompletableFuture<Long>> waiting = new java.util.concurrent.ConcurrentHashMap<>();
        private final Thread poller;
        private volatile boolean open = true;

        Readiness() {
            poller = Thread.ofPlatform().daemon().start(this::poll);
        }

        java.util.concurrent.CompletableFuture<Long> await(UUID id) {
            return waiting.computeIfAbsent(id, k -> new java.util.concurrent.CompletableFuture<>());
        }

        private void poll() {
            try (Connection c = DriverManager.getConnection(args.get("jdbc"), args.get("db-user"), args.get("db-password"));
                 PreparedStatement ps = c.prepareStatement("select id, state from session where id = any(?)")) {
                while (open) {
                    if (!waiting.isEmpty()) {
                        ps.setArray(1, c.createArrayOf("uuid", waiting.keySet().toArray()));
                        try (ResultSet rs = ps.executeQuery()) {
                            long now = System.nanoTime();
                            while (rs.next()) {
                                UUID id = rs.getObject(1, UUID.class);
                                String state = rs.getString(2);
                                if (!state.equals("PREPARING")) {
                                    var f = waiting.remove(id);
                                    if (state.equals("READY")) {
                                        f.complete(now);
                                    } else {
                                        f.completeExceptionally(new IllegalStateException("session " + id + " is " + state));
                                    }
                                }
                            }
                        }
                    }
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                waiting.values().forEach(f -> f.completeExceptionally(e));
            }
        }

        @Override
        public void close() {
            open = false;
        }
    }

    private Readiness readiness;

    /**
     * Where the time went, per session: the connect's transaction start (the session row's timestamp, the
     * database's clock on this machine), the command reaching the agent, the agent's own start (command
     * received → VNC port answering, from its log), and its READY report reaching the broker.
     */
    private void printTimeline(List<Started> started, long wallStart) throws Exception {
        List<Long> toRow = new ArrayList<>();
        List<Long> toAnswer = new ArrayList<>();
        List<Long> toAgent = new ArrayList<>();
        List<Long> agentWork = new ArrayList<>();
        List<Long> toBroker = new ArrayList<>();
        List<String> log = Files.readAllLines(Path.of(args.get("work")).resolve("agent.log"));
        java.util.regex.Pattern line = java.util.regex.Pattern.compile(
                "^(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .* in (\\d+) ms");
        java.time.format.DateTimeFormatter time = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
                .withZone(java.time.ZoneId.systemDefault());
        try (Connection c = DriverManager.getConnection(args.get("jdbc"), args.get("db-user"), args.get("db-password"));
             PreparedStatement ps = c.prepareStatement("select (extract(epoch from s.created_at) * 1000)::bigint, "
                     + "(extract(epoch from s.state_changed_at) * 1000)::bigint from session s where s.id = ?")) {
            for (Started st : started) {
                ps.setObject(1, st.sessionId());
                long created;
                long ready;
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    created = rs.getLong(1);
                    ready = rs.getLong(2);
                }
                toRow.add(created - wallStart);
                toAnswer.add(st.connectMillis());
                String mark = "Started session " + st.sessionId();
                log.stream().filter(l -> l.contains(mark)).reduce((a, b) -> b).ifPresent(l -> {
                    java.util.regex.Matcher m = line.matcher(l);
                    if (m.find()) {
                        long answered = java.time.Instant.from(time.parse(m.group(1))).toEpochMilli();
                        long work = Long.parseLong(m.group(2));
                        toAgent.add(answered - work - (wallStart + st.connectMillis()));
                        agentWork.add(work);
                        toBroker.add(ready - answered);
                    }
                });
            }
        }
        System.out.printf("  timeline p50/max ms: request → connect transaction begins %s → connect answered %s; "
                + "then → command at the agent %s → agent's own start (account, Xvnc, port answering) %s → READY at "
                + "the broker %s%n", spread(toRow), spread(toAnswer), spread(toAgent), spread(agentWork), spread(toBroker));
    }

    private static String spread(List<Long> values) {
        if (values.isEmpty()) {
            return "?";
        }
        long[] v = values.stream().mapToLong(Long::longValue).sorted().toArray();
        return v[v.length / 2] + "/" + v[v.length - 1];
    }

    /** Reads each session's console from the database (it is never in the API) and checks the RFB greeting. */
    private int verifyVncGreetings(List<Started> started) throws Exception {
        int ok = 0;
        try (Connection c = DriverManager.getConnection(args.get("jdbc"), args.get("db-user"), args.get("db-password"));
             PreparedStatement ps = c.prepareStatement("select console_host, console_port from session where id = ?")) {
            for (Started s : started) {
                ps.setObject(1, s.sessionId());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    try (Socket socket = new Socket(rs.getString(1), rs.getInt(2))) {
                        socket.setSoTimeout(5000);
                        InputStream in = socket.getInputStream();
                        if (new String(in.readNBytes(4)).equals("RFB ")) {
                            ok++;
                        }
                    }
                }
            }
        }
        return ok;
    }

    private static List<Path> sessionCgroups(String host) throws IOException {
        Path root = SessionCgroups.cgroup2Mount().resolve("deskport-" + host);
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith("session-")).toList();
        }
    }

    private static List<Long> pids(String host) throws IOException {
        List<Long> pids = new ArrayList<>();
        for (Path cg : sessionCgroups(host)) {
            pids.addAll(SessionCgroups.pids(cg));
        }
        return pids;
    }

    private static int processCount(String host) throws IOException {
        return pids(host).size();
    }

    /** @return {PSS kB, RSS kB} summed over every process of every session */
    private static long[] memoryKb(String host) throws IOException {
        long pss = 0;
        long rss = 0;
        for (long pid : pids(host)) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/smaps_rollup"))) {
                    String[] f = line.split("\\s+");
                    if (f[0].equals("Pss:")) {
                        pss += Long.parseLong(f[1]);
                    } else if (f[0].equals("Rss:")) {
                        rss += Long.parseLong(f[1]);
                    }
                }
            } catch (IOException gone) {
                // exited meanwhile
            }
        }
        return new long[] {pss, rss};
    }

    private static long pct(long[] sorted, int p) {
        int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    private String login(String tenant, String user, String password) throws Exception {
        return call("POST", "/api/v1/auth/login", null, null, "{\"tenant\":\"" + tenant + "\",\"username\":\"" + user
                + "\",\"password\":\"" + password + "\"}", 200).get("accessToken").asString();
    }

    private static UUID id(JsonNode n) {
        return UUID.fromString(n.get("id").asString());
    }

    private JsonNode call(String method, String path, String token, UUID tenant, String json, int expected)
            throws Exception {
        HttpResponse<String> r = api.send(method, path, token, tenant, json);
        if (r.statusCode() != expected) {
            throw new IllegalStateException(method + " " + path + " → " + r.statusCode() + ": " + r.body());
        }
        return r.body() == null || r.body().isBlank() ? null : BrokerClient.JSON.readTree(r.body());
    }

    private JsonNode callAny(String method, String path, String token, UUID tenant, String json) throws Exception {
        HttpResponse<String> r = api.send(method, path, token, tenant, json);
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " → " + r.statusCode() + ": " + r.body());
        }
        return BrokerClient.JSON.readTree(r.body());
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void awaitTrue(Check check, Duration within, String failure) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(failure);
            }
            Thread.sleep(50);
        }
    }
}
