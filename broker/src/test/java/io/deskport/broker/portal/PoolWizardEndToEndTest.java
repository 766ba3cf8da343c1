package io.deskport.broker.portal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
import io.deskport.broker.provisioning.ProvisioningProperties;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.PortalBrowser;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The pool wizard in a real headless Chromium against this broker, whose hypervisor is the simulated driver (the
 * test broker's labelled default host; no VM runs): an admin creates a provisioned pool with the wizard, entitling a
 * group; the reconciler fills it; the admin edits it, is told another admin saved first and sees their values; and
 * disabling it shows what it does with the broker's figures before it is done. Each step is checked by axe-core (no
 * serious or critical violation). Screenshots and axe's reports: target/e2e-screenshots/ (wizard-*).
 */
@BrokerTest
class PoolWizardEndToEndTest {

    private static final Duration STEP = Duration.ofSeconds(30);

    static PortalBrowser browser;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    UUID staff;
    Path imageDirectory;

    @BeforeAll
    static void startBrowser() throws Exception {
        assumeTrue(PortalBrowser.available(), "Debian packages chromium and chromium-driver are needed");
        browser = PortalBrowser.start(Path.of("target", "e2e-screenshots"), 1280, 900);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        tenant = TestTenant.create(context, port, 10, 10);
        UUID alice = tenant.user("alice");
        staff = check(tenant.admin.post("/api/v1/admin/groups", json("name", "staff")), 201).id();
        check(tenant.admin.post("/api/v1/admin/groups/" + staff + "/members", "{\"userIds\":[\"" + alice + "\"]}"), 200);
        imageDirectory = Files.createDirectories(context.getBean(ProvisioningProperties.class).imageRoot().toAbsolutePath()
                .resolve(tenant.id.toString()));
        browser.driver().get(base() + "/");
        browser.clearCookies();
        browser.driver().get(base() + "/");
    }

    @AfterEach
    void removePools() throws Exception {
        // the shared test broker's reconciler would keep the pool's desktops otherwise
        tenant.admin.all("/api/v1/admin/pools").forEach(p -> tenant.admin.delete("/api/v1/admin/pools/" + p.get("id").asString()));
        try (var files = Files.list(imageDirectory)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
    }

    @Test
    void onTheSimulatedDriverAnAdminCreatesAPoolWithTheWizardEditsItIsToldOfAStaleEditAndSeesWhatDisablingDoes()
            throws Exception {
        tenant.simulatedHypervisor(context);
        String golden = Files.createFile(imageDirectory.resolve("engineering.qcow2")).toRealPath().toString();
        signIn("admin");
        browser.waiting(STEP).until(d -> d.getCurrentUrl().contains("/console/"));
        browser.driver().get(base() + "/console/pools");

        // the wizard, step by step
        browser.waiting(STEP).until(d -> d.findElement(By.xpath("(//button[normalize-space(.)='New pool'])[1]"))).click();
        WebElement wizard = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[role='dialog']")));
        next(wizard);
        browser.waiting(STEP).until(d -> wizard.getText().contains("Give the pool a name"));
        shot("wizard-01-kind-needs-a-name");
        wizard.findElement(By.id("pool-name")).sendKeys("Engineering");
        wizard.findElement(By.id("pool-kind-POOLED")).click();
        next(wizard);
        click(browser.waiting(STEP).until(d -> wizard.findElement(By.id("image-publish"))));
        wizard.findElement(By.id("image-label")).sendKeys("v1");
        wizard.findElement(By.id("image-path")).sendKeys(golden);
        shot("wizard-02-image");
        next(wizard);
        type(wizard, "sizing-min", "1");
        type(wizard, "sizing-max", "2");
        type(wizard, "sizing-spare", "1");
        type(wizard, "sizing-vcpus", "1");
        type(wizard, "sizing-memory", "64");
        type(wizard, "sizing-disk", "64");
        shot("wizard-03-sizing");
        next(wizard);
        click(browser.waiting(STEP).until(d -> wizard.findElement(By.id("session-clipboard-TO_DESKTOP"))));
        assertThat(wizard.findElement(By.cssSelector("[data-testid='file-transfer']")).getText())
                .isEqualTo("File transfer: not offered. The display gateway carries no files between the browser and the desktop.");
        shot("wizard-04-session-policy");
        next(wizard);
        next(wizard); // no licence product
        WebElement search = browser.waiting(STEP).until(d -> wizard.findElement(By.cssSelector("input[aria-label='Search groups']")));
        search.sendKeys("sta", Keys.ENTER);
        click(browser.waiting(STEP).until(d -> wizard.findElement(By.id("entitle-groups-" + staff))));
        shot("wizard-05-entitlements");
        next(wizard);
        WebElement review = browser.waiting(STEP).until(d -> wizard.findElement(By.cssSelector("[data-testid='review-entitlements']")));
        assertThat(review.getText()).contains("staff");
        assertThat(wizard.findElement(By.cssSelector("[data-testid='review-image']")).getText()).contains("Publish version v1 from " + golden);
        assertThat(wizard.findElement(By.cssSelector("[data-testid='review-session']")).getText()).contains("Into the desktop only");
        shot("wizard-06-review");
        wizard.findElement(By.xpath(".//button[normalize-space(.)='Create pool']")).click();

        // its page: provisioned on the simulated driver, which the reconciler fills
        browser.waiting(STEP).until(d -> d.getCurrentUrl().matches(".*/console/pools/[0-9a-f-]{36}$"));
        UUID pool = UUID.fromString(browser.driver().getCurrentUrl().replaceAll(".*/", ""));
        JsonNode created = check(tenant.admin.get("/api/v1/admin/pools/" + pool), 200).body();
        assertThat(created.get("clipboardPolicy").asString()).isEqualTo("TO_DESKTOP");
        assertThat(tenant.admin.all("/api/v1/admin/pools/" + pool + "/entitlements").getFirst().get("groupId").asString())
                .isEqualTo(staff.toString());
        JsonNode provisioning = check(tenant.admin.get("/api/v1/admin/pools/" + pool + "/provisioning"), 200).body();
        assertThat(provisioning.get("currentImage").get("label").asString()).isEqualTo("v1");
        assertThat(provisioning.get("simulated").asBoolean()).isTrue();
        await("the reconciler fills the pool on the simulated driver").atMost(STEP).pollInterval(Duration.ofMillis(500))
                .until(() -> tenant.admin.all("/api/v1/admin/pools/" + pool + "/desktops").stream()
                        .anyMatch(d -> d.get("state").asString().equals("READY")));
        browser.driver().navigate().refresh();
        browser.waiting(STEP).until(d -> d.findElement(By.xpath("//*[normalize-space(.)='simulated driver']")));
        assertThat(browser.find(By.cssSelector("[data-testid='pool-clipboard']")).getText()).startsWith("Into the desktop only");
        shot("wizard-07-pool-page-simulated-driver");

        // the edit: another admin saves first; this one is told and sees their values, then saves on them
        browser.find(By.xpath("//button[normalize-space(.)='Edit pool']")).click();
        WebElement edit = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[role='dialog']")));
        browser.waiting(STEP).until(d -> "Engineering".equals(edit.findElement(By.id("pool-name")).getAttribute("value")));
        navTo(edit, "Session policy");
        click(browser.waiting(STEP).until(d -> edit.findElement(By.id("session-clipboard-NONE"))));
        check(tenant.admin.edit("/api/v1/admin/pools/" + pool, json("name", "Engineering (renamed)")), 200);
        navTo(edit, "Review");
        assertThat(browser.waiting(STEP).until(d -> edit.findElement(By.cssSelector("[data-testid='edit-changes']"))).getText())
                .contains("Settings: clipboardPolicy");
        edit.findElement(By.xpath(".//button[normalize-space(.)='Save changes']")).click();
        WebElement stale = browser.waiting(STEP).until(d -> edit.findElement(By.cssSelector("[data-testid='stale-version']")));
        assertThat(stale.getText()).contains("Someone else saved this pool first").contains("nothing was overwritten");
        browser.waiting(STEP).until(d -> edit.findElement(By.cssSelector("[data-testid='review-kind']")).getText()
                .contains("Engineering (renamed)"));
        assertThat(edit.findElement(By.cssSelector("[data-testid='review-session']")).getText()).contains("Into the desktop only");
        shot("wizard-08-stale-edit-told-their-values-shown");
        assertThat(check(tenant.admin.get("/api/v1/admin/pools/" + pool), 200).body().get("clipboardPolicy").asString())
                .isEqualTo("TO_DESKTOP");

        navTo(edit, "Session policy");
        click(browser.waiting(STEP).until(d -> edit.findElement(By.id("session-clipboard-NONE"))));
        navTo(edit, "Review");
        browser.waiting(STEP).until(d -> edit.findElement(By.xpath(".//button[normalize-space(.)='Save changes']"))).click();
        browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='pool-saved']")).getText()
                .contains("Saved: settings and session policy."));
        JsonNode edited = check(tenant.admin.get("/api/v1/admin/pools/" + pool), 200).body();
        assertThat(edited.get("clipboardPolicy").asString()).isEqualTo("NONE");
        assertThat(edited.get("name").asString()).isEqualTo("Engineering (renamed)");
        browser.screenshot("wizard-09-edit-saved");

        // disabling: what it does, from the broker's figures, then what it did
        Api alice = tenant.login("alice");
        check(alice.post("/api/v1/pools/" + pool + "/connect"), 201);
        browser.find(By.xpath("//button[normalize-space(.)='Disable pool']")).click();
        WebElement confirm = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[role='dialog']")));
        WebElement consequences = browser.waiting(STEP).until(d -> confirm.findElement(By.cssSelector("[data-testid='impact-disable']")));
        assertThat(consequences.getText()).contains("1 entitled user can no longer start a session in it")
                .contains("1 live session of 1 user goes on").contains("provisioning keeps 1 spare desktop started meanwhile");
        shot("wizard-10-disable-consequences");
        confirm.findElement(By.xpath(".//button[normalize-space(.)='Disable pool']")).click();
        browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='pool-action-done']")).getText()
                .contains("is disabled: new sessions are refused; 1 live session goes on."));
        assertThat(check(tenant.admin.get("/api/v1/admin/pools/" + pool), 200).body().get("enabled").asBoolean()).isFalse();
        browser.screenshot("wizard-11-disabled");
    }

    /** A screenshot of the step, and axe-core's check of it: no serious or critical violation. */
    private void shot(String name) throws Exception {
        browser.screenshot(name);
        assertThat(browser.seriousAccessibilityViolations(name)).as("serious or critical axe-core violations of " + name)
                .isEmpty();
    }

    private void next(WebElement wizard) {
        wizard.findElement(By.xpath(".//footer//button[normalize-space(.)='Next'] | .//button[normalize-space(.)='Next']")).click();
    }

    /** Clicks an element of a step, brought into the step's own scrolled view first. */
    private void click(WebElement element) {
        browser.driver().executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
        element.click();
    }

    private void navTo(WebElement wizard, String step) {
        wizard.findElement(By.xpath(".//nav//button[normalize-space(.)='" + step + "']")).click();
    }

    private void type(WebElement wizard, String id, String value) {
        WebElement field = browser.waiting(STEP).until(d -> wizard.findElement(By.id(id)));
        field.sendKeys(Keys.chord(Keys.CONTROL, "a"), value);
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private void signIn(String username) {
        browser.fillSignIn(tenant.slug, username, TestTenant.PASSWORD);
    }
}
