package io.deskport.broker.hosts;

import java.util.List;
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
 * What an agent reports is checked before any of it is stored: sizes and ranges, with a 400 naming
 * every bad member — nothing of a refused heartbeat reaches the host row or the append-only audit trail.
 */
@BrokerTest
class AgentHeartbeatValidationTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    Api agent;
    String hostId;

    @BeforeEach
    void enrolledAgent() {
        tenant = TestTenant.create(context, port, 100, 100);
        UUID pool = tenant.pool("apps", "SHARED", "BREADTH_FIRST");
        Api.Response created = check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/session-hosts/enrolments",
                json("name", "sh1")), 201);
        hostId = created.body().get("host").get("id").asString();
        String credential = check(tenant.anonymous.post("/api/v1/agent/enrol", json("token",
                created.body().get("enrolmentToken").asString(), "address", "10.1.2.3", "maxSessions", 5)), 200)
                .body().get("credential").asString();
        agent = tenant.anonymous.withToken(credential);
    }

    @Test
    void aValidHeartbeatIsAccepted() {
        check(agent.post("/api/v1/agent/heartbeat", json("cpuPercent", 12.5, "memoryUsedMb", 2048, "sessionCount", 0,
                "sessions", new Api.RawJson("[]"), "loggedOnUser", "alice")), 200);

        assertThat(auditActions()).contains("SESSION_HOST_USER_LOGGED_ON");
    }

    @Test
    void anOverlongLoggedOnUserIsRefusedAndNotAudited() {
        Api.Response r = agent.post("/api/v1/agent/heartbeat", json("sessionCount", 0, "loggedOnUser", "u".repeat(300)));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(fields(r)).containsExactly("loggedOnUser");
        assertThat(auditActions()).doesNotContain("SESSION_HOST_USER_LOGGED_ON");
    }

    @Test
    void aFiveMegabyteLoggedOnUserIsRefusedUnread() {
        Api.Response r = agent.post("/api/v1/agent/heartbeat", json("loggedOnUser", "u".repeat(5 * 1024 * 1024)));

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.reason()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(auditActions()).doesNotContain("SESSION_HOST_USER_LOGGED_ON");
    }

    @Test
    void negativeAndOutOfRangeFiguresAreRefusedNamingEachMember() {
        Api.Response r = agent.post("/api/v1/agent/heartbeat", json("cpuPercent", -3.0, "memoryUsedMb", -1,
                "sessionCount", -7, "sessions", new Api.RawJson("[{\"sessionId\":\"" + UUID.randomUUID()
                        + "\",\"state\":\"READY\",\"idleMillis\":-5}]")));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(fields(r)).containsExactlyInAnyOrder("cpuPercent", "memoryUsedMb", "sessionCount",
                "sessions[0].idleMillis");
    }

    @Test
    void aControlCharacterInTheLoggedOnUserIsRefused() {
        Api.Response r = agent.post("/api/v1/agent/heartbeat", "{\"loggedOnUser\":\"alice\\nSESSION_HOST_REMOVED\"}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(fields(r)).containsExactly("loggedOnUser");
    }

    @Test
    void aSessionReportWithAPortOutOfRangeIsRefusedNamingIt() {
        Api.Response r = agent.post("/api/v1/agent/sessions/" + UUID.randomUUID() + "/report", json("state", "READY",
                "consoleHost", "10.1.2.3", "consolePort", 70000, "detail", "d".repeat(3000)));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(fields(r)).containsExactlyInAnyOrder("consolePort", "detail");
    }

    private static List<String> fields(Api.Response r) {
        return r.body().get("errors").findValuesAsString("field");
    }

    private List<String> auditActions() {
        return check(tenant.admin.get("/api/v1/admin/audit?objectId=" + hostId), 200).body().findValuesAsString("action");
    }
}
