package io.deskport.broker.brokering;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.LedgerChecks;
import io.deskport.broker.support.TestTenant;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Monday-morning refusal storm on a broker with only FOUR database connections: 64 users at once are
 * refused for each reason (an exhausted pool, a full tenant quota, full session hosts). Every answer is
 * the documented refusal with its figures — none is a 500 — and no request ever waits out the connection
 * pool's timeout, because nothing on the connect path asks for a second connection while it holds one
 * (see the rule in {@code CallerTransaction}).
 */
@BrokerTest
@TestPropertySource(properties = {
        "spring.datasource.hikari.maximum-pool-size=4",
        "spring.datasource.hikari.minimum-idle=4",
        // every connect waits for its turn: this test is about refusals, not about OVERLOADED
        "deskport.sessions.admission-wait=60s",
        // and every one of them is refused the whole way, not from what the broker found a moment ago
        "deskport.sessions.refusal-memory=0"})
class RefusalStormTest {

    private static final int CLIENTS = 64;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    MeterRegistry meters;
    @Autowired
    DataSource dataSource;

    TestTenant tenant;

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 1000, 1000);
    }

    @Test
    void sixtyFourConnectsToAnExhaustedPoolAreAllRefusedAsPoolExhausted() throws Exception {
        UUID pool = tenant.pool("eng", "PERSISTENT", null);
        tenant.desktops(pool, 2, "READY");
        // both desktops belong to someone already
        for (String owner : List.of("owner1", "owner2")) {
            tenant.entitle(pool, tenant.user(owner));
            check(tenant.login(owner).post("/api/v1/pools/" + pool + "/connect"), 201);
        }
        Map<String, Integer> answers = storm(tenant, pool);
        assertThat(answers).containsExactly(Map.entry("503 POOL_EXHAUSTED", CLIENTS));
        assertNoConnectionTimeoutsAndALedgerInOrder();
    }

    @Test
    void sixtyFourConnectsBeyondAFullTenantQuotaAreAllRefusedAsTenantQuota() throws Exception {
        TestTenant small = TestTenant.create(context, port, 2, 1000);
        UUID pool = small.pool("office", "POOLED", null);
        small.desktops(pool, 80, "READY");
        for (String early : List.of("early1", "early2")) {
            small.entitle(pool, small.user(early));
            check(small.login(early).post("/api/v1/pools/" + pool + "/connect"), 201);
        }
        Map<String, Integer> answers = storm(small, pool);
        assertThat(answers).containsExactly(Map.entry("429 TENANT_QUOTA", CLIENTS));
        assertNoConnectionTimeoutsAndALedgerInOrder();
    }

    @Test
    void sixtyFourConnectsToFullSessionHostsAreAllRefusedAsHostCapacity() throws Exception {
        UUID pool = tenant.pool("apps", "SHARED", "BREADTH_FIRST");
        tenant.host(pool, "h1", 1);
        UUID first = tenant.user("first");
        tenant.entitle(pool, first);
        check(tenant.login("first").post("/api/v1/pools/" + pool + "/connect"), 201);
        Map<String, Integer> answers = storm(tenant, pool);
        assertThat(answers).containsExactly(Map.entry("503 HOST_CAPACITY", CLIENTS));
        assertNoConnectionTimeoutsAndALedgerInOrder();
    }

    /** 64 users of the tenant, entitled to the pool, connect at the same instant; answers counted by status and reason. */
    private Map<String, Integer> storm(TestTenant t, UUID pool) throws Exception {
        List<Api> users = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            t.entitle(pool, t.user("storm" + i));
            users.add(t.login("storm" + i));
        }
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Api.Response>> calls = new ArrayList<>();
        try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Api u : users) {
                calls.add(clients.submit(() -> {
                    go.await();
                    return u.post("/api/v1/pools/" + pool + "/connect");
                }));
            }
            go.countDown();
            Map<String, Integer> answers = new TreeMap<>();
            for (Future<Api.Response> f : calls) {
                Api.Response r = f.get();
                answers.merge(r.status() + " " + r.reason(), 1, Integer::sum);
                assertThat(r.contentType()).startsWith("application/problem+json");
            }
            return answers;
        }
    }

    private void assertNoConnectionTimeoutsAndALedgerInOrder() throws Exception {
        Counter timeouts = meters.find("hikaricp.connections.timeout").counter();
        assertThat(timeouts).as("the connection pool's metrics are published").isNotNull();
        assertThat(timeouts.count()).as("requests that waited out the connection pool's timeout").isZero();
        assertThat(LedgerChecks.violations(LedgerChecks.withDefaults().run(dataSource))).isEmpty();
    }
}
