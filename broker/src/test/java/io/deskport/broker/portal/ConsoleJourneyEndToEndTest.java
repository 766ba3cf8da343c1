package io.deskport.broker.portal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.shared.Role;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.PortalBrowser;
import io.deskport.broker.support.PortalBrowser.CanvasLook;
import io.deskport.broker.support.TestTenant;
import io.deskport.broker.support.XvncForPortal;
import io.deskport.gateway.support.XvncDesktop;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An IT admin's day in the console, as one story in two real headless Chromiums against this broker, its embedded
 * gateway and a real Xvnc desktop with a shell in an xterm: the admin creates a pool with the wizard; a second admin
 * registers the machine on the pool's page while the first watches it appear on the dashboard without a reload; the
 * admin entitles a group; a user of that group connects in the other browser and the admin sees the session appear
 * in the Sessions list without a reload; the admin shadows it (the shadow's canvas shows the user's pixels; what the
 * admin types never reaches the desktop), disconnects it, and the user's portal says who did; the admin plays the
 * session's recording back; a refused action shows its reason in words; the two admins edit the pool at once and the
 * second to save is told. Every step's page is screenshotted (target/e2e-screenshots/journey-*) and checked with
 * axe-core: no serious or critical violation.
 *
 * <p>The machine is registered by its console address (the kind of pool the wizard makes when "Registered by their
 * console address" is chosen): a provisioned pool's desktops on the simulated driver have no screen to shadow, and
 * PoolWizardEndToEndTest walks the provisioned wizard on that driver.
 */
@BrokerTest
class ConsoleJourneyEndToEndTest {

    private static final String VNC_PASSWORD = "journey-e2e-pw";
    private static final Duration STEP = Duration.ofSeconds(45);
    static final Path WORK = Path.of("target", "journey-e2e").toAbsolutePath();

    static XvncDesktop desktop;
    static PortalBrowser adminBrowser;
    static PortalBrowser otherBrowser;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    UUID engineers;
    final List<String> axeFindings = new ArrayList<>();

    @BeforeAll
    static void startDesktopAndBrowsers() throws Exception {
        assumeTrue(PortalBrowser.available(), "Debian packages chromium and chromium-driver are needed");
        desktop = XvncForPortal.start(WORK, 1024, 768, VNC_PASSWORD);
        XvncForPortal.startXterm(desktop, "journey-term", Files.createDirectories(WORK.resolve("home")));
        Path screenshots = Path.of("target", "e2e-screenshots");
        adminBrowser = PortalBrowser.start(screenshots, 1280, 900);
        otherBrowser = PortalBrowser.start(screenshots, 1280, 900);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {adminBrowser, otherBrowser, desktop}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // the next one still closes
            }
        }
    }

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 10, 10);
        UUID alice = tenant.user("alice");
        tenant.user("admin2", Role.TENANT_ADMIN);
        engineers = check(tenant.admin.post("/api/v1/admin/groups", json("name", "engineers")), 201).id();
        check(tenant.admin.post("/api/v1/admin/groups/" + engineers + "/members", "{\"userIds\":[\"" + alice + "\"]}"), 200);
    }

    @Test
    void anAdminSetsUpAPoolWatchesItFillAndBeUsedShadowsDisconnectsAndPlaysBackAndIsToldOfAnotherAdminsEdit()
            throws Exception {
        // 1. the admin lands on the dashboard and creates the pool with the wizard
        adminBrowser.signIn(base(), tenant.slug, "admin", TestTenant.PASSWORD);
        adminBrowser.waiting(STEP).until(d -> d.getCurrentUrl().endsWith("/console/dashboard"));
        shot(adminBrowser, "journey-01-admin-lands-on-the-dashboard");
        clickNav(adminBrowser, "Pools");
        adminBrowser.waiting(STEP).until(d -> d.findElement(By.xpath("(//button[normalize-space(.)='New pool'])[1]"))).click();
        WebElement wizard = adminBrowser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[role='dialog']")));
        adminBrowser.waiting(STEP).until(d -> wizard.findElement(By.id("pool-name"))).sendKeys("Engineering");
        wizard.findElement(By.id("pool-kind-POOLED")).click();
        click(adminBrowser, wizard.findElement(By.id("pool-managed-no")));
        shot(adminBrowser, "journey-02-wizard-kind");
        next(wizard);
        click(adminBrowser, adminBrowser.waiting(STEP).until(d -> wizard.findElement(By.id("session-record"))));
        shot(adminBrowser, "journey-03-wizard-session-policy");
        next(wizard);
        atStep(wizard, "Licences"); // none
        next(wizard);
        atStep(wizard, "Entitlements"); // later, from the pool's page
        next(wizard);
        atStep(wizard, "Review");
        adminBrowser.waiting(STEP).until(d -> wizard.findElement(By.cssSelector("[data-testid='review-kind']")));
        shot(adminBrowser, "journey-04-wizard-review");
        wizard.findElement(By.xpath(".//button[normalize-space(.)='Create pool']")).click();
        adminBrowser.waiting(STEP).until(d -> d.getCurrentUrl().matches(".*/console/pools/[0-9a-f-]{36}$"));
        UUID pool = UUID.fromString(adminBrowser.driver().getCurrentUrl().replaceAll(".*/", ""));
        assertThat(check(tenant.admin.get("/api/v1/admin/pools/" + pool), 200).body().get("recordSessions").asBoolean())
                .isTrue();
        shot(adminBrowser, "journey-05-the-new-pool");

        // 2. on the dashboard (no reload from here on), the machine a second admin registers appears
        clickNav(adminBrowser, "Dashboard");
        adminBrowser.waiting(STEP).until(d -> "live".equals(d.findElement(By.cssSelector("[data-testid='live-status']"))
                .getAttribute("data-state")));
        adminBrowser.waiting(STEP).until(d -> poolHealth(pool).contains("Engineering"));
        mark(adminBrowser);

        otherBrowser.signIn(base(), tenant.slug, "admin2", TestTenant.PASSWORD);
        otherBrowser.waiting(STEP).until(d -> d.getCurrentUrl().contains("/console/"));
        otherBrowser.driver().get(base() + "/console/pools/" + pool);
        otherBrowser.waiting(STEP).until(d -> d.findElement(By.xpath("//button[normalize-space(.)='Register a desktop']"))).click();
        WebElement register = otherBrowser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[role='dialog']")));
        register.findElement(By.id("desktop-name")).sendKeys("xvnc-" + desktop.display());
        register.findElement(By.id("desktop-consoleHost")).sendKeys("127.0.0.1");
        register.findElement(By.id("desktop-consolePort")).sendKeys(Keys.chord(Keys.CONTROL, "a"), String.valueOf(desktop.port()));
        register.findElement(By.id("desktop-consolePassword")).sendKeys(VNC_PASSWORD);
        shot(otherBrowser, "journey-06-second-admin-registers-the-machine");
        register.findElement(By.xpath(".//button[normalize-space(.)='Register desktop']")).click();
        WebElement registered = otherBrowser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='desktop-registered']")));
        assertThat(registered.getText()).contains("Registered “xvnc-" + desktop.display() + "”");
        // the password went to the broker and nowhere else: the page never shows it again
        assertThat(otherBrowser.driver().getPageSource()).doesNotContain(VNC_PASSWORD);
        shot(otherBrowser, "journey-07-registered");

        adminBrowser.waiting(STEP).until(d -> poolHealth(pool).contains("1 ready · 0 in use"));
        assertNotReloaded(adminBrowser);
        shot(adminBrowser, "journey-08-dashboard-shows-the-desktop-without-reloading");

        // 3. the admin entitles the group from the pool's page
        adminBrowser.find(By.cssSelector("[data-testid='pool-health-" + pool + "'] a")).click();
        adminBrowser.waiting(STEP).until(d -> d.getCurrentUrl().endsWith("/console/pools/" + pool));
        Select group = new Select(adminBrowser.waiting(STEP).until(d -> d.findElement(By.id("grant-group"))));
        adminBrowser.waiting(STEP).until(d -> group.getOptions().stream().anyMatch(o -> o.getText().equals("engineers")));
        group.selectByVisibleText("engineers");
        adminBrowser.find(By.xpath("//button[normalize-space(.)='Entitle group']")).click();
        adminBrowser.waiting(STEP).until(d -> d.findElement(By.xpath("//table[@aria-label='Entitlements']//td[contains(., 'engineers')]")));
        shot(adminBrowser, "journey-09-group-entitled");

        // 4. the admin opens Sessions; the user connects in the other browser; the session appears there live
        clickNav(adminBrowser, "Sessions");
        adminBrowser.waiting(STEP).until(d -> "live".equals(d.findElement(By.cssSelector("[data-testid='live-status']"))
                .getAttribute("data-state")));
        mark(adminBrowser);
        otherBrowser.signIn(base(), tenant.slug, "alice", TestTenant.PASSWORD);
        otherBrowser.waiting(STEP).until(d -> d.findElement(By.cssSelector("button[aria-label='Connect Engineering']"))).click();
        otherBrowser.waiting(STEP).until(d -> d.getCurrentUrl().contains("/desktops/"));
        String session = otherBrowser.driver().getCurrentUrl().replaceAll(".*/desktops/", "");
        otherBrowser.waiting(STEP).until(d -> "connected".equals(d.findElement(By.cssSelector("[data-testid='desktop-screen']"))
                .getAttribute("data-phase")));
        await("the user's screen").atMost(STEP).pollInterval(Duration.ofMillis(200)).until(otherBrowser::remoteCanvas, l -> !l.blank());
        Path typed = WORK.resolve("home").resolve("keys-" + session.substring(0, 8) + ".txt");
        WebElement screen = otherBrowser.find(By.cssSelector("[data-testid='desktop-screen']"));
        new Actions(otherBrowser.driver()).moveToElement(screen, 0, 0).click().perform();
        new Actions(otherBrowser.driver()).sendKeys("cat > " + typed.getFileName() + Keys.ENTER).perform();
        new Actions(otherBrowser.driver()).sendKeys("typed by alice" + Keys.ENTER).perform();
        await("the terminal writes what the user types").atMost(STEP).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.exists(typed) && Files.readString(typed).contains("typed by alice"));
        otherBrowser.screenshot("journey-10-user-at-work");

        WebElement shadow = adminBrowser.waiting(STEP).until(d -> d.findElement(By.cssSelector(
                "button[aria-label='Shadow alice’s screen in Engineering (view only)']")));
        assertNotReloaded(adminBrowser);
        shot(adminBrowser, "journey-11-session-appears-live");

        // 5. shadowing: the user's pixels, view only
        shadow.click();
        adminBrowser.waiting(STEP).until(d -> d.getCurrentUrl().endsWith("/console/sessions/" + session + "/shadow"));
        adminBrowser.waiting(STEP).until(d -> "watching".equals(d.findElement(By.cssSelector("[data-testid='shadow-phase']"))
                .getAttribute("data-phase")));
        await("the shadow shows what the user sees").atMost(STEP).pollInterval(Duration.ofMillis(300)).until(() -> {
            CanvasLook shown = adminBrowser.canvasIn("shadow-screen");
            return !shown.blank() && shown.equals(otherBrowser.remoteCanvas());
        });
        shot(adminBrowser, "journey-12-shadowing");
        WebElement shadowScreen = adminBrowser.find(By.cssSelector("[data-testid='shadow-screen']"));
        new Actions(adminBrowser.driver()).moveToElement(shadowScreen, 0, 0).click().perform();
        new Actions(adminBrowser.driver()).sendKeys("typed by the admin" + Keys.ENTER).perform();
        new Actions(otherBrowser.driver()).sendKeys("typed by alice again" + Keys.ENTER).perform();
        await("the user's second line").atMost(STEP).pollInterval(Duration.ofMillis(200))
                .until(() -> Files.readString(typed).contains("typed by alice again"));
        assertThat(Files.readString(typed)).doesNotContain("admin");
        otherBrowser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='shadow-watching']")));
        otherBrowser.screenshot("journey-13-user-told-who-watches");
        adminBrowser.find(By.xpath("//button[normalize-space(.)='Stop']")).click();
        adminBrowser.waiting(STEP).until(d -> d.getCurrentUrl().endsWith("/console/sessions/" + session));

        // 6. the admin disconnects the session; the user's portal says who did
        clickNav(adminBrowser, "Sessions");
        adminBrowser.waiting(STEP).until(d -> d.findElement(By.cssSelector("button[aria-label='Disconnect alice from Engineering']"))).click();
        WebElement confirm = adminBrowser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[role='dialog']")));
        shot(adminBrowser, "journey-14-disconnect-confirmation");
        confirm.findElement(By.xpath(".//button[normalize-space(.)='Disconnect']")).click();
        adminBrowser.waiting(STEP).until(d -> d.getPageSource().contains("alice’s session in Engineering was disconnected"));
        WebElement why = otherBrowser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='list-notice']")));
        assertThat(why.getText()).contains("Your desktop was disconnected by your IT help desk (Admin)");
        shot(otherBrowser, "journey-15-user-told-why");
        assertThat(check(tenant.admin.get("/api/v1/admin/sessions/" + session), 200).body().get("state").asString())
                .isEqualTo("DISCONNECTED");

        // 7. the admin plays the session's recording back
        adminBrowser.waiting(STEP).until(d -> d.findElement(By.cssSelector(
                "a[aria-label='Details and recordings of alice’s session in Engineering']"))).click();
        adminBrowser.waiting(STEP).until(d -> d.findElement(By.cssSelector("a[aria-label='Play recording #1']"))).click();
        WebElement play = adminBrowser.waiting(STEP).until(d -> {
            WebElement b = d.findElement(By.cssSelector("[data-testid='recording-play']"));
            return b.isEnabled() ? b : null;
        });
        play.click();
        List<Long> positions = new ArrayList<>();
        await("the recording plays on").atMost(STEP).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            long at = Long.parseLong(adminBrowser.find(By.cssSelector("[data-testid='recording-position']"))
                    .getAttribute("data-position-ms"));
            if (positions.isEmpty() || positions.getLast() != at) {
                positions.add(at);
            }
            return positions.size() >= 3;
        });
        assertThat(positions).isSorted();
        await("the recorded screen drawn").atMost(STEP).until(() -> !adminBrowser.canvasIn("recording-screen").blank());
        shot(adminBrowser, "journey-16-recording-plays");

        // 8. a refused action shows its reason in words: a console outside the networks the platform allows
        adminBrowser.driver().get(base() + "/console/pools/" + pool);
        adminBrowser.waiting(STEP).until(d -> d.findElement(By.xpath("//button[normalize-space(.)='Register a desktop']"))).click();
        WebElement refused = adminBrowser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[role='dialog']")));
        refused.findElement(By.id("desktop-name")).sendKeys("outside");
        refused.findElement(By.id("desktop-consoleHost")).sendKeys("203.0.113.9");
        refused.findElement(By.xpath(".//button[normalize-space(.)='Register desktop']")).click();
        WebElement problem = adminBrowser.waiting(STEP).until(d -> refused.findElement(By.cssSelector("[data-testid='problem']")));
        assertThat(problem.getText()).contains("Some values are not accepted")
                .contains("must be an address in the networks the platform allows for consoles (203.0.113.9 is not)");
        shot(adminBrowser, "journey-17-refusal-in-words");
        refused.findElement(By.xpath(".//footer//button[normalize-space(.)='Cancel']")).click();

        // 9. two admins edit the pool at once: the second to save is told, nothing is overwritten
        adminBrowser.waiting(STEP).until(d -> d.findElement(By.xpath("//button[normalize-space(.)='Edit pool']"))).click();
        WebElement edit = adminBrowser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[role='dialog']")));
        adminBrowser.waiting(STEP).until(d -> "Engineering".equals(edit.findElement(By.id("pool-name")).getAttribute("value")));
        edit.findElement(By.xpath(".//nav//button[normalize-space(.)='Session policy']")).click();
        click(adminBrowser, adminBrowser.waiting(STEP).until(d -> edit.findElement(By.id("session-clipboard-NONE"))));
        Api admin2 = tenant.login("admin2");
        check(admin2.edit("/api/v1/admin/pools/" + pool, json("description", "Edited by the second admin")), 200);
        edit.findElement(By.xpath(".//nav//button[normalize-space(.)='Review']")).click();
        adminBrowser.waiting(STEP).until(d -> edit.findElement(By.xpath(".//button[normalize-space(.)='Save changes']"))).click();
        WebElement stale = adminBrowser.waiting(STEP).until(d -> edit.findElement(By.cssSelector("[data-testid='stale-version']")));
        assertThat(stale.getText()).contains("Someone else saved this pool first").contains("nothing was overwritten");
        shot(adminBrowser, "journey-18-second-admin-told");
        JsonNode kept = check(tenant.admin.get("/api/v1/admin/pools/" + pool), 200).body();
        assertThat(kept.get("description").asString()).isEqualTo("Edited by the second admin");
        assertThat(kept.get("clipboardPolicy").asString()).isNotEqualTo("NONE");

        assertThat(axeFindings).as("serious or critical axe-core violations").isEmpty();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    /** A screenshot of the step, and axe-core's check of its page (collected: every page is checked). */
    private void shot(PortalBrowser browser, String name) throws Exception {
        browser.screenshot(name);
        browser.seriousAccessibilityViolations(name).forEach(v -> axeFindings.add(name + ": " + v));
    }

    private void clickNav(PortalBrowser browser, String section) {
        browser.waiting(STEP).until(d -> {
            List<WebElement> links = d.findElements(By.xpath("//nav[@aria-label='Console sections']//a[normalize-space(.)='"
                    + section + "']"));
            if (!links.isEmpty() && links.getFirst().isDisplayed()) {
                links.getFirst().click();
                return true;
            }
            // below the xl breakpoint the sections sit behind the masthead's toggle
            d.findElements(By.cssSelector("button[aria-label=\"Show or hide the console's sections\"]")).forEach(WebElement::click);
            return false;
        });
    }

    private String poolHealth(UUID pool) {
        List<WebElement> rows = adminBrowser.findAll(By.cssSelector("[data-testid='pool-health-" + pool + "']"));
        return rows.isEmpty() ? "" : rows.getFirst().getText();
    }

    private static void mark(PortalBrowser browser) {
        ((JavascriptExecutor) browser.driver()).executeScript("window.journeyMark = 'not reloaded';");
    }

    private static void assertNotReloaded(PortalBrowser browser) {
        assertThat(((JavascriptExecutor) browser.driver()).executeScript("return window.journeyMark;"))
                .as("the page was not reloaded").isEqualTo("not reloaded");
    }

    /** Waits until the wizard shows `step` (the nav marks the current step). */
    private void atStep(WebElement wizard, String step) {
        adminBrowser.waiting(STEP).until(d -> !wizard.findElements(By.xpath(".//nav//button[@aria-current='step' and normalize-space(.)='"
                + step + "']")).isEmpty());
    }

    private static void next(WebElement wizard) {
        wizard.findElement(By.xpath(".//footer//button[normalize-space(.)='Next'] | .//button[normalize-space(.)='Next']")).click();
    }

    private static void click(PortalBrowser browser, WebElement element) {
        browser.driver().executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
        element.click();
    }
}
