package io.deskport.broker.brokering;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.shared.Role;
import io.deskport.broker.support.Api;
import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.HibernateStatements;
import io.deskport.broker.support.TestTenant;

/**
 * The configuration model is Hibernate's; the connect path is not: a connect, a reconnect, a tunnel ticket and a
 * log-off issue no statement Hibernate generates, while the admin's reads and changes of the same pool do (which
 * shows the inspection sees Hibernate at work at all).
 */
@BrokerTest
class HibernateOffTheConnectPathTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    @Test
    void aConnectIssuesNoStatementGeneratedByHibernate() {
        TestTenant tenant = TestTenant.create(context, port, 10, 10);
        UUID pool = tenant.pool("Hot", "POOLED", "BREADTH_FIRST");
        tenant.desktops(pool, 2, "READY");
        UUID alice = tenant.user("alice", Role.USER);
        tenant.entitle(pool, alice);
        Api user = tenant.login("alice");

        HibernateStatements.clear();
        check(tenant.admin.edit("/api/v1/admin/pools/" + pool, json("description", "hot path")), 200);
        assertThat(HibernateStatements.seen()).as("the admin's change went through Hibernate")
                .anyMatch(s -> ("/api/v1/admin/pools/" + pool).equals(s.uri()) && s.sql().startsWith("update desktop_pool"));

        HibernateStatements.clear();
        UUID session = UUID.fromString(check(user.post("/api/v1/pools/" + pool + "/connect"), 201).body()
                .get("session").get("id").asString());
        check(user.post("/api/v1/pools/" + pool + "/connect"), 200); // the same session again
        check(user.get("/api/v1/pools"), 200);
        check(user.get("/api/v1/sessions"), 200);
        check(user.post("/api/v1/sessions/" + session + "/tunnel"), 201);
        check(user.post("/api/v1/sessions/" + session + "/logoff"), 200);

        List<HibernateStatements.Seen> onUserPaths = HibernateStatements.seen().stream()
                .filter(s -> s.uri() != null && !s.uri().startsWith("/api/v1/admin/")).toList();
        assertThat(onUserPaths).as("statements Hibernate generated while serving end users").isEmpty();
    }
}
