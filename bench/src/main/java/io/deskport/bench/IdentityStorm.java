package io.deskport.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.deskport.broker.support.KeycloakServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * bench/identity-storm: the logon storm with local tokens and with tokens a real Keycloak issued (RS256, the keys
 * from its JWKS). One broker, started as bench/logon-storm starts it plus the {@code deskport.identity.keycloak.*}
 * settings of a Keycloak this program starts ({@link KeycloakServer}), holds two tenants set up alike
 * ({@link LogonStorm#setUpSite}): the local one with the storm's users made through the admin API and signed in
 * locally, and one whose slug is the alias of an organization of the Keycloak realm {@value #REALM}, its users
 * imported into Keycloak with the realm, members of the organization and of the groups {@code /<alias>/g-…} that
 * entitle them to the pools. Every Keycloak user's access token comes from Keycloak's token endpoint (password
 * grant) before anything is timed; each user then signs in to Deskport once ({@code GET /api/v1/me}: created just in
 * time, with the groups the token names). The logon storm's saturation phase ({@link LogonStorm#saturate}) then runs
 * alternately with local and with Keycloak tokens — A B A B A by default — on the same broker and database, so a
 * drift of the shared machine falls on both alike. Last line:
 * {@code identity-storm: local_connects_per_s=A keycloak_connects_per_s=B relative=R} (A, B the means of each kind's
 * phases, R = B / A).
 */
public final class IdentityStorm {

    static final String REALM = "storm";

    private final Map<String, String> opt;
    private final LogonStorm storm;
    private final BrokerClient api;
    private final StormInvariants invariants;
    private int violations;

    private IdentityStorm(Map<String, String> opt) {
        this.opt = opt;
        this.storm = new LogonStorm(opt);
        this.api = new BrokerClient(opt.get("broker"));
        this.invariants = new StormInvariants(opt.get("jdbc"), opt.get("db-user"), opt.get("db-password"));
    }

    private record Phase(int number, boolean keycloak, String loadAtStart, LogonStorm.Saturation saturation) {

        String mode() {
            return keycloak ? "keycloak" : "local";
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> own = new HashMap<>(Map.of("users", "4000", "pairs", "2", "warmup-rounds", "2",
                "settle-seconds", "60", "token-clients", "8", "work", "bench/target/identity-storm"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            own.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path work = Path.of(own.get("work"));
        int users = Integer.parseInt(own.get("users"));
        int perKind = Integer.parseInt(own.getOrDefault("pools-per-kind", "4"));
        System.out.printf("load average at start: %s%n", LicensingBench.loadAverage());

        // Keycloak first: the broker is started with its address, and the storm's realm is there before it
        long t0 = System.nanoTime();
        KeycloakServer kc = KeycloakServer.get();
        System.out.printf("keycloak: %s up with the test realms in %.1f s%n", kc.url(), kc.startedIn().toMillis() / 1e3);
        String slug = "kstorm-" + Long.toHexString(System.currentTimeMillis());
        long t1 = System.nanoTime();
        kc.importRealm(stormRealm(slug, users, LogonStorm.groupNames(perKind)), Duration.ofMinutes(20));
        System.out.printf("keycloak: realm %s with organization %s and %d users imported in %.1f s%n", REALM, slug,
                users, (System.nanoTime() - t1) / 1e9);

        String operatorPassword = "bench-" + UUID.randomUUID();
        try (StormBroker broker = StormBroker.start(work, operatorPassword, List.of(
                "--deskport.identity.keycloak.url=" + kc.url(),
                "--deskport.identity.keycloak.realm=" + REALM,
                "--deskport.identity.keycloak.client-id=" + KeycloakServer.CLIENT_ID,
                "--deskport.identity.keycloak.client-secret=" + KeycloakServer.CLIENT_SECRET,
                "--deskport.identity.keycloak.admin-realm=master",
                "--deskport.identity.keycloak.admin-client-id=" + KeycloakServer.ADMIN_CLIENT_ID,
                "--deskport.identity.keycloak.admin-client-secret=" + KeycloakServer.ADMIN_CLIENT_SECRET))) {
            Map<String, String> found = new HashMap<>(own);
            found.putAll(Map.of("broker", broker.url(), "jdbc", broker.jdbcUrl(), "db-user", "postgres",
                    "db-password", broker.databasePassword(), "operator-password", operatorPassword,
                    "broker-pid", Long.toString(broker.pid()), "postgres-pid", Long.toString(broker.postgresPid())));
            System.out.printf("broker: %s (pid %d), set-up so far %.1f s%n", broker.url(), broker.pid(),
                    (System.nanoTime() - t0) / 1e9);
            new IdentityStorm(LogonStorm.options(args, found)).run(kc, slug);
        }
    }

    private void run(KeycloakServer kc, String slug) throws Exception {
        LogonStorm.Estate local = storm.setUp();
        LogonStorm.Estate keycloak = keycloakEstate(kc, slug);
        int users = local.users();

        // warm-up, not measured: every user of both tenants connects and logs off, so that both paths are compiled,
        // each PERSISTENT pool's users have their desktops and every Keycloak token has been verified once
        int rounds = Integer.parseInt(opt.get("warmup-rounds"));
        storm.warmUp(local, users, rounds);
        storm.warmUp(keycloak, users, rounds);
        violations += invariants.check("warm-up");

        int pairs = Integer.parseInt(opt.get("pairs"));
        List<Phase> phases = new ArrayList<>();
        for (int n = 1; n <= 2 * pairs + 1; n++) {
            boolean kcPhase = n % 2 == 0;
            LogonStorm.Estate estate = kcPhase ? keycloak : local;
            LicensingBench.settle(opt);
            String load = LicensingBench.loadAverage();
            System.out.printf("%n--- phase %d: %s (load average %s)%n", n,
                    kcPhase ? "Keycloak tokens (RS256)" : "local tokens (HS256)", load);
            LogonStorm.Saturation s = storm.saturate(estate);
            phases.add(new Phase(n, kcPhase, load, s));
            String label = "phase " + n + " (" + (kcPhase ? "keycloak" : "local") + ")";
            violations += LogonStorm.unexpected(s.outcomes(), label);
            violations += invariants.check(label);
            violations += storm.expectLive(estate.tenant(), users, label);
            storm.logOff(estate, s.outcomes());
            violations += storm.expectLive(estate.tenant(), 0, label + ", logged off");
        }

        summary(phases);
        System.out.printf("load average at end: %s%n", LicensingBench.loadAverage());
        System.out.printf("violations: %d%n", violations);
        double a = mean(phases, false);
        double b = mean(phases, true);
        System.out.printf("identity-storm: local_connects_per_s=%.0f keycloak_connects_per_s=%.0f relative=%.2f%n",
                a, b, b / a);
    }

    /**
     * The Keycloak tenant: the same site as the local one under the organization's alias, no users made in Deskport;
     * each user's token from Keycloak, then one sign-in each (the user and their group memberships created from it).
     */
    private LogonStorm.Estate keycloakEstate(KeycloakServer kc, String slug) throws Exception {
        int users = Integer.parseInt(opt.get("users"));
        long t0 = System.nanoTime();
        LogonStorm.Site site = storm.setUpSite(storm.operator(), slug, "Identity storm");
        String[] tokens = new String[users];
        long t1 = System.nanoTime();
        LogonStorm.parallel(Integer.parseInt(opt.get("token-clients")), users,
                u -> tokens[u] = kc.password(REALM, username(u, slug), KeycloakServer.PASSWORD).access());
        double tokenSeconds = (System.nanoTime() - t1) / 1e9;
        Map<String, Object> claims = KeycloakServer.claims(tokens[0]);
        long lifetime = ((Number) claims.get("exp")).longValue() - ((Number) claims.get("iat")).longValue();
        System.out.printf("keycloak: %d access tokens (password grant, %s clients) in %.1f s = %.0f/s; a token: %d bytes,"
                        + " %s, organization %s, groups %s, valid %d s%n", users, opt.get("token-clients"), tokenSeconds,
                users / tokenSeconds, tokens[0].length(), new String(java.util.Base64.getUrlDecoder()
                        .decode(tokens[0].substring(0, tokens[0].indexOf('.')))), claims.get("organization"),
                claims.get("groups"), lifetime);
        if (lifetime < 3000) {
            throw new IllegalStateException("the realm's tokens live " + lifetime + " s: too short for the run");
        }
        long t2 = System.nanoTime();
        LogonStorm.parallel(Integer.parseInt(opt.get("setup-clients")), users,
                u -> api.expect(200, "GET", "/api/v1/me", tokens[u], null, null));
        System.out.printf("set-up: tenant %s (Keycloak organization), %d pools, %d users signed in once (just in time) "
                        + "in %.1f s; %.1f s in all%n", slug, site.pools().size(), users, (System.nanoTime() - t2) / 1e9,
                (System.nanoTime() - t0) / 1e9);
        return new LogonStorm.Estate(site.tenant(), slug, site.pools(), tokens);
    }

    static String username(int u, String slug) {
        return "user" + u + "@" + slug + ".test";
    }

    /**
     * The storm's realm: the test realm's roles, client scopes and the broker's client {@value KeycloakServer#CLIENT_ID}
     * (its audience, groups and organization mappers), tokens that live an hour, one organization whose alias is the
     * tenant's slug with {@code users} members, each in one of the groups {@code /<slug>/<group>} (user {@code u} in
     * group {@code u % groups}, as the local tenant's users). Passwords are stored hashed already, with one PBKDF2 iteration (the
     * realm's policy too): the import and the password grants measure nothing here, and hashing each user's
     * password at the import took 169 ms per user on this machine (1,000 users: 169 s).
     */
    static ObjectNode stormRealm(String slug, int users, List<String> groups) {
        ObjectNode realm = KeycloakServer.realmFile("/keycloak/deskport-realm.json");
        realm.put("realm", REALM);
        realm.put("displayName", "Deskport identity storm");
        realm.put("accessTokenLifespan", 3600);
        realm.put("ssoSessionIdleTimeout", 7200);
        realm.put("ssoSessionMaxLifespan", 36000);
        realm.put("passwordPolicy", "hashAlgorithm(pbkdf2-sha256) and hashIterations(1)");
        ArrayNode clients = realm.putArray("clients");
        for (JsonNode c : KeycloakServer.realmFile("/keycloak/deskport-realm.json").path("clients")) {
            if (KeycloakServer.CLIENT_ID.equals(c.path("clientId").asString())) {
                clients.add(c);
            }
        }
        ObjectNode top = realm.putArray("groups").addObject().put("name", slug);
        ArrayNode sub = top.putArray("subGroups");
        groups.forEach(g -> sub.addObject().put("name", g));
        ArrayNode people = realm.putArray("users");
        ObjectNode org = realm.putArray("organizations").addObject().put("name", "Identity storm " + slug)
                .put("alias", slug).put("enabled", true);
        org.putArray("domains").addObject().put("name", slug + ".test");
        ArrayNode members = org.putArray("members");
        String secretData = hashedPassword(KeycloakServer.PASSWORD);
        for (int u = 0; u < users; u++) {
            String name = username(u, slug);
            ObjectNode user = people.addObject().put("username", name).put("email", name).put("emailVerified", true)
                    .put("enabled", true).put("firstName", "User" + u).put("lastName", "Storm");
            user.putArray("credentials").addObject().put("type", "password").put("secretData", secretData)
                    .put("credentialData", "{\"hashIterations\":1,\"algorithm\":\"pbkdf2-sha256\",\"additionalParameters\":{}}")
                    .put("temporary", false);
            user.putArray("realmRoles").add("USER");
            user.putArray("groups").add("/" + slug + "/" + groups.get(u % groups.size()));
            members.addObject().put("username", name);
        }
        return realm;
    }

    /**
     * A password as Keycloak stores it with the realm's policy (PBKDF2-SHA256, one iteration, a 256-bit key), so the
     * import stores it as it is instead of hashing it for every user.
     */
    static String hashedPassword(String password) {
        try {
            byte[] salt = new byte[16];
            new java.security.SecureRandom().nextBytes(salt);
            byte[] key = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(
                    new javax.crypto.spec.PBEKeySpec(password.toCharArray(), salt, 1, 256)).getEncoded();
            java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
            return "{\"value\":\"" + b64.encodeToString(key) + "\",\"salt\":\"" + b64.encodeToString(salt)
                    + "\",\"additionalParameters\":{}}";
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void summary(List<Phase> phases) {
        System.out.printf("%nphase  mode       connects/s   p50 ms   p99 ms  OVERLOADED   cpu per connect: broker  postgres  client"
                + "   load average at start%n");
        for (Phase p : phases) {
            long[] lat = LogonStorm.latencies(p.saturation().outcomes());
            System.out.printf("%5d  %-9s %11.0f %8.1f %8.1f %11d %24.2f %9.2f %7.2f   %s%n", p.number(), p.mode(),
                    p.saturation().connectsPerS(), LogonStorm.pct(lat, 50), LogonStorm.pct(lat, 99),
                    p.saturation().overloaded(), p.saturation().brokerCpuMs(), p.saturation().postgresCpuMs(),
                    p.saturation().clientCpuMs(), p.loadAtStart());
        }
        StringBuilder each = new StringBuilder();
        for (int i = 1; i + 1 < phases.size(); i += 2) {
            double around = (phases.get(i - 1).saturation().connectsPerS() + phases.get(i + 1).saturation().connectsPerS()) / 2;
            each.append(each.isEmpty() ? "" : ", ").append(String.format("phase %d %.2f", phases.get(i).number(),
                    phases.get(i).saturation().connectsPerS() / around));
        }
        System.out.printf("each Keycloak phase / the mean of the local phases either side: %s%n", each);
        System.out.printf("mean cpu per connect: local broker %.2f ms, postgres %.2f ms; keycloak broker %.2f ms, postgres %.2f ms%n",
                meanOf(phases, false, p -> p.saturation().brokerCpuMs()), meanOf(phases, false, p -> p.saturation().postgresCpuMs()),
                meanOf(phases, true, p -> p.saturation().brokerCpuMs()), meanOf(phases, true, p -> p.saturation().postgresCpuMs()));
        System.out.printf("local phases: %s; keycloak phases: %s connects/s%n", rates(phases, false), rates(phases, true));
    }

    private static String rates(List<Phase> phases, boolean keycloak) {
        return Arrays.toString(phases.stream().filter(p -> p.keycloak() == keycloak)
                .mapToLong(p -> Math.round(p.saturation().connectsPerS())).toArray());
    }

    private static double mean(List<Phase> phases, boolean keycloak) {
        return meanOf(phases, keycloak, p -> p.saturation().connectsPerS());
    }

    private static double meanOf(List<Phase> phases, boolean keycloak, java.util.function.ToDoubleFunction<Phase> f) {
        return phases.stream().filter(p -> p.keycloak() == keycloak).mapToDouble(f).average().orElse(Double.NaN);
    }

    /**
     * The broker as bench/logon-storm starts it (its exec jar, the same heap, collector and settings, a fresh embedded
     * PostgreSQL) plus further arguments; {@code BROKER_JAVA_OPTS} and {@code BROKER_ARGS} as for bench/logon-storm.
     */
    private record StormBroker(Process process, int port, int pgPort, Path work) implements AutoCloseable {

        static StormBroker start(Path work, String operatorPassword, List<String> more) throws Exception {
            Files.createDirectories(work);
            int port = freePort();
            int pgPort = freePort();
            Path jar;
            try (var jars = Files.list(Path.of("broker/target"))) {
                jar = jars.filter(p -> p.getFileName().toString().matches("deskport-broker-.*-exec\\.jar")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("no broker/target/deskport-broker-*-exec.jar: build first"));
            }
            List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-Xms1g", "-Xmx2g", "-XX:+UseParallelGC"));
            cmd.addAll(words(System.getenv("BROKER_JAVA_OPTS")));
            cmd.addAll(List.of("-jar", jar.toString(), "--server.port=" + port,
                    "--deskport.database.embedded.data-dir=" + work.resolve("postgres"),
                    "--deskport.database.embedded.port=" + pgPort,
                    "--deskport.demo.enabled=false",
                    "--deskport.bootstrap.operator-password=" + operatorPassword,
                    "--deskport.identity.password-hash-strength=4",
                    "--deskport.consoles.check-on-registration=false",
                    "--logging.level.root=warn"));
            cmd.addAll(more);
            cmd.addAll(words(System.getenv("BROKER_ARGS")));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(work.resolve("broker.log").toFile()).start();
            StormBroker b = new StormBroker(p, port, pgPort, work);
            Runtime.getRuntime().addShutdownHook(new Thread(b::stop, "broker-stop"));
            b.awaitHealthy();
            return b;
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        String jdbcUrl() {
            return "jdbc:postgresql://127.0.0.1:" + pgPort + "/deskport";
        }

        long pid() {
            return process.pid();
        }

        String databasePassword() throws IOException {
            return Files.readString(work.resolve("postgres/superuser-password")).strip();
        }

        long postgresPid() throws IOException {
            return Long.parseLong(Files.readAllLines(work.resolve("postgres/cluster/postmaster.pid")).getFirst().strip());
        }

        private void awaitHealthy() throws Exception {
            HttpClient http = HttpClient.newHttpClient();
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the broker died while starting; see " + work.resolve("broker.log"));
                }
                try {
                    if (http.send(HttpRequest.newBuilder(URI.create(url() + "/actuator/health")).timeout(Duration.ofSeconds(2))
                            .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(500);
            }
            throw new IllegalStateException("the broker did not start in 3 minutes; see " + work.resolve("broker.log"));
        }

        private void stop() {
            process.destroy();
            try {
                if (!process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            stop();
        }

        private static List<String> words(String s) {
            return s == null || s.isBlank() ? List.of() : List.of(s.strip().split("\\s+"));
        }

        private static int freePort() throws IOException {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                return s.getLocalPort();
            }
        }
    }
}
