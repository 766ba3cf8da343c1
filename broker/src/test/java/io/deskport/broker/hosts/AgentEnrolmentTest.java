package io.deskport.broker.hosts;

import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.shared.ConsoleAddress;
import io.deskport.broker.BrokerTest;
import io.deskport.broker.brokering.SessionConsoles;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/** The agent protocol as the broker enforces it, spoken over HTTP by the test itself (no agent process). */
@BrokerTest
class AgentEnrolmentTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    SessionConsoles consoles;

    TestTenant tenant;
    UUID pool;

    @BeforeEach
    void newTenant() {
        tenant = TestTenant.create(context, port, 100, 100);
        pool = tenant.pool("apps", "SHARED", "BREADTH_FIRST");
    }

    private Api.Response createAgentHost(String name) {
        return check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/session-hosts/enrolments", json("name", name)), 201);
    }

    private Api.Response enrol(String token) {
        return tenant.anonymous.post("/api/v1/agent/enrol", json("token", token, "address", "10.1.2.3",
                "os", "Debian GNU/Linux 13", "agentVersion", "test", "cpuCount", 8, "memoryMb", 32768, "maxSessions", 25));
    }

    private Api agent(String credential) {
        return tenant.anonymous.withToken(credential);
    }

    private static String heartbeat(String sessions) {
        return "{\"cpuPercent\":12.5,\"memoryUsedMb\":2048,\"sessionCount\":0,\"sessions\":" + sessions + "}";
    }

    @Test
    void theEnrolmentTokenWorksOnceAndRegistersTheHost() {
        Api.Response created = createAgentHost("sh1");
        String token = created.body().get("enrolmentToken").asString();
        String hostId = created.body().get("host").get("id").asString();
        assertThat(created.body().get("host").get("state").asString()).isEqualTo("REGISTERED");

        Api.Response enrolled = check(enrol(token), 200);
        Api.Response replayed = enrol(token);

        assertThat(enrolled.body().get("hostId").asString()).isEqualTo(hostId);
        assertThat(enrolled.body().get("credential").asString()).startsWith("dpa." + hostId + ".");
        assertThat(replayed.status()).isEqualTo(401);
        assertThat(replayed.reason()).isEqualTo("UNAUTHENTICATED");
        Api.Response host = check(tenant.admin.get("/api/v1/admin/session-hosts/" + hostId), 200);
        assertThat(host.body().get("maxSessions").asInt()).isEqualTo(25);
        assertThat(host.body().get("agent").get("address").asString()).isEqualTo("10.1.2.3");
        assertThat(host.body().get("agent").get("os").asString()).isEqualTo("Debian GNU/Linux 13");
        assertThat(host.raw()).doesNotContain(enrolled.body().get("credential").asString()).doesNotContain(token);
    }

    @Test
    void aHeartbeatMakesTheHostAvailable() {
        Api.Response created = createAgentHost("sh1");
        String credential = check(enrol(created.body().get("enrolmentToken").asString()), 200)
                .body().get("credential").asString();

        Api.Response answer = check(agent(credential).post("/api/v1/agent/heartbeat", heartbeat("[]")), 200);

        assertThat(answer.body().get("draining").asBoolean()).isFalse();
        Api.Response host = check(tenant.admin.get("/api/v1/admin/session-hosts/" + created.body().get("host").get("id").asString()), 200);
        assertThat(host.body().get("state").asString()).isEqualTo("AVAILABLE");
        assertThat(host.body().get("agent").get("cpuPercent").asDouble()).isEqualTo(12.5);
    }

    @Test
    void forgedCredentialsAndUserTokensAreRefusedByTheAgentApi() {
        Api.Response created = createAgentHost("sh1");
        String hostId = created.body().get("host").get("id").asString();
        String credential = check(enrol(created.body().get("enrolmentToken").asString()), 200)
                .body().get("credential").asString();
        String forged = "dpa." + hostId + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

        assertThat(agent(forged).post("/api/v1/agent/heartbeat", heartbeat("[]")).status()).isEqualTo(401);
        assertThat(agent("garbage").post("/api/v1/agent/heartbeat", heartbeat("[]")).status()).isEqualTo(401);
        assertThat(tenant.anonymous.post("/api/v1/agent/heartbeat", heartbeat("[]")).status()).isEqualTo(401);
        // a tenant admin's access token is no agent credential
        assertThat(tenant.admin.post("/api/v1/agent/heartbeat", heartbeat("[]")).status()).isEqualTo(401);
        assertThat(tenant.admin.get("/api/v1/agent/commands?waitMillis=0").status()).isEqualTo(401);
        // and an agent credential is no user token
        assertThat(agent(credential).get("/api/v1/admin/session-hosts/" + hostId).status()).isEqualTo(401);
        assertThat(agent(credential).post("/api/v1/agent/heartbeat", heartbeat("[]")).status()).isEqualTo(200);
    }

    @Test
    void aRevokedCredentialIsRefusedAndTheHostIsNoLongerPlaceable() {
        Api.Response created = createAgentHost("sh1");
        String hostId = created.body().get("host").get("id").asString();
        String credential = check(enrol(created.body().get("enrolmentToken").asString()), 200)
                .body().get("credential").asString();
        check(agent(credential).post("/api/v1/agent/heartbeat", heartbeat("[]")), 200);

        Api.Response revoked = check(tenant.admin.post("/api/v1/admin/session-hosts/" + hostId + "/revoke"), 200);

        assertThat(revoked.body().get("state").asString()).isEqualTo("UNREACHABLE");
        assertThat(revoked.body().get("agent").get("enrolled").asBoolean()).isFalse();
        assertThat(agent(credential).post("/api/v1/agent/heartbeat", heartbeat("[]")).status()).isEqualTo(401);
        UUID user = tenant.user("alice");
        tenant.entitle(pool, user);
        assertThat(tenant.login("alice").post("/api/v1/pools/" + pool + "/connect").reason()).isEqualTo("HOST_CAPACITY");
        String audit = check(tenant.admin.get("/api/v1/admin/audit?objectId=" + hostId), 200).raw();
        assertThat(audit).contains("SESSION_HOST_ENROLMENT_CREATED", "SESSION_HOST_ENROLLED", "SESSION_HOST_REVOKED");
    }

    @Test
    void enrollingAgainReplacesTheCredential() {
        Api.Response created = createAgentHost("sh1");
        String hostId = created.body().get("host").get("id").asString();
        String first = check(enrol(created.body().get("enrolmentToken").asString()), 200).body().get("credential").asString();

        String token = check(tenant.admin.post("/api/v1/admin/session-hosts/" + hostId + "/enrolment-token"), 201)
                .body().get("enrolmentToken").asString();
        String second = check(enrol(token), 200).body().get("credential").asString();

        assertThat(agent(first).post("/api/v1/agent/heartbeat", heartbeat("[]")).status()).isEqualTo(401);
        assertThat(agent(second).post("/api/v1/agent/heartbeat", heartbeat("[]")).status()).isEqualTo(200);
    }

    @Test
    void aSessionOnAnAgentHostIsPreparingUntilTheAgentReportsItsConsole() {
        Api.Response created = createAgentHost("sh1");
        String credential = check(enrol(created.body().get("enrolmentToken").asString()), 200).body().get("credential").asString();
        check(agent(credential).post("/api/v1/agent/heartbeat", heartbeat("[]")), 200);
        tenant.entitle(pool, tenant.user("alice"));
        Api alice = tenant.login("alice");

        Api.Response connect = check(alice.post("/api/v1/pools/" + pool + "/connect"), 201);
        String sessionId = connect.body().get("session").get("id").asString();
        assertThat(connect.body().get("state").asString()).isEqualTo("PREPARING");
        Api.Response commands = check(agent(credential).get("/api/v1/agent/commands?waitMillis=5000"), 200);
        assertThat(commands.body().get(0).get("kind").asString()).isEqualTo("CREATE_SESSION");
        assertThat(commands.body().get(0).get("sessionId").asString()).isEqualTo(sessionId);
        assertThat(commands.body().get(0).get("payload").get("username").asString()).isEqualTo("alice");
        check(agent(credential).post("/api/v1/agent/commands/" + commands.body().get(0).get("id").asLong() + "/ack"), 204);

        check(agent(credential).post("/api/v1/agent/sessions/" + sessionId + "/report",
                json("state", "READY", "consoleHost", "10.1.2.3", "consolePort", 5917, "consolePassword", "Xy3kP9qZ")), 200);

        Api.Response session = check(alice.get("/api/v1/sessions/" + sessionId), 200);
        assertThat(session.body().get("state").asString()).isEqualTo("READY");
        assertThat(session.raw()).doesNotContain("Xy3kP9qZ").doesNotContain("5917");
        assertThat(consoles.of(UUID.fromString(sessionId))).hasValue(new ConsoleAddress("10.1.2.3", 5917, "Xy3kP9qZ"));
        Api.Response again = check(alice.post("/api/v1/pools/" + pool + "/connect"), 200);
        assertThat(again.body().get("session").get("id").asString()).isEqualTo(sessionId);
        assertThat(check(agent(credential).get("/api/v1/agent/commands?waitMillis=0"), 200).body().size()).isZero();

        check(alice.post("/api/v1/sessions/" + sessionId + "/logoff"), 200);
        Api.Response logoff = check(agent(credential).get("/api/v1/agent/commands?waitMillis=5000"), 200);
        assertThat(logoff.body().get(0).get("kind").asString()).isEqualTo("LOGOFF_SESSION");
        assertThat(logoff.body().get(0).get("sessionId").asString()).isEqualTo(sessionId);
    }

    @Test
    void aSessionTheBrokerDoesNotKnowIsToBeLoggedOffAndOneTheHostLostEnds() {
        Api.Response created = createAgentHost("sh1");
        String credential = check(enrol(created.body().get("enrolmentToken").asString()), 200).body().get("credential").asString();
        check(agent(credential).post("/api/v1/agent/heartbeat", heartbeat("[]")), 200);
        String stranger = UUID.randomUUID().toString();

        Api.Response answer = check(agent(credential).post("/api/v1/agent/heartbeat",
                heartbeat("[{\"sessionId\":\"" + stranger + "\",\"state\":\"READY\",\"idleMillis\":10}]")), 200);

        assertThat(answer.body().get("logoff").toString()).contains(stranger);
    }

    @Test
    void theIdleTimeAnAgentReportsBecomesTheSessionsLastActivity() {
        Api.Response created = createAgentHost("sh1");
        String credential = check(enrol(created.body().get("enrolmentToken").asString()), 200).body().get("credential").asString();
        check(agent(credential).post("/api/v1/agent/heartbeat", heartbeat("[]")), 200);
        tenant.entitle(pool, tenant.user("carol"));
        String sessionId = check(tenant.login("carol").post("/api/v1/pools/" + pool + "/connect"), 201)
                .body().get("session").get("id").asString();
        check(agent(credential).post("/api/v1/agent/sessions/" + sessionId + "/report",
                json("state", "READY", "consoleHost", "10.1.2.3", "consolePort", 5901, "consolePassword", "pw")), 200);
        assertThat(tenant.admin.get("/api/v1/admin/sessions/" + sessionId).body().get("lastActivityAt").isNull()).isTrue();

        java.time.Instant before = java.time.Instant.now();
        check(agent(credential).post("/api/v1/agent/heartbeat",
                heartbeat("[{\"sessionId\":\"" + sessionId + "\",\"state\":\"READY\",\"idleMillis\":0}]")), 200);

        java.time.Instant last = java.time.Instant.parse(
                tenant.admin.get("/api/v1/admin/sessions/" + sessionId).body().get("lastActivityAt").asString());
        assertThat(last).isAfter(before.minusSeconds(2));
    }

    @Test
    void hostsWithoutAgentKeepGivingReadySessionsAtOnce() {
        UUID host = tenant.host(pool, "console-host", 5);
        tenant.entitle(pool, tenant.user("bob"));

        Api.Response connect = check(tenant.login("bob").post("/api/v1/pools/" + pool + "/connect"), 201);

        assertThat(connect.body().get("state").asString()).isEqualTo("READY");
        assertThat(connect.body().get("session").get("sessionHostId").asString()).isEqualTo(host.toString());
        assertThat(consoles.of(UUID.fromString(connect.body().get("session").get("id").asString())))
                .hasValue(new ConsoleAddress("127.0.0.1", 5999, "pw"));
    }
}
