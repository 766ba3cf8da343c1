package io.deskport.sessionhost;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The agent's side of the agent API. The agent always calls the broker (never the reverse), so it works
 * behind NAT and with any broker replica; every call after enrolment carries the per-host credential.
 */
public final class BrokerClient {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** The broker refused the credential (revoked, replaced or the host was removed). */
    public static final class CredentialRefused extends IOException {
        CredentialRefused(String detail) {
            super(detail);
        }
    }

    /** A command from the broker. */
    public record Command(long id, String kind, UUID sessionId, JsonNode payload) {
    }

    /** The broker's answer to a heartbeat. */
    public record HeartbeatAnswer(boolean draining, long heartbeatIntervalMillis, Set<UUID> logoff) {
    }

    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile String credential;

    public BrokerClient(URI base) {
        this.base = base;
    }

    public void useCredential(String credential) {
        this.credential = credential;
    }

    /** Exchanges the one-time token for the host's credential. */
    public Credentials.Credential enrol(String token, Map<String, Object> registration) throws IOException {
        Map<String, Object> body = new java.util.LinkedHashMap<>(registration);
        body.put("token", token);
        JsonNode n = send("POST", "/api/v1/agent/enrol", body, Duration.ofSeconds(30), false);
        return new Credentials.Credential(UUID.fromString(n.get("hostId").asString()), n.get("hostName").asString(),
                n.get("credential").asString());
    }

    public HeartbeatAnswer heartbeat(Map<String, Object> heartbeat) throws IOException {
        JsonNode n = send("POST", "/api/v1/agent/heartbeat", heartbeat, Duration.ofSeconds(20), true);
        Set<UUID> logoff = new HashSet<>();
        n.get("logoff").forEach(id -> logoff.add(UUID.fromString(id.asString())));
        return new HeartbeatAnswer(n.get("draining").asBoolean(), n.get("heartbeatIntervalMillis").asLong(), logoff);
    }

    /** Waits up to {@code wait} for commands (a long poll). */
    public List<Command> commands(Duration wait) throws IOException {
        JsonNode n = send("GET", "/api/v1/agent/commands?waitMillis=" + wait.toMillis(), null, wait.plusSeconds(20), true);
        List<Command> out = new ArrayList<>();
        n.forEach(c -> out.add(new Command(c.get("id").asLong(), c.get("kind").asString(),
                c.hasNonNull("sessionId") ? UUID.fromString(c.get("sessionId").asString()) : null, c.get("payload"))));
        return out;
    }

    public void acknowledge(long commandId) throws IOException {
        send("POST", "/api/v1/agent/commands/" + commandId + "/ack", null, Duration.ofSeconds(20), true);
    }

    /**
     * Tells the broker what the agent does about a POWER_OFF command: {@code POWERING_OFF} (asks leave to run the
     * power-off command) or {@code REFUSED} (it does not power off, with why).
     *
     * @return whether the agent may run its power-off command
     */
    public boolean power(String state, String detail) throws IOException {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("state", state);
        body.put("detail", detail);
        JsonNode n = send("POST", "/api/v1/agent/power", body, Duration.ofSeconds(20), true);
        return n.get("proceed").asBoolean();
    }

    /** @return false when the broker does not know the session as live here (log it off) */
    public boolean report(UUID sessionId, Map<String, Object> report) throws IOException {
        JsonNode n = send("POST", "/api/v1/agent/sessions/" + sessionId + "/report", report, Duration.ofSeconds(20), true);
        return n.get("known").asBoolean();
    }

    private JsonNode send(String method, String path, Object body, Duration timeout, boolean authenticated)
            throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
                .header("Accept", "application/json");
        if (authenticated) {
            if (credential == null) {
                throw new IllegalStateException("not enrolled");
            }
            b.header("Authorization", "Bearer " + credential);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } else {
            b.method(method, method.equals("GET") ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(""));
        }
        HttpResponse<String> r;
        try {
            r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (r.statusCode() == 401) {
            throw new CredentialRefused(detail(r.body()));
        }
        if (r.statusCode() >= 300) {
            throw new IOException(method + " " + path + " → HTTP " + r.statusCode() + ": " + detail(r.body()));
        }
        return r.body() == null || r.body().isBlank() ? JSON.missingNode() : JSON.readTree(r.body());
    }

    private static String detail(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            return n.has("detail") ? n.get("detail").asString() : body;
        } catch (RuntimeException e) {
            return body;
        }
    }
}
