package io.deskport.broker.identity;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.KeycloakServer;
import io.deskport.broker.support.SecondBroker;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

/**
 * Keycloak as the identity broker, against a real Keycloak (one per test JVM, {@link KeycloakServer}): tokens of two
 * organizations of the platform realm and of a tenant with a realm of its own reach their own tenant and nothing
 * else; roles and groups map; users appear on first sign-in; service accounts are held to their scopes; bad tokens
 * are 401 problem+json; a sign-out or a disabled user in Keycloak loses access on both brokers and is disconnected.
 */
@BrokerTest
class KeycloakIdentityTest {

    private static final Duration EVERY_REPLICA = Duration.ofSeconds(10);
    private static final String REALM = KeycloakServer.PLATFORM_REALM;
    private static final String PW = KeycloakServer.PASSWORD;
    static SecondBroker second;

    @DynamicPropertySource
    static void keycloak(DynamicPropertyRegistry registry) {
        KeycloakServer kc = KeycloakServer.get();
        settings(kc).forEach((k, v) -> registry.add(k, () -> v));
    }

    private static java.util.Map<String, String> settings(KeycloakServer kc) {
        return kc.brokerSettings("deskport.identity.keycloak.admin-events-interval", "1s");
    }

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    KeycloakServer kc;
    TestTenant acme;
    TestTenant globex;
    TestTenant initech;

    @BeforeAll
    static void startSecondBroker(@Autowired Environment env) {
        List<String> args = new ArrayList<>();
        settings(KeycloakServer.get()).forEach((k, v) -> args.add("--" + k + "=" + v));
        second = SecondBroker.on(env, args.toArray(String[]::new));
    }

    @AfterAll
    static void stopSecondBroker() {
        if (second != null) {
            second.close();
        }
    }

    @BeforeEach
    void tenants() {
        kc = KeycloakServer.get();
        acme = tenant("acme");
        globex = tenant("globex");
        initech = tenant("initech");
        // the dedicated realm of initech, as onboarding registers it
        jdbc.sql("insert into identity_issuer (issuer, tenant_id, realm, audience) values (?, ?, ?, ?) "
                        + "on conflict do nothing")
                .params(kc.issuer(KeycloakServer.DEDICATED_REALM), initech.id, KeycloakServer.DEDICATED_REALM,
                        KeycloakServer.CLIENT_ID).update();
    }

    private TestTenant tenant(String slug) {
        UUID existing = jdbc.sql("select id from tenant where slug = ?").param(slug).query(UUID.class).optional().orElse(null);
        if (existing != null) {
            Api anonymous = new Api(port);
            return new TestTenant(existing, slug, anonymous, anonymous.login(slug, "admin", TestTenant.PASSWORD));
        }
        return TestTenant.create(context, port, slug, 20, 20);
    }

    private Api bearer(KeycloakServer.Tokens t) {
        return new Api(port).withToken(t.access());
    }

    private Api onSecond(KeycloakServer.Tokens t) {
        return new Api(second.port()).withToken(t.access());
    }

    private static String unique(String name) {
        return name + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
    }

    @Test
    void tokensOfTwoOrganizationsReachTheirOwnTenantOnlyAndTheirUsersAppearOnFirstSignIn() {
        Api alice = bearer(kc.password(REALM, "alice@acme.test", PW));
        JsonNode me = check(alice.get("/api/v1/me"), 200).body();
        assertThat(me.get("tenantId").asString()).isEqualTo(acme.id.toString());
        assertThat(me.get("username").asString()).isEqualTo("alice@acme.test");
        assertThat(me.get("roles").toString()).isEqualTo("[\"USER\"]");
        String aliceId = me.get("userId").asString();

        // the tenant's admin (from Keycloak too) sees her, with the group the token named
        Api adam = bearer(kc.password(REALM, "adam@acme.test", PW));
        JsonNode user = check(adam.get("/api/v1/admin/users/" + aliceId), 200).body();
        assertThat(user.get("displayName").asString()).contains("Alice");
        JsonNode groups = check(adam.get("/api/v1/admin/groups"), 200).body();
        JsonNode engineers = null;
        for (JsonNode g : groups) {
            if (g.get("name").asString().equals("engineers")) {
                engineers = g;
            }
        }
        assertThat(engineers).as("the group of /acme/engineers").isNotNull();
        assertThat(engineers.get("memberIds").toString()).contains(aliceId);

        // the other organization's admin does not reach acme's user
        Api gil = bearer(kc.password(REALM, "gil@globex.test", PW));
        assertThat(check(gil.get("/api/v1/me"), 200).body().get("tenantId").asString()).isEqualTo(globex.id.toString());
        assertThat(gil.get("/api/v1/admin/users/" + aliceId).status()).isEqualTo(404);
        assertThat(gil.all("/api/v1/admin/users").stream().map(u -> u.get("id").asString())).doesNotContain(aliceId);
        // nor may a tenant admin act in another tenant by naming it
        assertThat(gil.withHeader("X-Deskport-Tenant", acme.id.toString()).get("/api/v1/admin/users").status())
                .isEqualTo(403);
        // a user is not an admin
        assertThat(alice.get("/api/v1/admin/users").status()).isEqualTo(403);
    }

    @Test
    void aGroupOfTheOrganizationEntitlesItsMembersToAPool() {
        UUID pool = acme.pool("engineering", "POOLED", null);
        acme.desktops(pool, 1, "READY");
        bearer(kc.password(REALM, "alice@acme.test", PW)).get("/api/v1/me"); // signs in once: the group exists
        UUID group = jdbc.sql("select id from user_group where tenant_id = ? and name = 'engineers'").param(acme.id)
                .query(UUID.class).single();
        acme.entitleGroup(pool, group);

        Api alice = bearer(kc.password(REALM, "alice@acme.test", PW));
        assertThat(check(alice.get("/api/v1/pools"), 200).raw()).contains(pool.toString());
        Api hal = bearer(kc.password(REALM, "hal@acme.test", PW)); // HELPDESK, not in the group
        assertThat(check(hal.get("/api/v1/pools"), 200).raw()).doesNotContain(pool.toString());
        assertThat(check(hal.get("/api/v1/admin/sessions"), 200).status()).isEqualTo(200);
        assertThat(hal.post("/api/v1/admin/pools", json("name", "x", "kind", "POOLED")).status()).isEqualTo(403);
    }

    @Test
    void aDedicatedRealmsTokensBelongToItsTenantAndCannotMakeAPlatformAdmin() {
        Api ian = bearer(kc.password(KeycloakServer.DEDICATED_REALM, "ian@initech.test", PW));
        JsonNode me = check(ian.get("/api/v1/me"), 200).body();
        assertThat(me.get("tenantId").asString()).isEqualTo(initech.id.toString());
        assertThat(me.get("roles").toString()).isEqualTo("[\"TENANT_ADMIN\"]");
        check(ian.get("/api/v1/admin/users"), 200);

        String name = unique("pretender") + "@initech.test";
        kc.createUser(KeycloakServer.DEDICATED_REALM, name, name, PW,
                Set.of("PLATFORM_ADMIN", "USER"), List.of(), null);
        Api pretender = bearer(kc.password(KeycloakServer.DEDICATED_REALM, name, PW));
        assertThat(check(pretender.get("/api/v1/me"), 200).body().get("roles").toString()).isEqualTo("[\"USER\"]");
        assertThat(pretender.get("/api/v1/admin/tenants").status()).isEqualTo(403);

        // the platform realm's platform admin is one
        Api ops = bearer(kc.password(REALM, "ops@platform.test", PW));
        assertThat(ops.get("/api/v1/me").status()).as("the platform organization has no tenant here").isEqualTo(401);
    }

    @Test
    void tamperedForeignIssuerOrganizationlessAndUnknownOrganizationTokensAre401ProblemJson() {
        KeycloakServer.Tokens alice = kc.password(REALM, "alice@acme.test", PW);
        String[] parts = alice.access().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]));
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(
                payload.replace("\"acme\"", "\"globex\"").getBytes()) + "." + parts[2];
        List<String> bad = new ArrayList<>();
        bad.add(forged); // tampered: another organization, the old signature
        bad.add(parts[0] + "." + parts[1] + "." + parts[2].substring(0, parts[2].length() - 4) + "AAAA");
        bad.add(kc.adminToken()); // a realm not trusted (master)
        // a user of no organization, and one of an organization that is no Deskport tenant
        String loner = unique("loner") + "@nowhere.test";
        kc.createUser(REALM, loner, loner, PW, Set.of("USER"), List.of(), null);
        bad.add(kc.password(REALM, loner, PW).access());
        bad.add(kc.password(REALM, "ops@platform.test", PW).access());
        for (String token : bad) {
            Api.Response res = new Api(port).withToken(token).get("/api/v1/me");
            assertThat(res.status()).as("token %s", token.substring(0, 20)).isEqualTo(401);
            assertThat(res.contentType()).startsWith("application/problem+json");
            assertThat(res.reason()).isEqualTo("UNAUTHENTICATED");
        }
    }

    @Test
    void anExpiredTokenIsRefused() {
        // a realm whose tokens live 1 s; the broker allows 60 s of clock skew, so wait past both
        String realm = KeycloakServer.DEDICATED_REALM;
        kc.admin("PUT", "/" + realm, java.util.Map.of("accessTokenLifespan", 1));
        KeycloakServer.Tokens t;
        try {
            t = kc.password(realm, "iris@initech.test", PW);
        } finally {
            kc.admin("PUT", "/" + realm, java.util.Map.of("accessTokenLifespan", 300));
        }
        check(bearer(t).get("/api/v1/me"), 200);
        await("the token expires, clock skew included").atMost(Duration.ofSeconds(80)).pollInterval(Duration.ofSeconds(2))
                .until(() -> bearer(t).get("/api/v1/me").status() == 401);
    }

    @Test
    void aServiceAccountReadsUsageAndIsRefusedElsewhere() {
        Api adam = bearer(kc.password(REALM, "adam@acme.test", PW));
        check(adam.post("/api/v1/admin/service-accounts", json("name", "Acme billing", "clientId", "acme-billing",
                "scopes", new Api.RawJson("[\"usage:read\"]"), "issuer", kc.issuer(REALM))), 201);
        Api billing = bearer(kc.clientCredentials(REALM, "acme-billing", "acme-billing-test-secret", "usage:read"));
        check(billing.get("/api/v1/usage/events"), 200);
        Api.Response refused = billing.get("/api/v1/admin/users");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.reason()).isEqualTo("SCOPE_INSUFFICIENT");
        assertThat(refused.body().get("requiredScope").asString()).isEqualTo("admin:read");
        assertThat(billing.post("/api/v1/admin/service-accounts", json("name", "more", "scopes",
                new Api.RawJson("[\"admin:write\"]"))).reason()).isEqualTo("SCOPE_INSUFFICIENT");
        assertThat(billing.get("/api/v1/pools").reason()).isEqualTo("SCOPE_INSUFFICIENT");
        // granted admin:read by Keycloak's client but not by Deskport: still refused
        Api wider = bearer(kc.clientCredentials(REALM, "acme-billing", "acme-billing-test-secret", "usage:read", "admin:read"));
        assertThat(wider.get("/api/v1/admin/users").reason()).isEqualTo("SCOPE_INSUFFICIENT");
        // a client Deskport does not know
        assertThat(bearer(kc.clientCredentials(REALM, "globex-billing", "globex-billing-test-secret", "usage:read"))
                .get("/api/v1/usage/events").status()).isEqualTo(401);
        // its usage is its tenant's: it cannot ask for every tenant's
        assertThat(billing.get("/api/v1/usage/events?allTenants=true").status()).isEqualTo(403);

        // a client Keycloak does not have yet: Deskport makes it there and shows its secret once
        String reports = unique("acme-reports");
        JsonNode made = check(adam.post("/api/v1/admin/service-accounts", json("name", "Acme reports", "clientId", reports,
                "scopes", new Api.RawJson("[\"admin:read\"]"), "issuer", kc.issuer(REALM))), 201).body();
        assertThat(made.get("tokenEndpoint").asString()).isEqualTo(kc.issuer(REALM) + "/protocol/openid-connect/token");
        Api reporter = bearer(kc.clientCredentials(REALM, reports, made.get("clientSecret").asString(), "admin:read"));
        check(reporter.get("/api/v1/admin/pools"), 200);
        assertThat(reporter.get("/api/v1/usage/events").reason()).isEqualTo("SCOPE_INSUFFICIENT");

        // platform-wide: only a platform admin may make one, and it reads every tenant's usage
        assertThat(adam.post("/api/v1/admin/service-accounts", json("name", "Everything", "scopes",
                new Api.RawJson("[\"usage:read\"]"), "platformWide", true)).status()).isEqualTo(403);
        Api operator = acme.platformAdmin(context, unique("operator"));
        JsonNode billing2 = check(operator.post("/api/v1/admin/service-accounts", json("name", "Operator billing",
                "scopes", new Api.RawJson("[\"usage:read\"]"), "platformWide", true)), 201).body();
        Api operatorBilling = new Api(port).withToken(check(new Api(port).postRaw("/api/v1/auth/token",
                "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id="
                        + billing2.get("account").get("clientId").asString() + "&client_secret="
                        + billing2.get("clientSecret").asString()), 200).body().get("access_token").asString());
        check(operatorBilling.get("/api/v1/usage/events?allTenants=true"), 200);
        assertThat(operatorBilling.get("/api/v1/admin/tenants").reason()).isEqualTo("SCOPE_INSUFFICIENT");

        // a local service account, the same rules
        Api.Response local = check(adam.post("/api/v1/admin/service-accounts", json("name", "Local reader",
                "scopes", new Api.RawJson("[\"usage:read\", \"admin:read\"]"))), 201);
        String clientId = local.body().get("account").get("clientId").asString();
        String secret = local.body().get("clientSecret").asString();
        Api.Response token = new Api(port).postRaw("/api/v1/auth/token", "application/x-www-form-urlencoded",
                "grant_type=client_credentials&client_id=" + clientId + "&client_secret=" + secret + "&scope=usage:read");
        check(token, 200);
        Api reader = new Api(port).withToken(token.body().get("access_token").asString());
        check(reader.get("/api/v1/usage/events"), 200);
        assertThat(reader.get("/api/v1/admin/users").reason()).isEqualTo("SCOPE_INSUFFICIENT");
        assertThat(new Api(port).postRaw("/api/v1/auth/token", "application/x-www-form-urlencoded",
                "grant_type=client_credentials&client_id=" + clientId + "&client_secret=wrong").status()).isEqualTo(401);
        // disabled: its tokens stop counting
        check(adam.edit("/api/v1/admin/service-accounts/" + local.body().get("account").get("id").asString(),
                json("enabled", false)), 200);
        assertThat(reader.get("/api/v1/usage/events").status()).isEqualTo(401);
    }

    @Test
    void aSignOutInKeycloakEndsTheSessionOnBothBrokersAndDisconnectsTheDesktop() {
        kc.setClientAttribute(REALM, KeycloakServer.CLIENT_ID, "backchannel.logout.url",
                "http://127.0.0.1:" + port + BackChannelLogout.PATH);
        String name = unique("bob") + "@acme.test";
        kc.createUser(REALM, name, name, PW, Set.of("USER"), List.of("/acme/engineers"), "acme");
        KeycloakServer.Tokens bob = kc.password(REALM, name, PW);
        UUID pool = acme.pool(unique("p"), "POOLED", null);
        acme.desktops(pool, 1, "READY");
        UUID bobId = UUID.fromString(check(bearer(bob).get("/api/v1/me"), 200).body().get("userId").asString());
        acme.entitle(pool, bobId);
        check(bearer(bob).post("/api/v1/pools/" + pool + "/connect"), 201);
        check(onSecond(bob).get("/api/v1/me"), 200);

        kc.logoutUser(REALM, name);
        long t0 = System.nanoTime();

        await("refused by both brokers").atMost(EVERY_REPLICA).pollInterval(Duration.ofMillis(200))
                .until(() -> bearer(bob).get("/api/v1/me").status() == 401 && onSecond(bob).get("/api/v1/me").status() == 401);
        System.out.printf("KeycloakIdentityTest: signed out in Keycloak -> refused by both brokers in %d ms%n",
                (System.nanoTime() - t0) / 1_000_000);
        assertThat(jdbc.sql("select state from session where user_id = ?").param(bobId).query(String.class).single())
                .isEqualTo("DISCONNECTED");
        // signing in again works, and reaches the same session
        check(bearer(kc.password(REALM, name, PW)).get("/api/v1/sessions"), 200);
    }

    @Test
    void aUserDisabledInKeycloakLosesAccessOnBothBrokersAndIsDisconnected() {
        String name = unique("carol") + "@acme.test";
        kc.createUser(REALM, name, name, PW, Set.of("USER"), List.of(), "acme");
        KeycloakServer.Tokens carol = kc.password(REALM, name, PW);
        UUID pool = acme.pool(unique("p"), "POOLED", null);
        acme.desktops(pool, 1, "READY");
        UUID carolId = UUID.fromString(check(bearer(carol).get("/api/v1/me"), 200).body().get("userId").asString());
        acme.entitle(pool, carolId);
        check(bearer(carol).post("/api/v1/pools/" + pool + "/connect"), 201);

        kc.setEnabled(REALM, name, false);
        long t0 = System.nanoTime();

        await("refused by both brokers").atMost(EVERY_REPLICA).pollInterval(Duration.ofMillis(200))
                .until(() -> bearer(carol).get("/api/v1/me").status() == 401 && onSecond(carol).get("/api/v1/me").status() == 401);
        System.out.printf("KeycloakIdentityTest: disabled in Keycloak -> refused by both brokers in %d ms "
                + "(admin events read every 1 s here, 2 s by default)%n", (System.nanoTime() - t0) / 1_000_000);
        assertThat(jdbc.sql("select state from session where user_id = ?").param(carolId).query(String.class).single())
                .isEqualTo("DISCONNECTED");
        assertThat(catchRefusal(() -> kc.password(REALM, name, PW))).as("Keycloak refuses her sign-in").isTrue();
    }

    @Test
    void aUserDisabledInKeycloakBeforeEverReachingDeskportCannotUseTheirToken() {
        String name = unique("dave") + "@acme.test";
        kc.createUser(REALM, name, name, PW, Set.of("USER"), List.of(), "acme");
        KeycloakServer.Tokens dave = kc.password(REALM, name, PW);

        kc.setEnabled(REALM, name, false);

        await("refused by both brokers").atMost(EVERY_REPLICA).pollInterval(Duration.ofMillis(200))
                .until(() -> bearer(dave).get("/api/v1/me").status() == 401 && onSecond(dave).get("/api/v1/me").status() == 401);
    }

    @Test
    void anOnboardedTenantsKeycloakUsersAndServiceAccountsLoseAccessWhenItIsOffboarded() {
        Api operator = acme.platformAdmin(context, unique("operator"));
        String slug = unique("umbrella");
        JsonNode onboarded = check(operator.post("/api/v1/admin/tenants/onboard", json("slug", slug, "name", "Umbrella",
                "maxConcurrentSessions", 5, "maxDesktops", 5, "domains", new Api.RawJson("[\"" + slug + ".test\"]"))), 201)
                .body();
        String tenantId = onboarded.get("tenant").get("id").asString();
        String name = unique("una") + "@" + slug + ".test";
        kc.createUser(REALM, name, name, PW, Set.of("TENANT_ADMIN"), List.of(), slug);
        KeycloakServer.Tokens una = kc.password(REALM, name, PW);
        assertThat(check(bearer(una).get("/api/v1/me"), 200).body().get("tenantId").asString()).isEqualTo(tenantId);
        Api.Response local = check(bearer(una).post("/api/v1/admin/service-accounts", json("name", "reader",
                "scopes", new Api.RawJson("[\"usage:read\"]"))), 201);
        String form = "grant_type=client_credentials&client_id=" + local.body().get("account").get("clientId").asString()
                + "&client_secret=" + local.body().get("clientSecret").asString();
        Api reader = new Api(port).withToken(check(new Api(port).postRaw("/api/v1/auth/token",
                "application/x-www-form-urlencoded", form), 200).body().get("access_token").asString());
        check(reader.get("/api/v1/usage/events"), 200);

        check(operator.post("/api/v1/admin/tenants/" + tenantId + "/offboard"), 200);

        await("refused by both brokers").atMost(EVERY_REPLICA).pollInterval(Duration.ofMillis(200))
                .until(() -> bearer(una).get("/api/v1/me").status() == 401 && onSecond(una).get("/api/v1/me").status() == 401
                        && reader.get("/api/v1/usage/events").status() == 401);
        assertThat(new Api(port).postRaw("/api/v1/auth/token", "application/x-www-form-urlencoded", form).status())
                .isEqualTo(401);
    }

    @Test
    void aKeycloakUserCannotTakeOverALocalAccountOfTheSameName() {
        String name = unique("eve") + "@acme.test";
        UUID local = acme.user(name); // a local account, with a password
        kc.createUser(REALM, name, name, PW, Set.of("TENANT_ADMIN"), List.of(), "acme");
        Api.Response refused = bearer(kc.password(REALM, name, PW)).get("/api/v1/me");
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.reason()).isEqualTo("UNAUTHENTICATED");
        assertThat(jdbc.sql("select count(*) from external_identity where user_id = ?").param(local)
                .query(Integer.class).single()).isZero();
    }

    private static boolean catchRefusal(Runnable r) {
        try {
            r.run();
            return false;
        } catch (KeycloakServer.Refused e) {
            return true;
        }
    }
}
