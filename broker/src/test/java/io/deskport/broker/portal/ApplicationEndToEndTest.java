package io.deskport.broker.portal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.brokering.SessionConsoles;
import io.deskport.broker.support.AgentProcess;
import io.deskport.broker.support.Applications;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.LocalAccounts;
import io.deskport.broker.support.PortalBrowser;
import io.deskport.broker.support.TestTenant;
import io.deskport.broker.support.XWindows;
import io.deskport.broker.support.XWindows.Window;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A published application in the portal, in a real headless Chromium, on a real session host (the agent process,
 * Xvnc, xterm): the user opens an application from its tile and the browser shows that window alone, filling the
 * screen, with no desktop behind it; a second application opens in the same session and display. Screenshots
 * {@code app-*} in target/e2e-screenshots/.
 */
@BrokerTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestPropertySource(properties = {"deskport.hosts.heartbeat-interval=500ms", "deskport.hosts.monitor-interval=250ms"})
class ApplicationEndToEndTest {

    private static final Duration STEP = Duration.ofSeconds(30);

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    SessionConsoles consoles;

    final String accountPrefix = "dpe" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36) + "-";
    PortalBrowser browser;
    AgentProcess agent;
    TestTenant tenant;
    UUID pool;

    @BeforeAll
    void startAgentAndBrowser() throws Exception {
        assumeTrue(PortalBrowser.available(), "Debian packages chromium and chromium-driver are needed");
        tenant = TestTenant.create(context, port, 10, 10);
        pool = tenant.pool("Office apps", "SHARED", "BREADTH_FIRST");
        String name = accountPrefix + "host";
        Api.Response created = check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/session-hosts/enrolments",
                json("name", name)), 201);
        UUID host = UUID.fromString(created.body().get("host").get("id").asString());
        agent = AgentProcess.start(port, name, created.body().get("enrolmentToken").asString(), 170, 179, accountPrefix);
        await().atMost(STEP).until(() -> check(tenant.admin.get("/api/v1/admin/session-hosts/" + host), 200)
                .body().get("state").asString().equals("AVAILABLE"));
        browser = PortalBrowser.start(Path.of("target", "e2e-screenshots"), 1280, 800);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (agent != null) {
            agent.close();
        }
        LocalAccounts.removeAccounts(accountPrefix);
    }

    @Test
    void theBrowserShowsTheApplicationAloneAndASecondApplicationJoinsTheSameSession() throws Exception {
        publish("Terminal one", "app-one");
        publish("Terminal two", "app-two");
        tenant.entitle(pool, tenant.user("alice"));
        Api alice = tenant.login("alice");
        browser.driver().get(base() + "/");
        browser.fillSignIn(tenant.slug, "alice", TestTenant.PASSWORD);
        browser.waiting(STEP).until(d -> d.findElement(By.id("my-desktops-title")));
        browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-application='Terminal one']")));
        browser.screenshot("app-01-tiles");

        tile("Terminal one").findElement(By.cssSelector("button[aria-label='Open Terminal one']")).click();
        browser.waiting(STEP).until(d -> d.getCurrentUrl().contains("/desktops/"));
        UUID session = UUID.fromString(browser.driver().getCurrentUrl().replaceAll(".*/desktops/", ""));
        awaitPhase("connected");
        int display = consoles.of(session).orElseThrow().port() - 5900;
        Path xauthority = agent.stateDir().resolve("sessions").resolve(session.toString()).resolve("Xauthority");
        WebElement area = browser.find(By.cssSelector("[data-testid='desktop-screen']"));
        String browserSize = area.getSize().getWidth() + "x" + area.getSize().getHeight();

        // the X server: the screen took the browser's size, and holds one window, the application's, filling it
        await("the display sized to the browser").atMost(STEP).until(() -> XWindows.screenSize(display, xauthority)
                .equals(browserSize));
        await("the application's window fills the screen").atMost(STEP).until(() -> {
            List<Window> w = XWindows.viewable(display, xauthority);
            return w.size() == 1 && w.getFirst().name().equals("app-one") && w.getFirst().x() == 0
                    && (w.getFirst().width() + "x" + w.getFirst().height()).equals(browserSize);
        });
        // the browser: the canvas has the screen's size and shows the terminal, white from edge to edge (no desktop)
        await("the canvas shows the terminal's white page all over").atMost(STEP).pollInterval(Duration.ofMillis(200))
                .until(() -> whiteShare() > 0.9);
        // (a Guacamole layer's canvas grows in steps of 64 pixels: it covers the display, less than a step more)
        PortalBrowser.CanvasLook canvas = browser.remoteCanvas();
        assertThat(canvas.width()).isBetween((long) area.getSize().getWidth(), area.getSize().getWidth() + 63L);
        assertThat(canvas.height()).isBetween((long) area.getSize().getHeight(), area.getSize().getHeight() + 63L);
        browser.screenshot("app-02-one-application");

        browser.driver().get(base() + "/");
        browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-application='Terminal two']")));
        tile("Terminal two").findElement(By.cssSelector("button[aria-label='Open Terminal two']")).click();
        browser.waiting(STEP).until(d -> d.getCurrentUrl().contains("/desktops/"));

        assertThat(UUID.fromString(browser.driver().getCurrentUrl().replaceAll(".*/desktops/", ""))).isEqualTo(session);
        awaitPhase("connected");
        assertThat(consoles.of(session).orElseThrow().port() - 5900).as("the same display").isEqualTo(display);
        await("the second window on the same display").atMost(STEP).until(() ->
                XWindows.viewable(display, xauthority).stream().map(Window::name).sorted().toList()
                        .equals(List.of("app-one", "app-two")));
        assertThat(check(alice.get("/api/v1/sessions?includeEnded=true"), 200).body().size()).as("one session").isEqualTo(1);
        await().atMost(STEP).pollInterval(Duration.ofMillis(200)).until(() -> whiteShare() > 0.9);
        browser.screenshot("app-03-second-application");

        check(alice.post("/api/v1/sessions/" + session + "/logoff"), 200);
    }

    private void publish(String name, String title) {
        check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/applications",
                Applications.app(name, "xterm", null, "-T", title, "-e", "cat")), 201);
    }

    /** The share of the remote canvas's pixels (a sample) that are white. */
    private double whiteShare() {
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) browser.driver().executeScript("""
                const canvases = [...document.querySelectorAll('[data-testid="desktop-screen"] canvas')];
                const canvas = canvases.sort((a, b) => b.width * b.height - a.width * a.height)[0];
                if (!canvas || canvas.width === 0) return {share: 0};
                const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                let white = 0, all = 0;
                for (let i = 0; i < data.length; i += 4 * 13) {
                  all++;
                  if (data[i] > 240 && data[i + 1] > 240 && data[i + 2] > 240) white++;
                }
                return {share: white / all};
                """);
        return ((Number) r.get("share")).doubleValue();
    }

    private WebElement tile(String name) {
        return browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='application-tile'][data-application='" + name + "']")));
    }

    private void awaitPhase(String phase) {
        browser.waiting(STEP).until(d -> phase.equals(d.findElement(By.cssSelector("[data-testid='desktop-screen']"))
                .getAttribute("data-phase")));
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
