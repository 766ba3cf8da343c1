package io.deskport.broker.identity;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.TestTenant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a browser is told and what it may not do: every answer carries a strict Content-Security-Policy
 * (no inline script, no framing), Referrer-Policy and Permissions-Policy, and HSTS only over TLS (here: from
 * a trusted proxy saying so); a state-changing request sent from another site with the portal's cookie is
 * refused, while the portal itself, and clients with a bearer token, go through.
 */
@BrokerTest
class BrowserDefencesTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    UUID pool;
    String aliceToken;

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 10, 10);
        pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 2, "READY");
        tenant.entitle(pool, tenant.user("alice"));
        aliceToken = tenant.login("alice").token();
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder connectWithCookie() {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/pools/" + pool + "/connect"))
                .header("Cookie", SecurityConfiguration.TOKEN_COOKIE + "=" + aliceToken)
                .POST(HttpRequest.BodyPublishers.noBody());
    }

    @Test
    void everyAnswerCarriesAStrictContentSecurityPolicyAndNoHstsOverPlainHttp() throws Exception {
        for (String path : new String[] {"/", "/api/v1/me"}) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)));
            String csp = r.headers().firstValue("Content-Security-Policy").orElse("");
            assertThat(csp).as(path).contains("frame-ancestors 'none'").contains("script-src 'self'")
                    .contains("object-src 'none'").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
            assertThat(r.headers().firstValue("Referrer-Policy")).as(path).hasValue("no-referrer");
            assertThat(r.headers().firstValue("Permissions-Policy").orElse("")).as(path).contains("camera=()");
            assertThat(r.headers().firstValue("X-Frame-Options")).as(path).hasValue("DENY");
            assertThat(r.headers().firstValue("Strict-Transport-Security")).as(path).isEmpty();
        }
    }

    @Test
    void behindATrustedTlsProxyAnswersCarryHsts() throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .header("X-Forwarded-Proto", "https"));
        assertThat(r.headers().firstValue("Strict-Transport-Security").orElse("")).contains("max-age=");
    }

    @Test
    void aCrossSitePostWithThePortalsCookieIsRefusedAndChangesNothing() throws Exception {
        HttpResponse<String> fromFetch = send(connectWithCookie().header("Sec-Fetch-Site", "cross-site")
                .header("Origin", "https://evil.example"));
        assertThat(fromFetch.statusCode()).isEqualTo(403);
        assertThat(fromFetch.body()).contains("\"reason\":\"FORBIDDEN\"");
        HttpResponse<String> olderBrowser = send(connectWithCookie().header("Origin", "https://evil.example")
                .header("Content-Type", "text/plain"));
        assertThat(olderBrowser.statusCode()).isEqualTo(403);
        assertThat(tenant.admin.get("/api/v1/admin/sessions").body().size()).as("no session was created").isZero();
    }

    @Test
    void thePortalsOwnRequestsAndBearerClientsGoThrough() throws Exception {
        assertThat(send(connectWithCookie().header("Sec-Fetch-Site", "same-origin")
                .header("Origin", "http://127.0.0.1:" + port)).statusCode()).isEqualTo(201);
        // a script with a bearer token (no browser sends one by itself), whatever it says its origin is
        HttpResponse<String> bearer = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/v1/pools/" + pool + "/connect")).header("Authorization", "Bearer " + aliceToken)
                .header("Origin", "https://elsewhere.example").POST(HttpRequest.BodyPublishers.noBody()));
        assertThat(bearer.statusCode()).isEqualTo(200);
    }
}
