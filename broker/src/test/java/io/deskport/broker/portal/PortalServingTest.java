package io.deskport.broker.portal;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.deskport.broker.BrokerTest;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker serves the web portal at "/" and its deep links, without hiding its own endpoints. */
@BrokerTest
class PortalServingTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    @Test
    void rootServesThePortalsIndexRevalidatedOnEveryLoad() throws Exception {
        HttpResponse<String> r = get("/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(r.body()).contains("<div id=\"root\"></div>");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-cache");
    }

    @Test
    void deepLinksOfTheAppGetTheIndex() throws Exception {
        HttpResponse<String> r = get("/desktops/0d8f1e8e-3f3a-4c55-9a0e-1d3f1f1b1a11");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("<div id=\"root\"></div>");
    }

    @Test
    void hashedAssetsAreServedAndCachedForAYear() throws Exception {
        Matcher script = Pattern.compile("src=\"(/assets/[^\"]+\\.js)\"").matcher(get("/").body());
        assertThat(script.find()).as("index.html names its script").isTrue();
        HttpResponse<String> r = get(script.group(1));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Cache-Control")).hasValueSatisfying(v -> assertThat(v).contains("max-age=31536000", "immutable"));
    }

    @Test
    void missingFilesAreNotAnsweredWithTheIndex() throws Exception {
        assertThat(get("/assets/missing-1234.js").statusCode()).isEqualTo(404);
        assertThat(get("/favicon.ico").statusCode()).isEqualTo(404);
    }

    @Test
    void serverEndpointsKeepTheirOwnAnswers() throws Exception {
        HttpResponse<String> unknownApi = get("/api/v1/no-such-thing");
        assertThat(unknownApi.statusCode()).isEqualTo(401);
        assertThat(unknownApi.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        assertThat(get("/v3/api-docs").body()).startsWith("{").contains("\"openapi\"");
        assertThat(get("/actuator/health").body()).contains("\"status\"");
        assertThat(get("/tunnel").body()).doesNotContain("<div id=\"root\">");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
