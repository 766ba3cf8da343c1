package io.deskport.broker.identity;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.KeycloakServer;
import io.deskport.broker.support.PortalBrowser;
import io.deskport.broker.support.SecondBroker;
import io.deskport.broker.support.TestTenant;
import io.deskport.broker.support.XvncForPortal;
import io.deskport.gateway.support.XvncDesktop;

/**
 * The portal signs in through Keycloak, in a real headless Chromium against this broker, a real Keycloak
 * ({@link KeycloakServer}) and a real Xvnc desktop: the organisation sign-in, Keycloak's identity-first login page
 * (the e-mail address first, which picks the organization by its domain, then the password), the desktop, sign-out,
 * and no way back without Keycloak's login page. And the portal's cookie on a second broker, ended there by a sign-out
 * in Keycloak (back-channel logout to the first broker). Screenshots in target/screenshots/.
 */
@BrokerTest
class KeycloakPortalSignInTest {

    private static final String REALM = KeycloakServer.PLATFORM_REALM;
    private static final String VNC_PASSWORD = "kc-portal-vnc-pw";
    private static final Duration STEP = Duration.ofSeconds(30);
    private static final Duration EVERY_REPLICA = Duration.ofSeconds(10);
    private static final Path WORK = Path.of("target", "keycloak-portal").toAbsolutePath();

    static XvncDesktop desktop;
    static PortalBrowser browser;
    static SecondBroker second;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    KeycloakServer kc;
    TestTenant acme;
    String poolName;

    @DynamicPropertySource
    static void keycloak(DynamicPropertyRegistry registry) {
        settings(KeycloakServer.get()).forEach((k, v) -> registry.add(k, () -> v));
    }

    private static Map<String, String> settings(KeycloakServer kc) {
        return kc.brokerSettings("deskport.identity.keycloak.admin-events-interval", "1s");
    }

    @BeforeAll
    static void start(@Autowired Environment env) throws Exception {
        assumeTrue(PortalBrowser.available(), "Debian packages chromium and chromium-driver are needed");
        desktop = XvncForPortal.start(WORK, 1024, 768, VNC_PASSWORD);
        XvncForPortal.startXterm(desktop, "kc-portal-term", Files.createDirectories(WORK.resolve("home")));
        browser = PortalBrowser.start(Path.of("target", "screenshots"), 1280, 800);
        List<String> args = new ArrayList<>();
        settings(KeycloakServer.get()).forEach((k, v) -> args.add("--" + k + "=" + v));
        second = SecondBroker.on(env, args.toArray(String[]::new));
    }

    @AfterAll
    static void stop() {
        if (second != null) {
            second.close();
        }
        if (browser != null) {
            browser.close();
        }
        if (desktop != null) {
            desktop.close();
        }
    }

    @BeforeEach
    void acmeWithADesktop() {
        kc = KeycloakServer.get();
        UUID existing = jdbc.sql("select id from tenant where slug = 'acme'").query(UUID.class).optional().orElse(null);
        if (existing != null) {
            Api anonymous = new Api(port);
            acme = new TestTenant(existing, "acme", anonymous, anonymous.login("acme", "admin", TestTenant.PASSWORD));
        } else {
            acme = TestTenant.create(context, port, "acme", 20, 20);
        }
        poolName = "Acme office " + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        UUID pool = acme.pool(poolName, "POOLED", null);
        check(acme.admin.post("/api/v1/admin/pools/" + pool + "/desktops", json("name", "xvnc-" + desktop.display(),
                "consoleHost", "127.0.0.1", "consolePort", desktop.port(), "consolePassword", VNC_PASSWORD)), 201);
        // the organization's group engineers (alice's, and the test users') is entitled; it exists once a member
        // has signed in
        check(new Api(port).withToken(kc.password(REALM, "alice@acme.test", KeycloakServer.PASSWORD).access())
                .get("/api/v1/me"), 200);
        UUID engineers = jdbc.sql("select id from user_group where tenant_id = ? and name = 'engineers'")
                .param(acme.id).query(UUID.class).single();
        acme.entitleGroup(pool, engineers);
        signedOutEverywhere();
    }

    @Test
    void aPersonSignsInThroughKeycloaksIdentityFirstPageConnectsSignsOutAndCannotComeBackWithoutSigningIn()
            throws Exception {
        browser.driver().get(base() + "/");
        WebElement organisation = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector(
                "[data-testid='signin-organisation']")));
        assertThat(organisation.getText()).isEqualTo("Sign in with your organisation");
        browser.screenshot("kc-01-portal-sign-in");

        organisation.click();
        // Keycloak's page asks for the e-mail address only: the organization is found by its domain
        WebElement email = browser.waiting(STEP).until(d -> d.findElement(By.id("username")));
        assertThat(browser.driver().getCurrentUrl()).startsWith(kc.url() + "/realms/" + REALM + "/");
        assertThat(browser.findAll(By.id("password"))).as("identity-first: no password field yet").isEmpty();
        browser.screenshot("kc-02-keycloak-asks-for-the-email");
        email.sendKeys("alice@acme.test");
        browser.find(By.id("kc-login")).click();

        WebElement password = browser.waiting(STEP).until(d -> d.findElement(By.id("password")));
        browser.screenshot("kc-03-keycloak-asks-for-the-password");
        password.sendKeys(KeycloakServer.PASSWORD);
        browser.find(By.id("kc-login")).click();

        browser.waiting(STEP).until(d -> d.findElement(By.id("my-desktops-title")));
        assertThat(browser.driver().getCurrentUrl()).isEqualTo(base() + "/");
        assertThat(browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='signed-in-user']")))
                .getText()).isEqualTo("alice@acme.test");
        Cookie token = browser.driver().manage().getCookieNamed(SecurityConfiguration.TOKEN_COOKIE);
        assertThat(token).as("the portal's cookie").isNotNull();
        assertThat(token.isHttpOnly()).isTrue();
        assertThat(token.getSameSite()).isEqualTo("Strict");
        assertNoKeycloakTokenInTheBrowser(token);
        browser.screenshot("kc-04-signed-in-my-desktops");

        WebElement card = card(poolName);
        card.findElement(By.cssSelector("button[aria-label='Connect " + poolName + "']")).click();
        browser.waiting(STEP).until(d -> d.getCurrentUrl().contains("/desktops/"));
        awaitPhase("connected");
        await("a non-blank remote screen").atMost(STEP).pollInterval(Duration.ofMillis(200))
                .until(browser::remoteCanvas, look -> !look.blank());
        browser.screenshot("kc-05-desktop-open");

        toolbarButton("Log off").click();
        browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[role='dialog']")))
                .findElement(By.xpath(".//button[normalize-space(.)='Log off']")).click();
        browser.waiting(STEP).until(d -> d.getCurrentUrl().equals(base() + "/"));
        String jti = brokerTokenId(token.getValue());
        assertThat(signInRows(jti)).as("Keycloak's tokens kept on the server").isEqualTo(1);

        browser.waiting(STEP).until(d -> d.findElement(By.xpath("//button[normalize-space(.)='Sign out']"))).click();
        browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='signin-organisation']")));
        browser.screenshot("kc-06-signed-out");
        assertThat(signInRows(jti)).as("the sign-in forgotten").isZero();
        assertThat(new Api(port).withHeader("Cookie", SecurityConfiguration.TOKEN_COOKIE + "=" + token.getValue())
                .get("/api/v1/me").status()).as("the old cookie").isEqualTo(401);

        browser.driver().navigate().refresh();
        browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='signin-organisation']")));
        assertThat(browser.findAll(By.id("my-desktops-title"))).isEmpty();
        browser.screenshot("kc-07-reloaded-still-signed-out");

        // Keycloak's session ended too: the organisation sign-in shows its login page, it does not sign in silently
        browser.find(By.cssSelector("[data-testid='signin-organisation']")).click();
        browser.waiting(STEP).until(d -> d.findElement(By.id("username")));
        assertThat(browser.driver().getCurrentUrl()).startsWith(kc.url() + "/realms/" + REALM + "/");
        browser.screenshot("kc-08-keycloak-asks-again");
        assertThat(auditActions("alice@acme.test")).contains("SIGNED_IN", "SIGNED_OUT");
    }

    @Test
    void thePortalCookieWorksOnASecondBrokerUntilKeycloakEndsTheSessionThenBothRefuseIt() throws Exception {
        String name = "kim" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL) + "@acme.test";
        kc.createUser(REALM, name, name, KeycloakServer.PASSWORD, Set.of("USER"), List.of("/acme/engineers"), "acme");
        kc.setClientAttribute(REALM, KeycloakServer.CLIENT_ID, "backchannel.logout.url",
                "http://127.0.0.1:" + port + BackChannelLogout.PATH);
        try {
            browser.driver().get(base() + "/");
            browser.waiting(STEP).until(d -> d.findElement(By.id("signin-username"))).sendKeys(name);
            // the e-mail typed in the portal rides along as login_hint: Keycloak asks only for the password
            browser.find(By.cssSelector("[data-testid='signin-organisation']")).click();
            // Keycloak asks only for the password — unless its login page still remembers an earlier sign-in of this
            // browser (another test's), when it asks for the e-mail again first
            browser.waiting(STEP).until(d -> !d.findElements(By.id("password")).isEmpty()
                    || !d.findElements(By.id("username")).isEmpty());
            if (browser.findAll(By.id("password")).isEmpty()) {
                browser.screenshot("kc-10-keycloak-asks-for-the-email-again");
                var username = browser.find(By.id("username"));
                username.clear();
                username.sendKeys(name);
                browser.find(By.id("kc-login")).click();
            }
            browser.waiting(STEP).until(d -> d.findElement(By.id("password"))).sendKeys(KeycloakServer.PASSWORD);
            browser.screenshot("kc-11-keycloak-password-with-login-hint");
            browser.find(By.id("kc-login")).click();
            browser.waiting(STEP).until(d -> d.findElement(By.id("my-desktops-title")));
            browser.screenshot("kc-12-signed-in-on-the-first-broker");
            String cookie = SecurityConfiguration.TOKEN_COOKIE + "="
                    + browser.driver().manage().getCookieNamed(SecurityConfiguration.TOKEN_COOKIE).getValue();
            Api onFirst = new Api(port).withHeader("Cookie", cookie);
            Api onSecond = new Api(second.port()).withHeader("Cookie", cookie);
            assertThat(check(onSecond.get("/api/v1/me"), 200).body().get("username").asString()).isEqualTo(name);
            assertThat(check(onSecond.get("/api/v1/pools"), 200).raw()).contains(poolName);

            kc.logoutUser(REALM, name);

            long t0 = System.nanoTime();
            await("the cookie refused by both brokers").atMost(EVERY_REPLICA).pollInterval(Duration.ofMillis(200))
                    .until(() -> onSecond.get("/api/v1/me").status() == 401 && onFirst.get("/api/v1/me").status() == 401);
            System.err.printf("KeycloakPortalSignInTest: the portal cookie was refused on both brokers %d ms after "
                    + "Keycloak ended the session%n", (System.nanoTime() - t0) / 1_000_000);
            assertThat(jdbc.sql("select count(*) from oidc_sign_in s join app_user u on u.id = s.user_id "
                    + "where u.username = ?").param(name).query(Integer.class).single()).as("sign-in forgotten").isZero();
            // the browser still holds the refused cookie: the sign-in page still offers the organisation sign-in
            assertThat(check(onFirst.get("/api/v1/auth/providers"), 200).body().path("organisation").path("signInUrl")
                    .asString()).isEqualTo("/oauth2/authorization/keycloak");
            // and the portal itself loads (the refused cookie is no credential for its files)
            java.net.http.HttpResponse<String> portal = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(base() + "/")).header("Cookie", cookie)
                            .header("Accept", "text/html").build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(portal.statusCode()).isEqualTo(200);
            browser.driver().navigate().refresh();
            browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='signin-organisation']")));
            browser.screenshot("kc-13-signed-out-by-keycloak");
        } finally {
            kc.setClientAttribute(REALM, KeycloakServer.CLIENT_ID, "backchannel.logout.url", "");
        }
    }

    @Test
    void aRefusedSignInIsWordedOnThePortalsSignInPage() throws Exception {
        // ops@platform.test belongs to the organization platform, which is no tenant of this broker's tests
        assumeTrue(jdbc.sql("select count(*) from tenant where slug = 'platform'").query(Integer.class).single() == 0,
                "the organization platform is a tenant here");
        // a visitor of its own: no cookie of another test's sign-in (the broker's and Keycloak's share the host)
        browser.driver().get(base() + "/?x=1");
        browser.driver().manage().deleteAllCookies();
        browser.driver().get(base() + "/?x=2");
        try {
            browser.waiting(STEP).until(d -> d.findElement(By.id("signin-username"))).sendKeys("ops@platform.test");
        } catch (RuntimeException e) {
            browser.screenshot("kc-20-no-sign-in-page");
            throw new AssertionError("no sign-in page at " + browser.driver().getCurrentUrl(), e);
        }
        browser.find(By.cssSelector("[data-testid='signin-organisation']")).click();
        browser.waiting(STEP).until(d -> d.findElement(By.id("password"))).sendKeys(KeycloakServer.PASSWORD);
        browser.find(By.id("kc-login")).click();

        WebElement problem = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='signin-problem']")));
        assertThat(problem.getText()).contains("Your organisation does not use Deskport here");
        assertThat(browser.driver().getCurrentUrl()).doesNotContain("signin_error");
        assertThat(browser.driver().manage().getCookieNamed(SecurityConfiguration.TOKEN_COOKIE)).isNull();
        browser.screenshot("kc-21-refused-unknown-organisation");
        assertThat(jdbc.sql("select count(*) from audit_event where action = 'SIGN_IN_FAILED' and "
                        + "details ->> 'refusal' = 'UNKNOWN_ORGANIZATION' and details ->> 'username' = 'ops@platform.test'")
                .query(Integer.class).single()).isPositive();
        // Deskport refused them, so their Keycloak session is over too: the next try asks Keycloak's login page again
        browser.find(By.cssSelector("[data-testid='signin-organisation']")).click();
        browser.waiting(STEP).until(d -> d.findElement(By.id("username")));
        assertThat(browser.driver().getCurrentUrl()).startsWith(kc.url() + "/realms/" + REALM + "/");
    }

    /** No cookie of the portal but its own, and nothing Keycloak issued in the page's storage. */
    private void assertNoKeycloakTokenInTheBrowser(Cookie token) {
        for (Cookie c : browser.driver().manage().getCookies()) {
            if (c.getName().startsWith("deskport")) {
                assertThat(c.getValue()).doesNotContain(kc.issuer(REALM));
            }
        }
        assertThat(KeycloakServer.claims(token.getValue()).get("iss")).isEqualTo(AccessTokens.ISSUER);
        Object storage = browser.driver().executeScript(
                "return JSON.stringify({...localStorage, ...sessionStorage}) + document.cookie");
        assertThat(String.valueOf(storage)).doesNotContain("eyJ");
    }

    private void signedOutEverywhere() {
        browser.driver().get(base() + "/");
        browser.clearCookies(); // the portal's and Keycloak's: both on 127.0.0.1
        browser.driver().get(kc.url() + "/realms/" + REALM + "/account/");
        browser.clearCookies();
    }

    private String brokerTokenId(String token) {
        return String.valueOf(KeycloakServer.claims(token).get("jti"));
    }

    private int signInRows(String jti) {
        return jdbc.sql("select count(*) from oidc_sign_in where token_id = ?").param(jti).query(Integer.class).single();
    }

    private List<String> auditActions(String username) {
        return jdbc.sql("select action from audit_event where details ->> 'username' = ? order by 1")
                .param(username).query(String.class).list();
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private WebElement card(String pool) {
        return browser.waiting(STEP).until(d -> d.findElement(By.cssSelector(
                "[data-testid='desktop-card'][data-pool='" + pool + "']")));
    }

    private WebElement toolbarButton(String text) {
        return browser.waiting(STEP).until(d -> d.findElement(By.xpath(
                "//div[@role='toolbar']//button[normalize-space(.)='" + text + "']")));
    }

    private void awaitPhase(String phase) {
        browser.waiting(STEP).until(d -> phase.equals(d.findElement(By.cssSelector("[data-testid='desktop-screen']"))
                .getAttribute("data-phase")));
    }
}
