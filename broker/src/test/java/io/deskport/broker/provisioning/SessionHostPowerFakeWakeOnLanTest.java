package io.deskport.broker.provisioning;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.support.AgentProcess;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.LocalAccounts;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Session hosts powered off when empty off-peak and woken before the morning (#24), end to end with three real
 * session-host agent processes. The machine's side is faked where no real one can run here: an agent's power-off
 * command ends the agent's own process (as the machine going down would), and a Wake-on-LAN responder in the test —
 * a UDP socket standing in for the network cards — checks each magic packet and starts the agent of the MAC it names
 * again (as the machine booting would). The broker's clock is the test's (the consolidation passes run at 03:00 and
 * 07:30 of a Monday); the reconcile loop is off, the test drives its passes.
 */
@BrokerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestPropertySource(properties = {
        "deskport.provisioning.enabled=false",
        "deskport.provisioning.simulate-when-empty=false",
        "deskport.provisioning.session-host-power-off-after=10m",
        "deskport.hosts.heartbeat-interval=500ms",
        "deskport.hosts.heartbeat-timeout=2s",
        "deskport.hosts.lost-session-grace=2s",
        "deskport.hosts.monitor-interval=250ms",
        "deskport.hosts.report-grace=2s",
        "deskport.hosts.wake-timeout=5s",
        "deskport.hosts.wake-attempts=3"})
class SessionHostPowerFakeWakeOnLanTest {

    private static final Duration START = Duration.ofSeconds(30);

    @TestConfiguration
    static class TestClock {
        @Bean
        @Primary
        DemandCapacityTest.SettableClock settableClock() {
            return new DemandCapacityTest.SettableClock();
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    Reconciler reconciler;
    @Autowired
    DemandCapacityTest.SettableClock clock;
    @Autowired
    JdbcClient jdbc;

    final String accountPrefix = "dpw" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36) + "-";
    final Map<UUID, AgentProcess> agents = new ConcurrentHashMap<>();
    final Map<String, UUID> hostOfMac = new ConcurrentHashMap<>();
    final List<String> packets = new CopyOnWriteArrayList<>();
    final List<String> garbage = new CopyOnWriteArrayList<>();
    DatagramSocket responder;
    Thread responderThread;
    Path markers;
    TestTenant tenant;
    UUID pool;
    UUID a;
    UUID b;
    UUID c;

    @BeforeAll
    void threeAgentHostsAndAResponder() throws IOException {
        markers = Files.createTempDirectory("power-off-markers");
        responder = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        responderThread = Thread.ofPlatform().daemon().name("wake-on-lan-responder").start(this::answerMagicPackets);
        tenant = TestTenant.create(context, port, 1000, 100);
        pool = tenant.pool("office-apps", "SHARED", "DEPTH_FIRST");
        a = startAgent("a", 150, 154, null);
        b = startAgent("b", 155, 159, "52:54:00:00:00:0b");
        c = startAgent("c", 160, 164, "52:54:00:00:00:0c");
        await().atMost(START).until(() -> List.of(a, b, c).stream().allMatch(h -> host(h).get("state").asString()
                .equals("AVAILABLE") && host(h).get("power").get("canPowerOff").asBoolean() == !h.equals(a)));
    }

    @AfterAll
    void stopEverything() throws Exception {
        responder.close();
        for (AgentProcess agent : agents.values()) {
            agent.close();
        }
        LocalAccounts.removeAccounts(accountPrefix);
        try (var walk = Files.walk(markers)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void emptyDrainedHostsArePoweredOffAtNightAndWokenAnHourBeforeTheMorningStormByTheTestsResponder()
            throws Exception {
        // two Mondays of history: 30 logons at 08:00; hosts of 5 seats, so the morning needs all three
        UUID historian = tenant.user("history-user");
        pastSessions(historian, Instant.parse("2026-11-16T08:00:00Z"), 30);
        pastSessions(historian, Instant.parse("2026-11-23T08:00:00Z"), 30);
        check(tenant.admin.replace("/api/v1/admin/pools/" + pool + "/provisioning/capacity",
                "{\"mode\":\"DEMAND\",\"floor\":1,\"historyWeeks\":3}"), 200);
        String wakeAddress = "127.0.0.1:" + responder.getLocalPort();
        for (UUID h : List.of(a, b, c)) {
            check(tenant.admin.put("/api/v1/admin/session-hosts/" + h + "/power",
                    json("managed", true, "wakeAddress", wakeAddress)), 200);
        }
        // host c is woken through a card the admin names; b through the MAC its agent reports
        check(tenant.admin.put("/api/v1/admin/session-hosts/" + c + "/power",
                json("managed", true, "wakeMac", "52-54-00-00-00-0C", "wakeAddress", wakeAddress)), 200);
        assertThat(host(c).get("power").get("mac").asString()).isEqualTo("52:54:00:00:00:0c");
        assertThat(host(b).get("power").get("mac").asString()).isEqualTo("52:54:00:00:00:0b");

        // 03:00: nothing forecast, the floor's one host stays open; b and c are drained and empty, not yet off
        clock.now = Instant.parse("2026-11-30T03:00:00Z");
        reconciler.tick();
        assertThat(draining(a, b, c)).containsExactly(false, true, true);
        assertThat(explain()).contains("1 of 3 hosts open (floor 1)")
                .contains("office-apps-b (empty: powered off once empty for 10 min)");
        assertThat(Files.exists(markers.resolve("b"))).isFalse();

        // a user's session lives on host a: an admin who drains it cannot power it off; nor a host without a command
        Api user = newUser("erin");
        UUID session = UUID.fromString(check(user.post("/api/v1/pools/" + pool + "/connect"), 201).body()
                .get("session").get("id").asString());
        await().atMost(START).until(() -> !"PREPARING".equals(sessionState(user, session)));
        assertThat(sessionState(user, session)).isEqualTo("READY");
        Api.Response notDrained = tenant.admin.post("/api/v1/admin/session-hosts/" + a + "/power-off");
        assertThat(check(notDrained, 409).reason()).isEqualTo("INVALID_STATE");
        assertThat(notDrained.body().get("detail").asString()).contains("power-off command");

        // 03:11: empty for 11 minutes — b and c are told to power off; their agents run the command and go down
        clock.now = Instant.parse("2026-11-30T03:11:00Z");
        reconciler.tick();
        await().atMost(START).until(() -> host(b).get("state").asString().equals("POWERED_OFF")
                && host(c).get("state").asString().equals("POWERED_OFF"));
        await().atMost(START).until(() -> !agents.get(b).isAlive() && !agents.get(c).isAlive());
        assertThat(Files.readString(markers.resolve("b"))).contains("powering off");
        assertThat(Files.readString(markers.resolve("c"))).contains("powering off");
        assertThat(host(b).get("power").get("action").isNull()).isTrue();
        clock.now = Instant.parse("2026-11-30T03:12:00Z");
        reconciler.tick();
        assertThat(explain()).contains("office-apps-b (powered off)").contains("office-apps-c (powered off)");
        // silent, but not UNREACHABLE: no alarm, and still off well after the heartbeat timeout
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
                .until(() -> host(b).get("state").asString().equals("POWERED_OFF"));
        assertThat(audit("SESSION_HOST_UNREACHABLE", b)).isEmpty();
        assertThat(audit("SESSION_HOST_POWERED_OFF", b)).hasSize(1);
        // the user's session stayed where it was, and a new one goes to the open host as well
        assertThat(sessionState(user, session)).isEqualTo("READY");
        Api second = newUser("frank");
        JsonNode placed = check(second.post("/api/v1/pools/" + pool + "/connect"), 201).body();
        assertThat(placed.get("session").get("sessionHostId").asString()).isEqualTo(a.toString());
        check(second.post("/api/v1/sessions/" + placed.get("session").get("id").asString() + "/logoff"), 200);

        // the card of c stops answering (the responder does not know its MAC any more)
        hostOfMac.remove("52:54:00:00:00:0c");

        // 07:30: 30 logons forecast in the next hour need every host: b and c are woken, b comes back and is resumed
        clock.now = Instant.parse("2026-11-30T07:30:00Z");
        reconciler.tick();
        assertThat(explain()).contains("forecast 30.0 logons in the next hour").contains("waking: ");
        await().atMost(START).until(() -> host(b).get("state").asString().equals("AVAILABLE"));
        assertThat(packets).contains("52:54:00:00:00:0b");
        assertThat(garbage).isEmpty();
        clock.now = Instant.parse("2026-11-30T07:31:00Z");
        reconciler.tick();
        assertThat(draining(a, b)).containsExactly(false, false);
        assertThat(audit("SESSION_HOST_POWERED_ON", b)).hasSize(1);

        // c never answers: three magic packets, then it is given up and said so
        await().atMost(START).until(() -> !host(c).get("power").get("detail").isNull());
        assertThat(host(c).get("state").asString()).isEqualTo("POWERED_OFF");
        assertThat(host(c).get("power").get("detail").asString()).contains("did not wake after 3 magic packets");
        assertThat(packets.stream().filter("52:54:00:00:00:0c"::equals).count()).isEqualTo(3);
        assertThat(audit("SESSION_HOST_WAKE_FAILED", c)).hasSize(1);

        // the admin boots it by hand: it reports, and the next pass resumes it
        agents.put(c, agents.get(c).restart());
        await().atMost(START).until(() -> host(c).get("state").asString().equals("AVAILABLE"));
        assertThat(host(c).get("power").get("detail").isNull()).isTrue();
        clock.now = Instant.parse("2026-11-30T07:32:00Z");
        reconciler.tick();
        assertThat(draining(a, b, c)).containsExactly(false, false, false);
        check(user.post("/api/v1/sessions/" + session + "/logoff"), 200);
    }

    @Test
    void powerSettingsAndRequestsThatCannotBeAreRefusedWithTheirReason() {
        Api.Response badMac = tenant.admin.put("/api/v1/admin/session-hosts/" + b + "/power",
                json("managed", true, "wakeMac", "52:54:00:00:00"));
        Api.Response badAddress = tenant.admin.put("/api/v1/admin/session-hosts/" + b + "/power",
                json("managed", true, "wakeAddress", "10.0.0.255:99999"));
        Api.Response outside = tenant.admin.put("/api/v1/admin/session-hosts/" + b + "/power",
                json("managed", true, "wakeAddress", "8.8.8.8:9"));
        Api.Response noManaged = tenant.admin.put("/api/v1/admin/session-hosts/" + b + "/power", json("wakeMac", null));
        Api.Response wakeRunning = tenant.admin.post("/api/v1/admin/session-hosts/" + a + "/wake");
        Api.Response otherTenant = TestTenant.create(context, port, 10, 10).admin
                .post("/api/v1/admin/session-hosts/" + b + "/power-off");

        assertThat(check(badMac, 400).reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(badMac.raw()).contains("wakeMac");
        assertThat(check(badAddress, 400).reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(badAddress.raw()).contains("wakeAddress");
        assertThat(check(outside, 400).reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(outside.raw()).contains("wakeAddress").contains("networks the platform allows");
        assertThat(check(noManaged, 400).reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(check(wakeRunning, 409).reason()).isEqualTo("INVALID_STATE");
        assertThat(check(otherTenant, 404).reason()).isEqualTo("NOT_FOUND");
    }

    // --- the machines' side ------------------------------------------------------------------------------

    private UUID startAgent(String letter, int firstDisplay, int lastDisplay, String mac) throws IOException {
        String name = "office-apps-" + letter;
        Api.Response created = check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/session-hosts/enrolments",
                json("name", name)), 201);
        UUID id = UUID.fromString(created.body().get("host").get("id").asString());
        List<String> extra = new ArrayList<>(List.of("sessions.max=5", "power.off-grace-ms=60000"));
        if (mac != null) {
            // "the machine goes down": the command ends the agent's own process (its parent)
            extra.add("power.off-command=echo powering off >> " + markers.resolve(letter) + "; kill -TERM $PPID");
            extra.add("power.mac=" + mac);
            hostOfMac.put(mac, id);
        }
        agents.put(id, AgentProcess.start(port, accountPrefix + letter, created.body().get("enrolmentToken").asString(),
                firstDisplay, lastDisplay, accountPrefix, extra.toArray(String[]::new)));
        return id;
    }

    /** The network cards: a valid magic packet for a known, powered-off machine boots it (starts its agent again). */
    private void answerMagicPackets() {
        byte[] buffer = new byte[1024];
        while (!responder.isClosed()) {
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            try {
                responder.receive(p);
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                continue;
            }
            String mac = magicPacketMac(p.getData(), p.getLength());
            if (mac == null) {
                garbage.add(HexFormat.of().formatHex(p.getData(), 0, p.getLength()));
                continue;
            }
            packets.add(mac);
            UUID host = hostOfMac.get(mac);
            AgentProcess agent = host == null ? null : agents.get(host);
            if (agent != null && !agent.isAlive()) {
                try {
                    agents.put(host, agent.restart());
                } catch (IOException | IllegalStateException e) {
                    garbage.add("could not boot " + mac + ": " + e);
                }
            }
        }
    }

    /** The MAC a Wake-on-LAN magic packet names (6 × FF, then the MAC 16 times), or null when it is not one. */
    static String magicPacketMac(byte[] data, int length) {
        if (length != 102) {
            return null;
        }
        for (int i = 0; i < 6; i++) {
            if (data[i] != (byte) 0xff) {
                return null;
            }
        }
        for (int r = 1; r < 16; r++) {
            for (int i = 0; i < 6; i++) {
                if (data[6 + r * 6 + i] != data[6 + i]) {
                    return null;
                }
            }
        }
        return HexFormat.ofDelimiter(":").formatHex(data, 6, 12);
    }

    // --- helpers -----------------------------------------------------------------------------------------

    private JsonNode host(UUID id) {
        return check(tenant.admin.get("/api/v1/admin/session-hosts/" + id), 200).body();
    }

    private List<Boolean> draining(UUID... ids) {
        List<Boolean> out = new ArrayList<>();
        for (UUID id : ids) {
            out.add(host(id).get("draining").asBoolean());
        }
        return out;
    }

    private String explain() {
        return check(tenant.admin.get("/api/v1/admin/pools/" + pool + "/provisioning/capacity"), 200).body()
                .get("explain").asString();
    }

    private List<JsonNode> audit(String action, UUID host) {
        List<JsonNode> out = new ArrayList<>();
        check(tenant.admin.get("/api/v1/admin/audit?action=" + action + "&objectId=" + host), 200).body()
                .forEach(out::add);
        return out;
    }

    private Api newUser(String name) {
        UUID id = tenant.user(name);
        tenant.entitle(pool, id);
        return tenant.login(name);
    }

    private static String sessionState(Api user, UUID session) {
        return check(user.get("/api/v1/sessions/" + session), 200).body().get("state").asString();
    }

    /** {@code n} ended sessions of the pool created at {@code at} (the history the demand model learns from). */
    private void pastSessions(UUID user, Instant at, int n) {
        for (int i = 0; i < n; i++) {
            OffsetDateTime created = at.plusSeconds(i).atOffset(ZoneOffset.UTC);
            jdbc.sql("insert into session (id, tenant_id, pool_id, user_id, state, end_reason, created_at, state_changed_at, "
                            + "ended_at) values (?, ?, ?, ?, 'ENDED', 'LOGOFF', ?, ?, ?)")
                    .params(Ids.newId(), tenant.id, pool, user, created, created.plusHours(8), created.plusHours(8)).update();
        }
    }
}
