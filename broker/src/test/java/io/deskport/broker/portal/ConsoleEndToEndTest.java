package io.deskport.broker.portal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.PortalBrowser;
import io.deskport.broker.support.TestTenant;
import io.deskport.broker.shared.Role;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The admin console in a real headless Chromium against this broker: where admins and help desk land, a help desk's
 * log off of a live session, and two admins editing the same user (the second is told, nothing is overwritten).
 * Screenshots of each step land in target/e2e-screenshots/ (console-*).
 */
@BrokerTest
class ConsoleEndToEndTest {

    private static final Duration STEP = Duration.ofSeconds(30);

    static PortalBrowser browser;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    UUID pool;
    UUID alice;

    @BeforeAll
    static void startBrowser() throws Exception {
        assumeTrue(PortalBrowser.available(), "Debian packages chromium and chromium-driver are needed");
        browser = PortalBrowser.start(Path.of("target", "e2e-screenshots"), 1280, 800);
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
        tenant.desktops(pool, 1, "READY");
        alice = tenant.user("alice");
        tenant.entitle(pool, alice);
        browser.driver().get(base() + "/");
        browser.clearCookies();
        browser.driver().get(base() + "/");
    }

    @Test
    void helpDeskLandsOnSessionsAndLogsOffALiveSessionAfterConfirming() throws Exception {
        tenant.user("desk", Role.HELPDESK);
        Api aliceApi = tenant.login("alice");
        String session = check(aliceApi.post("/api/v1/pools/" + pool + "/connect"), 201).body().get("session").get("id").asString();

        signIn("desk");
        browser.waiting(STEP).until(d -> d.getCurrentUrl().endsWith("/console/sessions"));
        WebElement logOff = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("button[aria-label='Log off alice from Office desktops']")));
        assertThat(browser.findAll(By.xpath("//button[normalize-space(.)='New user']"))).isEmpty();
        browser.screenshot("console-01-help-desk-sessions");

        logOff.click();
        WebElement dialog = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[role='dialog']")));
        assertThat(dialog.getText()).contains("unsaved work is lost");
        browser.screenshot("console-02-log-off-confirmation");
        dialog.findElement(By.xpath(".//button[normalize-space(.)='Log off']")).click();

        browser.waiting(STEP).until(d -> d.getPageSource().contains("alice was logged off from Office desktops."));
        assertThat(check(aliceApi.get("/api/v1/sessions/" + session), 200).body().get("state").asString()).isEqualTo("ENDED");
        browser.screenshot("console-03-logged-off");
    }

    @Test
    void aSecondAdminIsToldSomeoneSavedFirstAndNothingIsOverwritten() throws Exception {
        signIn("admin");
        browser.waiting(STEP).until(d -> d.getCurrentUrl().endsWith("/console/pools"));
        browser.waiting(STEP).until(d -> d.findElement(By.linkText("Office desktops")));
        browser.screenshot("console-04-admin-lands-on-pools");

        browser.driver().get(base() + "/console/users");
        browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("button[aria-label='Edit alice']"))).click();
        WebElement name = browser.waiting(STEP).until(d -> d.findElement(By.id("user-displayName")));

        // meanwhile another admin renames her, from the version they read
        check(tenant.admin.edit("/api/v1/admin/users/" + alice, json("displayName", "Alice Martin")), 200);

        name.sendKeys(Keys.chord(Keys.CONTROL, "a"), "Alice M.");
        browser.find(By.xpath("//button[normalize-space(.)='Save']")).click();
        WebElement stale = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='stale-version']")));
        assertThat(stale.getText()).contains("Someone else changed this").contains("nothing was overwritten");
        browser.screenshot("console-05-stale-version");
        assertThat(check(tenant.admin.get("/api/v1/admin/users/" + alice), 200).body().get("displayName").asString())
                .isEqualTo("Alice Martin");

        stale.findElement(By.xpath(".//button[normalize-space(.)='Reload their version']")).click();
        browser.waiting(STEP).until(d -> "Alice Martin".equals(d.findElement(By.id("user-displayName")).getAttribute("value")));
        browser.find(By.id("user-role-HELPDESK")).click();
        browser.find(By.xpath("//button[normalize-space(.)='Save']")).click();
        browser.waiting(STEP).until(d -> d.getPageSource().contains("User alice was saved."));
        var saved = check(tenant.admin.get("/api/v1/admin/users/" + alice), 200).body();
        assertThat(saved.get("displayName").asString()).isEqualTo("Alice Martin");
        assertThat(saved.get("roles").toString()).contains("HELPDESK");
        browser.screenshot("console-06-saved-over-their-version");
    }

    @Test
    void aPlainUserStaysOnMyDesktops() throws Exception {
        signIn("alice");
        browser.waiting(STEP).until(d -> d.findElement(By.id("my-desktops-title")));
        assertThat(browser.findAll(By.cssSelector("[data-testid='console-link']"))).isEmpty();
        browser.driver().get(base() + "/console/users");
        browser.waiting(STEP).until(d -> d.findElement(By.id("my-desktops-title")));
        assertThat(browser.driver().getCurrentUrl()).isEqualTo(base() + "/");
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private void signIn(String username) {
        browser.waiting(STEP).until(d -> d.findElement(By.id("signin-username")));
        browser.find(By.id("signin-tenant")).sendKeys(tenant.slug);
        browser.find(By.id("signin-username")).sendKeys(username);
        browser.find(By.id("signin-password")).sendKeys(TestTenant.PASSWORD);
        browser.find(By.cssSelector("button[type='submit']")).click();
    }
}
