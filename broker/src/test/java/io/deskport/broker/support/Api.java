package io.deskport.broker.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client for the broker's API, as any client would use it (JSON over HTTP, bearer token). */
public final class Api {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String token;
    private final UUID tenantHeader;
    private final java.util.Map<String, String> headers;

    public Api(int port) {
        this("http://127.0.0.1:" + port, null, null);
    }

    private Api(String base, String token, UUID tenantHeader) {
        this(base, token, tenantHeader, java.util.Map.of());
    }

    private Api(String base, String token, UUID tenantHeader, java.util.Map<String, String> headers) {
        this.base = base;
        this.token = token;
        this.tenantHeader = tenantHeader;
        this.headers = headers;
    }

    /** The same client, sending one more header with every request (e.g. the device id a portal sends). */
    public Api withHeader(String name, String value) {
        java.util.Map<String, String> more = new java.util.LinkedHashMap<>(headers);
        more.put(name, value);
        return new Api(base, token, tenantHeader, java.util.Map.copyOf(more));
    }

    /** A response: status, content type, the parsed JSON body (null when empty) and the headers. */
    public record Response(int status, String contentType, JsonNode body, String raw, java.net.http.HttpHeaders headers) {

        /** The first value of a response header, or null. */
        public String header(String name) {
            return headers == null ? null : headers.firstValue(name).orElse(null);
        }

        public String reason() {
            return body == null || body.get("reason") == null ? null : body.get("reason").asString();
        }

        public UUID id() {
            return UUID.fromString(body.get("id").asString());
        }
    }

    /** Signs in and returns a client carrying the user's token. */
    public Api login(String tenant, String username, String password) {
        Response r = post("/api/v1/auth/login", "{\"tenant\":\"" + tenant + "\",\"username\":\"" + username
                + "\",\"password\":\"" + password + "\"}");
        if (r.status() != 200) {
            throw new IllegalStateException("login of " + username + " failed: " + r.raw());
        }
        return new Api(base, r.body().get("accessToken").asString(), null);
    }

    /** @return the bearer token of this client (for raw HTTP calls in tests) */
    public String token() {
        return token;
    }

    /** @return the port of the broker this client calls */
    public int port() {
        return java.net.URI.create(base).getPort();
    }

    /** @return the tenant this client names in X-Deskport-Tenant, or null */
    public UUID tenantHeader() {
        return tenantHeader;
    }

    /** The same server with another bearer token (e.g. a session-host agent's credential). */
    public Api withToken(String bearer) {
        return new Api(base, bearer, null);
    }

    /** The same user acting in another tenant (platform admins). */
    public Api inTenant(UUID tenantId) {
        return new Api(base, token, tenantId);
    }

    public Response get(String path) {
        return send(builder(path).GET().build());
    }

    /**
     * Every row of a list of the admin API, page after page as a client reads them: follows each answer's
     * {@code Link: <…>; rel="next"} until there is none.
     *
     * @throws IllegalStateException when a page is not 200
     */
    public java.util.List<JsonNode> all(String path) {
        java.util.List<JsonNode> rows = new java.util.ArrayList<>();
        for (String next = path; next != null; ) {
            Response r = get(next);
            if (r.status() != 200) {
                throw new IllegalStateException("GET " + next + ": " + r.status() + " " + r.raw());
            }
            r.body().forEach(rows::add);
            String link = r.header("Link");
            next = link == null || !link.contains("rel=\"next\"") ? null
                    : link.substring(link.indexOf('<') + 1, link.indexOf('>'));
        }
        return rows;
    }

    public Response post(String path, String json) {
        return send(builder(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json == null ? "" : json)).build());
    }

    public Response post(String path) {
        return post(path, null);
    }

    public Response patch(String path, String json) {
        return send(builder(path).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** PATCH with {@code If-Match} (null: without), as JSON or another content type (e.g. a merge patch). */
    public Response patch(String path, String contentType, String ifMatch, String body) {
        HttpRequest.Builder b = builder(path).header("Content-Type", contentType);
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        return send(b.method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /**
     * Changes a configuration resource as an admin client does: reads it for its ETag, then PATCHes it with
     * {@code If-Match}; answers the read's failure when it fails.
     */
    public Response edit(String path, String json) {
        Response current = get(path);
        if (current.status() != 200) {
            return current;
        }
        return patch(path, "application/json", current.header("ETag"), json);
    }

    /**
     * Replaces a configuration resource as an admin client does: reads it for its ETag ({@code "0"} when there is
     * none yet: a pool's settings before the first), then PUTs with {@code If-Match}.
     */
    public Response replace(String path, String json) {
        Response current = get(path);
        String etag = current.status() == 200 && current.header("ETag") != null ? current.header("ETag") : "\"0\"";
        return send(builder(path).header("Content-Type", "application/json").header("If-Match", etag)
                .PUT(HttpRequest.BodyPublishers.ofString(json == null ? "{}" : json)).build());
    }

    public Response put(String path, String json) {
        return send(builder(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json == null ? "{}" : json)).build());
    }

    public Response delete(String path) {
        return send(builder(path).DELETE().build());
    }

    /** Sends raw text with a given content type, for malformed-input tests. */
    public Response postRaw(String path, String contentType, String body) {
        return send(builder(path).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private HttpRequest.Builder builder(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json, application/problem+json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (tenantHeader != null) {
            b.header("X-Deskport-Tenant", tenantHeader.toString());
        }
        headers.forEach(b::header);
        return b;
    }

    private static Response send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            String raw = r.body();
            JsonNode body = raw == null || raw.isBlank() ? null : JSON.readTree(raw);
            return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), body, raw, r.headers());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String json(Object... keyValues) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < keyValues.length; i += 2) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append('"').append(keyValues[i]).append("\":");
            Object v = keyValues[i + 1];
            if (v == null || v instanceof Number || v instanceof Boolean) {
                sb.append(v);
            } else if (v instanceof RawJson raw) {
                sb.append(raw.json());
            } else {
                sb.append('"').append(v.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return sb.append('}').toString();
    }

    /** Inserts JSON as it is into {@link #json}. */
    public record RawJson(String json) {
    }
}
