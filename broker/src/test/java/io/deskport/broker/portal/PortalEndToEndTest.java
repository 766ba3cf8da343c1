package io.deskport.broker.portal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.PortalBrowser;
import io.deskport.broker.support.PortalBrowser.CanvasLook;
import io.deskport.broker.support.SeverableProxy;
import io.deskport.broker.support.TestTenant;
import io.deskport.broker.support.XvncForPortal;
import io.deskport.gateway.support.XvncDesktop;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The portal as a person uses it, in a real headless Chromium against this broker, its embedded gateway
 * and a real Xvnc desktop with an xterm. Every step leaves a screenshot in target/e2e-screenshots/.
 */
@BrokerTest
class PortalEndToEndTest {

    private static final String VNC_PASSWORD = "portal-vnc-pw";
    private static final Duration STEP = Duration.ofSeconds(30);
    static final Path WORK = Path.of("target", "portal-e2e").toAbsolutePath();

    static XvncDesktop desktop;
    static PortalBrowser browser;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    UUID pool;
    Api alice;

    @BeforeAll
    static void startDesktopAndBrowser() throws Exception {
        assumeTrue(PortalBrowser.available(), "Debian packages chromium and chromium-driver are needed");
        desktop = XvncForPortal.start(WORK, 1024, 768, VNC_PASSWORD);
        XvncForPortal.startXterm(desktop, "portal-term", Files.createDirectories(WORK.resolve("home")));
        browser = PortalBrowser.start(Path.of("target", "e2e-screenshots"), 1280, 800);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (desktop != null) {
            desktop.close();
        }
    }

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 10, 10);
        pool = tenant.pool("Office desktops", "POOLED", null);
        check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/desktops", json("name", "xvnc-" + desktop.display(),
                "consoleHost", "127.0.0.1", "consolePort", desktop.port(), "consolePassword", VNC_PASSWORD)), 201);
        tenant.entitle(pool, tenant.user("alice"));
        alice = tenant.login("alice");
        browser.driver().get(base() + "/");
        browser.clearCookies();
        browser.driver().get(base() + "/"); // signed out: the sign-in page
    }

    @Test
    void aDisconnectByTheHelpDeskIsAttributedInTheUsersTab() throws Exception {
        signIn("alice", TestTenant.PASSWORD);
        card("Office desktops").findElement(By.cssSelector("button[aria-label='Connect Office desktops']")).click();
        browser.waiting(STEP).until(d -> d.getCurrentUrl().contains("/desktops/"));
        String session = browser.driver().getCurrentUrl().replaceAll(".*/desktops/", "");
        awaitPhase("connected");

        check(tenant.admin.post("/api/v1/admin/sessions/" + session + "/disconnect"), 200);

        browser.waiting(STEP).until(d -> d.getCurrentUrl().equals(base() + "/"));
        assertThat(browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='list-notice']"))).getText())
                .contains("disconnected by your IT help desk");
        assertThat(check(alice.get("/api/v1/sessions/" + session), 200).body().get("disconnectedBy").asString())
                .isEqualTo("HELP_DESK");
        browser.screenshot("13-disconnected-by-help-desk");
        check(alice.post("/api/v1/sessions/" + session + "/logoff"), 200);
    }

    @Test
    void aUserSignsInWorksInTheDesktopDisconnectsAndReconnectsToTheSameSession() throws Exception {
        signIn("alice", TestTenant.PASSWORD);
        WebElement card = card("Office desktops");
        assertThat(badge(card)).isEqualTo("Available");
        browser.screenshot("01-my-desktops");

        card.findElement(By.cssSelector("button[aria-label='Connect Office desktops']")).click();
        browser.waiting(STEP).until(d -> d.getCurrentUrl().contains("/desktops/"));
        String session = browser.driver().getCurrentUrl().replaceAll(".*/desktops/", "");
        awaitPhase("connected");
        CanvasLook first = await("a non-blank remote screen").atMost(STEP).pollInterval(Duration.ofMillis(200))
                .until(browser::remoteCanvas, look -> !look.blank());
        assertThat(first.width()).isGreaterThan(300);
        assertThat(sessionState(session)).isEqualTo("CONNECTED");
        assertThat(browser.driver().getPageSource()).doesNotContain(VNC_PASSWORD)
                .doesNotContain(":" + desktop.port());
        browser.screenshot("02-desktop-open");

        Path typed = WORK.resolve("home").resolve("typed-" + session.substring(0, 8) + ".txt");
        WebElement screen = browser.find(By.cssSelector("[data-testid='desktop-screen']"));
        new Actions(browser.driver()).moveToElement(screen, 0, 0).click().perform(); // pointer over the xterm gives it focus
        new Actions(browser.driver()).sendKeys("echo typed in the portal > " + typed.getFileName() + Keys.ENTER).perform();
        await("the command ran in the remote xterm").atMost(STEP).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.exists(typed) && Files.readString(typed).contains("typed in the portal"));
        await("the remote screen changed").atMost(STEP).pollInterval(Duration.ofMillis(200))
                .until(() -> browser.remoteCanvas().hash() != first.hash());
        browser.screenshot("03-typed-into-xterm");

        toolbarButton("Disconnect").click();
        browser.waiting(STEP).until(d -> d.getCurrentUrl().equals(base() + "/"));
        assertThat(browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='list-notice']"))).getText())
                .contains("Disconnected");
        browser.waiting(STEP).until(d -> badge(card("Office desktops")).equals("Disconnected · waiting"));
        assertThat(sessionState(session)).isEqualTo("DISCONNECTED");
        browser.screenshot("04-disconnected");

        card("Office desktops").findElement(By.cssSelector("button[aria-label='Reconnect Office desktops']")).click();
        browser.waiting(STEP).until(d -> d.getCurrentUrl().endsWith("/desktops/" + session));
        awaitPhase("connected");
        await("the remote screen again").atMost(STEP).pollInterval(Duration.ofMillis(200))
                .until(browser::remoteCanvas, look -> !look.blank());
        await().atMost(STEP).until(() -> sessionState(session).equals("CONNECTED"));
        browser.screenshot("05-reconnected-same-session");

        logOffInsideTheDesktop();
        browser.waiting(STEP).until(d -> d.getCurrentUrl().equals(base() + "/"));
        browser.waiting(STEP).until(d -> badge(card("Office desktops")).equals("Available"));
        assertThat(sessionState(session)).isEqualTo("ENDED");
        browser.screenshot("06-logged-off");
    }

    @Test
    void aNetworkBlipIsBridgedByReconnectingToTheSameSessionWithAFreshTicket() throws Exception {
        try (SeverableProxy network = SeverableProxy.to(port)) {
            browser.driver().get("http://127.0.0.1:" + network.port() + "/");
            signIn("alice", TestTenant.PASSWORD);
            card("Office desktops").findElement(By.cssSelector("button[aria-label='Connect Office desktops']")).click();
            browser.waiting(STEP).until(d -> d.getCurrentUrl().contains("/desktops/"));
            String session = browser.driver().getCurrentUrl().replaceAll(".*/desktops/", "");
            awaitPhase("connected");
            await().atMost(STEP).pollInterval(Duration.ofMillis(200)).until(browser::remoteCanvas, look -> !look.blank());
            browser.driver().executeScript("""
                    const screen = document.querySelector('[data-testid="desktop-screen"]');
                    window.deskportPhases = [];
                    new MutationObserver(() => window.deskportPhases.push(screen.dataset.phase))
                        .observe(screen, {attributes: true, attributeFilter: ['data-phase']});
                    """);
            int connectionsBefore = network.accepted();

            network.severAll();

            browser.waiting(STEP).until(d -> Boolean.TRUE.equals(browser.driver().executeScript(
                    "return window.deskportPhases.includes('reconnecting')")));
            browser.screenshot("08-network-blip-reconnecting");
            browser.waiting(STEP).until(d -> Boolean.TRUE.equals(browser.driver().executeScript(
                    "return window.deskportPhases.at(-1) === 'connected'")));
            assertThat(browser.driver().getCurrentUrl()).endsWith("/desktops/" + session);
            assertThat(network.accepted()).as("new connections after the blip").isGreaterThan(connectionsBefore);
            await("the remote screen after the blip").atMost(STEP).pollInterval(Duration.ofMillis(200))
                    .until(browser::remoteCanvas, look -> !look.blank());
            await().atMost(STEP).until(() -> sessionState(session).equals("CONNECTED"));
            browser.screenshot("09-network-blip-reconnected");
        }
    }

    @Test
    void onATabletInPortraitTheDesktopFitsTheScreenAndTheOnScreenKeysType() throws Exception {
        browser.driver().manage().window().setSize(new Dimension(820, 1180));
        try {
            signIn("alice", TestTenant.PASSWORD);
            browser.screenshot("10-tablet-my-desktops");
            card("Office desktops").findElement(By.cssSelector("button[aria-label='Connect Office desktops']")).click();
            awaitPhase("connected");
            await().atMost(STEP).pollInterval(Duration.ofMillis(200)).until(browser::remoteCanvas, look -> !look.blank());
            WebElement screen = browser.find(By.cssSelector("[data-testid='desktop-screen']"));
            Number shownWidth = (Number) browser.driver().executeScript(
                    "return arguments[0].querySelector('canvas').parentElement.getBoundingClientRect().width", screen);
            assertThat(shownWidth.doubleValue()).as("remote display scaled to the screen's width")
                    .isLessThanOrEqualTo(screen.getSize().getWidth() + 1);

            new Actions(browser.driver()).moveToElement(screen, 0, -screen.getSize().getHeight() / 4).click().perform();
            toolbarButton("On-screen keys").click();
            WebElement typing = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("input[aria-label='Type into the desktop']")));
            Path typed = WORK.resolve("home").resolve("tablet.txt");
            Files.deleteIfExists(typed);
            typing.sendKeys("echo tapped > tablet.txt" + Keys.ENTER);
            await("the on-screen keys typed into the remote xterm").atMost(STEP).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.exists(typed) && Files.readString(typed).contains("tapped"));
            browser.screenshot("11-tablet-desktop-with-on-screen-keys");
            logOffInsideTheDesktop();
            browser.waiting(STEP).until(d -> d.getCurrentUrl().equals(base() + "/"));
        } finally {
            browser.driver().manage().window().setSize(new Dimension(1280, 800));
        }
    }

    @Test
    void aRefusedConnectSaysWhatHappenedWithTheFiguresAndWhatToDo() throws Exception {
        UUID full = tenant.pool("Design workstations", "POOLED", null);
        check(tenant.admin.post("/api/v1/admin/pools/" + full + "/desktops", json("name", "design-1",
                "consoleHost", "127.0.0.1", "consolePort", 1, "state", "MAINTENANCE")), 201);
        tenant.entitle(full, UUID.fromString(check(alice.get("/api/v1/me"), 200).body().get("userId").asString()));

        signIn("alice", TestTenant.PASSWORD);
        card("Design workstations").findElement(By.cssSelector("button[aria-label='Connect Design workstations']")).click();
        WebElement problem = browser.waiting(STEP).until(d -> card("Design workstations")
                .findElement(By.cssSelector("[data-testid='desktop-problem']")));
        assertThat(problem.getText())
                .contains("No desktop free right now")
                .contains("The only desktop of this pool is not free (1 in maintenance).")
                .contains("Try again in a few minutes");
        assertThat(browser.driver().getCurrentUrl()).isEqualTo(base() + "/");
        browser.screenshot("07-refused-connect");
    }

    @Test
    void aWrongPasswordIsExplainedOnTheSignInPage() throws Exception {
        fillSignIn("alice", "not-the-password");
        WebElement problem = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='signin-problem']")));
        assertThat(problem.getText()).contains("Sign-in failed").contains("organisation, username or password is not right");
        browser.screenshot("00-sign-in-refused");
    }

    @Test
    void clipboardTextCrossesBothWaysThroughTheClipboardPanel() throws Exception {
        signIn("alice", TestTenant.PASSWORD);
        card("Office desktops").findElement(By.cssSelector("button[aria-label='Connect Office desktops']")).click();
        browser.waiting(STEP).until(d -> d.getCurrentUrl().contains("/desktops/"));
        awaitPhase("connected");
        await("a non-blank remote screen").atMost(STEP).pollInterval(Duration.ofMillis(200))
                .until(browser::remoteCanvas, look -> !look.blank());

        // the desktop (Xvnc can resize) takes the size of the browser's screen area
        WebElement area = browser.find(By.cssSelector("[data-testid='desktop-screen']"));
        await("the remote desktop follows the window").atMost(STEP).pollInterval(Duration.ofMillis(200))
                .until(() -> !screenSize().equals("1024x768"));
        assertThat(screenSize()).isEqualTo(area.getSize().getWidth() + "x" + area.getSize().getHeight());

        // the desktop copies: the text shows up in the portal's clipboard panel
        xclip("-selection", "clipboard", "-i").waitFor();
        browser.find(By.cssSelector("button[aria-label='Clipboard']")).click();
        WebElement text = browser.waiting(STEP).until(d -> d.findElement(By.id("clipboard-text")));
        browser.waiting(STEP).until(d -> "copied on the desktop".equals(
                d.findElement(By.id("clipboard-text")).getAttribute("value")));

        // the user pastes: the text reaches the desktop's clipboard
        // the panel's text is React's state: clear it as a user does (WebElement.clear() sets the value behind
        // React's back, and the next render can put the old text back in front of what is typed)
        text.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        browser.waiting(STEP).until(d -> d.findElement(By.id("clipboard-text")).getAttribute("value").isEmpty());
        text.sendKeys("pasted from the browser");
        browser.waiting(STEP).until(d -> "pasted from the browser".equals(
                d.findElement(By.id("clipboard-text")).getAttribute("value")));
        browser.screenshot("12-clipboard-panel");
        browser.find(By.xpath("//button[normalize-space(.)='Send to desktop']")).click();
        await("the desktop's clipboard holds the pasted text").atMost(STEP).pollInterval(Duration.ofMillis(200))
                .until(() -> clipboardOnTheDesktop().equals("pasted from the browser"));

        logOffInsideTheDesktop();
        browser.waiting(STEP).until(d -> d.getCurrentUrl().equals(base() + "/"));
    }

    /** Runs xclip on the desktop's display; with {@code -i} it offers "copied on the desktop". */
    private static Process xclip(String... args) throws java.io.IOException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("xclip"));
        command.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DISPLAY", ":" + desktop.display());
        Process p = pb.start();
        if (command.contains("-i")) {
            try (var in = p.getOutputStream()) {
                in.write("copied on the desktop".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        return p;
    }

    /** @return the desktop's screen size as Xvnc reports it, e.g. {@code 1280x752} */
    private static String screenSize() throws Exception {
        ProcessBuilder pb = new ProcessBuilder("xdpyinfo").redirectErrorStream(true);
        pb.environment().put("DISPLAY", ":" + desktop.display());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("dimensions:\\s+(\\d+x\\d+) pixels").matcher(out);
        return m.find() ? m.group(1) : "";
    }

    private static String clipboardOnTheDesktop() throws Exception {
        Process p = xclip("-selection", "clipboard", "-o");
        if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "";
        }
        return new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private void fillSignIn(String username, String password) {
        browser.fillSignIn(tenant.slug, username, password);
    }

    private void signIn(String username, String password) {
        fillSignIn(username, password);
        browser.waiting(STEP).until(d -> d.findElement(By.id("my-desktops-title")));
    }

    private WebElement card(String poolName) {
        return browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='desktop-card'][data-pool='" + poolName + "']")));
    }

    private static String badge(WebElement card) {
        return card.findElement(By.cssSelector("[data-testid='desktop-state']")).getText();
    }

    /** The toolbar's Log off asks first, like the card's; the user confirms. */
    private void logOffInsideTheDesktop() {
        toolbarButton("Log off").click();
        WebElement dialog = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[role='dialog']")));
        assertThat(dialog.getText()).contains("Log off from").contains("unsaved work is lost");
        dialog.findElement(By.xpath(".//button[normalize-space(.)='Log off']")).click();
    }

    private WebElement toolbarButton(String text) {
        return browser.waiting(STEP).until(d -> d.findElement(By.xpath(
                "//div[@role='toolbar']//button[normalize-space(.)='" + text + "']")));
    }

    private void awaitPhase(String phase) {
        browser.waiting(STEP).until(d -> phase.equals(d.findElement(By.cssSelector("[data-testid='desktop-screen']"))
                .getAttribute("data-phase")));
    }

    private String sessionState(String session) {
        return check(alice.get("/api/v1/sessions/" + session), 200).body().get("state").asString();
    }
}
