package io.deskport.broker.support;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Debian's headless Chromium driven through its chromedriver (no browser download), with a fresh
 * profile, a screenshot per test step and a look at the pixels of the remote desktop's canvas.
 */
public final class PortalBrowser implements AutoCloseable {

    public static final String CHROMIUM = System.getenv().getOrDefault("DESKPORT_CHROMIUM", "/usr/bin/chromium");
    public static final String CHROMEDRIVER = System.getenv().getOrDefault("DESKPORT_CHROMEDRIVER", "/usr/bin/chromedriver");

    private final ChromeDriver driver;
    private final Path profile;
    private final Path screenshots;

    private PortalBrowser(ChromeDriver driver, Path profile, Path screenshots) {
        this.driver = driver;
        this.profile = profile;
        this.screenshots = screenshots;
    }

    /** True when Chromium and its driver are installed (they are Debian packages: chromium, chromium-driver). */
    public static boolean available() {
        return Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER));
    }

    public static PortalBrowser start(Path screenshots, int width, int height) throws IOException {
        Files.createDirectories(screenshots);
        Path profile = Files.createTempDirectory("deskport-chromium-");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=" + width + "," + height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return new PortalBrowser(driver, profile, screenshots);
    }

    public ChromeDriver driver() {
        return driver;
    }

    public WebDriverWait waiting(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(100));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    public WebElement find(By by) {
        return driver.findElement(by);
    }

    public List<WebElement> findAll(By by) {
        return driver.findElements(by);
    }

    /** Saves a screenshot of the page as {@code <name>.png}. */
    public Path screenshot(String name) throws IOException {
        Path target = screenshots.resolve(name + ".png");
        Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        return target;
    }

    /**
     * What the remote desktop's visible canvas holds: its size, how many distinct colours a sample of its
     * pixels has (1 for a blank screen) and a hash of its pixels (changes when the screen changes).
     */
    public record CanvasLook(long width, long height, long colours, long hash) {

        public boolean blank() {
            return width == 0 || height == 0 || colours <= 1;
        }
    }

    public CanvasLook remoteCanvas() {
        return canvasIn("desktop-screen");
    }

    /** The look of the largest canvas (a Guacamole display's default layer) inside the element of that test id. */
    public CanvasLook canvasIn(String testId) {
        @SuppressWarnings("unchecked")
        Map<String, Object> look = (Map<String, Object>) ((JavascriptExecutor) driver).executeScript("""
                const canvases = [...document.querySelectorAll('[data-testid="' + arguments[0] + '"] canvas')];
                const canvas = canvases.sort((a, b) => b.width * b.height - a.width * a.height)[0];
                if (!canvas || canvas.width === 0 || canvas.height === 0) {
                  return {width: 0, height: 0, colours: 0, hash: 0};
                }
                const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
                const colours = new Set();
                let hash = 0;
                for (let i = 0; i < data.length; i += 4) {
                  const rgb = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
                  if ((i / 4) % 7 === 0 && colours.size < 4096) colours.add(rgb);
                  hash = (Math.imul(hash, 31) + rgb) | 0;
                }
                return {width: canvas.width, height: canvas.height, colours: colours.size, hash: hash};
                """, testId);
        return new CanvasLook(((Number) look.get("width")).longValue(), ((Number) look.get("height")).longValue(),
                ((Number) look.get("colours")).longValue(), ((Number) look.get("hash")).longValue());
    }

    /** One rule axe-core found broken on the page, with the elements that break it. */
    public record AxeViolation(String rule, String impact, String help, List<String> elements) {

        @Override
        public String toString() {
            String some = String.join(" | ", elements.subList(0, Math.min(3, elements.size())));
            return impact + " " + rule + " (" + help + "): " + some
                    + (elements.size() > 3 ? " … and " + (elements.size() - 3) + " more elements" : "");
        }
    }

    /**
     * Runs axe-core (the npm package the portal's build installs, {@code web-portal/node_modules/axe-core}) on the page
     * as it is now, saves its whole report as {@code <name>.axe.json} beside the screenshots, and answers the
     * violations whose impact is {@code serious} or {@code critical}.
     */
    public List<AxeViolation> seriousAccessibilityViolations(String name) throws IOException {
        JavascriptExecutor js = driver;
        if (!Boolean.TRUE.equals(js.executeScript("return typeof window.axe === 'object';"))) {
            js.executeScript(Files.readString(axeScript()));
        }
        Object report = js.executeAsyncScript("""
                const done = arguments[arguments.length - 1];
                window.axe.run(document, {resultTypes: ['violations']})
                  .then(r => done(JSON.stringify(r.violations.map(v => ({
                      rule: v.id, impact: v.impact, help: v.help,
                      elements: v.nodes.map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').replace(/\\s+/g, ' '))})))))
                  .catch(e => done(JSON.stringify({error: String(e)})));
                """);
        String json = String.valueOf(report);
        Files.writeString(screenshots.resolve(name + ".axe.json"), json);
        JsonNode tree = new ObjectMapper().readTree(json);
        if (tree.has("error")) {
            throw new IllegalStateException("axe-core failed on " + name + ": " + tree.get("error").asString());
        }
        List<AxeViolation> serious = new ArrayList<>();
        for (JsonNode v : tree) {
            String impact = v.get("impact").asString();
            if ("serious".equals(impact) || "critical".equals(impact)) {
                List<String> elements = new ArrayList<>();
                v.get("elements").forEach(e -> elements.add(e.asString()));
                serious.add(new AxeViolation(v.get("rule").asString(), impact, v.get("help").asString(), elements));
            }
        }
        return serious;
    }

    private static Path axeScript() {
        for (Path candidate : List.of(Path.of("..", "web-portal", "node_modules", "axe-core", "axe.min.js"),
                Path.of("web-portal", "node_modules", "axe-core", "axe.min.js"))) {
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("axe-core is not installed: run npm ci in web-portal/ (the portal's build does)");
    }

    /**
     * Signs in to the portal at {@code base} as a fresh visitor (the cookies of any earlier sign-in dropped first):
     * the sign-in form filled with the tenant, the username and the password, and sent.
     */
    public void signIn(String base, String tenant, String username, String password) {
        driver.get(base + "/");
        clearCookies();
        driver.get(base + "/");
        fillSignIn(tenant, username, password);
    }

    /** On the sign-in page (waited for): the form filled with the tenant, the username and the password, and sent. */
    public void fillSignIn(String tenant, String username, String password) {
        waiting(Duration.ofSeconds(30)).until(d -> d.findElement(By.id("signin-username")));
        find(By.id("signin-tenant")).sendKeys(tenant);
        find(By.id("signin-username")).sendKeys(username);
        find(By.id("signin-password")).sendKeys(password);
        find(By.cssSelector("button[type='submit']")).click();
    }

    public void clearCookies() {
        driver.manage().deleteAllCookies();
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temporary profile left behind is harmless
            }
        }
    }
}
