package io.deskport.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The broker's HTTP API as a benchmark client uses it. */
public final class BrokerClient {

    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient http;
    private final String base;

    public BrokerClient(String base) {
        this.base = base;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A status and its parsed JSON body (null when empty). */
    public record Reply(int status, JsonNode body) {
        public String reason() {
            return body != null && body.has("reason") ? body.get("reason").asString() : null;
        }
    }

    /** @return the answer, status -1 when the broker could not be reached */
    public Reply call(String method, String path, String token, UUID tenant, String json) {
        try {
            HttpResponse<String> r = send(method, path, token, tenant, json);
            return new Reply(r.statusCode(), r.body() == null || r.body().isBlank() ? null : JSON.readTree(r.body()));
        } catch (IOException e) {
            return new Reply(-1, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply(-1, null);
        }
    }

    /**
     * Sends one request to the broker's API.
     *
     * @param token  sent as the bearer token, when not null
     * @param tenant sent as the tenant header, when not null
     * @param json   the body, when not null
     */
    public HttpResponse<String> send(String method, String path, String token, UUID tenant, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (tenant != null) {
            b.header("X-Deskport-Tenant", tenant.toString());
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public Reply expect(int status, String method, String path, String token, UUID tenant, String json) {
        Reply r = call(method, path, token, tenant, json);
        if (r.status() != status) {
            throw new IllegalStateException(method + " " + path + " answered " + r.status() + " (expected " + status
                    + "): " + r.body());
        }
        return r;
    }

    public String login(String tenant, String username, String password) {
        return expect(200, "POST", "/api/v1/auth/login", null, null, "{\"tenant\":\"" + tenant + "\",\"username\":\""
                + username + "\",\"password\":\"" + password + "\"}").body().get("accessToken").asString();
    }
}
