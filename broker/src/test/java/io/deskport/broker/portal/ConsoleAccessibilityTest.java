package io.deskport.broker.portal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.metering.UsageRollups;
import io.deskport.broker.shared.Role;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.PortalBrowser;
import io.deskport.broker.support.TestTenant;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every page of the portal and the console, with something on it, checked by axe-core in a real headless Chromium:
 * no {@code serious} or {@code critical} violation on any of them, for the end user, the help desk, the tenant admin
 * and the platform admin, on a laptop's screen and a tablet's. axe's whole report of each page lands beside its
 * screenshot in target/e2e-screenshots/ (a11y-*.axe.json).
 */
@BrokerTest
class ConsoleAccessibilityTest {

    private static final Duration STEP = Duration.ofSeconds(30);

    static PortalBrowser laptop;
    static PortalBrowser tablet;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    @BeforeAll
    static void startBrowsers() throws Exception {
        assumeTrue(PortalBrowser.available(), "Debian packages chromium and chromium-driver are needed");
        laptop = PortalBrowser.start(Path.of("target", "e2e-screenshots"), 1366, 768);
        tablet = PortalBrowser.start(Path.of("target", "e2e-screenshots"), 820, 1180);
    }

    @AfterAll
    static void stop() {
        for (PortalBrowser b : new PortalBrowser[] {laptop, tablet}) {
            if (b != null) {
                b.close();
            }
        }
    }

    @Test
    void noPageHasASeriousOrCriticalViolation() throws Exception {
        TestTenant tenant = TestTenant.create(context, port, 10, 10);
        UUID pool = tenant.pool("Office desktops", "POOLED", null);
        tenant.desktops(pool, 2, "READY");
        UUID shared = tenant.pool("Shared desks", "SHARED", "BREADTH_FIRST");
        tenant.host(shared, "sh-01", 10);
        UUID alice = tenant.user("alice");
        tenant.user("desk", Role.HELPDESK);
        tenant.entitle(pool, alice);
        Api aliceApi = tenant.login("alice");
        check(aliceApi.post("/api/v1/pools/" + pool + "/connect"), 201);
        String product = check(tenant.admin.post("/api/v1/admin/licence-products",
                json("name", "Office suite", "model", "CONCURRENT_USER")), 201).id().toString();
        check(tenant.admin.post("/api/v1/admin/licence-products/" + product + "/licences", json("seats", 5, "enforcement", "HARD")), 201);
        tenant.platformAdmin(context, "operator");
        // the product's page with a pool consuming it
        check(tenant.admin.put("/api/v1/admin/pools/" + pool + "/licence-products/" + product, null), 204);
        // the usage page with figures (alice's session, rolled up) and a webhook subscription (disabled: never sent)
        context.getBean(UsageRollups.class).rollUpNow();
        String hook = check(tenant.admin.post("/api/v1/admin/webhooks", json("url", "https://203.0.113.10/hooks",
                "enabled", false)), 201).id().toString();

        Map<String, List<PortalBrowser.AxeViolation>> found = new LinkedHashMap<>();
        for (PortalBrowser browser : List.of(laptop, tablet)) {
            String screen = browser == laptop ? "laptop" : "tablet";
            signOut(browser);
            inspect(browser, found, screen + "-sign-in");

            signIn(browser, tenant, "alice");
            browser.waiting(STEP).until(d -> d.findElement(By.id("my-desktops-title")));
            inspect(browser, found, screen + "-my-desktops");
            visit(browser, "/account/password");
            inspect(browser, found, screen + "-password");

            signOut(browser);
            signIn(browser, tenant, "desk");
            browser.waiting(STEP).until(d -> d.getCurrentUrl().contains("/console/"));
            visit(browser, "/console/sessions");
            inspect(browser, found, screen + "-help-desk-sessions");

            signOut(browser);
            signIn(browser, tenant, "admin");
            browser.waiting(STEP).until(d -> d.getCurrentUrl().contains("/console/"));
            for (String page : List.of("/console/dashboard", "/console/pools", "/console/pools/" + pool, "/console/pools/" + shared,
                    "/console/sessions", "/console/hosts", "/console/licences", "/console/licences/" + product,
                    "/console/users", "/console/audit", "/console/usage", "/console/webhooks", "/console/webhooks/" + hook)) {
                visit(browser, page);
                inspect(browser, found, screen + "-admin" + page.replace('/', '-'));
            }
            // a dialog too: the pool's creation
            visit(browser, "/console/pools");
            browser.waiting(STEP).until(d -> d.findElement(By.xpath("(//button[normalize-space(.)='New pool'])[1]"))).click();
            browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[role='dialog']")));
            inspect(browser, found, screen + "-admin-new-pool");
            visit(browser, "/console/webhooks");
            browser.waiting(STEP).until(d -> d.findElement(By.xpath("(//button[normalize-space(.)='New subscription'])[1]"))).click();
            browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[role='dialog']")));
            inspect(browser, found, screen + "-admin-new-webhook");

            signOut(browser);
            signIn(browser, tenant, "operator");
            browser.waiting(STEP).until(d -> d.getCurrentUrl().contains("/console/"));
            visit(browser, "/console/tenants");
            inspect(browser, found, screen + "-platform-tenants");
        }

        List<String> pagesWithViolations = new ArrayList<>();
        found.forEach((page, violations) -> {
            if (!violations.isEmpty()) {
                pagesWithViolations.add(page + ":\n  " + String.join("\n  ", violations.stream().map(Object::toString).toList()));
            }
        });
        assertThat(found).hasSizeGreaterThanOrEqualTo(2 * 16);
        assertThat(pagesWithViolations).as("serious or critical axe-core violations").isEmpty();
    }

    /** The check itself: a page with a nameless button and an image without a text is reported, not passed. */
    @Test
    void aPageWithANamelessButtonIsReported() throws Exception {
        laptop.driver().get("data:text/html,<!doctype html><html lang=en><title>t</title><main><h1>x</h1>"
                + "<button></button><img src='data:,'></main></html>");
        assertThat(laptop.seriousAccessibilityViolations("a11y-canary")).extracting(PortalBrowser.AxeViolation::rule)
                .contains("button-name", "image-alt");
    }

    private void inspect(PortalBrowser browser, Map<String, List<PortalBrowser.AxeViolation>> found, String name) throws Exception {
        settle(browser);
        browser.screenshot("a11y-" + name);
        found.put(name, browser.seriousAccessibilityViolations("a11y-" + name));
    }

    /** Waits until the page shows a heading and no spinner: what axe checks is the page as a user reads it. */
    private static void settle(PortalBrowser browser) {
        browser.waiting(STEP).until(d -> (Boolean) ((JavascriptExecutor) d).executeScript("""
                return document.querySelector('h1, h2') !== null
                  && document.querySelector('.pf-v6-c-spinner, [aria-busy="true"]') === null;
                """));
    }

    private void visit(PortalBrowser browser, String path) {
        browser.driver().get(base() + path);
    }

    private void signOut(PortalBrowser browser) {
        browser.driver().get(base() + "/");
        browser.clearCookies();
        browser.driver().get(base() + "/");
    }

    private void signIn(PortalBrowser browser, TestTenant tenant, String username) {
        browser.fillSignIn(tenant.slug, username, TestTenant.PASSWORD);
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
