package io.deskport.broker.pools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.FakeConsoles;
import io.deskport.broker.support.TestTenant;
import io.deskport.gateway.support.XvncDesktop;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Registering a desktop checks its console and says what it found — a real Xvnc (RFB version), a port where
 * nothing listens, a socket that accepts but never speaks, a fake RFB server that rejects the password — and a
 * READY desktop whose console is unusable is registered FAILED with the finding instead of being handed out.
 */
@BrokerTest
@TestPropertySource(properties = "deskport.consoles.check-on-registration=true")
class ConsoleRegistrationCheckTest {

    private static final String VNC_PASSWORD = "check-pw";
    static XvncDesktop desktop;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    UUID pool;

    @BeforeAll
    static void startDesktop() throws Exception {
        desktop = XvncDesktop.start(Files.createDirectories(Path.of("target", "console-check-test")), 640, 480, VNC_PASSWORD);
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
    }

    private JsonNode register(int consolePort, String password, String state) {
        Api.Response r = check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/desktops", json("name", "pc-" + consolePort,
                "consoleHost", "127.0.0.1", "consolePort", consolePort, "consolePassword", password, "state", state)), 201);
        return r.body();
    }

    @Test
    void aRealVncServerIsReachableWithItsRfbVersionAndTheDesktopIsReady() {
        JsonNode d = register(desktop.port(), VNC_PASSWORD, "READY");
        assertThat(d.get("consoleCheck").get("result").asString()).isEqualTo("REACHABLE");
        assertThat(d.get("consoleCheck").get("rfbVersion").asString()).isEqualTo("3.8");
        assertThat(d.get("consoleCheck").get("width").asInt()).isEqualTo(640);
        assertThat(d.get("state").asString()).isEqualTo("READY");
        assertThat(d.get("desktopUsable").asBoolean()).isTrue();
        assertThat(d.get("id").asString()).isNotBlank();
    }

    @Test
    void aPortWhereNothingListensIsRefusedAndTheDesktopIsRegisteredFailed() throws Exception {
        JsonNode d = register(FakeConsoles.portWhereNothingListens(), null, "READY");
        assertThat(d.get("consoleCheck").get("result").asString()).isEqualTo("REFUSED");
        assertThat(d.get("state").asString()).isEqualTo("FAILED");
        assertThat(d.get("desktopUsable").asBoolean()).isFalse();
        assertThat(d.get("failureReason").asString()).contains("REFUSED");
        Api.Response audit = check(tenant.admin.get("/api/v1/admin/audit?action=DESKTOP_REGISTERED&objectId="
                + d.get("id").asString()), 200);
        assertThat(audit.body().get(0).get("details").get("consoleCheck").asString()).isEqualTo("REFUSED");
    }

    @Test
    void aSocketThatAcceptsButNeverSpeaksIsATimeout() throws Exception {
        try (FakeConsoles.Console silent = FakeConsoles.silent()) {
            JsonNode d = register(silent.port(), null, "READY");
            assertThat(d.get("consoleCheck").get("result").asString()).isEqualTo("TIMEOUT");
            assertThat(d.get("state").asString()).isEqualTo("FAILED");
        }
    }

    @Test
    void aFakeRfbServerThatRejectsThePasswordIsAnAuthenticationFailure() throws Exception {
        try (FakeConsoles.Console rejecting = FakeConsoles.rejectingEveryPassword()) {
            JsonNode d = register(rejecting.port(), "wrong", "READY");
            assertThat(d.get("consoleCheck").get("result").asString()).isEqualTo("AUTHENTICATION_FAILED");
            assertThat(d.get("state").asString()).isEqualTo("FAILED");
        }
    }

    @Test
    void aDesktopRegisteredSwitchedOffKeepsItsStateAndTheAnswerSaysWhatTheCheckFound() throws Exception {
        JsonNode d = register(FakeConsoles.portWhereNothingListens(), null, "STOPPED");
        assertThat(d.get("consoleCheck").get("result").asString()).isEqualTo("REFUSED");
        assertThat(d.get("state").asString()).isEqualTo("STOPPED");
        assertThat(d.get("desktopUsable").asBoolean()).isFalse();
    }
}
