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
import org.openqa.selenium.support.ui.Select;
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
 * log off of a live session, two admins editing the same user (the second is told, nothing is overwritten), and the
 * licence and host pages: a product and licence made in the console, the seat a connect takes, a licence edit refused
 * as stale, a session host's enrolment token with its command.
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
        browser.waiting(STEP).until(d -> d.getCurrentUrl().endsWith("/console/dashboard"));
        browser.waiting(STEP).until(d -> d.findElement(By.linkText("Office desktops")));
        browser.screenshot("console-04-admin-lands-on-the-dashboard");

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
    void anAdminLicensesAPoolSeesTheSeatInUseIsToldOfAStaleLicenceEditAndEnrolsASessionHost() throws Exception {
        signIn("admin");
        browser.waiting(STEP).until(d -> d.getCurrentUrl().endsWith("/console/dashboard"));

        // a product and its licence, made in the console
        browser.driver().get(base() + "/console/licences");
        browser.waiting(STEP).until(d -> d.findElement(By.xpath("//*[normalize-space(.)='No licence products yet']")));
        browser.find(By.xpath("(//button[normalize-space(.)='New product'])[1]")).click();
        browser.waiting(STEP).until(d -> d.findElement(By.id("product-name"))).sendKeys("Office suite");
        browser.find(By.id("product-model-CONCURRENT_USER")).click();
        browser.find(By.xpath("//button[normalize-space(.)='Create product']")).click();
        browser.waiting(STEP).until(d -> d.getCurrentUrl().matches(".*/console/licences/[0-9a-f-]{36}$"));
        String product = browser.driver().getCurrentUrl().replaceAll(".*/", "");
        browser.waiting(STEP).until(d -> d.findElement(By.xpath("//*[normalize-space(.)='No licence yet']")));
        browser.find(By.xpath("(//button[normalize-space(.)='Add licence'])[1]")).click();
        WebElement dialog = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[role='dialog']")));
        dialog.findElement(By.id("licence-seats")).sendKeys("5");
        dialog.findElement(By.xpath(".//button[normalize-space(.)='Add licence']")).click();
        browser.waiting(STEP).until(d -> d.getPageSource().contains("A licence of 5 seats was added."));

        // the pool consumes it, chosen on the product's page
        new Select(browser.find(By.id("consume-pool"))).selectByVisibleText("Office desktops");
        browser.find(By.xpath("//button[normalize-space(.)='Consume in pool']")).click();
        browser.waiting(STEP).until(d -> d.getPageSource().contains("Connects to Office desktops now take a seat of Office suite."));
        browser.screenshot("console-07-licence-product");

        // alice connects (through the API): the product's page shows her seat
        check(tenant.login("alice").post("/api/v1/pools/" + pool + "/connect"), 201);
        browser.driver().navigate().refresh();
        browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='seats-now']")).getText().contains("1 of 5 seats in use"));
        browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("button[aria-label='Free the seat of alice']")));
        browser.screenshot("console-08-seat-in-use");

        // a second admin changes the licence while the first edits it: the first is told, nothing is overwritten
        String licences = "/api/v1/admin/licence-products/" + product + "/licences";
        String licence = check(tenant.admin.get(licences), 200).body().get(0).get("id").asString();
        browser.find(By.xpath("//button[starts-with(@aria-label, 'Edit the licence of 5 seats')]")).click();
        WebElement seats = browser.waiting(STEP).until(d -> d.findElement(By.id("licence-seats")));
        browser.waiting(STEP).until(d -> "5".equals(seats.getAttribute("value")));
        check(tenant.admin.edit(licences + "/" + licence, json("seats", 6)), 200);
        seats.sendKeys(Keys.chord(Keys.CONTROL, "a"), "8");
        browser.find(By.xpath("//div[@role='dialog']//button[normalize-space(.)='Save']")).click();
        WebElement stale = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='stale-version']")));
        assertThat(stale.getText()).contains("Someone else changed this").contains("Another admin changed this licence")
                .contains("nothing was overwritten");
        assertThat(check(tenant.admin.get(licences + "/" + licence), 200).body().get("seats").asInt()).isEqualTo(6);
        browser.screenshot("console-09-licence-edit-refused");
        browser.find(By.xpath("//div[@role='dialog']//button[normalize-space(.)='Cancel']")).click();

        // a session host for a shared pool: the token and the command to run on the host
        UUID shared = tenant.pool("Shared desks", "SHARED", "BREADTH_FIRST");
        browser.driver().get(base() + "/console/hosts");
        browser.waiting(STEP).until(d -> d.findElement(By.xpath("//*[normalize-space(.)='No session hosts yet']")));
        browser.find(By.xpath("(//button[normalize-space(.)='Add host'])[1]")).click();
        WebElement enrol = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[role='dialog']")));
        browser.waiting(STEP).until(d -> new Select(enrol.findElement(By.id("enrol-pool"))).getOptions().size() == 2);
        new Select(enrol.findElement(By.id("enrol-pool"))).selectByVisibleText("Shared desks");
        enrol.findElement(By.id("enrol-name")).sendKeys("sh-01");
        enrol.findElement(By.xpath(".//button[normalize-space(.)='Create host and token']")).click();
        WebElement command = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='enrolment-command']")));
        assertThat(command.getText()).contains("broker.url=" + base()).containsPattern("enrolment.token=\\S+")
                .contains("java -jar deskport-session-host-*-exec.jar /etc/deskport/session-host.properties");
        browser.screenshot("console-10-session-host-enrolment");
        var hosts = tenant.admin.all("/api/v1/admin/pools/" + shared + "/session-hosts");
        assertThat(hosts).hasSize(1);
        assertThat(hosts.getFirst().get("name").asString()).isEqualTo("sh-01");
        assertThat(hosts.getFirst().get("state").asString()).isEqualTo("REGISTERED");
        enrol.findElement(By.xpath(".//button[normalize-space(.)='Done']")).click();

        // its power: the broker may power it off when drained and empty off-peak, and wake it through its card
        browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("button[aria-label='Power settings of sh-01']"))).click();
        WebElement power = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[role='dialog']")));
        power.findElement(By.id("power-managed")).click();
        power.findElement(By.id("power-mac")).sendKeys("52:54:00:12:34");
        power.findElement(By.xpath(".//button[normalize-space(.)='Save']")).click();
        browser.waiting(STEP).until(d -> d.getPageSource().contains("six hex pairs, e.g. 52:54:00:12:34:56"));
        power.findElement(By.id("power-mac")).sendKeys(":56");
        power.findElement(By.id("power-address")).sendKeys("10.1.2.255:9");
        power.findElement(By.xpath(".//button[normalize-space(.)='Save']")).click();
        browser.waiting(STEP).until(d -> d.findElements(By.cssSelector("[role='dialog']")).isEmpty());
        browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='power-sh-01']")).getText()
                .contains("powered off when drained and empty off-peak"));
        browser.screenshot("console-11-session-host-power");
        var settings = tenant.admin.all("/api/v1/admin/pools/" + shared + "/session-hosts").getFirst().get("power");
        assertThat(settings.get("managed").asBoolean()).isTrue();
        assertThat(settings.get("wakeMac").asString()).isEqualTo("52:54:00:12:34:56");
        assertThat(settings.get("wakeAddress").asString()).isEqualTo("10.1.2.255:9");
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
        browser.fillSignIn(tenant.slug, username, TestTenant.PASSWORD);
    }
}
