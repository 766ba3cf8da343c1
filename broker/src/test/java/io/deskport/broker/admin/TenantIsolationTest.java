package io.deskport.broker.admin;

import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.metering.UsageRollups;
import io.deskport.broker.shared.Role;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tenant isolation, for every operation of the API as the OpenAPI document lists it. Each operation is
 * called with tenant B's objects in its path and body references (and, where it names more than one
 * object, with each one of B's among tenant A's own) by A's admin, help desk, user, an agent of A, A's
 * admin naming B in {@code X-Deskport-Tenant}, and an anonymous caller: none of them gets B's data —
 * the answer is a refusal, and no id or name of B's appears in any answer — and each role is refused
 * what it may not do. Afterwards B's objects are as they were.
 *
 * <p>An operation this test does not know how to call (a new path, a path parameter it cannot fill, a
 * request body it has no example of) fails it: a new endpoint must be taught {@link IsolationSweep}, and so gets
 * checked. The sweep is shared with {@link KeycloakTenantIsolationTest} (callers with Keycloak's tokens).
 */
@BrokerTest
@TestPropertySource(properties = "deskport.provisioning.enabled=false") // nothing changes B's objects behind the test's back
class TenantIsolationTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    @Test
    void noCallerOfTenantAGetsOrChangesTenantBsData() {
        TestTenant a = TestTenant.create(context, port, 100, 100);
        TestTenant b = TestTenant.create(context, port, 100, 100);
        Api platform = a.platformAdmin(context, "operator-" + a.slug);
        UUID hypervisor = check(platform.post("/api/v1/admin/hypervisor-hosts", json("name", "hv-" + a.slug,
                "driverId", "simulated", "maintenance", true)), 201).id();
        // the platform's webhooks are nobody's: the same one in A's and B's calls, for platform admins only
        UUID platformWebhook = check(platform.post("/api/v1/admin/platform-webhooks", json("url",
                "https://203.0.113.10/platform", "enabled", false)), 201).id();
        IsolationSweep.Objects objectsOfA = IsolationSweep.objectsOf(context, jdbc, a, hypervisor, platformWebhook);
        IsolationSweep.Objects objectsOfB = IsolationSweep.objectsOf(context, jdbc, b, hypervisor, platformWebhook);
        // B's session, pool and user in today's usage roll-ups, where A's callers must not find them
        context.getBean(UsageRollups.class).rollUpNow();
        Set<String> secretsOfB = IsolationSweep.secretsOf(b, objectsOfB);
        String stateOfB = IsolationSweep.stateOf(b, objectsOfB);

        List<IsolationSweep.Caller> callers = List.of(
                new IsolationSweep.Caller("A's tenant admin", a.admin, Role.TENANT_ADMIN, false, false),
                new IsolationSweep.Caller("A's help desk", a.login("helpdesk"), Role.HELPDESK, false, false),
                new IsolationSweep.Caller("A's user", a.login("user"), Role.USER, false, false),
                new IsolationSweep.Caller("an agent of A", a.anonymous.withToken(objectsOfA.id("agentCredential")), null, true, false),
                new IsolationSweep.Caller("A's tenant admin naming B's tenant", a.admin.inTenant(b.id), Role.TENANT_ADMIN, false, true),
                new IsolationSweep.Caller("anonymous", a.anonymous, null, false, false));

        IsolationSweep.Result result = IsolationSweep.run(a.anonymous, callers, objectsOfA, objectsOfB, secretsOfB);
        System.out.println("TenantIsolationTest: " + result.pairs() + " operation × caller pairs tried over " + result.operations()
                + " operations and " + callers.size() + " callers");

        assertThat(result.unknown()).as("operations this test does not know how to call: teach it").isEmpty();
        assertThat(result.failures()).as("isolation failures").isEmpty();
        assertThat(IsolationSweep.stateOf(b, objectsOfB)).as("B's objects after every call").isEqualTo(stateOfB);
        // the seats held by hand above, by no session
        io.deskport.broker.support.FabricatedLicences.remove(jdbc, a.id, b.id);
    }

}
