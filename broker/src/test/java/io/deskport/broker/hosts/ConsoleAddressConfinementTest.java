package io.deskport.broker.hosts;

import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Console addresses lie in the networks the platform allows (the tests allow 127.0.0.0/8 explicitly,
 * besides the private networks): a tenant admin cannot point a desktop or a session host at a cloud
 * metadata address or a public one, nor can an agent report a session's console there.
 */
@BrokerTest
class ConsoleAddressConfinementTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;

    @BeforeEach
    void newTenant() {
        tenant = TestTenant.create(context, port, 100, 100);
    }

    @Test
    void aDesktopAtTheCloudMetadataAddressIsRefusedNamingTheField() {
        UUID pool = tenant.pool("p", "POOLED", null);

        Api.Response r = tenant.admin.post("/api/v1/admin/pools/" + pool + "/desktops", json("name", "d",
                "consoleHost", "169.254.169.254", "consolePort", 80));

        assertRefused(r);
        assertThat(check(tenant.admin.get("/api/v1/admin/pools/" + pool + "/desktops"), 200).body().size()).isZero();
    }

    @Test
    void desktopsOutsideTheAllowedNetworksOrUnresolvableAreRefused() {
        UUID pool = tenant.pool("p", "POOLED", null);

        for (String host : new String[] {"8.8.8.8", "0.0.0.0", "::1", "no-such-host.invalid"}) {
            assertRefused(tenant.admin.post("/api/v1/admin/pools/" + pool + "/desktops", json("name", "d",
                    "consoleHost", host, "consolePort", 5900)));
        }
    }

    @Test
    void desktopsInsideTheAllowedNetworksAreRegistered() {
        UUID pool = tenant.pool("p", "POOLED", null);

        check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/desktops", json("name", "lan",
                "consoleHost", "10.20.30.40", "consolePort", 5900)), 201);
        check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/desktops", json("name", "local",
                "consoleHost", "127.0.0.1", "consolePort", 5901)), 201);
    }

    @Test
    void aSessionHostOutsideTheAllowedNetworksIsRefused() {
        UUID pool = tenant.pool("apps", "SHARED", "BREADTH_FIRST");

        assertRefused(tenant.admin.post("/api/v1/admin/pools/" + pool + "/session-hosts", json("name", "h",
                "maxSessions", 5, "consoleHost", "169.254.169.254", "consolePort", 5999)));
    }

    @Test
    void anAgentCannotReportASessionConsoleOutsideTheAllowedNetworks() {
        UUID pool = tenant.pool("apps", "SHARED", "BREADTH_FIRST");
        Api.Response created = check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/session-hosts/enrolments",
                json("name", "sh1")), 201);
        String credential = check(tenant.anonymous.post("/api/v1/agent/enrol", json("token",
                created.body().get("enrolmentToken").asString(), "maxSessions", 5)), 200).body().get("credential").asString();

        Api.Response r = tenant.anonymous.withToken(credential).post("/api/v1/agent/sessions/" + UUID.randomUUID()
                + "/report", json("state", "READY", "consoleHost", "169.254.169.254", "consolePort", 80));

        assertRefused(r);
    }

    private static void assertRefused(Api.Response r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(r.body().get("errors").get(0).get("field").asString()).isEqualTo("consoleHost");
    }
}
