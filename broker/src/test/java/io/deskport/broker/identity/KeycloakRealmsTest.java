package io.deskport.broker.identity;

import static io.deskport.broker.support.KeycloakServer.DEDICATED_REALM;
import static io.deskport.broker.support.KeycloakServer.PASSWORD;
import static io.deskport.broker.support.KeycloakServer.PLATFORM_REALM;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.deskport.broker.support.KeycloakServer;
import io.deskport.broker.support.KeycloakServer.Refused;
import io.deskport.broker.support.KeycloakServer.Tokens;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The test realms are what the broker relies on: tokens of the platform realm name the user's organization, roles
 * and groups; a dedicated realm issues its own; service accounts get only the scopes they are granted; a disabled
 * user gets no token; an admin ending a user's sessions sends a signed back-channel logout.
 */
class KeycloakRealmsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static KeycloakServer keycloak;

    @BeforeAll
    static void start() {
        keycloak = KeycloakServer.get();
    }

    @Test
    void aPlatformRealmTokenNamesTheIssuerAudienceOrganizationRolesGroupsAndSession() {
        Tokens alice = keycloak.password(PLATFORM_REALM, "alice@acme.test", PASSWORD);

        assertThat(alice.claims()).containsEntry("iss", keycloak.issuer(PLATFORM_REALM))
                .containsEntry("preferred_username", "alice@acme.test").containsEntry("email", "alice@acme.test")
                .containsEntry("organization", List.of("acme")).containsEntry("groups", List.of("/acme/engineers"));
        assertThat(audience(alice)).contains("deskport");
        assertThat(realmRoles(alice)).contains("USER").doesNotContain("TENANT_ADMIN", "PLATFORM_ADMIN", "HELPDESK");
        assertThat(alice.sid()).isNotBlank();
        assertThat(alice.id()).isNotBlank();
        assertThat(KeycloakServer.claims(alice.id())).containsEntry("sid", alice.sid());
    }

    @Test
    void eachUserCarriesTheOrganizationAndRoleOfItsTenant() {
        record Expected(String username, String organization, String role, List<String> groups) {
        }
        for (Expected e : List.of(new Expected("adam@acme.test", "acme", "TENANT_ADMIN", List.of()),
                new Expected("hal@acme.test", "acme", "HELPDESK", List.of()),
                new Expected("gina@globex.test", "globex", "USER", List.of("/globex/engineers")),
                new Expected("gil@globex.test", "globex", "TENANT_ADMIN", List.of()),
                new Expected("ops@platform.test", "platform", "PLATFORM_ADMIN", List.of()))) {
            Tokens tokens = keycloak.password(PLATFORM_REALM, e.username(), PASSWORD);
            assertThat(tokens.claims().get("organization")).as(e.username()).isEqualTo(List.of(e.organization()));
            assertThat(realmRoles(tokens)).as(e.username()).contains(e.role());
            assertThat(tokens.claims().getOrDefault("groups", List.of())).as(e.username()).isEqualTo(e.groups());
        }
    }

    @Test
    void aDedicatedRealmIssuesItsOwnTokensForTheSameClient() {
        Tokens iris = keycloak.password(DEDICATED_REALM, "iris@initech.test", PASSWORD);

        assertThat(iris.claims()).containsEntry("iss", keycloak.issuer(DEDICATED_REALM))
                .containsEntry("groups", List.of("/engineers")).doesNotContainKey("organization");
        assertThat(audience(iris)).contains("deskport");
        assertThat(realmRoles(iris)).contains("USER");
        assertThat(realmRoles(keycloak.password(DEDICATED_REALM, "ian@initech.test", PASSWORD))).contains("TENANT_ADMIN");
        assertThatThrownBy(() -> keycloak.password(PLATFORM_REALM, "iris@initech.test", PASSWORD)).isInstanceOf(Refused.class);
    }

    @Test
    void theRefreshTokenGivesNewTokensOfTheSameSession() {
        Tokens first = keycloak.password(PLATFORM_REALM, "gina@globex.test", PASSWORD);
        Tokens refreshed = keycloak.refresh(PLATFORM_REALM, first);

        assertThat(refreshed.access()).isNotEqualTo(first.access());
        assertThat(refreshed.sid()).isEqualTo(first.sid());
    }

    @Test
    void aServiceAccountCarriesAGrantedScopeOnlyWhenItAsksForIt() {
        String secret = keycloak.clientSecret(PLATFORM_REALM, "acme-billing");

        Tokens plain = keycloak.clientCredentials(PLATFORM_REALM, "acme-billing", secret);
        Tokens usage = keycloak.clientCredentials(PLATFORM_REALM, "acme-billing", secret, "usage:read");

        assertThat(scopes(plain)).doesNotContain("usage:read", "admin:read");
        assertThat(scopes(usage)).contains("usage:read").doesNotContain("admin:read");
        assertThat(usage.claims()).containsEntry("azp", "acme-billing").containsEntry("iss", keycloak.issuer(PLATFORM_REALM));
        assertThat(audience(usage)).contains("deskport");
        assertThat(usage.sid()).isNull();
    }

    @Test
    void aServiceAccountIsRefusedAScopeItWasNotGranted() {
        String secret = keycloak.clientSecret(PLATFORM_REALM, "acme-billing");

        assertThatThrownBy(() -> keycloak.clientCredentials(PLATFORM_REALM, "acme-billing", secret, "admin:write"))
                .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.error()).isEqualTo("invalid_scope"));
        assertThatThrownBy(() -> keycloak.clientCredentials(PLATFORM_REALM, "globex-billing",
                keycloak.clientSecret(PLATFORM_REALM, "globex-billing"), "admin:read")).isInstanceOf(Refused.class);
        assertThat(scopes(keycloak.clientCredentials(DEDICATED_REALM, "initech-billing",
                keycloak.clientSecret(DEDICATED_REALM, "initech-billing"), "admin:write"))).contains("admin:write");
    }

    @Test
    void aDisabledUserGetsNoTokenAndItsDisablingIsAnAdminEvent() {
        String id = keycloak.createUser(PLATFORM_REALM, "dora@acme.test", "dora@acme.test", PASSWORD, Set.of("USER"),
                List.of("/acme/finance"), "acme");
        Tokens before = keycloak.password(PLATFORM_REALM, "dora@acme.test", PASSWORD);
        assertThat(before.claims()).containsEntry("organization", List.of("acme")).containsEntry("groups", List.of("/acme/finance"))
                .containsEntry("sub", id);

        keycloak.setEnabled(PLATFORM_REALM, "dora@acme.test", false);

        assertThatThrownBy(() -> keycloak.password(PLATFORM_REALM, "dora@acme.test", PASSWORD))
                .isInstanceOfSatisfying(Refused.class, r -> assertThat(r.status()).isEqualTo(400));
        assertThatThrownBy(() -> keycloak.refresh(PLATFORM_REALM, before)).isInstanceOf(Refused.class);
        JsonNode events = keycloak.admin("GET", "/" + PLATFORM_REALM + "/admin-events?resourceTypes=USER&operationTypes=UPDATE", null);
        assertThat(events.findValuesAsString("resourcePath")).contains("users/" + id);
    }

    @Test
    void anAdminEndingAUsersSessionsSendsASignedBackChannelLogout() throws Exception {
        ConcurrentLinkedQueue<String> logoutTokens = new ConcurrentLinkedQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/backchannel-logout", exchange -> {
            String form = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            for (String pair : form.split("&")) {
                if (pair.startsWith("logout_token=")) {
                    logoutTokens.add(URLDecoder.decode(pair.substring("logout_token=".length()), StandardCharsets.UTF_8));
                }
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        String user = "bert@globex.test";
        String id = keycloak.createUser(PLATFORM_REALM, user, user, PASSWORD, Set.of("USER"), List.of(), "globex");
        try {
            keycloak.setClientAttribute(PLATFORM_REALM, "deskport", "backchannel.logout.url",
                    "http://127.0.0.1:" + receiver.getAddress().getPort() + "/backchannel-logout");
            Tokens session = keycloak.password(PLATFORM_REALM, user, PASSWORD);

            keycloak.logoutUser(PLATFORM_REALM, user);

            await().atMost(Duration.ofSeconds(15)).until(() -> !logoutTokens.isEmpty());
            String token = logoutTokens.peek();
            Map<String, Object> claims = KeycloakServer.claims(token);
            assertThat(claims).containsEntry("sid", session.sid()).containsEntry("sub", id)
                    .containsEntry("iss", keycloak.issuer(PLATFORM_REALM)).containsKey("events").doesNotContainKey("nonce");
            assertThat(((Map<?, ?>) claims.get("events")).keySet().stream().map(String::valueOf).toList())
                    .contains("http://schemas.openid.net/event/backchannel-logout");
            assertThat(signedByRealmKey(token, PLATFORM_REALM)).as("RS256 signature by a key of the realm's JWKS").isTrue();
            assertThatThrownBy(() -> keycloak.refresh(PLATFORM_REALM, session)).isInstanceOf(Refused.class);
        } finally {
            keycloak.setClientAttribute(PLATFORM_REALM, "deskport", "backchannel.logout.url", "");
            receiver.stop(0);
        }
    }

    @Test
    void theBrokersAdminClientManagesRealmsWithClientCredentials() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(keycloak.tokenUri("master")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id="
                        + KeycloakServer.ADMIN_CLIENT_ID + "&client_secret=" + KeycloakServer.ADMIN_CLIENT_SECRET)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(token.statusCode()).isEqualTo(200);
        String access = JSON.readTree(token.body()).path("access_token").asString();

        HttpResponse<String> organizations = http.send(HttpRequest.newBuilder(URI.create(keycloak.url() + "/admin/realms/"
                + PLATFORM_REALM + "/organizations")).header("Authorization", "Bearer " + access).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(organizations.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(organizations.body()).findValuesAsString("alias")).contains("acme", "globex", "platform");
    }

    @Test
    void theBrokersClientAcceptsLoopbackRedirectsOnAnyPortOnly() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        String auth = keycloak.issuer(PLATFORM_REALM) + "/protocol/openid-connect/auth?client_id=deskport&response_type=code"
                + "&scope=openid&code_challenge_method=S256&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&redirect_uri=";
        for (String allowed : List.of("http://127.0.0.1:43123/login/oauth2/code/keycloak", "http://localhost:8080/login/oauth2/code/keycloak")) {
            assertThat(http.send(HttpRequest.newBuilder(URI.create(auth + allowed)).build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode()).as(allowed).isIn(200, 302);
        }
        assertThat(http.send(HttpRequest.newBuilder(URI.create(auth + "http://elsewhere.test:8080/login")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(400);
    }

    private static List<String> audience(Tokens tokens) {
        Object aud = tokens.claims().get("aud");
        return aud instanceof List<?> list ? list.stream().map(String::valueOf).toList() : List.of(String.valueOf(aud));
    }

    @SuppressWarnings("unchecked")
    private static List<String> realmRoles(Tokens tokens) {
        Map<String, Object> realmAccess = (Map<String, Object>) tokens.claims().getOrDefault("realm_access", Map.of());
        return (List<String>) realmAccess.getOrDefault("roles", List.of());
    }

    private static List<String> scopes(Tokens tokens) {
        return List.of(String.valueOf(tokens.claims().getOrDefault("scope", "")).split(" "));
    }

    /** Checks a JWT's RS256 signature against the key of the realm's JWKS that its header names. */
    private static boolean signedByRealmKey(String jwt, String realm) throws IOException, InterruptedException,
            java.security.GeneralSecurityException {
        String[] parts = jwt.split("\\.");
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(parts[0]));
        assertThat(header.path("alg").asString()).isEqualTo("RS256");
        JsonNode jwks = JSON.readTree(HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(keycloak.jwksUri(realm)))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode key : jwks.path("keys")) {
            if (key.path("kid").asString().equals(header.path("kid").asString())) {
                PublicKey publicKey = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                        new BigInteger(1, Base64.getUrlDecoder().decode(key.path("n").asString())),
                        new BigInteger(1, Base64.getUrlDecoder().decode(key.path("e").asString()))));
                Signature signature = Signature.getInstance("SHA256withRSA");
                signature.initVerify(publicKey);
                signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
                return signature.verify(Base64.getUrlDecoder().decode(parts[2]));
            }
        }
        return false;
    }
}
