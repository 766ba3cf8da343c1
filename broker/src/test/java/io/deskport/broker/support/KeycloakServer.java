package io.deskport.broker.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A real Keycloak for tests: one per test JVM, started on first use from the Maven Central distribution that
 * {@code dev/keycloak fetch} caches under {@code ./data/keycloak/}, on a free loopback port with an in-memory
 * database, with the test realms of {@code src/test/resources/keycloak/} imported, stopped when the JVM exits.
 *
 * <p>The realms: {@value #PLATFORM_REALM} (the platform realm; organizations {@code acme}, {@code globex},
 * {@code platform}; tenant groups under {@code /<alias>/}) and {@value #DEDICATED_REALM} (a tenant with a realm of
 * its own). Every user's password is {@value #PASSWORD}; the broker's client is {@value #CLIENT_ID} with secret
 * {@value #CLIENT_SECRET} in both; the master realm has the broker's admin client {@value #ADMIN_CLIENT_ID}.
 * Tests share the server: a test that disables, signs out or changes something creates its own user
 * ({@link #createUser}) or puts back what it changed.
 */
public final class KeycloakServer {

    public static final String VERSION = "26.7.3";
    public static final String PLATFORM_REALM = "deskport";
    public static final String DEDICATED_REALM = "initech";
    public static final String PASSWORD = "Passw0rd-test!";
    public static final String CLIENT_ID = "deskport";
    public static final String CLIENT_SECRET = "deskport-test-secret";
    public static final String ADMIN_CLIENT_ID = "deskport-admin";
    public static final String ADMIN_CLIENT_SECRET = "deskport-admin-test-secret";
    private static final List<String> REALM_FILES = List.of("/keycloak/deskport-realm.json", "/keycloak/initech-realm.json");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static KeycloakServer instance;

    /**
     * Tokens from the token endpoint.
     *
     * @param sid    the session id ({@code sid} of the access token; null for client credentials)
     * @param claims the access token's claims
     */
    public record Tokens(String access, String refresh, String id, String sid, Map<String, Object> claims) {
    }

    /** The token endpoint refused: {@code error} and {@code error_description} as Keycloak sent them. */
    public static final class Refused extends RuntimeException {
        private final int status;
        private final String error;

        Refused(int status, String error, String description) {
            super(status + " " + error + ": " + description);
            this.status = status;
            this.error = error;
        }

        public int status() {
            return status;
        }

        public String error() {
            return error;
        }
    }

    private final String url;
    private final Process process;
    private final Path log;
    private final String adminPassword;
    private final Duration startedIn;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private KeycloakServer(String url, Process process, Path log, String adminPassword, Duration startedIn) {
        this.url = url;
        this.process = process;
        this.log = log;
        this.adminPassword = adminPassword;
        this.startedIn = startedIn;
    }

    /**
     * The broker's settings for this server's platform realm (its url, realm, client and admin client), plus
     * {@code more} (name, value, ...): what a test registers as dynamic properties, or passes to a second broker.
     */
    public java.util.Map<String, String> brokerSettings(String... more) {
        java.util.Map<String, String> s = new java.util.LinkedHashMap<>();
        s.put("deskport.identity.keycloak.url", url);
        s.put("deskport.identity.keycloak.realm", PLATFORM_REALM);
        s.put("deskport.identity.keycloak.client-id", CLIENT_ID);
        s.put("deskport.identity.keycloak.client-secret", CLIENT_SECRET);
        s.put("deskport.identity.keycloak.admin-realm", "master");
        s.put("deskport.identity.keycloak.admin-client-id", ADMIN_CLIENT_ID);
        s.put("deskport.identity.keycloak.admin-client-secret", ADMIN_CLIENT_SECRET);
        for (int i = 0; i + 1 < more.length; i += 2) {
            s.put(more[i], more[i + 1]);
        }
        return s;
    }

    /** The server of this JVM, started (and the test realms imported) on the first call. */
    public static synchronized KeycloakServer get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    private static KeycloakServer start() {
        Path root = repositoryRoot();
        Path home = distribution(root);
        int port = freePort();
        String adminPassword = UUID.randomUUID().toString();
        Path logDir = Files.isDirectory(root.resolve("broker/target")) ? root.resolve("broker/target") : root.resolve("data/keycloak");
        Path log = logDir.resolve("keycloak-test-" + port + ".log");
        // the same build options as dev/keycloak (start-dev, H2), so the distribution is not re-augmented between the
        // two; only the database URL differs: in memory, named per run, so runs never see each other's state
        ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-host=127.0.0.1", "--http-port=" + port,
                "--db-url=jdbc:h2:mem:deskport-" + port + ";NON_KEYWORDS=VALUE;DB_CLOSE_DELAY=-1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullFile()));
        Map<String, String> env = pb.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
        // a small heap: tests run beside PostgreSQL, QEMU and Xvnc
        env.put("JAVA_OPTS_KC_HEAP", System.getProperty("deskport.keycloak.heap", "-Xms64m -Xmx512m"));
        // C1 only: on the 2-core machine at load 12 it answered after 32 s instead of 90 s; tests need no peak speed
        // from Keycloak (-Ddeskport.keycloak.javaOpts= gives it the default compilers)
        env.put("JAVA_OPTS_APPEND", System.getProperty("deskport.keycloak.javaOpts", "-XX:TieredStopAtLevel=1"));
        long t0 = System.nanoTime();
        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + home.resolve("bin/kc.sh"), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(process), "keycloak-stop"));
        KeycloakServer server = new KeycloakServer("http://127.0.0.1:" + port, process, log, adminPassword, null);
        server.awaitReady(t0);
        server.createAdminClient();
        for (String file : REALM_FILES) {
            server.importRealm(file);
        }
        Duration startedIn = Duration.ofNanos(System.nanoTime() - t0);
        System.err.printf("KeycloakServer: Keycloak %s at %s ready with the test realms in %d ms (log %s)%n",
                VERSION, server.url, startedIn.toMillis(), log);
        return new KeycloakServer(server.url, process, log, adminPassword, startedIn);
    }

    /** Keycloak's base address, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return url;
    }

    /** How long the start took: the process until it answered, plus importing the realms. */
    public Duration startedIn() {
        return startedIn;
    }

    public String issuer(String realm) {
        return url + "/realms/" + realm;
    }

    public String jwksUri(String realm) {
        return issuer(realm) + "/protocol/openid-connect/certs";
    }

    public String tokenUri(String realm) {
        return issuer(realm) + "/protocol/openid-connect/token";
    }

    /** Signs in with a password (direct access grant of the {@value #CLIENT_ID} client), scope {@code openid} and {@code scopes}. */
    public Tokens password(String realm, String username, String password, String... scopes) {
        return token(realm, form("grant_type", "password", "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET,
                "username", username, "password", password, "scope", scope("openid", scopes)));
    }

    /** A client-credentials token of a service-account client, asking for {@code scopes} (none: its defaults). */
    public Tokens clientCredentials(String realm, String clientId, String secret, String... scopes) {
        return token(realm, form("grant_type", "client_credentials", "client_id", clientId, "client_secret", secret,
                "scope", scope(null, scopes)));
    }

    /** New tokens for the refresh token of {@code tokens} (issued to the {@value #CLIENT_ID} client). */
    public Tokens refresh(String realm, Tokens tokens) {
        return token(realm, form("grant_type", "refresh_token", "client_id", CLIENT_ID, "client_secret", CLIENT_SECRET,
                "refresh_token", tokens.refresh()));
    }

    /** A master-realm admin token (the bootstrap admin). */
    public String adminToken() {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(tokenUri("master")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form("grant_type", "password", "client_id", "admin-cli",
                        "username", "admin", "password", adminPassword))).build());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("no admin token: " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body()).path("access_token").asString();
    }

    /** The id ({@code sub}) of a user. */
    public String userId(String realm, String username) {
        JsonNode users = admin("GET", "/" + realm + "/users?exact=true&username=" + encode(username), null);
        if (users.isEmpty()) {
            throw new IllegalArgumentException("no user " + username + " in realm " + realm);
        }
        return users.get(0).path("id").asString();
    }

    /** Enables or disables a user (disabling sends no logout; Keycloak records an admin event). */
    public void setEnabled(String realm, String username, boolean enabled) {
        admin("PUT", "/" + realm + "/users/" + userId(realm, username), Map.of("enabled", enabled));
    }

    /** Ends every session of a user, as an admin does: Keycloak sends back-channel logouts to the clients. */
    public void logoutUser(String realm, String username) {
        admin("POST", "/" + realm + "/users/" + userId(realm, username) + "/logout", null);
    }

    /** Sets one attribute of a client, e.g. {@code backchannel.logout.url}. */
    public void setClientAttribute(String realm, String clientId, String name, String value) {
        ObjectNode client = (ObjectNode) client(realm, clientId);
        ObjectNode attributes = client.has("attributes") ? (ObjectNode) client.get("attributes") : client.putObject("attributes");
        attributes.put(name, value);
        admin("PUT", "/" + realm + "/clients/" + client.path("id").asString(), client);
    }

    public String clientSecret(String realm, String clientId) {
        return admin("GET", "/" + realm + "/clients/" + client(realm, clientId).path("id").asString() + "/client-secret", null)
                .path("value").asString();
    }

    /**
     * Creates a user with a password, realm roles, groups (full paths, e.g. {@code /acme/engineers}) and, when
     * {@code organizationAlias} is not null, membership of that organization.
     *
     * @return the user's id
     */
    public String createUser(String realm, String username, String email, String password, Set<String> realmRoles,
                             List<String> groups, String organizationAlias) {
        Map<String, Object> user = new LinkedHashMap<>();
        user.put("username", username);
        user.put("email", email);
        user.put("emailVerified", true);
        user.put("enabled", true);
        user.put("firstName", username);
        user.put("lastName", "Test");
        user.put("groups", groups);
        user.put("credentials", List.of(Map.of("type", "password", "value", password, "temporary", false)));
        admin("POST", "/" + realm + "/users", user);
        String id = userId(realm, username);
        List<JsonNode> roles = new ArrayList<>();
        for (String role : realmRoles) {
            roles.add(admin("GET", "/" + realm + "/roles/" + encode(role), null));
        }
        if (!roles.isEmpty()) {
            admin("POST", "/" + realm + "/users/" + id + "/role-mappings/realm", roles);
        }
        if (organizationAlias != null) {
            admin("POST", "/" + realm + "/organizations/" + organizationId(realm, organizationAlias) + "/members", id);
        }
        return id;
    }

    public String organizationId(String realm, String alias) {
        for (JsonNode org : admin("GET", "/" + realm + "/organizations?briefRepresentation=true&first=0&max=100000", null)) {
            if (alias.equals(org.path("alias").asString())) {
                return org.path("id").asString();
            }
        }
        throw new IllegalArgumentException("no organization " + alias + " in realm " + realm);
    }

    /**
     * One call of the admin REST API ({@code /admin/realms} + {@code path}) as the master realm's admin.
     *
     * @param body serialised as JSON when not null (a String becomes a JSON string)
     * @return the answer's JSON, or an empty object when it has no body
     */
    public JsonNode admin(String method, String path, Object body) {
        return admin(method, path, body, Duration.ofSeconds(30));
    }

    private JsonNode admin(String method, String path, Object body, Duration timeout) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/admin/realms" + path))
                .header("Authorization", "Bearer " + adminToken()).timeout(timeout);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        HttpResponse<String> response = send(request.build());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(method + " /admin/realms" + path + ": " + response.statusCode() + " " + response.body());
        }
        return response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }

    /** The payload of a JWT, unverified. */
    public static Map<String, Object> claims(String jwt) {
        String[] parts = jwt.split("\\.");
        @SuppressWarnings("unchecked")
        Map<String, Object> claims = JSON.readValue(Base64.getUrlDecoder().decode(parts[1]), Map.class);
        return claims;
    }

    private JsonNode client(String realm, String clientId) {
        JsonNode clients = admin("GET", "/" + realm + "/clients?clientId=" + encode(clientId), null);
        if (clients.isEmpty()) {
            throw new IllegalArgumentException("no client " + clientId + " in realm " + realm);
        }
        return clients.get(0);
    }

    private Tokens token(String realm, String form) {
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(tokenUri(realm)))
                .header("Content-Type", "application/x-www-form-urlencoded").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        JsonNode body = JSON.readTree(response.body());
        if (response.statusCode() != 200) {
            throw new Refused(response.statusCode(), body.path("error").asString(), body.path("error_description").asString());
        }
        String access = body.path("access_token").asString();
        Map<String, Object> claims = claims(access);
        return new Tokens(access, body.path("refresh_token").asString(null), body.path("id_token").asString(null),
                (String) claims.get("sid"), claims);
    }

    /**
     * Imports a realm file: the realm itself first, then its client scopes (a realm created with client scopes
     * would get none of Keycloak's defaults: profile, email, roles, organization, …), then its clients, which name
     * both kinds of scope.
     */
    private void importRealm(String resource) {
        importRealm(realmFile(resource), Duration.ofSeconds(30));
    }

    /** A realm file of the class path (e.g. {@code /keycloak/deskport-realm.json}) as JSON, for a caller to adapt. */
    public static ObjectNode realmFile(String resource) {
        try (InputStream in = KeycloakServer.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the class path");
            }
            return (ObjectNode) JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Imports a realm, as the test realms are imported (see below): for a benchmark's own realm, with its users
     * and organizations in the representation.
     *
     * @param creation how long the realm's creation may take (its users are imported with it)
     */
    public void importRealm(JsonNode realm, Duration creation) {
        String name = realm.path("realm").asString();
        ObjectNode bare = ((ObjectNode) realm).deepCopy();
        bare.remove(List.of("clientScopes", "clients"));
        admin("POST", "", bare, creation);
        for (JsonNode scope : realm.path("clientScopes")) {
            admin("POST", "/" + name + "/client-scopes", scope);
        }
        for (JsonNode client : realm.path("clients")) {
            admin("POST", "/" + name + "/clients", client);
        }
    }

    /** The broker's admin client in the master realm: client credentials, the realm-wide admin role. */
    private void createAdminClient() {
        admin("POST", "/master/clients", Map.of("clientId", ADMIN_CLIENT_ID, "enabled", true, "publicClient", false,
                "secret", ADMIN_CLIENT_SECRET, "serviceAccountsEnabled", true, "standardFlowEnabled", false,
                "directAccessGrantsEnabled", false));
        String client = client("master", ADMIN_CLIENT_ID).path("id").asString();
        String serviceAccount = admin("GET", "/master/clients/" + client + "/service-account-user", null).path("id").asString();
        admin("POST", "/master/users/" + serviceAccount + "/role-mappings/realm", List.of(admin("GET", "/master/roles/admin", null)));
    }

    private void awaitReady(long t0) {
        long deadline = t0 + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited (" + process.exitValue() + ") while starting:\n" + tail());
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url + "/realms/master"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        stop(process);
        throw new IllegalStateException("Keycloak did not answer within " + START_TIMEOUT.toSeconds() + " s:\n" + tail());
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())) + "\n(log: " + log + ")";
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** kc.sh forwards TERM to its java; the descendants are ended too, in case it cannot. */
    private static void stop(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        descendants.forEach(p -> {
            p.destroy();
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        });
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(request.method() + " " + request.uri(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The repository (the directory with {@code dev/keycloak}) from the working directory up. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("dev/keycloak"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no dev/keycloak above " + Path.of("").toAbsolutePath());
    }

    /** The unpacked distribution: {@code -Ddeskport.keycloak.home}, or the one dev/keycloak fetches (fetched now when missing). */
    private static Path distribution(Path root) {
        String configured = System.getProperty("deskport.keycloak.home", System.getenv("DESKPORT_KEYCLOAK_HOME"));
        Path home = configured != null && !configured.isBlank() ? Path.of(configured)
                : root.resolve("data/keycloak/keycloak-" + VERSION);
        if (Files.isRegularFile(home.resolve("bin/kc.sh"))) {
            return home;
        }
        if (configured == null || configured.isBlank()) {
            System.err.println("KeycloakServer: no Keycloak in " + home + "; running dev/keycloak fetch");
            try {
                Process fetch = new ProcessBuilder("bash", root.resolve("dev/keycloak").toString(), "fetch")
                        .inheritIO().start();
                if (fetch.waitFor(15, TimeUnit.MINUTES) && fetch.exitValue() == 0 && Files.isRegularFile(home.resolve("bin/kc.sh"))) {
                    return home;
                }
            } catch (IOException e) {
                // reported below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        throw new IllegalStateException("No Keycloak distribution at " + home + ": run dev/keycloak fetch (downloads "
                + "org.keycloak:keycloak-quarkus-dist:" + VERSION + ":zip from Maven Central into data/keycloak/), "
                + "or point -Ddeskport.keycloak.home at an unpacked one");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File("/dev/null");
    }

    private static String scope(String first, String... more) {
        List<String> all = new ArrayList<>();
        if (first != null) {
            all.add(first);
        }
        all.addAll(List.of(more));
        return String.join(" ", all);
    }

    private static String form(String... pairs) {
        StringBuilder form = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            if (pairs[i + 1] == null || pairs[i + 1].isEmpty()) {
                continue;
            }
            form.append(form.isEmpty() ? "" : "&").append(encode(pairs[i])).append('=').append(encode(pairs[i + 1]));
        }
        return form.toString();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
