package io.deskport.broker.tunnel;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.BrowserTunnel;
import io.deskport.broker.support.TestTenant;
import io.deskport.gateway.support.XvncDesktop;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A pool's clipboard policy through the real path: browser tunnel → broker → embedded gateway → a real Xvnc whose X
 * clipboard is read and set with xclip. Each refused direction is shown against a barrier that proves the text would
 * have crossed by then: keys typed after it reach the desktop's xterm (the gateway handles a tunnel's instructions
 * in order), and a frame drawn after the desktop's clipboard was served reaches the browser.
 */
@BrokerTest
class ClipboardPolicyTunnelTest {

    private static final String VNC_PASSWORD = "vnc-secret";
    private static final Duration STEP = Duration.ofSeconds(20);
    static XvncDesktop desktop;
    static Path typed;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    UUID pool;
    Api alice;

    @BeforeAll
    static void startDesktop() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "clipboard-test"));
        desktop = XvncDesktop.start(work, 800, 600, VNC_PASSWORD);
        typed = work.resolve("typed-" + desktop.display() + ".txt");
        Files.deleteIfExists(typed);
        desktop.launch("xterm", "xterm", "-T", "clipboard-term", "-geometry", "80x10+0+0", "-e", "sh", "-c", "cat > " + typed);
        await("xterm mapped").atMost(STEP).pollInterval(Duration.ofMillis(200))
                .until(() -> desktop.run(null, "xdotool", "search", "--onlyvisible", "--name", "clipboard-term").exitCode() == 0);
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
    }

    private BrowserTunnel open(String policy) throws Exception {
        check(tenant.admin.edit("/api/v1/admin/pools/" + pool, json("clipboardPolicy", policy)), 200);
        Api.Response connected = check(alice.post("/api/v1/pools/" + pool + "/connect"), 201);
        assertThat(connected.body().get("session").get("clipboardPolicy").asString()).isEqualTo(policy);
        BrowserTunnel tunnel = BrowserTunnel.open(port, connected.body().get("tunnel").get("token").asString(), 800, 600);
        tunnel.awaitOpcode("sync");
        tunnel.send("mouse", "100", "40", "0"); // focus follows the pointer without a window manager
        return tunnel;
    }

    /** Pastes as guacamole-common-js does: a clipboard stream of one blob. */
    private static void paste(BrowserTunnel tunnel, String stream, String text) {
        tunnel.send("clipboard", stream, "text/plain");
        tunnel.send("blob", stream, Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
        tunnel.send("end", stream);
    }

    /** Types a line into the xterm and waits until it is there: everything the tunnel sent before is handled. */
    private static void typeLine(BrowserTunnel tunnel, String text) {
        for (char c : (text + "\n").toCharArray()) {
            String keysym = c == '\n' ? "65293" : Integer.toString(c);
            tunnel.send("key", keysym, "1");
            tunnel.send("key", keysym, "0");
        }
        await("typed line reached the xterm").atMost(STEP).pollInterval(Duration.ofMillis(100))
                .until(() -> Files.exists(typed) && Files.readString(typed).contains(text));
    }

    private static String desktopClipboard() throws Exception {
        return desktop.run(null, "xclip", "-selection", "clipboard", "-o").output();
    }

    /** The desktop copies text: xclip owns the clipboard, and is read back once (Xvnc asked for it before). */
    private static void copyOnTheDesktop(String text) throws Exception {
        desktop.launch("xclip", "sh", "-c", "printf %s '" + text + "' | exec xclip -quiet -selection clipboard -i");
        await("the desktop's clipboard holds the text").atMost(STEP).pollInterval(Duration.ofMillis(100))
                .until(ClipboardPolicyTunnelTest::desktopClipboard, text::equals);
    }

    private static boolean receivedClipboard(BrowserTunnel tunnel) {
        return tunnel.received().stream().anyMatch(i -> i.getOpcode().equals("clipboard"));
    }

    @Test
    void withBothTheClipboardCrossesBothWays() throws Exception {
        try (BrowserTunnel tunnel = open("BOTH")) {
            paste(tunnel, "5", "pasted-both");
            await("the desktop's clipboard holds the pasted text").atMost(STEP).pollInterval(Duration.ofMillis(100))
                    .until(ClipboardPolicyTunnelTest::desktopClipboard, "pasted-both"::equals);

            copyOnTheDesktop("copied-both");
            await("the browser receives the desktop's clipboard").atMost(STEP).until(() -> receivedClipboard(tunnel));
            assertThat(tunnel.received().stream().filter(i -> i.getOpcode().equals("ack"))
                    .noneMatch(i -> i.getArgs().getFirst().equals("5") && !i.getArgs().get(2).equals("0"))).isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"NONE", "FROM_DESKTOP"})
    void aRefusedPasteNeverReachesTheDesktop(String policy) throws Exception {
        copyOnTheDesktop("before-" + policy);
        try (BrowserTunnel tunnel = open(policy)) {
            paste(tunnel, "7", "must-not-arrive-" + policy);

            GuacamoleInstruction ack = await("the browser is told").atMost(STEP).until(() -> tunnel.received().stream()
                    .filter(i -> i.getOpcode().equals("ack") && i.getArgs().getFirst().equals("7")).findFirst()
                    .orElse(null), java.util.Objects::nonNull);
            assertThat(ack.getArgs().get(2)).isEqualTo("771"); // CLIENT_FORBIDDEN
            typeLine(tunnel, "after-paste-" + policy);
            assertThat(desktopClipboard()).isEqualTo("before-" + policy);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"NONE", "TO_DESKTOP"})
    void theDesktopsClipboardNeverReachesTheBrowser(String policy) throws Exception {
        try (BrowserTunnel tunnel = open(policy)) {
            copyOnTheDesktop("secret-" + policy);
            int before = tunnel.received().size();
            typeLine(tunnel, "after-copy-" + policy);
            await("the xterm's echo is drawn in the browser").atMost(STEP).until(() -> tunnel.received().subList(before,
                    tunnel.received().size()).stream().anyMatch(i -> i.getOpcode().equals("img")));

            assertThat(receivedClipboard(tunnel)).isFalse();
            assertThat(tunnel.received().toString()).doesNotContain(Base64.getEncoder()
                    .encodeToString(("secret-" + policy).getBytes(StandardCharsets.UTF_8)));
        }
    }

    @Test
    void toDesktopStillLetsAPasteThrough() throws Exception {
        try (BrowserTunnel tunnel = open("TO_DESKTOP")) {
            paste(tunnel, "9", "pasted-to-desktop");
            await("the desktop's clipboard holds the pasted text").atMost(STEP).pollInterval(Duration.ofMillis(100))
                    .until(ClipboardPolicyTunnelTest::desktopClipboard, "pasted-to-desktop"::equals);
        }
    }
}
