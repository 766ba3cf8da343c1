package io.deskport.broker.provisioning;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hypervisor hosts are shared by every tenant, their figures are not: a tenant admin sees how many of
 * their own desktops a host carries, never another tenant's, nor the host's last error (which names a
 * desktop); platform admins see the totals.
 */
@BrokerTest
class HypervisorHostFiguresTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    TestTenant a;
    TestTenant b;
    Api platform;
    UUID host;
    List<UUID> desktopsOfB;

    @BeforeEach
    void twoTenantsOnOneHost() {
        a = TestTenant.create(context, port, 100, 100);
        b = TestTenant.create(context, port, 100, 100);
        platform = a.platformAdmin(context, "operator");
        host = check(platform.post("/api/v1/admin/hypervisor-hosts", json("name", "shared-" + a.slug,
                "driverId", "simulated", "maintenance", true)), 201).id();
        UUID pool = b.pool("b-pool", "POOLED", null);
        desktopsOfB = b.desktops(pool, 2, "READY");
        for (UUID d : desktopsOfB) {
            jdbc.sql("insert into provisioned_desktop (desktop_id, tenant_id, pool_id, host_id) values (?, ?, ?, ?)")
                    .params(d, b.id, pool, host).update();
        }
        jdbc.sql("update hypervisor_host set last_error = ? where id = ?")
                .params("cloning " + desktopsOfB.getFirst() + " failed", host).update();
    }

    @AfterEach
    void removeHost() {
        jdbc.sql("delete from provisioned_desktop where host_id = ?").param(host).update();
        check(platform.delete("/api/v1/admin/hypervisor-hosts/" + host), 204);
    }

    @Test
    void aTenantAdminSeesNoneOfAnotherTenantsDesktopsOnASharedHost() {
        Api.Response one = check(a.admin.get("/api/v1/admin/hypervisor-hosts/" + host), 200);
        Api.Response all = check(a.admin.get("/api/v1/admin/hypervisor-hosts"), 200);

        assertThat(one.body().get("desktops").asInt()).isZero();
        assertThat(one.body().get("health").get("lastError").isNull()).isTrue();
        assertThat(of(all).get("desktops").asInt()).isZero();
        for (UUID d : desktopsOfB) {
            assertThat(one.raw()).doesNotContain(d.toString());
            assertThat(all.raw()).doesNotContain(d.toString());
        }
    }

    @Test
    void aTenantAdminSeesTheirOwnDesktopsOnTheHost() {
        assertThat(check(b.admin.get("/api/v1/admin/hypervisor-hosts/" + host), 200).body().get("desktops").asInt())
                .isEqualTo(2);
    }

    @Test
    void platformAdminsSeeTheTotalsAndTheLastError() {
        JsonNode h = check(platform.get("/api/v1/admin/hypervisor-hosts/" + host), 200).body();

        assertThat(h.get("desktops").asInt()).isEqualTo(2);
        assertThat(h.get("health").get("lastError").asString()).contains(desktopsOfB.getFirst().toString());
    }

    private JsonNode of(Api.Response list) {
        for (JsonNode h : list.body()) {
            if (h.get("id").asString().equals(host.toString())) {
                return h;
            }
        }
        throw new AssertionError("host " + host + " not listed: " + list.raw());
    }
}
