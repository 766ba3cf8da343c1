package io.deskport.broker.admin;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.metering.UsageRollups;
import io.deskport.broker.shared.Role;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.KeycloakServer;
import io.deskport.broker.support.TestTenant;

/**
 * Tenant isolation with Keycloak's tokens: the sweep of {@link TenantIsolationTest} ({@link IsolationSweep}: every
 * operation of the API, with another tenant's objects) by callers holding tokens a real Keycloak issued — the tenant
 * admin, help desk and user of organization acme and the admin and user of organization globex (the platform realm),
 * the admin and user of initech (a realm of its own) — and by each tenant's service accounts (Keycloak clients
 * registered with Deskport, client-credentials tokens carrying different scopes). Every pair is refused across
 * tenants; a service account is refused with 403 {@code SCOPE_INSUFFICIENT} every operation outside its token's
 * scopes and is not refused for its scopes what they allow. Afterwards the other tenant's objects are as they were.
 */
@BrokerTest
@TestPropertySource(properties = "deskport.provisioning.enabled=false") // nothing changes the objects behind the test's back
class KeycloakTenantIsolationTest {

    private static final String REALM = KeycloakServer.PLATFORM_REALM;
    private static final String DEDICATED = KeycloakServer.DEDICATED_REALM;
    private static final String PW = KeycloakServer.PASSWORD;
    /** The scopes service accounts may have; the accounts of this test are granted all of them by Deskport. */
    private static final List<String> SCOPES = List.of("usage:read", "admin:read", "admin:write", "sessions:write");
    /** What the service accounts' tokens ask Keycloak for (the scopes a token carries are what the account may use). */
    private static final List<Set<String>> TOKEN_SCOPES = List.of(Set.of("usage:read"), Set.of("admin:read"),
            Set.of("admin:read", "admin:write"), Set.of("sessions:write"));

    /** The objects of each tenant, made once for the test class (a tenant's are its own and stay). */
    private static final Map<String, IsolationSweep.Objects> OBJECTS = new HashMap<>();
    private static final Map<String, TestTenant> TENANTS = new HashMap<>();

    @DynamicPropertySource
    static void keycloak(DynamicPropertyRegistry registry) {
        KeycloakServer kc = KeycloakServer.get();
        Map<String, String> settings = kc.brokerSettings();
        settings.forEach((k, v) -> registry.add(k, () -> v));
    }

    /** A sweep takes minutes on a busy machine: the realms' tokens (5 minutes) must outlive it. */
    @BeforeAll
    static void longerTokens() {
        KeycloakServer kc = KeycloakServer.get();
        for (String realm : List.of(REALM, DEDICATED)) {
            kc.admin("PUT", "/" + realm, Map.of("accessTokenLifespan", 1800));
        }
    }

    @AfterAll
    static void usualTokens(@Autowired JdbcClient jdbc) {
        KeycloakServer kc = KeycloakServer.get();
        for (String realm : List.of(REALM, DEDICATED)) {
            kc.admin("PUT", "/" + realm, Map.of("accessTokenLifespan", 300));
        }
        // the seats the objects hold by hand, by no session
        io.deskport.broker.support.FabricatedLicences.remove(jdbc,
                TENANTS.values().stream().map(t -> t.id).toArray(UUID[]::new));
    }

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    KeycloakServer kc;
    UUID hypervisor;
    UUID platformWebhook;

    @BeforeEach
    void tenantsAndTheirObjects() {
        kc = KeycloakServer.get();
        synchronized (OBJECTS) {
            if (OBJECTS.isEmpty()) {
                TestTenant acme = tenant("acme");
                Api platform = acme.platformAdmin(context, "operator-isolation-" + Long.toHexString(System.nanoTime()));
                UUID hv = check(platform.post("/api/v1/admin/hypervisor-hosts", json("name", "hv-kc-isolation-"
                        + Long.toHexString(System.nanoTime()), "driverId", "simulated", "maintenance", true)), 201).id();
                UUID hook = check(platform.post("/api/v1/admin/platform-webhooks", json("url",
                        "https://203.0.113.10/platform-kc", "enabled", false)), 201).id();
                for (String slug : List.of("acme", "globex", "initech")) {
                    TestTenant t = slug.equals("acme") ? acme : tenant(slug);
                    TENANTS.put(slug, t);
                    OBJECTS.put(slug, IsolationSweep.objectsOf(context, jdbc, t, hv, hook));
                }
                // the dedicated realm of initech, as onboarding registers it
                jdbc.sql("insert into identity_issuer (issuer, tenant_id, realm, audience) values (?, ?, ?, ?) "
                                + "on conflict do nothing")
                        .params(kc.issuer(DEDICATED), TENANTS.get("initech").id, DEDICATED, KeycloakServer.CLIENT_ID).update();
                // the other tenants' sessions, pools and users in today's usage roll-ups, where no caller may find them
                context.getBean(UsageRollups.class).rollUpNow();
            }
        }
    }

    @Test
    void acmesAdminHelpDeskUserAndServiceAccountsGetNothingOfGlobex() {
        TestTenant acme = TENANTS.get("acme");
        TestTenant globex = TENANTS.get("globex");
        Api adam = person(REALM, "adam@acme.test");
        List<IsolationSweep.Caller> callers = new ArrayList<>(List.of(
                new IsolationSweep.Caller("acme's admin adam (Keycloak)", adam, Role.TENANT_ADMIN, false, false),
                new IsolationSweep.Caller("acme's help desk hal (Keycloak)", person(REALM, "hal@acme.test"), Role.HELPDESK,
                        false, false),
                new IsolationSweep.Caller("acme's user alice (Keycloak)", person(REALM, "alice@acme.test"), Role.USER,
                        false, false),
                new IsolationSweep.Caller("acme's admin adam (Keycloak) naming globex", adam.inTenant(globex.id), Role.TENANT_ADMIN,
                        false, true)));
        callers.addAll(serviceAccounts(REALM, "acme", adam, acme, globex));
        sweep(acme, globex, callers);
    }

    @Test
    void globexsAdminUserAndServiceAccountsGetNothingOfAcme() {
        TestTenant globex = TENANTS.get("globex");
        TestTenant acme = TENANTS.get("acme");
        Api gil = person(REALM, "gil@globex.test");
        List<IsolationSweep.Caller> callers = new ArrayList<>(List.of(
                new IsolationSweep.Caller("globex's admin gil (Keycloak)", gil, Role.TENANT_ADMIN, false, false),
                new IsolationSweep.Caller("globex's user gina (Keycloak)", person(REALM, "gina@globex.test"), Role.USER,
                        false, false),
                new IsolationSweep.Caller("globex's admin gil (Keycloak) naming acme", gil.inTenant(acme.id), Role.TENANT_ADMIN,
                        false, true)));
        callers.addAll(serviceAccounts(REALM, "globex", gil, globex, acme));
        sweep(globex, acme, callers);
    }

    @Test
    void theDedicatedRealmsAdminUserAndServiceAccountsGetNothingOfAcme() {
        TestTenant initech = TENANTS.get("initech");
        TestTenant acme = TENANTS.get("acme");
        Api ian = person(DEDICATED, "ian@initech.test");
        List<IsolationSweep.Caller> callers = new ArrayList<>(List.of(
                new IsolationSweep.Caller("initech's admin ian (its own realm)", ian, Role.TENANT_ADMIN, false, false),
                new IsolationSweep.Caller("initech's user iris (its own realm)", person(DEDICATED, "iris@initech.test"),
                        Role.USER, false, false),
                new IsolationSweep.Caller("initech's admin ian (Keycloak) naming acme", ian.inTenant(acme.id), Role.TENANT_ADMIN,
                        false, true)));
        callers.addAll(serviceAccounts(DEDICATED, "initech", ian, initech, acme));
        sweep(initech, acme, callers);
    }

    private void sweep(TestTenant a, TestTenant b, List<IsolationSweep.Caller> callers) {
        IsolationSweep.Objects objectsOfA = OBJECTS.get(a.slug);
        IsolationSweep.Objects objectsOfB = OBJECTS.get(b.slug);
        String stateOfB = IsolationSweep.stateOf(b, objectsOfB);
        for (IsolationSweep.Caller c : callers) {
            // each caller is who the test says: their tenant, and Keycloak's token accepted
            assertThat(c.api().get(c.serviceAccount() ? "/api/v1/admin/users" : "/api/v1/me").status())
                    .as("%s signs in", c.name()).isIn(200, 403);
        }
        IsolationSweep.Result result = IsolationSweep.run(a.anonymous, callers, objectsOfA, objectsOfB,
                IsolationSweep.secretsOf(b, objectsOfB));
        System.out.println("KeycloakTenantIsolationTest: " + result.pairs() + " operation × caller pairs tried over "
                + result.operations() + " operations and " + callers.size() + " callers of " + a.slug + " against " + b.slug);
        assertThat(result.unknown()).as("operations the sweep does not know how to call: teach it").isEmpty();
        assertThat(result.failures()).as("isolation failures").isEmpty();
        assertThat(IsolationSweep.stateOf(b, objectsOfB)).as(b.slug + "'s objects after every call").isEqualTo(stateOfB);
    }

    /**
     * Service accounts of a tenant: a Keycloak client of the tenant's realm (service account, every Deskport scope
     * optional), registered with Deskport by the tenant's admin with every scope; one caller per set of scopes its
     * token asks for, and one with every scope naming the other tenant.
     */
    private List<IsolationSweep.Caller> serviceAccounts(String realm, String slug, Api admin, TestTenant own, TestTenant other) {
        String clientId = slug + "-sweep-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        String secret = clientId + "-secret";
        Map<String, Object> client = new LinkedHashMap<>();
        client.put("clientId", clientId);
        client.put("enabled", true);
        client.put("publicClient", false);
        client.put("secret", secret);
        client.put("serviceAccountsEnabled", true);
        client.put("standardFlowEnabled", false);
        client.put("directAccessGrantsEnabled", false);
        client.put("defaultClientScopes", List.of("basic", "roles"));
        client.put("optionalClientScopes", SCOPES);
        client.put("protocolMappers", List.of(Map.of("name", "audience deskport", "protocol", "openid-connect",
                "protocolMapper", "oidc-audience-mapper", "config", Map.of("included.client.audience",
                        KeycloakServer.CLIENT_ID, "access.token.claim", "true", "id.token.claim", "false"))));
        kc.admin("POST", "/" + realm + "/clients", client);
        check(admin.post("/api/v1/admin/service-accounts", json("name", "Sweep " + clientId, "clientId", clientId,
                "scopes", new Api.RawJson("[\"" + String.join("\", \"", SCOPES) + "\"]"), "issuer", kc.issuer(realm))), 201);
        List<IsolationSweep.Caller> callers = new ArrayList<>();
        for (Set<String> scopes : TOKEN_SCOPES) {
            KeycloakServer.Tokens t = kc.clientCredentials(realm, clientId, secret, scopes.toArray(String[]::new));
            callers.add(IsolationSweep.Caller.serviceAccount(slug + "'s service account with " + scopes,
                    own.anonymous.withToken(t.access()), scopes, false));
        }
        KeycloakServer.Tokens all = kc.clientCredentials(realm, clientId, secret, SCOPES.toArray(String[]::new));
        callers.add(IsolationSweep.Caller.serviceAccount(slug + "'s service account with every scope naming " + other.slug,
                own.anonymous.withToken(all.access()).inTenant(other.id), Set.copyOf(SCOPES), true));
        return callers;
    }

    /**
     * A person's token, once the broker takes it: a tenant made a moment ago is linked to its organization when a
     * token first names it, and the broker reads its organizations again at most once a second.
     */
    private Api person(String realm, String username) {
        Api api = new Api(port).withToken(kc.password(realm, username, PW).access());
        org.awaitility.Awaitility.await(username + " signs in").atMost(java.time.Duration.ofSeconds(5))
                .pollInterval(java.time.Duration.ofMillis(300)).until(() -> api.get("/api/v1/me").status() == 200);
        return api;
    }

    private TestTenant tenant(String slug) {
        UUID existing = jdbc.sql("select id from tenant where slug = ?").param(slug).query(UUID.class).optional().orElse(null);
        if (existing != null) {
            Api anonymous = new Api(port);
            return new TestTenant(existing, slug, anonymous, anonymous.login(slug, "admin", TestTenant.PASSWORD));
        }
        return TestTenant.create(context, port, slug, 100, 100);
    }
}
