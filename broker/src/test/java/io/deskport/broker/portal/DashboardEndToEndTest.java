package io.deskport.broker.portal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.PortalBrowser;
import io.deskport.broker.support.TestTenant;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console's dashboard in a real headless Chromium against this broker: an admin signs in and lands on it, it is
 * live (the browser's EventSource on the broker's stream, with the portal's cookie), and changes made through the API
 * — a desktop added, one taken out of service, a user's connect, a refused connect — show on it without a reload.
 * Screenshots of each step land in target/e2e-screenshots/ (dashboard-*).
 */
@BrokerTest
@TestPropertySource(properties = {"deskport.provisioning.enabled=false", "deskport.dashboard.push-interval=200ms"})
class DashboardEndToEndTest {

    private static final Duration STEP = Duration.ofSeconds(30);

    static PortalBrowser browser;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    UUID pool;
    UUID empty;

    @BeforeAll
    static void startBrowser() throws Exception {
        assumeTrue(PortalBrowser.available(), "Debian packages chromium and chromium-driver are needed");
        browser = PortalBrowser.start(Path.of("target", "e2e-screenshots"), 1440, 1000);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 10, 10);
        pool = tenant.pool("Office desktops", "POOLED", null);
        empty = tenant.pool("Design studio", "POOLED", null);
        tenant.desktops(pool, 1, "READY");
        for (String user : List.of("alice", "bob")) {
            UUID id = tenant.user(user);
            tenant.entitle(pool, id);
            tenant.entitle(empty, id);
        }
        browser.driver().get(base() + "/");
        browser.clearCookies();
        browser.driver().get(base() + "/");
    }

    @Test
    void anAdminLandsOnTheDashboardAndSeesChangesMadeThroughTheApiWithoutReloading() throws Exception {
        signIn("admin");
        browser.waiting(STEP).until(d -> d.getCurrentUrl().endsWith("/console/dashboard"));
        browser.waiting(STEP).until(d -> "live".equals(d.findElement(By.cssSelector("[data-testid='live-status']"))
                .getAttribute("data-state")));
        assertThat(poolHealth(pool)).contains("Office desktops").contains("Healthy").contains("1 ready · 0 in use");
        assertThat(poolHealth(empty)).contains("Design studio").contains("No desktops yet");
        assertThat(browser.find(By.cssSelector("[data-testid='sessions-live']")).getText()).isEqualTo("0");
        // the first link of the navigation is the dashboard's
        assertThat(browser.findAll(By.cssSelector("nav[aria-label='Console sections'] a")).getFirst().getText())
                .isEqualTo("Dashboard");
        // nothing below may reload the page: a mark on the window survives only without one
        ((JavascriptExecutor) browser.driver()).executeScript("window.dashboardMark = 'not reloaded';");
        browser.screenshot("dashboard-01-admin-lands-on-it");

        // a desktop added through the API
        check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/desktops", json("name", "added-by-the-api",
                "consoleHost", "127.0.0.1", "consolePort", 5999, "state", "READY")), 201);
        browser.waiting(STEP).until(d -> poolHealth(pool).contains("2 ready · 0 in use"));
        browser.screenshot("dashboard-02-a-desktop-added");

        // one taken out of service, and a user connected
        String second = check(tenant.admin.get("/api/v1/admin/pools/" + pool + "/desktops?q=added-by-the-api"), 200)
                .body().get(0).get("id").asString();
        check(tenant.admin.post("/api/v1/admin/desktops/" + second + "/state", json("state", "MAINTENANCE")), 200);
        check(tenant.login("alice").post("/api/v1/pools/" + pool + "/connect"), 201);
        browser.waiting(STEP).until(d -> poolHealth(pool).contains("0 ready · 1 in use · 1 other"));
        browser.waiting(STEP).until(d -> "1".equals(d.findElement(By.cssSelector("[data-testid='sessions-live']")).getText()));
        assertThat(poolHealth(pool)).contains("No free desktop");
        browser.screenshot("dashboard-03-in-maintenance-and-in-use");

        // a refused connect: counted, and explained with its pool
        assertThat(tenant.login("bob").post("/api/v1/pools/" + empty + "/connect").status()).isEqualTo(503);
        WebElement refusals = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='refusals']")));
        assertThat(refusals.getText()).contains("No free desktop: 1").contains("Design studio");
        // the charts are fetched when a card first draws one
        browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='connects-chart'] svg")));
        browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='sessions-chart'] svg")));
        assertThat(refusals.findElement(By.linkText("Design studio")).getAttribute("href"))
                .endsWith("/console/pools/" + empty);
        browser.screenshot("dashboard-04-a-refused-connect");

        assertThat(((JavascriptExecutor) browser.driver()).executeScript("return window.dashboardMark;"))
                .isEqualTo("not reloaded");
        assertThat(browser.find(By.cssSelector("[data-testid='live-status']")).getAttribute("data-state")).isEqualTo("live");

        // each figure leads to the page that explains it
        browser.find(By.cssSelector("[data-testid='pool-health-" + pool + "'] a")).click();
        browser.waiting(STEP).until(d -> d.getCurrentUrl().endsWith("/console/pools/" + pool));
        browser.screenshot("dashboard-05-the-pool-behind-the-figure");
    }

    private String poolHealth(UUID poolId) {
        List<WebElement> rows = browser.findAll(By.cssSelector("[data-testid='pool-health-" + poolId + "']"));
        return rows.isEmpty() ? "" : rows.getFirst().getText();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private void signIn(String username) {
        browser.fillSignIn(tenant.slug, username, TestTenant.PASSWORD);
    }
}
