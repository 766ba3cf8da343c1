package io.deskport.broker.shared;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.PortalBrowser;
import io.deskport.broker.support.TestTenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Swagger UI at {@code /api} in a real browser, signed in to the portal as an admin (its cookie), under the
 * broker's own Content-Security-Policy (no exception for the Swagger UI): it shows the document and "Try it out"
 * calls the API. The one thing the policy blocks is the inline {@code <style>} of the Swagger logo's SVG (its
 * colours); anything else it blocks fails this test. Screenshots in target/e2e-screenshots/swagger-ui/.
 */
@BrokerTest
class SwaggerUiInTheBrowserTest {

    /** Records what the page's Content-Security-Policy blocks, from before the page's own scripts run. */
    private static final String RECORD_VIOLATIONS = """
            window.cspViolations = [];
            document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(
                e.violatedDirective + ' ' + e.sourceFile + ' ' + ((e.target && e.target.outerHTML) || '').slice(0, 200)));
            """;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    @Test
    void anAdminSeesTheDocumentAndTriesAnOperationUnderTheBrokersContentSecurityPolicy() throws Exception {
        assumeTrue(PortalBrowser.available(), "Debian packages chromium and chromium-driver are needed");
        TestTenant tenant = TestTenant.create(context, port, 10, 10);
        tenant.pool("finance", "POOLED", null);
        String base = "http://127.0.0.1:" + port;
        try (PortalBrowser browser = PortalBrowser.start(Path.of("target", "e2e-screenshots", "swagger-ui"), 1400, 1000)) {
            ChromeDriver driver = browser.driver();
            driver.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", RECORD_VIOLATIONS));
            driver.get(base + "/");
            // signed in to the portal: the HttpOnly cookie its sign-in sets
            driver.manage().addCookie(new Cookie("deskport_token", tenant.admin.token(), "/"));

            driver.get(base + "/api");
            WebElement title = browser.waiting(Duration.ofSeconds(30))
                    .until(d -> d.findElements(By.cssSelector(".swagger-ui .info .title")).stream().findFirst().orElse(null));
            assertThat(driver.getCurrentUrl()).endsWith("/swagger-ui/index.html");
            assertThat(title.getText()).startsWith("Deskport broker API");
            browser.screenshot("1-document");

            WebElement listPools = browser.find(By.xpath(
                    "//div[contains(@class,'opblock-get')][.//*[@data-path='/api/v1/admin/pools']]"));
            ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView()", listPools);
            listPools.findElement(By.cssSelector(".opblock-summary-control")).click();
            browser.waiting(Duration.ofSeconds(10)).until(d -> listPools.findElement(By.cssSelector(".try-out__btn"))).click();
            browser.waiting(Duration.ofSeconds(10)).until(d -> listPools.findElement(By.cssSelector(".execute"))).click();
            WebElement answer = browser.waiting(Duration.ofSeconds(20)).until(d -> listPools.findElements(
                    By.cssSelector(".live-responses-table .response-col_description pre")).stream().findFirst().orElse(null));
            ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView()", answer);
            browser.screenshot("2-tried");
            assertThat(answer.getText()).contains("finance");

            @SuppressWarnings("unchecked")
            List<String> violations = (List<String>) driver.executeScript("return window.cspViolations");
            assertThat(violations).as("what the Content-Security-Policy blocked")
                    .allMatch(v -> v.startsWith("style-src-elem ") && v.contains("<style>.logo_small_svg"));
        }
    }
}
