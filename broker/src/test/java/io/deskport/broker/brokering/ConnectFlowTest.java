package io.deskport.broker.brokering;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.transaction.IllegalTransactionStateException;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.pools.DesktopClaims;
import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import io.deskport.broker.tenancy.TenantQuotas;
import io.micrometer.core.instrument.MeterRegistry;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@BrokerTest
class ConnectFlowTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;

    @BeforeEach
    void newTenant() {
        tenant = TestTenant.create(context, port, 100, 100);
    }

    private Api userEntitledTo(String name, UUID... pools) {
        UUID user = tenant.user(name);
        for (UUID p : pools) {
            tenant.entitle(p, user);
        }
        return tenant.login(name);
    }

    private static String connectPath(UUID pool) {
        return "/api/v1/pools/" + pool + "/connect";
    }

    @Test
    void connectingTwiceReturnsTheSameSession() {
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 2, "READY");
        Api alice = userEntitledTo("alice", pool);

        Api.Response first = check(alice.post(connectPath(pool)), 201);
        Api.Response second = check(alice.post(connectPath(pool)), 200);

        assertThat(first.body().get("state").asString()).isEqualTo("READY");
        assertThat(first.body().get("reconnected").asBoolean()).isFalse();
        assertThat(second.body().get("reconnected").asBoolean()).isTrue();
        assertThat(second.body().get("session").get("id").asString())
                .isEqualTo(first.body().get("session").get("id").asString());
        assertThat(second.body().get("session").get("desktopId").asString())
                .isEqualTo(first.body().get("session").get("desktopId").asString());
    }

    @Test
    void twoUsersOfAPooledPoolGetTwoDifferentDesktops() {
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 2, "READY");
        Api alice = userEntitledTo("alice", pool);
        Api bob = userEntitledTo("bob", pool);

        String a = check(alice.post(connectPath(pool)), 201).body().get("session").get("desktopId").asString();
        String b = check(bob.post(connectPath(pool)), 201).body().get("session").get("desktopId").asString();

        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void connectsAreMeteredByPoolKindOutcomeAndRefusalReason() {
        MeterRegistry meters = context.getBean(MeterRegistry.class);
        double created = timed(meters, "POOLED", "CONNECTED");
        double resumed = timed(meters, "POOLED", "RESUMED");
        double refused = timed(meters, "POOLED", "REFUSED");
        double exhausted = refusals(meters, "POOL_EXHAUSTED");
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 1, "READY");
        Api alice = userEntitledTo("alice", pool);

        check(alice.post(connectPath(pool)), 201);
        check(alice.post(connectPath(pool)), 200);
        check(userEntitledTo("bob", pool).post(connectPath(pool)), 503);

        assertThat(timed(meters, "POOLED", "CONNECTED")).isEqualTo(created + 1);
        assertThat(timed(meters, "POOLED", "RESUMED")).isEqualTo(resumed + 1);
        assertThat(timed(meters, "POOLED", "REFUSED")).isEqualTo(refused + 1);
        assertThat(refusals(meters, "POOL_EXHAUSTED")).isEqualTo(exhausted + 1);
    }

    // other tests of this context connect too: read before and after, compare
    private static double timed(MeterRegistry meters, String kind, String outcome) {
        return meters.get(ConnectService.CONNECTS_METER).tag("kind", kind).tag("outcome", outcome).timer().count();
    }

    private static double refusals(MeterRegistry meters, String reason) {
        return meters.get(ConnectService.REFUSED_METER).tag("reason", reason).counter().count();
    }

    @Test
    void anExhaustedPoolIsRefusedWithItsFigures() {
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 1, "READY");
        tenant.desktops(pool, 0, "READY");
        check(userEntitledTo("alice", pool).post(connectPath(pool)), 201);

        Api.Response refused = userEntitledTo("bob", pool).post(connectPath(pool));

        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.reason()).isEqualTo("POOL_EXHAUSTED");
        assertThat(refused.body().get("poolSize").asInt()).isEqualTo(1);
        assertThat(refused.body().get("readyDesktops").asInt()).isZero();
        assertThat(refused.body().get("desktopsInUse").asInt()).isEqualTo(1);
        assertThat(refused.body().get("detail").asString()).contains("office");
    }

    @Test
    void aUserWithoutEntitlementIsRefused() {
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 1, "READY");
        tenant.user("mallory");

        Api.Response refused = tenant.login("mallory").post(connectPath(pool));

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.reason()).isEqualTo("NOT_ENTITLED");
        assertThat(refused.body().get("poolName").asString()).isEqualTo("office");
    }

    @Test
    void aGroupEntitlementLetsItsMembersConnect() {
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 1, "READY");
        UUID carol = tenant.user("carol");
        UUID group = check(tenant.admin.post("/api/v1/admin/groups", json("name", "staff")), 201).id();
        check(tenant.admin.put("/api/v1/admin/groups/" + group + "/members/" + carol, null), 200);
        tenant.entitleGroup(pool, group);

        Api carolApi = tenant.login("carol");
        check(carolApi.post(connectPath(pool)), 201);
        assertThat(carolApi.get("/api/v1/pools").body().get(0).get("session").get("state").asString()).isEqualTo("READY");
    }

    @Test
    void aDisabledPoolRefusesNewSessionsButKeepsExistingOnes() {
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 2, "READY");
        Api alice = userEntitledTo("alice", pool);
        Api bob = userEntitledTo("bob", pool);
        String session = check(alice.post(connectPath(pool)), 201).body().get("session").get("id").asString();

        check(tenant.admin.edit("/api/v1/admin/pools/" + pool, json("enabled", false)), 200);

        Api.Response refused = bob.post(connectPath(pool));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.reason()).isEqualTo("POOL_DISABLED");
        assertThat(check(alice.post(connectPath(pool)), 200).body().get("session").get("id").asString()).isEqualTo(session);
    }

    @Test
    void theTenantQuotaCapsConcurrentSessions() {
        TestTenant small = TestTenant.create(context, port, 1, 10);
        UUID pool = small.pool("office", "POOLED", null);
        small.desktops(pool, 3, "READY");
        UUID a = small.user("alice");
        UUID b = small.user("bob");
        small.entitle(pool, a);
        small.entitle(pool, b);
        check(small.login("alice").post(connectPath(pool)), 201);

        Api.Response refused = small.login("bob").post(connectPath(pool));

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.reason()).isEqualTo("TENANT_QUOTA");
        assertThat(refused.body().get("maxConcurrentSessions").asInt()).isEqualTo(1);
        assertThat(refused.body().get("activeSessions").asInt()).isEqualTo(1);
        // bob's desktop was claimed before the seat failed his commit: the claim went back with it
        List<String> states = new ArrayList<>();
        small.admin.get("/api/v1/admin/pools/" + pool + "/desktops").body().forEach(d -> states.add(d.get("state").asString()));
        assertThat(states).containsExactlyInAnyOrder("IN_USE", "READY", "READY");
        assertThat(small.admin.get("/api/v1/admin/sessions?liveOnly=false").body().toString()).doesNotContain(b.toString());
    }

    @Test
    void aChangedSessionQuotaAppliesAtOnceAndKeepsLiveSessions() {
        TestTenant small = TestTenant.create(context, port, 2, 10);
        UUID pool = small.pool("office", "POOLED", null);
        small.desktops(pool, 3, "READY");
        Api[] users = new Api[3];
        for (int i = 0; i < 3; i++) {
            small.entitle(pool, small.user("u" + i));
            users[i] = small.login("u" + i);
        }
        check(users[0].post(connectPath(pool)), 201);
        check(users[1].post(connectPath(pool)), 201);
        Api operator = small.platformAdmin(context, "operator");

        check(operator.edit("/api/v1/admin/tenants/" + small.id, json("maxConcurrentSessions", 1)), 200);
        Api.Response refused = users[2].post(connectPath(pool));
        assertThat(refused.reason()).isEqualTo("TENANT_QUOTA");
        assertThat(refused.body().get("activeSessions").asInt()).isEqualTo(2);
        assertThat(check(users[0].post(connectPath(pool)), 200).body().get("reconnected").asBoolean()).isTrue();

        check(operator.edit("/api/v1/admin/tenants/" + small.id, json("maxConcurrentSessions", 3)), 200);
        check(users[2].post(connectPath(pool)), 201);
        assertThat(check(operator.get("/api/v1/admin/tenants/" + small.id), 200).body().get("activeSessions").asInt())
                .isEqualTo(3);
    }

    @Test
    void aPersistentDesktopStaysWithItsOwnerAfterLogoff() {
        UUID pool = tenant.pool("eng", "PERSISTENT", null);
        tenant.desktops(pool, 2, "READY");
        Api alice = userEntitledTo("alice", pool);
        Api bob = userEntitledTo("bob", pool);

        Api.Response first = check(alice.post(connectPath(pool)), 201);
        String desktop = first.body().get("session").get("desktopId").asString();
        String session = first.body().get("session").get("id").asString();
        Api.Response ended = check(alice.post("/api/v1/sessions/" + session + "/logoff"), 200);
        assertThat(ended.body().get("state").asString()).isEqualTo("ENDED");
        assertThat(ended.body().get("endReason").asString()).isEqualTo("LOGOFF");

        String bobsDesktop = check(bob.post(connectPath(pool)), 201).body().get("session").get("desktopId").asString();
        Api.Response again = check(alice.post(connectPath(pool)), 201);

        assertThat(bobsDesktop).isNotEqualTo(desktop);
        assertThat(again.body().get("session").get("desktopId").asString()).isEqualTo(desktop);
        assertThat(again.body().get("session").get("id").asString()).isNotEqualTo(session);
        Api.Response d = check(tenant.admin.get("/api/v1/admin/desktops/" + desktop), 200);
        assertThat(d.body().get("assignedUserId").asString()).isNotBlank();
        assertThat(d.body().get("state").asString()).isEqualTo("IN_USE");
    }

    @Test
    void aReturningOwnersDesktopSwitchedOffWithoutProvisioningOrInMaintenanceIsRefusedWithItsState() {
        UUID pool = tenant.pool("eng", "PERSISTENT", null);
        tenant.desktops(pool, 2, "READY");
        Api alice = userEntitledTo("alice", pool);
        Api.Response first = check(alice.post(connectPath(pool)), 201);
        String desktop = first.body().get("session").get("desktopId").asString();
        check(alice.post("/api/v1/sessions/" + first.body().get("session").get("id").asString() + "/logoff"), 200);

        // switched off while she was away, and no hypervisor manages it: nothing could start it, so she is told
        // at once instead of waiting on a session that never becomes ready
        check(tenant.admin.post("/api/v1/admin/desktops/" + desktop + "/state", json("state", "STOPPED")), 200);
        Api.Response off = alice.post(connectPath(pool));
        assertThat(off.status()).isEqualTo(409);
        assertThat(off.reason()).isEqualTo("DESKTOP_UNAVAILABLE");
        assertThat(off.body().get("desktopId").asString()).isEqualTo(desktop);
        assertThat(off.body().get("desktopState").asString()).isEqualTo("STOPPED");
        assertThat(off.body().get("managed").asBoolean()).isFalse();
        assertThat(tenant.admin.get("/api/v1/admin/desktops/" + desktop).body().get("state").asString())
                .isEqualTo("STOPPED");
        assertThat(check(alice.get("/api/v1/sessions"), 200).body().size()).isZero();

        // in maintenance: refused with the reason, and no other desktop of the pool is handed out instead
        check(tenant.admin.post("/api/v1/admin/desktops/" + desktop + "/state", json("state", "MAINTENANCE")), 200);
        Api.Response refused = alice.post(connectPath(pool));
        assertThat(refused.reason()).isEqualTo("DESKTOP_UNAVAILABLE");
        assertThat(tenant.admin.get("/api/v1/admin/desktops/" + desktop).body().get("state").asString())
                .isEqualTo("MAINTENANCE");
        assertThat(check(alice.get("/api/v1/sessions"), 200).body().size()).isZero();
    }

    @Test
    void aPooledDesktopReturnsToThePoolAfterLogoff() {
        UUID pool = tenant.pool("office", "POOLED", null);
        UUID desktop = tenant.desktops(pool, 1, "READY").getFirst();
        Api alice = userEntitledTo("alice", pool);
        Api bob = userEntitledTo("bob", pool);
        String session = check(alice.post(connectPath(pool)), 201).body().get("session").get("id").asString();
        assertThat(bob.post(connectPath(pool)).reason()).isEqualTo("POOL_EXHAUSTED");

        check(alice.post("/api/v1/sessions/" + session + "/logoff"), 200);

        Api.Response bobs = check(bob.post(connectPath(pool)), 201);
        assertThat(bobs.body().get("session").get("desktopId").asString()).isEqualTo(desktop.toString());
    }

    @Test
    void aStoppedDesktopThatNoProvisioningManagesIsNeverClaimedSoTheConnectIsAnsweredAtOnce() {
        UUID pool = tenant.pool("office", "POOLED", null);
        UUID off = tenant.desktops(pool, 1, "STOPPED").getFirst();
        Api alice = userEntitledTo("alice", pool);

        Api.Response refused = alice.post(connectPath(pool));
        assertThat(refused.reason()).isEqualTo("POOL_EXHAUSTED");
        assertThat(refused.body().get("desktopsByState").get("STOPPED").asInt()).isEqualTo(1);
        assertThat(tenant.admin.get("/api/v1/admin/desktops/" + off).body().get("state").asString()).isEqualTo("STOPPED");
        assertThat(check(alice.get("/api/v1/sessions"), 200).body().size()).isZero();

        // an admin switches it on by hand: then it is handed out
        check(tenant.admin.post("/api/v1/admin/desktops/" + off + "/state", json("state", "READY")), 200);
        Api.Response ok = check(alice.post(connectPath(pool)), 201);
        assertThat(ok.body().get("state").asString()).isEqualTo("READY");
        assertThat(ok.body().get("session").get("desktopId").asString()).isEqualTo(off.toString());
    }

    @Test
    void sharedPoolsPlaceBreadthFirst() {
        UUID pool = tenant.pool("apps", "SHARED", "BREADTH_FIRST");
        UUID h1 = tenant.host(pool, "h1", 5);
        UUID h2 = tenant.host(pool, "h2", 5);
        List<String> hosts = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            hosts.add(check(userEntitledTo("u" + i, pool).post(connectPath(pool)), 201)
                    .body().get("session").get("sessionHostId").asString());
        }
        assertThat(hosts).filteredOn(h1.toString()::equals).hasSize(2);
        assertThat(hosts).filteredOn(h2.toString()::equals).hasSize(2);
    }

    @Test
    void sharedPoolsPlaceDepthFirstAndRespectMaxSessions() {
        UUID pool = tenant.pool("apps", "SHARED", "DEPTH_FIRST");
        UUID h1 = tenant.host(pool, "h1", 2);
        UUID h2 = tenant.host(pool, "h2", 2);
        List<String> hosts = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            hosts.add(check(userEntitledTo("u" + i, pool).post(connectPath(pool)), 201)
                    .body().get("session").get("sessionHostId").asString());
        }
        assertThat(hosts.subList(0, 2)).containsOnly(hosts.getFirst());
        assertThat(hosts.subList(2, 4)).containsOnly(hosts.getFirst().equals(h1.toString()) ? h2.toString() : h1.toString());

        Api.Response refused = userEntitledTo("late", pool).post(connectPath(pool));
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.reason()).isEqualTo("HOST_CAPACITY");
        assertThat(refused.body().get("sessionCapacity").asInt()).isEqualTo(4);
        assertThat(refused.body().get("sessionsInUse").asInt()).isEqualTo(4);
    }

    @Test
    void aDrainingHostTakesNoNewSessionsButItsUsersReconnect() {
        UUID pool = tenant.pool("apps", "SHARED", "BREADTH_FIRST");
        UUID host = tenant.host(pool, "h1", 10);
        Api alice = userEntitledTo("alice", pool);
        String session = check(alice.post(connectPath(pool)), 201).body().get("session").get("id").asString();
        check(alice.post("/api/v1/sessions/" + session + "/disconnect"), 200);

        check(tenant.admin.post("/api/v1/admin/session-hosts/" + host + "/drain"), 200);

        Api.Response refused = userEntitledTo("bob", pool).post(connectPath(pool));
        assertThat(refused.reason()).isEqualTo("HOST_CAPACITY");
        assertThat(refused.body().get("drainingHosts").asInt()).isEqualTo(1);
        Api.Response again = check(alice.post(connectPath(pool)), 200);
        assertThat(again.body().get("session").get("id").asString()).isEqualTo(session);
        assertThat(again.body().get("session").get("state").asString()).isEqualTo("DISCONNECTED");
    }

    @Test
    void anotherTenantsPoolDoesNotExistForMe() {
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 1, "READY");
        TestTenant other = TestTenant.create(context, port, 10, 10);
        other.user("eve");

        Api.Response refused = other.login("eve").post(connectPath(pool));
        Api.Response adminView = other.admin.get("/api/v1/admin/pools/" + pool);

        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.reason()).isEqualTo("NOT_FOUND");
        assertThat(adminView.status()).isEqualTo(404);
    }

    @Test
    void usersSeeOnlyTheirOwnSessions() {
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 2, "READY");
        Api alice = userEntitledTo("alice", pool);
        Api bob = userEntitledTo("bob", pool);
        String session = check(alice.post(connectPath(pool)), 201).body().get("session").get("id").asString();

        assertThat(bob.get("/api/v1/sessions/" + session).status()).isEqualTo(404);
        assertThat(bob.post("/api/v1/sessions/" + session + "/logoff").status()).isEqualTo(404);
        assertThat(bob.get("/api/v1/sessions").body().size()).isZero();
        assertThat(alice.get("/api/v1/sessions").body().size()).isEqualTo(1);
    }

    @Test
    void sessionsNeverCarryConsoleAddressesOrPasswords() {
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 1, "READY");
        Api alice = userEntitledTo("alice", pool);

        String raw = check(alice.post(connectPath(pool)), 201).raw() + alice.get("/api/v1/pools").raw()
                + tenant.admin.get("/api/v1/admin/pools/" + pool + "/desktops").raw();

        assertThat(raw).doesNotContain("secret-0").doesNotContain("consolePassword\"");
    }

    @Test
    void theConnectPathsComponentsRefuseToRunOutsideTheirCallersTransaction() {
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 1, "READY");
        DesktopPool office = context.getBean(DesktopPools.class).get(tenant.id, pool);

        // each would otherwise commit its own half of a connect: a claimed desktop with no session, a seat
        // taken for nobody
        assertThatThrownBy(() -> context.getBean(DesktopClaims.class).claim(office, tenant.user("alice")))
                .isInstanceOf(IllegalTransactionStateException.class);
        assertThatThrownBy(() -> context.getBean(TenantQuotas.class).takeSessionSlot(tenant.id))
                .isInstanceOf(IllegalTransactionStateException.class);
        assertThat(tenant.admin.get("/api/v1/admin/pools/" + pool + "/desktops").body().get(0).get("state").asString())
                .isEqualTo("READY");
    }

    @Test
    void aConnectAnswerIsSentWithItsLengthNotChunked() throws Exception {
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 1, "READY");
        Api alice = userEntitledTo("alice", pool);

        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("POST " + connectPath(pool) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                    + "Authorization: Bearer " + alice.token() + "\r\nAccept: application/json\r\n"
                    + "Content-Length: 0\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String head = answer.substring(0, answer.indexOf("\r\n\r\n")).toLowerCase(Locale.ROOT);
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);

            assertThat(head).startsWith("http/1.1 201").doesNotContain("transfer-encoding");
            assertThat(head).contains("content-length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n");
            assertThat(head).contains("content-type: application/json");
            assertThat(body).startsWith("{\"session\":{").endsWith("}");
            String session = body.substring(body.indexOf("\"id\":\"") + 6, body.indexOf("\"id\":\"") + 42);
            assertThat(head).contains("location: /api/v1/sessions/" + session + "\r\n");
            // the security headers are there as on every other answer
            assertThat(head).contains("x-content-type-options: nosniff");
        }
    }

    @Test
    void aPathWithPercentEscapesReachesTheSameHandler() {
        UUID pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 1, "READY");
        Api alice = userEntitledTo("alice", pool);
        check(alice.post(connectPath(pool)), 201);

        // "%73" is an escaped "s": matched as decoded text, which the literal-prefix shortcut does not see
        Api.Response plain = check(alice.get("/api/v1/sessions"), 200);
        Api.Response escaped = check(alice.get("/api/v1/session%73"), 200);

        assertThat(escaped.body()).isEqualTo(plain.body());
        assertThat(escaped.body().size()).isEqualTo(1);
    }
}
