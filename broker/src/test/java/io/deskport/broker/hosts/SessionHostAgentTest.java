package io.deskport.broker.hosts;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.shared.ConsoleAddress;
import io.deskport.broker.BrokerTest;
import io.deskport.broker.brokering.SessionConsoles;
import io.deskport.broker.support.AgentProcess;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.BrowserTunnel;
import io.deskport.broker.support.LocalAccounts;
import io.deskport.broker.support.TestTenant;
import io.deskport.sessionhost.desktop.SessionCgroups;
import io.deskport.sessionhost.procfs.ProcFs;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Real desktop sessions: two session-host agent processes on this machine (displays :100–:119 and
 * :120–:139), enrolled with tokens from the admin API, create Xvnc sessions for broker users.
 * Needs root, Xvnc, openbox, xterm and cgroup v2.
 */
@BrokerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestPropertySource(properties = {
        "deskport.hosts.heartbeat-interval=500ms",
        "deskport.hosts.heartbeat-timeout=2s",
        "deskport.hosts.lost-session-grace=2s",
        "deskport.hosts.monitor-interval=250ms",
        "deskport.hosts.report-grace=2s"})
class SessionHostAgentTest {

    private static final Duration START = Duration.ofSeconds(20);

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    SessionConsoles consoles;

    final String accountPrefix = "dpt" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36) + "-";
    final Map<UUID, AgentProcess> agents = new HashMap<>();
    TestTenant tenant;
    UUID pool;
    UUID hostA;
    UUID hostB;
    int users;

    @BeforeAll
    void startTwoAgents() throws IOException {
        tenant = TestTenant.create(context, port, 1000, 100);
        pool = tenant.pool("apps", "SHARED", "DEPTH_FIRST");
        hostA = startAgent("a", 100, 119);
        hostB = startAgent("b", 120, 139);
        await().atMost(START).until(() -> hostState(hostA).equals("AVAILABLE") && hostState(hostB).equals("AVAILABLE"));
    }

    private UUID startAgent(String letter, int firstDisplay, int lastDisplay) throws IOException {
        String name = accountPrefix + "host-" + letter;
        Api.Response created = check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/session-hosts/enrolments",
                json("name", name)), 201);
        UUID id = UUID.fromString(created.body().get("host").get("id").asString());
        agents.put(id, AgentProcess.start(port, name, created.body().get("enrolmentToken").asString(),
                firstDisplay, lastDisplay, accountPrefix));
        return id;
    }

    @AfterEach
    void logOffEverySessionAndResetTheHosts() {
        for (var s : check(tenant.admin.get("/api/v1/admin/sessions?poolId=" + pool), 200).body()) {
            tenant.admin.post("/api/v1/admin/sessions/" + s.get("id").asString() + "/logoff");
        }
        check(tenant.admin.edit("/api/v1/admin/pools/" + pool, json("loadBalancing", "DEPTH_FIRST")), 200);
        for (UUID h : List.of(hostA, hostB)) {
            check(tenant.admin.post("/api/v1/admin/session-hosts/" + h + "/resume"), 200);
            check(tenant.admin.edit("/api/v1/admin/session-hosts/" + h, json("maxSessions", 20)), 200);
        }
        await().atMost(START).until(() -> reportedSessions(hostA) == 0 && reportedSessions(hostB) == 0
                && hostState(hostA).equals("AVAILABLE") && hostState(hostB).equals("AVAILABLE"));
    }

    @AfterAll
    void stopAgentsAndRemoveTheirAccounts() throws Exception {
        for (AgentProcess a : agents.values()) {
            a.close();
        }
        LocalAccounts.removeAccounts(accountPrefix);
        assertThat(LocalAccounts.accounts(accountPrefix)).isEmpty();
    }

    // --- the behaviour ---------------------------------------------------------------------------------

    @Test
    void theAgentKeepsItsCredentialReadableOnlyByItself() throws IOException {
        Path credential = agents.get(hostA).stateDir().resolve("credential");

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(credential))).isEqualTo("rw-------");
        assertThat(Files.readString(credential)).contains("dpa." + hostA);
    }

    @Test
    void twoUsersGetTwoSeparateSessionsOnOneHost() throws Exception {
        Api alice = newUser();
        Api bob = newUser();

        Api.Response a = check(alice.post(connectPath()), 201);
        Api.Response b = check(bob.post(connectPath()), 201);
        assertThat(a.body().get("state").asString()).isEqualTo("PREPARING");
        UUID sa = sessionId(a);
        UUID sb = sessionId(b);
        awaitReady(alice, sa);
        awaitReady(bob, sb);

        assertThat(hostOf(a)).isEqualTo(hostOf(b));
        ConsoleAddress ca = consoles.of(sa).orElseThrow();
        ConsoleAddress cb = consoles.of(sb).orElseThrow();
        assertThat(ca.port()).isNotEqualTo(cb.port());
        assertThat(ca.password()).isNotEqualTo(cb.password()).hasSize(8);
        assertThat(rfbGreeting(ca)).startsWith("RFB 003.");
        assertThat(rfbGreeting(cb)).startsWith("RFB 003.");
        int uidA = uidOfSession(hostOf(a), sa);
        int uidB = uidOfSession(hostOf(b), sb);
        assertThat(uidA).isPositive().isNotEqualTo(uidB);
        assertThat(alice.get("/api/v1/sessions/" + sa).raw()).doesNotContain(ca.password());
    }

    @Test
    void aUserReconnectingGetsTheSameSessionOnTheSameHost() throws Exception {
        Api carol = newUser();
        Api.Response first = check(carol.post(connectPath()), 201);
        UUID id = sessionId(first);
        awaitReady(carol, id);
        ConsoleAddress console = consoles.of(id).orElseThrow();

        Api.Response again = check(carol.post(connectPath()), 200);

        assertThat(again.body().get("reconnected").asBoolean()).isTrue();
        assertThat(sessionId(again)).isEqualTo(id);
        assertThat(hostOf(again)).isEqualTo(hostOf(first));
        assertThat(consoles.of(id)).hasValue(console);
        assertThat(rfbGreeting(console)).startsWith("RFB 003.");
    }

    @Test
    void logoffEndsEveryProcessOfTheSession() throws Exception {
        Api dave = newUser();
        Api.Response r = check(dave.post(connectPath()), 201);
        UUID id = sessionId(r);
        awaitReady(dave, id);
        Path cgroup = agents.get(hostOf(r)).sessionCgroup(id.toString());
        // Xvnc, openbox and xterm
        await().atMost(START).until(() -> SessionCgroups.pids(cgroup).size() >= 3);
        List<Long> pids = SessionCgroups.pids(cgroup);
        ConsoleAddress console = consoles.of(id).orElseThrow();

        Api.Response ended = check(dave.post("/api/v1/sessions/" + id + "/logoff"), 200);

        assertThat(ended.body().get("state").asString()).isEqualTo("ENDED");
        await().atMost(START).until(() -> pids.stream().noneMatch(ProcFs::running));
        await().atMost(START).until(() -> !Files.exists(cgroup));
        assertThat(portAnswers(console)).isFalse();
    }

    @Test
    void aDrainedHostReceivesNoNewSessionButKeepsItsSessions() throws Exception {
        Api erin = newUser();
        Api.Response first = check(erin.post(connectPath()), 201);
        awaitReady(erin, sessionId(first));
        UUID drained = hostOf(first);
        UUID other = drained.equals(hostA) ? hostB : hostA;

        check(tenant.admin.post("/api/v1/admin/session-hosts/" + drained + "/drain"), 200);
        Api.Response second = check(newUser().post(connectPath()), 201);
        check(tenant.admin.post("/api/v1/admin/session-hosts/" + other + "/drain"), 200);
        Api.Response refused = newUser().post(connectPath());

        assertThat(hostOf(second)).isEqualTo(other);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.reason()).isEqualTo("HOST_CAPACITY");
        assertThat(refused.body().get("drainingHosts").asInt()).isEqualTo(2);
        Api.Response back = check(erin.post(connectPath()), 200);
        assertThat(sessionId(back)).isEqualTo(sessionId(first));
        assertThat(rfbGreeting(consoles.of(sessionId(first)).orElseThrow())).startsWith("RFB 003.");
    }

    @Test
    void anAgentThatStopsHeartbeatingIsUnreachableAndItsSessionsEndAfterTheGracePeriod() throws Exception {
        Api heidi = newUser();
        Api.Response r = check(heidi.post(connectPath()), 201);
        UUID id = sessionId(r);
        awaitReady(heidi, id);
        UUID silent = hostOf(r);
        AgentProcess agent = agents.get(silent);
        Path cgroup = agent.sessionCgroup(id.toString());
        List<Long> pids = SessionCgroups.pids(cgroup);

        agent.freeze();
        try {
            await().atMost(START).until(() -> hostState(silent).equals("UNREACHABLE"));
            Api.Response placed = check(newUser().post(connectPath()), 201);
            assertThat(hostOf(placed)).isNotEqualTo(silent);
            await().atMost(START).until(() -> "ENDED".equals(state(heidi, id)));
            Api.Response session = check(heidi.get("/api/v1/sessions/" + id), 200);
            assertThat(session.body().get("endReason").asString()).isEqualTo("HOST_LOST");
            // the host's own sessions kept running while it was silent
            assertThat(pids).anyMatch(ProcFs::running);
        } finally {
            agent.thaw();
        }
        // back: the broker tells the agent that the session is over, and it is cleaned up
        await().atMost(START).until(() -> hostState(silent).equals("AVAILABLE"));
        await().atMost(START).until(() -> pids.stream().noneMatch(ProcFs::running));
    }

    @Test
    void breadthFirstSpreadsSessionsAndDepthFirstFillsOneHostFirst() throws Exception {
        check(tenant.admin.edit("/api/v1/admin/pools/" + pool, json("loadBalancing", "BREADTH_FIRST")), 200);
        Map<UUID, Integer> breadth = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            Api u = newUser();
            Api.Response r = check(u.post(connectPath()), 201);
            awaitReady(u, sessionId(r));
            breadth.merge(hostOf(r), 1, Integer::sum);
        }
        logOffEverySessionAndResetTheHosts();
        for (UUID h : List.of(hostA, hostB)) {
            check(tenant.admin.edit("/api/v1/admin/session-hosts/" + h, json("maxSessions", 2)), 200);
        }
        List<UUID> depth = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Api u = newUser();
            Api.Response r = check(u.post(connectPath()), 201);
            awaitReady(u, sessionId(r));
            depth.add(hostOf(r));
        }

        assertThat(breadth).containsOnlyKeys(hostA, hostB).containsValues(2, 2);
        assertThat(depth.get(1)).isEqualTo(depth.get(0));
        assertThat(depth.get(2)).isNotEqualTo(depth.get(0));
        // the agent's own count arrives with its next heartbeat
        await("the fuller host's agent reports both sessions").atMost(START)
                .until(() -> reportedSessions(depth.get(0)) == 2);
    }

    @Test
    void keysTypedThroughTheTunnelAppearInTheSessionsXterm() throws Exception {
        Path typed = Path.of("/tmp", accountPrefix + "typed-" + UUID.randomUUID() + ".txt");
        check(tenant.admin.replace("/api/v1/admin/pools/" + pool + "/session-settings", json("desktopCommand",
                "exec xterm -T agent-term -geometry 80x10+0+0 -e sh -c 'cat > " + typed + "'")), 200);
        try {
            Api zoe = newUser();
            UUID session = sessionId(check(zoe.post(connectPath()), 201));
            awaitReady(zoe, session);
            String token = check(zoe.post("/api/v1/sessions/" + session + "/tunnel"), 201).body().get("token").asString();

            try (BrowserTunnel tunnel = BrowserTunnel.open(port, token, 1024, 768)) {
                tunnel.awaitOpcode("sync");
                await("the xterm is up").atMost(START).until(() -> Files.exists(typed));
                tunnel.send("mouse", "100", "60", "0"); // focus follows the pointer without a window manager
                for (char c : "typed through the tunnel\n".toCharArray()) {
                    String keysym = c == '\n' ? "65293" : Integer.toString(c);
                    tunnel.send("key", keysym, "1");
                    tunnel.send("key", keysym, "0");
                }
                await("keys reached the session's xterm").atMost(START).pollInterval(Duration.ofMillis(100))
                        .until(() -> Files.readString(typed).contains("typed through the tunnel"));
                assertThat(state(zoe, session)).isEqualTo("CONNECTED");
            }
        } finally {
            check(tenant.admin.replace("/api/v1/admin/pools/" + pool + "/session-settings", json("desktopCommand", null)), 200);
            Files.deleteIfExists(typed);
        }
    }

    // --- helpers ---------------------------------------------------------------------------------------

    private Api newUser() {
        String name = "u" + (++users);
        UUID id = tenant.user(name);
        tenant.entitle(pool, id);
        return tenant.login(name);
    }

    private String connectPath() {
        return "/api/v1/pools/" + pool + "/connect";
    }

    private static UUID sessionId(Api.Response connect) {
        return UUID.fromString(connect.body().get("session").get("id").asString());
    }

    private static UUID hostOf(Api.Response connect) {
        return UUID.fromString(connect.body().get("session").get("sessionHostId").asString());
    }

    private static String state(Api user, UUID session) {
        return check(user.get("/api/v1/sessions/" + session), 200).body().get("state").asString();
    }

    private static void awaitReady(Api user, UUID session) {
        await().atMost(START).pollInterval(Duration.ofMillis(50)).until(() -> !"PREPARING".equals(state(user, session)));
        assertThat(state(user, session)).isEqualTo("READY");
    }

    private String hostState(UUID host) {
        return check(tenant.admin.get("/api/v1/admin/session-hosts/" + host), 200).body().get("state").asString();
    }

    private int reportedSessions(UUID host) {
        var agent = check(tenant.admin.get("/api/v1/admin/session-hosts/" + host), 200).body().get("agent");
        return agent.get("reportedSessions").isNull() ? -1 : agent.get("reportedSessions").asInt();
    }

    private int uidOfSession(UUID host, UUID session) {
        Path cgroup = agents.get(host).sessionCgroup(session.toString());
        await().atMost(START).until(() -> !SessionCgroups.pids(cgroup).isEmpty());
        return ProcFs.uidOf(SessionCgroups.pids(cgroup).getFirst());
    }

    private static String rfbGreeting(ConsoleAddress c) throws IOException {
        try (Socket s = new Socket(c.host(), c.port())) {
            s.setSoTimeout(5000);
            return new String(s.getInputStream().readNBytes(12));
        }
    }

    private static boolean portAnswers(ConsoleAddress c) {
        try (Socket s = new Socket(c.host(), c.port())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
