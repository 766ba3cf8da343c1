package io.deskport.broker.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import io.deskport.broker.database.EmbeddedPostgres;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.BrokerProcess;
import io.deskport.broker.support.PortalBrowser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The demo as a newcomer gets it from {@code dev/run}, driven through the portal in Chromium: a broker with the
 * demo on an empty database, whose persistent and pooled pools run on simulated VMs with real Xvnc screens and
 * whose shared pool is served by the real session-host agent. What users type into their desktops' terminals
 * lands in those desktops' own home folders, under their own unprivileged accounts. Screenshots are saved in
 * {@code target/e2e-screenshots/demo-*}. Needs Xvnc, openbox, xterm, chromium and its driver
 * (dev/prerequisites.sh) and root (the desktops' accounts).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DemoEndToEndTest {

    private static final Duration STEP = Duration.ofSeconds(45);
    private static final String PERSISTENT = "Engineering workstations";
    private static final String POOLED = "Office desktops";
    private static final String SHARED = "Shared applications";
    private static final int FIRST_DISPLAY = 200;

    static Path dir;
    static EmbeddedPostgres postgres;
    static BrokerProcess broker;
    static PortalBrowser browser;
    static final List<String> accounts = new ArrayList<>();

    @BeforeAll
    static void startTheDemo() throws Exception {
        assumeTrue(PortalBrowser.available(), "Debian packages chromium and chromium-driver are needed");
        dir = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "demo-e2e");
        // the desktops' accounts reach their own files below the demo's folder
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        postgres = EmbeddedPostgres.start(dir.resolve("postgres"), 0);
        postgres.ensureDatabase("demo");
        broker = BrokerProcess.start("demo", dir, postgres.jdbcUrl("demo"), postgres.username(), postgres.password(),
                "platform-op-" + System.nanoTime(), List.of("--deskport.demo.enabled=true",
                        "--deskport.demo.first-display=" + FIRST_DISPLAY, "--server.address=127.0.0.1"));
        broker.awaitHealthy(Duration.ofSeconds(120));
        // the demo's desktops are provisioned and its session host enrols in the first seconds: until then the
        // portal shows the pools as not set up
        await("every demo pool has room").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    var pools = check(api("alice").get("/api/v1/pools")).body();
                    return pools.size() == 3 && java.util.stream.StreamSupport.stream(pools.spliterator(), false)
                            .allMatch(p -> p.get("availability").asString().equals("AVAILABLE"));
                });
        browser = PortalBrowser.start(Path.of("target", "e2e-screenshots"), 1280, 800);
        accounts.addAll(List.of("dpu-alice", "dpu-bob"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (postgres != null) {
            postgres.stop();
        }
        // every simulated desktop the demo made has an account of its own: the driver's records name them
        Path machines = dir.resolve("demo-demo").resolve("desktops").resolve("machines");
        if (Files.isDirectory(machines)) {
            try (var files = Files.list(machines)) {
                for (Path f : files.toList()) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".properties")) {
                        String account = accountOf(name.substring(0, name.length() - ".properties".length()));
                        if (!accounts.contains(account)) {
                            accounts.add(account);
                        }
                    }
                }
            }
        }
        for (String account : accounts) {
            new ProcessBuilder("userdel", "--remove", account).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        }
        // X servers ended by SIGKILL (the kill -9 test) leave their lock files and sockets behind
        for (int display = FIRST_DISPLAY; display < FIRST_DISPLAY + DemoProperties.DISPLAYS; display++) {
            Path lock = Path.of("/tmp/.X" + display + "-lock");
            if (Files.exists(lock) && !alive(lock)) {
                Files.deleteIfExists(lock);
                Files.deleteIfExists(Path.of("/tmp/.X11-unix/X" + display));
            }
        }
    }

    private static boolean alive(Path lock) {
        try {
            return ProcessHandle.of(Long.parseLong(Files.readString(lock).strip())).map(ProcessHandle::isAlive).orElse(false);
        } catch (IOException | NumberFormatException e) {
            return true; // not ours to judge
        }
    }

    @BeforeEach
    void signedOut() {
        browser.driver().get(base() + "/");
        browser.clearCookies();
        browser.driver().get(base() + "/");
    }

    @Test
    @Order(1)
    void aliceAndBobGetDifferentFreshPooledDesktopsAndALogOffThrowsAlicesFilesAway() throws Exception {
        signIn("alice");
        String first = connect(POOLED);
        Path aliceHome = desktopHome(first);
        run("id -un > ~/whoami; touch ~/alice-was-here", "alice's command ran in her pooled desktop",
                () -> Files.exists(aliceHome.resolve("alice-was-here")));
        assertThat(Files.readString(aliceHome.resolve("whoami")).strip()).as("the desktop's account")
                .startsWith("dpd-").isNotEqualTo("root");
        browser.screenshot("demo-01-alice-pooled");
        toolbarButton("Disconnect").click(); // alice keeps her desktop while disconnected

        signedOut();
        signIn("bob");
        String bobs = connect(POOLED);
        assertThat(desktopId(bobs)).as("bob's pooled desktop").isNotEqualTo(desktopId(first));
        Path bobHome = desktopHome(bobs);
        run("touch ~/bob-was-here", "bob's command ran in his own desktop", () -> Files.exists(bobHome.resolve("bob-was-here")));
        assertThat(bobHome.resolve("alice-was-here")).as("alice's file on bob's desktop").doesNotExist();
        browser.screenshot("demo-02-bob-pooled");
        check(api("bob").post("/api/v1/sessions/" + bobs + "/logoff", "{}"));

        check(api("alice").post("/api/v1/sessions/" + first + "/logoff", "{}"));
        signedOut();
        signIn("alice");
        String again = connect(POOLED);
        Path newHome = desktopHome(again);
        run("touch ~/second-visit", "alice's command ran in her new pooled desktop",
                () -> Files.exists(newHome.resolve("second-visit")));
        assertThat(newHome.resolve("alice-was-here")).as("alice's file after her log off").doesNotExist();
        browser.screenshot("demo-03-alice-pooled-again-fresh");
        check(api("alice").post("/api/v1/sessions/" + again + "/logoff", "{}"));
    }

    @Test
    @Order(2)
    void alicesPersistentDesktopKeepsHerFilesAcrossLogOffs() throws Exception {
        signIn("alice");
        String first = connect(PERSISTENT);
        Path home = desktopHome(first);
        run("echo kept > ~/kept.txt", "alice's file in her persistent desktop", () -> written(home.resolve("kept.txt")));
        browser.screenshot("demo-04-alice-persistent");
        check(api("alice").post("/api/v1/sessions/" + first + "/logoff", "{}"));

        signedOut();
        signIn("alice");
        String again = connect(PERSISTENT);
        assertThat(desktopId(again)).as("alice's own desktop").isEqualTo(desktopId(first));
        run("cat ~/kept.txt > ~/kept-seen.txt", "alice finds her file again", () -> Files.exists(home.resolve("kept-seen.txt"))
                && Files.readString(home.resolve("kept-seen.txt")).contains("kept"));
        browser.screenshot("demo-05-alice-persistent-again");
        check(api("alice").post("/api/v1/sessions/" + again + "/logoff", "{}"));
    }

    @Test
    @Order(3)
    void theSharedPoolGivesAliceAndBobSessionsOfTheirOwnOnTheSessionHost() throws Exception {
        signIn("alice");
        String alices = connect(SHARED);
        Path aliceFile = Path.of("/home/dpu-alice/whoami-shared");
        // the shell creates the file before it writes to it: wait for what it writes
        run("id -un > ~/whoami-shared", "alice's command ran in her session", () -> written(aliceFile));
        assertThat(Files.readString(aliceFile).strip()).isEqualTo("dpu-alice");
        browser.screenshot("demo-06-alice-shared");
        toolbarButton("Disconnect").click();

        signedOut();
        signIn("bob");
        String bobs = connect(SHARED);
        Path bobFile = Path.of("/home/dpu-bob/whoami-shared");
        run("id -un > ~/whoami-shared", "bob's command ran in his session", () -> written(bobFile));
        assertThat(Files.readString(bobFile).strip()).isEqualTo("dpu-bob");
        browser.screenshot("demo-07-bob-shared");

        Api admin = api("admin");
        assertThat(bobs).isNotEqualTo(alices);
        for (String session : List.of(alices, bobs)) {
            assertThat(check(admin.get("/api/v1/admin/sessions/" + session)).body().get("state").asString())
                    .as("both sessions live at once").isIn("CONNECTED", "DISCONNECTED", "READY");
        }
        assertThat(check(admin.get("/api/v1/admin/sessions/" + alices)).body().get("sessionHostId").asString())
                .isEqualTo(check(admin.get("/api/v1/admin/sessions/" + bobs)).body().get("sessionHostId").asString());
        check(api("alice").post("/api/v1/sessions/" + alices + "/logoff", "{}"));
        check(api("bob").post("/api/v1/sessions/" + bobs + "/logoff", "{}"));
    }

    @Test
    @Order(4)
    void noDemoDesktopRunsAsRootAndNoneOutlivesTheBrokerEvenOnKillDashNine() throws Exception {
        // a session on the session host too, so that its desktop is among the processes
        String session = check(api("bob").post("/api/v1/pools/" + poolId(api("bob"), SHARED) + "/connect", "{}"))
                .body().get("session").get("id").asString();
        await("bob's shared session is live").atMost(STEP).until(() -> List.of("READY", "CONNECTED", "DISCONNECTED")
                .contains(check(api("bob").get("/api/v1/sessions/" + session)).body().get("state").asString()));
        // each process's command and user read once, together: a desktop of the sessions logged off just before
        // may end between the listing and a second read (its info is then empty, which is no user at all)
        record Seen(long pid, String command, java.util.Optional<String> user) {
        }
        List<Seen> desktops = broker.handle().descendants()
                .map(p -> new Seen(p.pid(), p.info().command().orElse(""), p.info().user()))
                .filter(p -> p.command().matches(".*/(X(tiger)?vnc|xterm|openbox)")).toList();
        assertThat(desktops).as("the demo's desktop processes")
                .anyMatch(p -> p.command().matches(".*/X(tiger)?vnc"))
                .anyMatch(p -> p.command().endsWith("xterm"));
        for (Seen p : desktops) {
            assertThat(p.user()).as(p.command() + " " + p.pid() + ": its owner could be read with its command")
                    .isPresent();
            assertThat(p.user().get()).as(p.command() + " " + p.pid()).isNotEqualTo("root");
        }

        List<ProcessHandle> everything = broker.handle().descendants().toList();
        broker.kill9();
        await("every process of the demo gone").atMost(Duration.ofSeconds(30))
                .until(() -> everything.stream().noneMatch(ProcessHandle::isAlive));
    }

    // --- the portal

    private void signIn(String username) throws IOException {
        browser.waiting(STEP).until(d -> d.findElement(By.id("signin-username")));
        WebElement tenant = browser.find(By.id("signin-tenant"));
        // React's state: cleared as a user does (WebElement.clear() sets the value behind React's back)
        tenant.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        browser.waiting(STEP).until(d -> d.findElement(By.id("signin-tenant")).getAttribute("value").isEmpty());
        tenant.sendKeys("demo");
        browser.find(By.id("signin-username")).sendKeys(username);
        browser.find(By.id("signin-password")).sendKeys(password(username));
        browser.find(By.cssSelector("button[type='submit']")).click();
        browser.waiting(STEP).until(d -> d.findElement(By.id("my-desktops-title")));
    }

    /** Opens the pool's desktop in the tab and waits for its screen; @return the session id */
    private String connect(String pool) {
        WebElement card = browser.waiting(STEP).until(d -> d.findElement(
                By.cssSelector("[data-testid='desktop-card'][data-pool='" + pool + "']")));
        browser.waiting(STEP).until(d -> !card.findElements(By.cssSelector("button[aria-label$=' " + pool + "']")).isEmpty());
        card.findElement(By.cssSelector("button[aria-label$=' " + pool + "']")).click();
        browser.waiting(STEP).until(d -> d.getCurrentUrl().contains("/desktops/"));
        String session = browser.driver().getCurrentUrl().replaceAll(".*/desktops/", "");
        browser.waiting(STEP).until(d -> "connected".equals(d.findElement(By.cssSelector("[data-testid='desktop-screen']"))
                .getAttribute("data-phase")));
        await("a non-blank remote screen").atMost(STEP).pollInterval(Duration.ofMillis(200))
                .until(browser::remoteCanvas, look -> !look.blank());
        return session;
    }

    /** Types a command line into the desktop's terminal (the pointer over it gives it the focus). */
    private void type(String commandLine) {
        WebElement screen = browser.find(By.cssSelector("[data-testid='desktop-screen']"));
        // Selenium's offsets are from the element's centre: up and left, into the terminal at +40+40
        new Actions(browser.driver()).moveToElement(screen, -300, -200).click().perform();
        // Enter first: whatever an earlier, partly lost attempt left on the line runs (and fails) on its own
        new Actions(browser.driver()).sendKeys(Keys.ENTER + commandLine + Keys.ENTER).perform();
    }

    /**
     * Types an idempotent command line until it has had its effect: on a loaded machine a freshly started
     * desktop's terminal may not have the focus, or not be there yet, when the first keys arrive.
     */
    private void run(String commandLine, String what, java.util.concurrent.Callable<Boolean> done) throws Exception {
        for (int attempt = 1; attempt < 3; attempt++) {
            type(commandLine);
            try {
                await(what).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).until(done);
                return;
            } catch (org.awaitility.core.ConditionTimeoutException notYet) {
                browser.screenshot("demo-retry-" + what.replaceAll("\\W+", "-"));
            }
        }
        type(commandLine);
        await(what).atMost(STEP).pollInterval(Duration.ofMillis(200)).until(done);
    }

    private WebElement toolbarButton(String text) {
        return browser.waiting(STEP).until(d -> d.findElement(By.xpath(
                "//div[@role='toolbar']//button[normalize-space(.)='" + text + "']")));
    }

    // --- the API and the machine

    private static String base() {
        return "http://127.0.0.1:" + broker.port();
    }

    private static String password(String username) throws IOException {
        Path file = dir.resolve("demo-credentials-demo.txt");
        for (String line : Files.readAllLines(file)) {
            String[] f = line.trim().split("\\s+");
            if (f.length >= 6 && f[0].equals("organisation") && f[1].equals("demo") && f[3].equals(username)) {
                return f[5];
            }
        }
        throw new IllegalStateException("no sign-in for " + username + " in " + file);
    }

    private static Api api(String username) throws IOException {
        return new Api(broker.port()).login("demo", username, password(username));
    }

    private static Api.Response check(Api.Response r) {
        assertThat(r.status()).as(r.raw()).isBetween(200, 299);
        return r;
    }

    private static String poolId(Api api, String name) {
        for (var pool : check(api.get("/api/v1/pools")).body()) {
            if (pool.get("name").asString().equals(name)) {
                return pool.get("id").asString();
            }
        }
        throw new IllegalStateException("no pool " + name);
    }

    private static String desktopId(String session) throws IOException {
        return check(api("admin").get("/api/v1/admin/sessions/" + session)).body().get("desktopId").asString();
    }

    private static boolean written(Path file) throws IOException {
        return Files.exists(file) && !Files.readString(file).isBlank();
    }

    private static String accountOf(String desktopId) throws Exception {
        byte[] hash = MessageDigest.getInstance("SHA-256").digest(desktopId.getBytes(StandardCharsets.UTF_8));
        return "dpd-" + HexFormat.of().formatHex(hash, 0, 5);
    }

    /** The home folder of the simulated desktop's own account (the driver names it after the desktop id). */
    private static Path desktopHome(String session) throws Exception {
        String desktop = desktopId(session);
        String account = accountOf(desktop);
        if (!accounts.contains(account)) {
            accounts.add(account);
        }
        Optional<String> entry = Files.readAllLines(Path.of("/etc/passwd")).stream()
                .filter(l -> l.startsWith(account + ":")).findFirst();
        assertThat(entry).as("the account of desktop " + desktop).isPresent();
        return Path.of(entry.get().split(":")[5]);
    }
}
