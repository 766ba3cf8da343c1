package io.deskport.broker.identity;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.KeycloakServer;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Onboarding and offboarding against a real Keycloak ({@link KeycloakServer}): the organization with its domains and
 * the first admin (TENANT_ADMIN, a member, a temporary password), a dedicated realm with the broker's client and the
 * issuer row, a failure of Keycloak's mid-way leaving nothing behind, and offboarding disabling the organization.
 */
@BrokerTest
class KeycloakOnboardingTest {

    private static final String PLATFORM = KeycloakServer.PLATFORM_REALM;

    @DynamicPropertySource
    static void keycloak(DynamicPropertyRegistry registry) {
        KeycloakServer kc = KeycloakServer.get();
        kc.brokerSettings().forEach((k, v) -> registry.add(k, () -> v));
    }

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    private final KeycloakServer kc = KeycloakServer.get();
    private Api operator;

    @BeforeEach
    void setUp() {
        TestTenant home = TestTenant.create(context, port, 10, 10);
        operator = home.platformAdmin(context, "platform-" + home.slug);
    }

    private static String newSlug() {
        return "kc" + Long.toHexString(System.nanoTime());
    }

    private Api.Response onboard(String slug, boolean dedicated, String username, String email, boolean invite) {
        return operator.post("/api/v1/admin/tenants/onboard", json("slug", slug, "name", "Tenant " + slug,
                "maxConcurrentSessions", 5, "maxDesktops", 5, "domains", new Api.RawJson("[\"" + slug + ".example\"]"),
                "dedicatedRealm", dedicated, "firstAdmin", new Api.RawJson(json("username", username, "email", email,
                        "displayName", "First Admin", "invite", invite))));
    }

    private int tenants(String slug) {
        return jdbc.sql("select count(*) from tenant where slug = ?").param(slug).query(Integer.class).single();
    }

    @Test
    void onboardingCreatesTheOrganizationWithItsDomainsAndTheFirstAdminAsAMember() {
        String slug = newSlug();
        JsonNode body = check(onboard(slug, false, "first-" + slug, "first@" + slug + ".example", false), 201).body();

        assertThat(body.get("identityProvider").asString()).isEqualTo("keycloak");
        String organization = kc.organizationId(PLATFORM, slug);
        JsonNode org = kc.admin("GET", "/" + PLATFORM + "/organizations/" + organization, null);
        assertThat(org.get("domains").toString()).contains(slug + ".example");
        assertThat(org.get("enabled").asBoolean()).isTrue();
        // the platform realm takes e-mail addresses as usernames (identity-first sign-in)
        String user = kc.userId(PLATFORM, "first@" + slug + ".example");
        assertThat(kc.admin("GET", "/" + PLATFORM + "/users/" + user + "/role-mappings/realm/composite", null).toString())
                .contains("\"TENANT_ADMIN\"");
        assertThat(kc.admin("GET", "/" + PLATFORM + "/organizations/" + organization + "/members", null).toString())
                .contains(user);
        // the password is temporary: Keycloak wants it changed before it issues tokens
        String password = body.get("firstAdmin").get("temporaryPassword").asString();
        assertThatThrownBy(() -> kc.password(PLATFORM, "first@" + slug + ".example", password))
                .isInstanceOf(KeycloakServer.Refused.class).hasMessageContaining("not fully set up");
        UUID tenant = UUID.fromString(body.get("tenant").get("id").asString());
        assertThat(jdbc.sql("select organization_id from identity_organization where tenant_id = ?").param(tenant)
                .query(String.class).single()).isEqualTo(organization);
    }

    @Test
    void aDedicatedRealmGetsTheRolesTheBrokersClientAndAnIssuerRow() {
        String slug = newSlug();
        JsonNode body = check(onboard(slug, true, "first", "first@" + slug + ".example", false), 201).body();

        assertThat(body.get("realm").asString()).isEqualTo(slug);
        assertThat(kc.admin("GET", "/" + slug + "/roles", null).toString()).contains("TENANT_ADMIN", "HELPDESK",
                "PLATFORM_ADMIN", "\"USER\"");
        JsonNode client = kc.admin("GET", "/" + slug + "/clients?clientId=" + KeycloakServer.CLIENT_ID, null).get(0);
        assertThat(client.get("publicClient").asBoolean()).isFalse();
        assertThat(kc.clientSecret(slug, KeycloakServer.CLIENT_ID)).isEqualTo(KeycloakServer.CLIENT_SECRET);
        assertThat(kc.admin("GET", "/" + slug + "/users/" + kc.userId(slug, "first") + "/role-mappings/realm", null)
                .toString()).contains("TENANT_ADMIN");
        assertThat(jdbc.sql("select issuer from identity_issuer where realm = ?").param(slug).query(String.class).single())
                .isEqualTo(kc.issuer(slug));
    }

    @Test
    void aKeycloakFailureMidWayLeavesNoTenantAndNothingInKeycloak() {
        String slug = newSlug();
        String taken = "taken-" + slug + "@example.org";
        kc.createUser(PLATFORM, taken, taken, KeycloakServer.PASSWORD, Set.of(), List.of(), null);

        // the organization is created, then the first admin is refused (the e-mail address is someone else's)
        Api.Response failed = onboard(slug, false, "first-" + slug, taken, false);

        assertThat(failed.status()).as(failed.raw()).isEqualTo(502);
        assertThat(failed.body().get("reason").asString()).isEqualTo("IDENTITY_PROVIDER_FAILED");
        assertThat(tenants(slug)).isZero();
        assertThatThrownBy(() -> kc.organizationId(PLATFORM, slug)).isInstanceOf(IllegalArgumentException.class);
        assertThat(kc.userId(PLATFORM, taken)).as("the stranger's account was neither taken over nor removed").isNotBlank();
        assertThat(jdbc.sql("select count(*) from identity_onboarding where slug = ?").param(slug).query(Integer.class)
                .single()).isZero();
        // and the slug can be onboarded afterwards
        check(onboard(slug, false, "first-" + slug, "first@" + slug + ".example", false), 201);
    }

    @Test
    void anInvitationIsMailedByKeycloakWhenTheRealmHasAMailServer() throws Exception {
        try (MailSink sink = new MailSink()) {
            kc.admin("PUT", "/" + PLATFORM, java.util.Map.of("smtpServer", java.util.Map.of("host", "127.0.0.1",
                    "port", String.valueOf(sink.port()), "from", "deskport@platform.example")));
            try {
                String slug = newSlug();
                String email = "first@" + slug + ".example";
                Api.Response invited = check(onboard(slug, false, "first-" + slug, email, true), 201);
                assertThat(invited.body().get("firstAdmin").get("invited").asBoolean()).isTrue();
                assertThat(invited.body().get("firstAdmin").path("temporaryPassword").isMissingNode()
                        || invited.body().get("firstAdmin").get("temporaryPassword").isNull()).isTrue();
                String mail = sink.await(java.time.Duration.ofSeconds(30));
                assertThat(mail).contains(email);
                assertThat(mail.toLowerCase(java.util.Locale.ROOT)).contains("organization");
            } finally {
                kc.admin("PUT", "/" + PLATFORM, java.util.Map.of("smtpServer", java.util.Map.of()));
            }
        }
    }

    /**
     * A mail server that takes every message and keeps it (the minimum of SMTP Keycloak's mail client speaks: no TLS,
     * no authentication): a stand-in for a real one, which this machine has not.
     */
    static final class MailSink implements AutoCloseable {
        private final java.net.ServerSocket server = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress());
        private final java.util.concurrent.BlockingQueue<String> messages = new java.util.concurrent.LinkedBlockingQueue<>();
        private final Thread thread;

        MailSink() throws java.io.IOException {
            thread = new Thread(this::serve, "mail-sink");
            thread.setDaemon(true);
            thread.start();
        }

        int port() {
            return server.getLocalPort();
        }

        String await(java.time.Duration timeout) throws InterruptedException {
            String m = messages.poll(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            assertThat(m).as("a message at the mail sink").isNotNull();
            return m;
        }

        private void serve() {
            while (!server.isClosed()) {
                try (java.net.Socket s = server.accept()) {
                    var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
                            java.nio.charset.StandardCharsets.UTF_8));
                    var out = new java.io.PrintWriter(new java.io.OutputStreamWriter(s.getOutputStream(),
                            java.nio.charset.StandardCharsets.UTF_8), true);
                    out.print("220 mail-sink\r\n");
                    out.flush();
                    StringBuilder message = new StringBuilder();
                    String line;
                    while ((line = in.readLine()) != null) {
                        String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
                        if (verb.equals("DATA")) {
                            out.print("354 end with .\r\n");
                            out.flush();
                            String data;
                            while ((data = in.readLine()) != null && !data.equals(".")) {
                                message.append(data).append('\n');
                            }
                            messages.add(message.toString());
                            message.setLength(0);
                            out.print("250 kept\r\n");
                        } else if (verb.equals("QUIT")) {
                            out.print("221 bye\r\n");
                            out.flush();
                            break;
                        } else {
                            if (verb.equals("RCPT")) {
                                message.append(line).append('\n');
                            }
                            out.print("250 ok\r\n");
                        }
                        out.flush();
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
            }
        }

        @Override
        public void close() throws java.io.IOException {
            server.close();
        }
    }

    @Test
    void anInvitationWithoutAMailServerIsRefusedBeforeAnythingIsCreated() {
        String slug = newSlug();
        Api.Response refused = onboard(slug, false, "first-" + slug, "first@" + slug + ".example", true);
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.body().get("reason").asString()).isEqualTo("INVITATION_UNAVAILABLE");
        assertThat(tenants(slug)).isZero();
        assertThatThrownBy(() -> kc.organizationId(PLATFORM, slug)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void offboardingDisablesTheOrganizationAndReactivationEnablesIt() {
        String slug = newSlug();
        String id = check(onboard(slug, false, "first-" + slug, "first@" + slug + ".example", false), 201).body()
                .get("tenant").get("id").asString();
        String organization = kc.organizationId(PLATFORM, slug);

        check(operator.post("/api/v1/admin/tenants/" + id + "/offboard"), 200);
        assertThat(kc.admin("GET", "/" + PLATFORM + "/organizations/" + organization, null).get("enabled").asBoolean())
                .isFalse();

        check(operator.post("/api/v1/admin/tenants/" + id + "/reactivate"), 200);
        assertThat(kc.admin("GET", "/" + PLATFORM + "/organizations/" + organization, null).get("enabled").asBoolean())
                .isTrue();
    }
}
