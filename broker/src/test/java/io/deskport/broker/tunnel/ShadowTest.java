package io.deskport.broker.tunnel;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.shared.PlatformSecrets;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.BrowserTunnel;
import io.deskport.broker.support.SecondBroker;
import io.deskport.broker.support.TestTenant;
import io.deskport.gateway.support.XvncDesktop;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Shadowing through the API and the tunnel, as the console's viewer uses it: a help-desk agent's one-time shadow
 * ticket, the view-only join of the user's gateway connection on a real Xvnc desktop, what the shadow may send and
 * see, the user's notice, the refusals, the audit lines, and the replica that cannot join another's embedded gateway.
 */
@BrokerTest
class ShadowTest {

    private static final String VNC_PASSWORD = "shadow-secret";
    static XvncDesktop desktop;
    static Path typed;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    TestTenant tenant;
    UUID pool;
    Api alice;
    Api desk;

    @BeforeAll
    static void startDesktop() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "shadow-test"));
        desktop = XvncDesktop.start(work, 1024, 768, VNC_PASSWORD);
        typed = work.resolve("typed-" + desktop.display() + ".txt");
        Files.deleteIfExists(typed);
        // everything typed into the desktop's terminal lands in this file, line by line
        desktop.launch("xterm", "xterm", "-T", "shadow-term", "-geometry", "80x10+0+0", "-e", "sh", "-c", "cat > " + typed);
        await("xterm mapped").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .until(() -> desktop.run(null, "xdotool", "search", "--onlyvisible", "--name", "shadow-term").exitCode() == 0);
    }

    @AfterAll
    static void stopDesktop() {
        if (desktop != null) {
            desktop.close();
        }
    }

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 10, 10);
        pool = tenant.pool("office", "POOLED", null);
        check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/desktops", json("name", "xvnc",
                "consoleHost", "127.0.0.1", "consolePort", desktop.port(), "consolePassword", VNC_PASSWORD)), 201);
        tenant.entitle(pool, tenant.user("alice"));
        alice = tenant.login("alice");
        check(tenant.admin.post("/api/v1/admin/users", json("username", "desk", "displayName", "Helen Park",
                "password", TestTenant.PASSWORD, "roles", new Api.RawJson("[\"HELPDESK\"]"))), 201);
        desk = tenant.login("desk");
    }

    /** Alice's session with her browser attached to it. */
    record Attached(String session, BrowserTunnel user) {
    }

    private Attached attach(int port) throws Exception {
        Api.Response connected = check(alice.post("/api/v1/pools/" + pool + "/connect"), 201);
        String session = connected.body().get("session").get("id").asString();
        BrowserTunnel user = BrowserTunnel.open(port, connected.body().get("tunnel").get("token").asString(), 1024, 768);
        user.awaitOpcode("sync");
        await().atMost(Duration.ofSeconds(10)).until(() -> "CONNECTED".equals(sessionState(session)));
        return new Attached(session, user);
    }

    private String sessionState(String session) {
        return check(alice.get("/api/v1/sessions/" + session), 200).body().get("state").asString();
    }

    private JsonNode ticket(Api who, String session) {
        return check(who.post("/api/v1/admin/sessions/" + session + "/shadow"), 201).body();
    }

    private BrowserTunnel watch(Api who, String session) throws Exception {
        JsonNode ticket = ticket(who, session);
        return BrowserTunnel.open(port, ticket.get("path").asString(), ticket.get("token").asString(), 800, 600);
    }

    private static GuacamoleInstruction notice(BrowserTunnel user, String state) {
        return user.awaitInstruction("the user's notice: shadow " + state, i -> i.getOpcode().equals("deskport-shadow")
                && i.getArgs().getFirst().equals(state));
    }

    /** Types {@code text} and Enter from a browser: keys pressed and released, after the pointer gave the xterm focus. */
    private static void type(BrowserTunnel browser, String text) {
        browser.send("mouse", "100", "60", "0");
        for (char c : (text + "\n").toCharArray()) {
            String keysym = c == '\n' ? "65293" : Integer.toString(c);
            browser.send("key", keysym, "1");
            browser.send("key", keysym, "0");
        }
    }

    private List<JsonNode> audit(String action, String session) {
        return tenant.admin.all("/api/v1/admin/audit?action=" + action + "&objectId=" + session);
    }

    @Test
    void theHelpDeskSeesTheUsersScreenAndTheUserIsToldWhoWatches() throws Exception {
        Attached a = attach(port);
        JsonNode ticket = ticket(desk, a.session());
        assertThat(ticket.get("path").asString()).isEqualTo("/tunnel/shadow");
        assertThat(ticket.get("announced").asBoolean()).isTrue();

        long opening = System.nanoTime();
        try (BrowserTunnel shadow = BrowserTunnel.open(port, "/tunnel/shadow", ticket.get("token").asString(), 800, 600)) {
            assertThat(shadow.awaitOpcode("").getArgs().getFirst()).hasSize(36);
            // the desktop's own screen, whatever size the shadow's browser has
            assertThat(shadow.awaitOpcode("size").getArgs()).startsWith("0", "1024", "768");
            shadow.awaitOpcode("img");
            shadow.awaitOpcode("sync");

            GuacamoleInstruction started = notice(a.user(), "started");
            assertThat(started.getArgs().get(2)).isEqualTo("Helen Park");
            long closing = System.nanoTime();
            shadow.close();
            GuacamoleInstruction ended = notice(a.user(), "ended");
            System.out.printf("ShadowTest: the user was told %d ms after the shadow's WebSocket was opened, and %d ms after "
                    + "it was closed%n", (a.user().arrivalOf(started) - opening) / 1_000_000,
                    (a.user().arrivalOf(ended) - closing) / 1_000_000);
            assertThat(ended.getArgs().get(1)).isEqualTo(started.getArgs().get(1));
            assertThat(ended.getArgs().get(2)).isEqualTo("Helen Park");
        }
        assertThat(a.user().isClosed()).as("the user's own tunnel stays open").isFalse();
        assertThat(sessionState(a.session())).isEqualTo("CONNECTED");
        a.user().close();
    }

    @Test
    void nothingTheShadowSendsReachesTheDesktop() throws Exception {
        Attached a = attach(port);
        try (BrowserTunnel shadow = watch(desk, a.session())) {
            shadow.awaitOpcode("sync");
            type(shadow, "shadow-leak");
            shadow.send("clipboard", "5", "text/plain");
            shadow.send("blob", "5", Base64.getEncoder().encodeToString("shadow-paste".getBytes(StandardCharsets.UTF_8)));
            shadow.send("end", "5");
            shadow.send("size", "640", "480");
            shadow.send("touch", "0", "10", "10", "5", "5", "0", "1");
            shadow.send("file", "7", "text/plain", "evil.txt");
            shadow.send("pipe", "9", "text/plain", "evil");
            shadow.send("argv", "11", "text/plain", "read-only");
            shadow.send("ack", "1", "OK", "0");

            // what the user types after the shadow's keys reaches the terminal: the pipeline is not stuck
            type(a.user(), "alice-was-here");
            await("the user's keys reached the terminal").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.exists(typed) && Files.readString(typed).contains("alice-was-here"));
            assertThat(Files.readString(typed)).doesNotContain("shadow-leak");
            assertThat(desktop.run(null, "xclip", "-selection", "clipboard", "-o").output()).doesNotContain("shadow-paste");
            assertThat(desktop.run(null, "xdpyinfo").output()).contains("1024x768 pixels");
        }
        JsonNode end = await("the shadow's end audited").atMost(Duration.ofSeconds(10))
                .until(() -> audit("SESSION_SHADOW_ENDED", a.session()), l -> l.size() == 1).getFirst();
        // a pointer move, 12 × 2 key events, clipboard, blob, end, size, touch, file, pipe, argv, ack
        assertThat(end.get("details").get("inputDropped").asLong()).isEqualTo(34);
        a.user().close();
    }

    @Test
    void theUsersClipboardIsNotShownToTheShadow() throws Exception {
        Attached a = attach(port);
        try (BrowserTunnel shadow = watch(desk, a.session())) {
            shadow.awaitOpcode("sync");
            desktop.run("copied-by-alice", "xclip", "-selection", "clipboard", "-i");
            a.user().awaitOpcode("clipboard");
            // the gateway sends every viewer the same instructions in the same order: once the shadow has a frame drawn
            // after the clipboard reached the user, it has had its chance to receive the clipboard too
            long frames = shadow.frames();
            type(a.user(), "after-the-copy");
            await("a frame after the copy").atMost(Duration.ofSeconds(20)).until(() -> shadow.frames() > frames);
            assertThat(shadow.received()).noneMatch(i -> i.getOpcode().equals("clipboard"));
            String copied = Base64.getEncoder().encodeToString("copied-by-alice".getBytes(StandardCharsets.UTF_8));
            assertThat(shadow.received()).noneMatch(i -> i.getArgs().contains(copied));
        }
        a.user().close();
    }

    @Test
    void aShadowTicketOpensOneShadowOnlyAndExpiresWithinAMinute() throws Exception {
        Attached a = attach(port);
        Instant before = Instant.now();
        JsonNode ticket = ticket(desk, a.session());
        assertThat(Instant.parse(ticket.get("expiresAt").asString())).isBetween(before, before.plusSeconds(61));
        try (BrowserTunnel first = BrowserTunnel.open(port, "/tunnel/shadow", ticket.get("token").asString(), 800, 600)) {
            first.awaitOpcode("sync");
            BrowserTunnel replay = BrowserTunnel.open(port, "/tunnel/shadow", ticket.get("token").asString(), 800, 600);
            assertThat(replay.awaitClose()).isEqualTo("1008 769"); // CLIENT_UNAUTHORIZED
        }

        // issued at 12:00:00, valid for the tunnel tickets' time to live, no longer
        Instant noon = Instant.parse("2030-01-01T12:00:00Z");
        TunnelProperties properties = context.getBean(TunnelProperties.class);
        PlatformSecrets secrets = context.getBean(PlatformSecrets.class);
        String token = new ShadowTickets(jdbc, secrets, properties, Clock.fixed(noon, ZoneOffset.UTC))
                .issue(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), tenant.id).token();
        assertThat(new ShadowTickets(jdbc, secrets, properties, Clock.fixed(noon.plus(properties.ticketTtl()), ZoneOffset.UTC))
                .verify(token)).isPresent();
        assertThat(new ShadowTickets(jdbc, secrets, properties, Clock.fixed(noon.plus(properties.ticketTtl()).plusSeconds(1),
                ZoneOffset.UTC)).verify(token)).isEmpty();
        a.user().close();
    }

    @Test
    void aShadowTicketNeverOpensTheUsersTunnelNorATunnelTicketAShadow() throws Exception {
        Attached a = attach(port);
        String shadowToken = ticket(desk, a.session()).get("token").asString();
        assertThat(BrowserTunnel.open(port, "/tunnel", shadowToken, 800, 600).awaitClose()).isEqualTo("1008 769");

        String userToken = check(alice.post("/api/v1/sessions/" + a.session() + "/tunnel"), 201).body().get("token").asString();
        assertThat(BrowserTunnel.open(port, "/tunnel/shadow", userToken, 800, 600).awaitClose()).isEqualTo("1008 769");
        assertThat(a.user().isClosed()).as("nothing took the user's tunnel over").isFalse();
        a.user().close();
    }

    @Test
    void onlyASessionWithItsUserAttachedCanBeWatchedAndEveryRefusalSaysWhy() throws Exception {
        String ready = check(alice.post("/api/v1/pools/" + pool + "/connect"), 201).body().get("session").get("id").asString();
        Api.Response notConnected = desk.post("/api/v1/admin/sessions/" + ready + "/shadow");
        assertThat(notConnected.status()).isEqualTo(409);
        assertThat(notConnected.reason()).isEqualTo("SESSION_NOT_CONNECTED");
        assertThat(notConnected.body().get("sessionState").asString()).isEqualTo("READY");

        // connected in the books, with no desktop stream (a broker that died with its tunnel)
        jdbc.sql("update session set state = 'CONNECTED', tunnel_id = null where id = ?").param(UUID.fromString(ready)).update();
        assertThat(desk.post("/api/v1/admin/sessions/" + ready + "/shadow").reason()).isEqualTo("SESSION_NOT_LIVE");

        check(tenant.admin.post("/api/v1/admin/sessions/" + ready + "/disconnect"), 200);
        Api.Response disconnected = desk.post("/api/v1/admin/sessions/" + ready + "/shadow");
        assertThat(disconnected.reason()).isEqualTo("SESSION_NOT_CONNECTED");
        assertThat(disconnected.body().get("sessionState").asString()).isEqualTo("DISCONNECTED");

        assertThat(alice.post("/api/v1/admin/sessions/" + ready + "/shadow").reason()).isEqualTo("FORBIDDEN");
        TestTenant other = TestTenant.create(context, port, 10, 10);
        assertThat(other.admin.post("/api/v1/admin/sessions/" + ready + "/shadow").reason()).isEqualTo("NOT_FOUND");
        assertThat(desk.post("/api/v1/admin/sessions/" + UUID.randomUUID() + "/shadow").reason()).isEqualTo("NOT_FOUND");

        // an integration may disconnect and log off sessions, never watch one
        JsonNode account = check(tenant.admin.post("/api/v1/admin/service-accounts", json("name", "desk tool",
                "scopes", new Api.RawJson("[\"sessions:write\", \"admin:read\"]"))), 201).body();
        Api integration = new Api(port).withToken(check(new Api(port).postRaw("/api/v1/auth/token",
                "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id="
                        + account.get("account").get("clientId").asString() + "&client_secret="
                        + account.get("clientSecret").asString()), 200).body().get("access_token").asString());
        assertThat(integration.post("/api/v1/admin/sessions/" + ready + "/shadow").reason()).isEqualTo("SCOPE_INSUFFICIENT");
    }

    @Test
    void theShadowEndsWhenTheUsersTunnelCloses() throws Exception {
        Attached a = attach(port);
        BrowserTunnel shadow = watch(desk, a.session());
        shadow.awaitOpcode("sync");
        a.user().close(); // the user's tab closes
        assertThat(shadow.awaitClose()).endsWith(" 523"); // SESSION_CLOSED
        JsonNode end = await("the shadow's end audited").atMost(Duration.ofSeconds(10))
                .until(() -> audit("SESSION_SHADOW_ENDED", a.session()), l -> l.size() == 1).getFirst();
        assertThat(end.get("details").get("endedBy").asString()).isEqualTo("SESSION");
    }

    @Test
    void theShadowEndsWhenTheUserReconnectsElsewhereAndTheNewScreenCanBeWatchedAgain() throws Exception {
        Attached a = attach(port);
        BrowserTunnel shadow = watch(desk, a.session());
        shadow.awaitOpcode("sync");
        Api.Response again = check(alice.post("/api/v1/pools/" + pool + "/connect"), 200);
        try (BrowserTunnel second = BrowserTunnel.open(port, again.body().get("tunnel").get("token").asString(), 1024, 768)) {
            second.awaitOpcode("sync");
            assertThat(shadow.awaitClose()).endsWith(" 521"); // SESSION_CONFLICT: what it watched was taken over
            try (BrowserTunnel anew = watch(desk, a.session())) {
                anew.awaitOpcode("sync");
                notice(second, "started");
            }
        }
    }

    @Test
    void loggingOffEndsTheShadowAndTheAuditTrailSaysWhoWatchedWhatAndForHowLong() throws Exception {
        Attached a = attach(port);
        BrowserTunnel shadow = watch(desk, a.session());
        shadow.awaitOpcode("sync");
        check(alice.post("/api/v1/sessions/" + a.session() + "/logoff"), 200);
        assertThat(shadow.awaitClose()).endsWith(" 523");

        JsonNode start = audit("SESSION_SHADOW_STARTED", a.session()).getFirst();
        assertThat(start.get("actorName").asString()).isEqualTo("desk");
        assertThat(start.get("objectType").asString()).isEqualTo("SESSION");
        assertThat(start.get("details").get("viewer").asString()).isEqualTo("Helen Park");
        assertThat(start.get("details").get("announced").asBoolean()).isTrue();
        JsonNode end = await().atMost(Duration.ofSeconds(10))
                .until(() -> audit("SESSION_SHADOW_ENDED", a.session()), l -> l.size() == 1).getFirst();
        assertThat(end.get("actorName").asString()).isEqualTo("desk");
        assertThat(end.get("details").get("shadowId").asString()).isEqualTo(start.get("details").get("shadowId").asString());
        assertThat(end.get("details").get("seconds").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(end.get("details").get("endedBy").asString()).isEqualTo("SESSION");
    }

    @Test
    void aPoolThatDoesNotAnnounceShadowingTellsTheUserNothing() throws Exception {
        check(tenant.admin.edit("/api/v1/admin/pools/" + pool, json("announceShadowing", false)), 200);
        assertThat(check(tenant.admin.get("/api/v1/admin/pools/" + pool), 200).body().get("announceShadowing").asBoolean())
                .isFalse();
        Attached a = attach(port);
        JsonNode ticket = ticket(desk, a.session());
        assertThat(ticket.get("announced").asBoolean()).isFalse();
        try (BrowserTunnel shadow = BrowserTunnel.open(port, "/tunnel/shadow", ticket.get("token").asString(), 800, 600)) {
            shadow.awaitOpcode("sync");
        }
        await("the shadow's end audited").atMost(Duration.ofSeconds(10))
                .until(() -> audit("SESSION_SHADOW_ENDED", a.session()), l -> l.size() == 1);
        // a later frame of the user's: a notice sent at the start or the end would have come before it
        long frames = a.user().frames();
        type(a.user(), "no-notice");
        await().atMost(Duration.ofSeconds(20)).until(() -> a.user().frames() > frames);
        assertThat(a.user().received()).noneMatch(i -> i.getOpcode().equals("deskport-shadow"));
        assertThat(audit("SESSION_SHADOW_STARTED", a.session()).getFirst().get("details").get("announced").asBoolean()).isFalse();
        a.user().close();
    }

    @Test
    void anotherReplicaCannotJoinThisOnesEmbeddedGatewayAndSaysSo(@Autowired Environment environment) throws Exception {
        Attached a = attach(port);
        try (SecondBroker other = SecondBroker.on(environment)) {
            Api deskThere = new Api(other.port()).login(tenant.slug, "desk", TestTenant.PASSWORD);
            Api.Response refused = deskThere.post("/api/v1/admin/sessions/" + a.session() + "/shadow");
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.reason()).isEqualTo("SESSION_ON_OTHER_BROKER");
            assertThat(refused.body().get("gateway").asString()).isEqualTo("embedded");

            // a ticket from the replica that serves the tunnel, presented to the other one: refused there too
            JsonNode ticket = ticket(desk, a.session());
            assertThat(BrowserTunnel.open(other.port(), "/tunnel/shadow", ticket.get("token").asString(), 800, 600)
                    .awaitClose()).endsWith(" 520"); // UPSTREAM_UNAVAILABLE
        }
        a.user().close();
    }
}
