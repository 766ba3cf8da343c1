package io.deskport.broker.tunnel;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.BrowserTunnel;
import io.deskport.broker.support.FakeConsoles;
import io.deskport.broker.support.TestTenant;
import io.deskport.gateway.support.XvncDesktop;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A desktop that cannot be reached is explained: each failed attempt is recorded on the session with its
 * kind (refused, timed out, password rejected), help desk sees it in the session list, the audit trail has
 * every attempt, and after a few attempts in a row the session ends as DESKTOP_UNREACHABLE with the desktop
 * taken out of service instead of being left IN_USE. Real sockets and a real Xvnc throughout.
 */
@BrokerTest
class UnreachableDesktopTest {

    private static final String VNC_PASSWORD = "unreachable-pw";
    static XvncDesktop desktop;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    UUID pool;
    Api alice;
    UUID aliceId;

    @BeforeAll
    static void startDesktop() throws Exception {
        desktop = XvncDesktop.start(Files.createDirectories(Path.of("target", "unreachable-test")), 640, 480, VNC_PASSWORD);
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
        aliceId = tenant.user("alice");
        tenant.entitle(pool, aliceId);
        alice = tenant.login("alice");
    }

    private UUID register(int consolePort, String password) {
        return check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/desktops", json("name", "pc-" + consolePort,
                "consoleHost", "127.0.0.1", "consolePort", consolePort, "consolePassword", password)), 201).id();
    }

    private String connect() {
        return check(alice.post("/api/v1/pools/" + pool + "/connect"), 201).body().get("session").get("id").asString();
    }

    /** One attempt of the browser: a fresh ticket, the tunnel, and the gateway's in-band error. */
    private String attempt(String session) throws Exception {
        String token = check(alice.post("/api/v1/sessions/" + session + "/tunnel"), 201).body().get("token").asString();
        try (BrowserTunnel tunnel = BrowserTunnel.open(port, token, 800, 600)) {
            // like guacamole-common-js, a keep-alive every few seconds while nothing is drawn
            Thread keepAlive = Thread.ofVirtual().start(() -> {
                while (!tunnel.isClosed()) {
                    try {
                        Thread.sleep(3000);
                        tunnel.send("nop");
                    } catch (InterruptedException | RuntimeException e) {
                        return;
                    }
                }
            });
            String status = tunnel.awaitOpcode("error").getArgs().get(1);
            keepAlive.interrupt();
            tunnel.awaitClose();
            return status;
        }
    }

    private JsonNode session(String id) {
        return check(alice.get("/api/v1/sessions/" + id), 200).body();
    }

    private List<JsonNode> audit(String session, String action) {
        return elements(check(tenant.admin.get("/api/v1/admin/audit?objectId=" + session + "&action=" + action), 200).body());
    }

    private static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> list = new java.util.ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    @Test
    void aRefusedConsoleIsRecordedOnEachAttemptAndTheThirdEndsTheSessionAndTakesTheDesktopOutOfService() throws Exception {
        UUID desktopId = register(FakeConsoles.portWhereNothingListens(), null);
        String session = connect();

        assertThat(attempt(session)).isEqualTo("519");
        JsonNode afterFirst = session(session);
        assertThat(afterFirst.get("state").asString()).isEqualTo("DISCONNECTED");
        assertThat(afterFirst.get("consoleProblem").get("failure").asString()).isEqualTo("REFUSED");
        assertThat(afterFirst.get("consoleProblem").get("attempts").asInt()).isEqualTo(1);
        assertThat(afterFirst.get("consoleProblem").get("attemptsBeforeEnd").asInt()).isEqualTo(3);

        attempt(session);
        assertThat(session(session).get("consoleProblem").get("attempts").asInt()).isEqualTo(2);
        attempt(session);

        JsonNode ended = session(session);
        assertThat(ended.get("state").asString()).isEqualTo("ENDED");
        assertThat(ended.get("endReason").asString()).isEqualTo("DESKTOP_UNREACHABLE");
        assertThat(ended.get("consoleProblem").get("failure").asString()).isEqualTo("REFUSED");
        assertThat(ended.toString()).as("no console address for the user").doesNotContain("127.0.0.1");

        // help desk sees why in the session list
        JsonNode listed = elements(check(tenant.admin.get("/api/v1/admin/sessions?liveOnly=false"), 200).body()).stream()
                .filter(s -> s.get("id").asString().equals(session)).findFirst().orElseThrow();
        assertThat(listed.get("endReason").asString()).isEqualTo("DESKTOP_UNREACHABLE");
        assertThat(listed.get("consoleProblem").get("failure").asString()).isEqualTo("REFUSED");

        // the desktop is not handed to the next user, and says why
        JsonNode d = check(tenant.admin.get("/api/v1/admin/desktops/" + desktopId), 200).body();
        assertThat(d.get("state").asString()).isEqualTo("FAILED");
        assertThat(d.get("failureReason").asString()).contains("REFUSED").contains("3 attempts");

        // the audit trail has each attempt and the end
        List<JsonNode> failures = audit(session, "SESSION_CONSOLE_FAILED");
        assertThat(failures).hasSize(3);
        assertThat(failures).allSatisfy(f -> assertThat(f.get("details").get("failure").asString()).isEqualTo("REFUSED"));
        assertThat(failures.stream().filter(f -> f.get("details").get("sessionEnded").asBoolean()).count()).isEqualTo(1);
        assertThat(audit(session, "SESSION_ENDED")).singleElement()
                .satisfies(e -> assertThat(e.get("details").get("endReason").asString()).isEqualTo("DESKTOP_UNREACHABLE"));
    }

    @Test
    void withTheConsoleCheckSwitchedOffARegistrationSaysSoAndTheDesktopStaysUsable() throws Exception {
        Api.Response r = check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/desktops", json("name", "unchecked",
                "consoleHost", "127.0.0.1", "consolePort", FakeConsoles.portWhereNothingListens())), 201);
        assertThat(r.body().get("consoleCheck").get("result").asString()).isEqualTo("NOT_CHECKED");
        assertThat(r.body().get("consoleCheck").get("detail").asString()).contains("check-on-registration");
        assertThat(r.body().get("state").asString()).isEqualTo("READY");
        assertThat(r.body().get("desktopUsable").asBoolean()).isTrue();
    }

    @Test
    void aFakeRfbServerRejectingThePasswordEndsTheSessionAtOnceAsAuthenticationFailed() throws Exception {
        try (FakeConsoles.Console console = FakeConsoles.rejectingEveryPassword()) {
            UUID desktopId = register(console.port(), "wrong-password");
            String session = connect();

            attempt(session);

            JsonNode ended = session(session);
            assertThat(ended.get("state").asString()).isEqualTo("ENDED");
            assertThat(ended.get("endReason").asString()).isEqualTo("DESKTOP_UNREACHABLE");
            assertThat(ended.get("consoleProblem").get("failure").asString()).isEqualTo("AUTHENTICATION_FAILED");
            assertThat(console.connections()).as("a rejected password is not tried again").isEqualTo(1);
            assertThat(check(tenant.admin.get("/api/v1/admin/desktops/" + desktopId), 200).body().get("state").asString())
                    .isEqualTo("FAILED");
        }
    }

    @Test
    void aConsoleThatAcceptsButNeverSpeaksIsRecordedAsATimeout() throws Exception {
        try (FakeConsoles.Console console = FakeConsoles.silent()) {
            register(console.port(), null);
            String session = connect();

            assertThat(attempt(session)).isEqualTo("514");

            JsonNode s = session(session);
            assertThat(s.get("state").asString()).isEqualTo("DISCONNECTED");
            assertThat(s.get("consoleProblem").get("failure").asString()).isEqualTo("TIMEOUT");
            assertThat(s.get("consoleProblem").get("attemptsBeforeEnd").asInt()).isEqualTo(2);
        }
    }

    @Test
    void aDesktopThatDrawsAgainClearsTheFailuresBeforeTheyEndTheSession() throws Exception {
        int consolePort = FakeConsoles.portWhereNothingListens();
        UUID desktopId = register(consolePort, VNC_PASSWORD);
        String session = connect();
        attempt(session);
        attempt(session);
        assertThat(session(session).get("consoleProblem").get("attempts").asInt()).isEqualTo(2);

        try (FakeConsoles.Console backOn = FakeConsoles.relay(consolePort, desktop.port())) {
            String token = check(alice.post("/api/v1/sessions/" + session + "/tunnel"), 201).body().get("token").asString();
            try (BrowserTunnel tunnel = BrowserTunnel.open(port, token, 800, 600)) {
                tunnel.awaitOpcode("sync");
                org.awaitility.Awaitility.await("failures cleared").atMost(java.time.Duration.ofSeconds(10))
                        .until(() -> session(session).get("consoleProblem") == null
                                || session(session).get("consoleProblem").isNull());
                assertThat(session(session).get("state").asString()).isEqualTo("CONNECTED");
            }
        }
        assertThat(check(tenant.admin.get("/api/v1/admin/desktops/" + desktopId), 200).body().get("state").asString())
                .isEqualTo("IN_USE");
    }
}
