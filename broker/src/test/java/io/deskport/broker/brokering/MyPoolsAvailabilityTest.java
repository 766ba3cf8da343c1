package io.deskport.broker.brokering;

import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's list of pools says whether a connect would find room: a pool without desktops is not offered as
 * "Available" (the portal says it is not set up), one whose desktops or seats are all taken says so.
 */
@BrokerTest
class MyPoolsAvailabilityTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    UUID alice;
    UUID bob;

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 10, 10);
        alice = tenant.user("alice");
        bob = tenant.user("bob");
    }

    private String availability(Api user, UUID pool) {
        for (JsonNode p : check(user.get("/api/v1/pools"), 200).body()) {
            if (p.get("id").asString().equals(pool.toString())) {
                return p.get("availability").asString();
            }
        }
        throw new AssertionError("pool " + pool + " not listed");
    }

    @Test
    void aPooledPoolIsAvailableWhileADesktopIsFreeAllInUseAfterAndWithoutDesktopsNotSetUp() {
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.entitle(pool, alice);
        tenant.entitle(pool, bob);
        Api aliceApi = tenant.login("alice");
        Api bobApi = tenant.login("bob");
        assertThat(availability(aliceApi, pool)).isEqualTo("NO_DESKTOPS");

        tenant.desktops(pool, 1, "READY");
        assertThat(availability(aliceApi, pool)).isEqualTo("AVAILABLE");

        check(bobApi.post("/api/v1/pools/" + pool + "/connect"), 201);
        assertThat(availability(aliceApi, pool)).isEqualTo("ALL_IN_USE");
    }

    @Test
    void inAPersistentPoolTheUsersOwnDesktopCountsEvenInUseAndOthersDoNot() {
        UUID pool = tenant.pool("eng", "PERSISTENT", null);
        tenant.entitle(pool, alice);
        tenant.entitle(pool, bob);
        tenant.desktops(pool, 1, "READY");
        Api aliceApi = tenant.login("alice");
        check(aliceApi.post("/api/v1/pools/" + pool + "/connect"), 201);
        assertThat(availability(aliceApi, pool)).as("alice's own desktop").isEqualTo("AVAILABLE");
        assertThat(availability(tenant.login("bob"), pool)).as("alice's desktop is not bob's").isEqualTo("ALL_IN_USE");
    }

    @Test
    void aSharedPoolCountsFreeSeatsOnItsHosts() {
        UUID pool = tenant.pool("apps", "SHARED", "BREADTH_FIRST");
        tenant.entitle(pool, alice);
        tenant.entitle(pool, bob);
        Api aliceApi = tenant.login("alice");
        assertThat(availability(aliceApi, pool)).isEqualTo("NO_DESKTOPS");
        tenant.host(pool, "apps-1", 1);
        assertThat(availability(aliceApi, pool)).isEqualTo("AVAILABLE");
        check(tenant.login("bob").post("/api/v1/pools/" + pool + "/connect"), 201);
        assertThat(availability(aliceApi, pool)).isEqualTo("ALL_IN_USE");
    }
}
