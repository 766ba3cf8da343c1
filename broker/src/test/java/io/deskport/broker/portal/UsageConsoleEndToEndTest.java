package io.deskport.broker.portal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

import com.standardwebhooks.Webhook;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.metering.UsageRollups;
import io.deskport.broker.support.PortalBrowser;
import io.deskport.broker.support.TestTenant;
import io.deskport.broker.support.WebhookReceiver;
import io.deskport.broker.support.XvncForPortal;
import io.deskport.gateway.support.XvncDesktop;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The console's Usage and Webhooks pages in a real headless Chromium against this broker, its embedded gateway and a
 * real Xvnc desktop: an admin creates a webhook subscription to a local receiver (the secret shown once verifies the
 * deliveries), a user connects to the desktop in the browser and disconnects, the admin sees the session's hours on
 * the Usage page and downloads its CSV, sees the deliveries in the subscription's log and replays them (the receiver
 * gets the same webhook-ids again). Loopback is allowed as a webhook address here, as in WebhookDeliveryTest.
 * Screenshots of each step land in target/e2e-screenshots/ (usage-*).
 */
@BrokerTest
@TestPropertySource(properties = {
        "deskport.provisioning.enabled=false",
        "deskport.metering.webhooks.allowed-networks=127.0.0.0/8",
        "deskport.metering.webhooks.poll-interval=100ms"})
class UsageConsoleEndToEndTest {

    private static final String VNC_PASSWORD = "usage-vnc-pw";
    private static final Duration STEP = Duration.ofSeconds(30);
    static final Path WORK = Path.of("target", "usage-e2e").toAbsolutePath();

    static XvncDesktop desktop;
    static PortalBrowser browser;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    UsageRollups rollups;

    TestTenant tenant;
    UUID pool;

    @BeforeAll
    static void startDesktopAndBrowser() throws Exception {
        assumeTrue(PortalBrowser.available(), "Debian packages chromium and chromium-driver are needed");
        desktop = XvncForPortal.start(WORK, 1024, 768, VNC_PASSWORD);
        XvncForPortal.startXterm(desktop, "usage-term", Files.createDirectories(WORK.resolve("home")));
        browser = PortalBrowser.start(Path.of("target", "e2e-screenshots"), 1280, 900);
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
        signOut();
    }

    @Test
    void anAdminSeesARealSessionsUsageDownloadsItsCsvAndReplaysTheWebhookDeliveriesOfIt() throws Exception {
        Path downloads = Files.createDirectories(WORK.resolve("downloads-" + tenant.slug));
        try (WebhookReceiver receiver = WebhookReceiver.up()) {
            // 1. the admin subscribes a local receiver; the secret is shown once
            signIn("admin");
            browser.waiting(STEP).until(d -> d.getCurrentUrl().contains("/console/"));
            browser.driver().get(base() + "/console/webhooks");
            browser.waiting(STEP).until(d -> d.findElement(By.xpath("//*[normalize-space(.)='No webhook subscriptions yet']")));
            browser.screenshot("usage-01-no-webhooks");
            browser.find(By.xpath("(//button[normalize-space(.)='New subscription'])[1]")).click();
            WebElement form = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[role='dialog']")));
            form.findElement(By.id("webhook-url")).sendKeys(receiver.url());
            form.findElement(By.id("webhook-description")).sendKeys("Billing, end to end");
            form.findElement(By.xpath(".//button[normalize-space(.)='Create subscription']")).click();
            WebElement secretField = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("input[aria-label='The signing secret']")));
            String secret = secretField.getDomProperty("value");
            assertThat(secret).startsWith("whsec_");
            browser.screenshot("usage-02-secret-shown-once");
            browser.find(By.xpath("//button[normalize-space(.)='I have copied it']")).click();
            browser.waiting(STEP).until(d -> d.findElements(By.cssSelector("input[aria-label='The signing secret']")).isEmpty());
            assertThat(browser.driver().getPageSource()).doesNotContain(secret);
            List<JsonNode> hooks = tenant.admin.all("/api/v1/admin/webhooks");
            assertThat(hooks).hasSize(1);
            String hook = hooks.getFirst().get("id").asString();
            // where the log stands now: the replay below sends what follows it
            String before = check(tenant.admin.get("/api/v1/usage/events?limit=10000"), 200).header("Deskport-Next-Cursor");

            // 2. alice connects to the real desktop in the browser and disconnects; then she logs off
            signOut();
            signIn("alice");
            browser.waiting(STEP).until(d -> d.findElement(By.id("my-desktops-title")));
            browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("button[aria-label='Connect Office desktops']"))).click();
            browser.waiting(STEP).until(d -> d.getCurrentUrl().contains("/desktops/"));
            String session = browser.driver().getCurrentUrl().replaceAll(".*/desktops/", "");
            browser.waiting(STEP).until(d -> "connected".equals(d.findElement(By.cssSelector("[data-testid='desktop-screen']"))
                    .getAttribute("data-phase")));
            browser.screenshot("usage-03-alice-connected");
            browser.waiting(STEP).until(d -> d.findElement(By.xpath("//div[@role='toolbar']//button[normalize-space(.)='Disconnect']"))).click();
            browser.waiting(STEP).until(d -> d.getCurrentUrl().equals(base() + "/"));
            check(tenant.login("alice").post("/api/v1/sessions/" + session + "/logoff"), 200);

            // the receiver gets her session's events, signed with the secret the console showed
            await("the session's events delivered").atMost(STEP).until(() -> receiver.deliveries().stream()
                    .filter(d -> d.body().contains(session)).map(d -> typeOf(d.body())).collect(Collectors.toSet())
                    .containsAll(Set.of("io.deskport.session.created", "io.deskport.session.connected",
                            "io.deskport.session.disconnected", "io.deskport.session.ended")));
            List<WebhookReceiver.Delivery> delivered = receiver.deliveries();
            Webhook verifier = new Webhook(secret);
            for (WebhookReceiver.Delivery d : delivered) {
                verifier.verify(d.body(), d.headers());
            }

            // 3. the usage page shows her session's hours once they are rolled up
            await("the session rolled up").atMost(STEP).pollInterval(Duration.ofMillis(500)).until(() -> {
                rollups.rollUpNow();
                return check(tenant.admin.get("/api/v1/usage/rollups?granularity=day&metric=SESSION_SECONDS"), 200).body()
                        .get("rows").toString().contains(pool.toString());
            });
            signOut();
            signIn("admin");
            browser.waiting(STEP).until(d -> d.getCurrentUrl().contains("/console/"));
            browser.driver().get(base() + "/console/usage");
            WebElement perPool = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("table[aria-label='Session hours per pool']")));
            browser.waiting(STEP).until(d -> perPool.getText().contains("Office desktops"));
            WebElement perUser = browser.find(By.cssSelector("table[aria-label='Session hours per user']"));
            browser.waiting(STEP).until(d -> perUser.getText().contains("alice"));
            WebElement activity = browser.find(By.cssSelector("table[aria-label='Peaks, users and devices per day']"));
            assertThat(activity.getText()).contains("Peak sessions");
            browser.waiting(STEP).until(d -> d.findElements(By.cssSelector("[data-testid='usage-chart'] svg")).size() >= 2);
            assertThat(browser.find(By.cssSelector("[data-testid='usage-zone']")).getText()).contains("UTC");
            browser.screenshot("usage-04-usage-page");
            browser.driver().executeScript("arguments[0].scrollIntoView()", browser.find(By.id("usage-desktops")));
            browser.screenshot("usage-04b-usage-desktops-seats-peaks");

            // the CSV of the sessions, downloaded by the browser as the broker names it
            browser.driver().executeCdpCommand("Browser.setDownloadBehavior",
                    Map.<String, Object>of("behavior", "allow", "downloadPath", downloads.toString()));
            browser.find(By.xpath("//a[@data-testid='csv-link' and normalize-space(.)='Session hours (CSV)']")).click();
            Path csv = await("the CSV downloaded").atMost(STEP).until(() -> downloaded(downloads), p -> p != null);
            String text = Files.readString(csv, StandardCharsets.UTF_8);
            assertThat(csv.getFileName().toString()).startsWith("usage-rollups-day-").endsWith(".csv");
            assertThat(text).startsWith("tenantId,timeZone,granularity,period,start,end,complete,metric,poolId,userId");
            // one line per day of the session (one, unless it ran over midnight UTC)
            assertThat(text.lines().filter(l -> l.contains(",SESSION_SECONDS," + pool + ",")).count()).isBetween(1L, 2L);

            // 4. the subscription's delivery log, and a replay of what followed the cursor read before the session
            browser.driver().get(base() + "/console/webhooks");
            browser.waiting(STEP).until(d -> d.findElement(By.linkText(receiver.url()))).click();
            WebElement log = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("table[aria-label='Delivery attempts']")));
            browser.waiting(STEP).until(d -> log.getText().contains("HTTP 200") && log.getText().contains("Session ended"));
            assertThat(browser.find(By.cssSelector("[data-testid='webhook-status']")).getText()).isEqualTo("Delivering");
            browser.screenshot("usage-05-delivery-log");

            int sentBefore = receiver.deliveries().size();
            browser.find(By.xpath("//button[normalize-space(.)='Replay events']")).click();
            WebElement replay = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[role='dialog']")));
            assertThat(replay.getText()).contains("does not count a range before sending it");
            replay.findElement(By.id("replay-by-cursor")).click();
            browser.waiting(STEP).until(d -> d.findElement(By.id("replay-after"))).sendKeys(before);
            browser.screenshot("usage-06-replay-dialog");
            replay.findElement(By.xpath(".//button[normalize-space(.)='Send again']")).click();
            WebElement notice = browser.waiting(STEP).until(d -> d.findElement(By.cssSelector("[data-testid='webhook-notice'] .pf-v6-c-alert")));
            assertThat(notice.getText()).contains("after " + before).contains("are being sent again");

            await("the replayed events").atMost(STEP).until(() -> receiver.deliveries().subList(sentBefore,
                    receiver.deliveries().size()).stream().map(WebhookReceiver.Delivery::id).collect(Collectors.toSet())
                    .containsAll(sessionEventIds(delivered, session)));
            Set<String> sentFirst = receiver.deliveries().subList(0, sentBefore).stream().map(WebhookReceiver.Delivery::id)
                    .collect(Collectors.toSet());
            assertThat(receiver.deliveries().subList(sentBefore, receiver.deliveries().size()))
                    .allSatisfy(d -> assertThat(sentFirst).as("only events sent before, again, with their ids").contains(d.id()));
            browser.find(By.cssSelector("button[aria-label='Refresh Delivery attempts']")).click();
            browser.waiting(STEP).until(d -> log.getText().contains("replay"));
            browser.screenshot("usage-07-replayed");
            assertThat(tenant.admin.all("/api/v1/admin/webhooks/" + hook + "/attempts?limit=1000"))
                    .filteredOn(a -> a.get("replay").asBoolean()).isNotEmpty();
        }
    }

    private static String typeOf(String body) {
        int at = body.indexOf("\"type\":\"");
        return at < 0 ? "" : body.substring(at + 8, body.indexOf('"', at + 8));
    }

    private static Set<String> sessionEventIds(List<WebhookReceiver.Delivery> delivered, String session) {
        return delivered.stream().filter(d -> d.body().contains(session)).map(WebhookReceiver.Delivery::id)
                .collect(Collectors.toSet());
    }

    /** The finished download in the folder (Chromium writes a .crdownload first), or null. */
    private static Path downloaded(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".csv")).findFirst().orElse(null);
        }
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }

    private void signOut() {
        browser.driver().get(base() + "/");
        browser.clearCookies();
        browser.driver().executeScript("window.sessionStorage.clear()");
        browser.driver().get(base() + "/");
    }

    private void signIn(String username) {
        browser.fillSignIn(tenant.slug, username, TestTenant.PASSWORD);
    }
}
