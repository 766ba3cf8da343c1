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
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.FakeConsoles;
import io.deskport.broker.support.PortalBrowser;
import io.deskport.broker.support.TestTenant;
import io.deskport.broker.support.XvncForPortal;
import io.deskport.gateway.support.XvncDesktop;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Failures in words, as a person sees them in a real headless Chromium (the fixtures of
 * {@link PortalEndToEndTest}): an unreachable desktop is explained within 15 s and not retried for ever, a
 * help desk's disconnect names who did it, and a user changes their password. Screenshots in
 * target/e2e-screenshots/ (prefix {@code f}).
 */
@BrokerTest
class PortalFailuresEndToEndTest {

    private static final String VNC_PASSWORD = "failures-vnc-pw";
    private static final Duration STEP = Duration.ofSeconds(30);

    static XvncDesktop desktop;
    static PortalBrowser browser;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    UUID pool;
    UUID aliceId;
    Api alice;

    @BeforeAll
    static void startDesktopAndBrowser() throws Exception {
        assumeTrue(PortalBrowser.available(), "Debian packages chromium and chromium-driver are needed");
        Path work = Path.of("target", "portal-failures-e2e").toAbsolutePath();
        desktop = XvncForPortal.start(work, 1024, 768, VNC_PASSWORD);
        XvncForPortal.startXterm(desktop, "failures-term", Files.createDirectories(work.resolve("home")));
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
        aliceId = tenant.user("alice");
        tenant.entitle(pool, aliceId);
        alice = tenant.login("alice");
        browser.driver().get(base() + "/");
        browser.clearCookies();
        browser.driver().get(base() + "/");
    }

    @Test
    void anUnreachableDesktopShowsItsReasonWithin15SecondsAndStopsRetrying() throws Exception {
        UUID broken = tenant.pool("Lab desktops", "POOLED", null);
        check(tenant.admin.post("/api/v1/admin/pools/" + broken + "/desktops", json("name", "lab-1",
                "consoleHost", "127.0.0.1", "consolePort", FakeConsoles.portWhereNothingListens())), 201);
        tenant.entitle(broken, aliceId);

        signIn("alice", TestTenant.PASSWORD);
        long clicked = System.nanoTime();
        card("Lab desktops").findElement(By.cssSelector("button[aria-label='Connect Lab desktops']")).click();

        WebElement retrying = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='desktop-unreachable']")));
        assertThat(retrying.getText()).contains("refused the connection").contains("of 3");
        browser.screenshot("f01-unreachable-retrying-with-reason");

        WebElement notice = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='list-notice']")));
        long seconds = Duration.ofNanos(System.nanoTime() - clicked).toSeconds();
        assertThat(notice.getText()).contains("has ended").contains("refused the connection").contains("after 3 attempts")
                .contains("Connect again to get another one");
        assertThat(seconds).as("seconds from the click to the explanation").isLessThan(15);
        browser.screenshot("f02-unreachable-explained");

        String session = check(alice.get("/api/v1/sessions?includeEnded=true"), 200).body().get(0).get("id").asString();
        assertThat(check(alice.get("/api/v1/sessions/" + session), 200).body().get("endReason").asString())
                .isEqualTo("DESKTOP_UNREACHABLE");
        int attempts = consoleFailures(session);
        assertThat(attempts).isEqualTo(3);
        Thread.sleep(5000); // nothing to await: that nothing more happens is the point
        assertThat(consoleFailures(session)).as("no further attempts").isEqualTo(attempts);
        assertThat(browser.driver().getCurrentUrl()).isEqualTo(base() + "/");
        assertThat(badge(card("Lab desktops"))).as("its only desktop is out of service").isEqualTo("No desktops");
        browser.screenshot("f03-pool-without-desktops");
    }

    @Test
    void aHelpDeskDisconnectIsAttributedInTheUsersTab() throws Exception {
        Api.Response helen = check(tenant.admin.post("/api/v1/admin/users", json("username", "helen", "displayName",
                "Helen Park", "password", TestTenant.PASSWORD, "roles", new Api.RawJson("[\"HELPDESK\"]"))), 201);
        assertThat(helen.id()).isNotNull();
        Api helpDesk = tenant.login("helen");

        signIn("alice", TestTenant.PASSWORD);
        browser.driver().executeScript("window.deskportErrors = [];"
                + "window.addEventListener('error', e => window.deskportErrors.push(String(e.message)));");
        card("Office desktops").findElement(By.cssSelector("button[aria-label='Connect Office desktops']")).click();
        browser.waiting(STEP).until(d -> d.getCurrentUrl().contains("/desktops/"));
        String session = browser.driver().getCurrentUrl().replaceAll(".*/desktops/", "");
        browser.waiting(STEP).until(d -> "connected".equals(d.findElement(By.cssSelector("[data-testid='desktop-screen']"))
                .getAttribute("data-phase")));
        await().atMost(STEP).pollInterval(Duration.ofMillis(200)).until(browser::remoteCanvas, look -> !look.blank());

        Thread.sleep(1000); // the first frames and the desktop's cursor have been drawn
        assertThat(String.valueOf(browser.driver().executeScript("return window.deskportErrors.join('\\n')")))
                .as("uncaught errors while connecting (e.g. drawImage of an empty cursor)").isEmpty();

        check(helpDesk.post("/api/v1/admin/sessions/" + session + "/disconnect"), 200);

        WebElement notice = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='list-notice']")));
        assertThat(notice.getText()).contains("disconnected by your IT help desk (Helen Park)");
        browser.waiting(STEP).until(d -> card("Office desktops").getText().contains("Disconnected by your IT help desk (Helen Park)"));
        browser.screenshot("f04-disconnected-by-help-desk");

        Api.Response audit = check(tenant.admin.get("/api/v1/admin/audit?action=SESSION_DISCONNECTED&objectId=" + session), 200);
        assertThat(audit.body().get(0).get("actorName").asString()).isEqualTo("helen");
    }

    @Test
    void aUserChangesTheirPasswordAndTheOldOneStopsWorking() throws Exception {
        signIn("alice", TestTenant.PASSWORD);
        browser.find(By.cssSelector("[data-testid='change-password-link']")).click();
        browser.waiting(STEP).until(d -> d.findElement(By.id("password-current"))).sendKeys(TestTenant.PASSWORD);
        browser.find(By.id("password-new")).sendKeys("harbour-lamp-93");
        browser.find(By.id("password-repeat")).sendKeys("harbour-lamp-93");
        browser.find(By.xpath("//button[normalize-space(.)='Change password']")).click();
        browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='password-changed']")));
        browser.screenshot("f05-password-changed");
        assertThat(alice.get("/api/v1/me").status()).as("the other sign-in is void").isEqualTo(401);

        browser.find(By.xpath("//button[normalize-space(.)='Sign out']")).click();
        fillSignIn("alice", TestTenant.PASSWORD);
        assertThat(browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='signin-problem']"))).getText())
                .contains("Sign-in failed");
        browser.screenshot("f06-old-password-refused");
        browser.driver().get(base() + "/");
        signIn("alice", "harbour-lamp-93");
        browser.screenshot("f07-signed-in-with-new-password");
    }

    private int consoleFailures(String session) {
        return check(tenant.admin.get("/api/v1/admin/audit?action=SESSION_CONSOLE_FAILED&objectId=" + session), 200)
                .body().size();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private void fillSignIn(String username, String password) {
        browser.waiting(STEP).until(d -> d.findElement(By.id("signin-username")));
        browser.find(By.id("signin-tenant")).clear();
        browser.find(By.id("signin-tenant")).sendKeys(tenant.slug);
        browser.find(By.id("signin-username")).clear();
        browser.find(By.id("signin-username")).sendKeys(username);
        browser.find(By.id("signin-password")).clear();
        browser.find(By.id("signin-password")).sendKeys(password);
        browser.find(By.cssSelector("button[type='submit']")).click();
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
}
