package io.deskport.broker.hosts;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.deskport.broker.BrokerTest;
import io.deskport.broker.licensing.Enforcement;
import io.deskport.broker.licensing.LicenceFixture;
import io.deskport.broker.licensing.LicenceModel;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Launching published applications through the connect, with the agent protocol spoken by the test itself: the
 * first application creates a session without a desktop, a second one is started in the same session; licences,
 * the tenant's quota and the usage events count the application session as the session it is.
 */
@BrokerTest
class ApplicationLaunchTest {

    private static final EventFormat CLOUD_EVENTS = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    TestTenant tenant;
    UUID pool;
    Api agent;
    LicenceFixture licences;

    @BeforeEach
    void poolWithAnAgentHost() {
        poolWithAnAgentHostIn(TestTenant.create(context, port, 100, 100));
    }

    private void poolWithAnAgentHostIn(TestTenant t) {
        tenant = t;
        licences = new LicenceFixture(context);
        pool = tenant.pool("apps", "SHARED", "BREADTH_FIRST");
        Api.Response created = check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/session-hosts/enrolments",
                json("name", "sh1")), 201);
        String credential = check(tenant.anonymous.post("/api/v1/agent/enrol", json("token",
                created.body().get("enrolmentToken").asString(), "address", "10.1.2.3", "maxSessions", 25)), 200)
                .body().get("credential").asString();
        agent = tenant.anonymous.withToken(credential);
        check(agent.post("/api/v1/agent/heartbeat", "{\"sessionCount\":0,\"sessions\":[]}"), 200);
    }

    private UUID publish(String name, String command, String... arguments) {
        return check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/applications",
                PublishedApplicationApiTest.app(name, command, null, arguments)), 201).id();
    }

    private Api user(String name) {
        tenant.entitle(pool, tenant.user(name));
        return tenant.login(name);
    }

    private JsonNode nextCommand() {
        JsonNode commands = check(agent.get("/api/v1/agent/commands?waitMillis=5000"), 200).body();
        assertThat(commands.size()).isEqualTo(1);
        check(agent.post("/api/v1/agent/commands/" + commands.get(0).get("id").asLong() + "/ack"), 204);
        return commands.get(0);
    }

    private void ready(String sessionId) {
        check(agent.post("/api/v1/agent/sessions/" + sessionId + "/report",
                json("state", "READY", "consoleHost", "10.1.2.3", "consolePort", 5917, "consolePassword", "Xy3kP9qZ")), 200);
    }

    @Test
    void theFirstApplicationCreatesASessionWithoutADesktopAndTheSecondJoinsIt() {
        UUID terminal = publish("Terminal", "xterm", "-T", "one");
        UUID editor = publish("Editor", "/usr/bin/xedit");
        Api ann = user("ann");

        Api.Response first = check(ann.post("/api/v1/applications/" + terminal + "/launch"), 201);
        String session = first.body().get("session").get("id").asString();
        assertThat(first.body().get("applicationId").asString()).isEqualTo(terminal.toString());
        assertThat(first.body().get("state").asString()).isEqualTo("PREPARING");
        JsonNode create = nextCommand();
        assertThat(create.get("kind").asString()).isEqualTo("CREATE_SESSION");
        assertThat(create.get("sessionId").asString()).isEqualTo(session);
        assertThat(create.get("payload").has("desktopCommand")).as("no desktop shell").isFalse();
        assertThat(create.get("payload").get("application").get("command").asString()).isEqualTo("xterm");
        assertThat(create.get("payload").get("application").get("arguments").toString()).isEqualTo("[\"-T\",\"one\"]");
        ready(session);

        Api.Response second = check(ann.post("/api/v1/applications/" + editor + "/launch"), 200);

        assertThat(second.body().get("reconnected").asBoolean()).isTrue();
        assertThat(second.body().get("session").get("id").asString()).isEqualTo(session);
        assertThat(second.body().get("tunnel").get("token").asString()).isNotBlank();
        JsonNode launch = nextCommand();
        assertThat(launch.get("kind").asString()).isEqualTo("LAUNCH_APPLICATION");
        assertThat(launch.get("sessionId").asString()).isEqualTo(session);
        assertThat(launch.get("payload").get("application").get("command").asString()).isEqualTo("/usr/bin/xedit");
        assertThat(jdbc.sql("select count(*) from session where pool_id = ? and state <> 'ENDED'").param(pool)
                .query(Integer.class).single()).isEqualTo(1);
        // the user's desktop connect to the pool returns the same session (one session per user and pool)
        assertThat(check(ann.post("/api/v1/pools/" + pool + "/connect"), 200).body().get("session").get("id").asString())
                .isEqualTo(session);
    }

    @Test
    void anApplicationSessionHoldsOneConcurrentSeatForAllItsApplicationsAndGivesItBackAtLogoff() {
        UUID product = licences.product(tenant.id, "RDS CAL", LicenceModel.CONCURRENT_USER);
        licences.licence(product, 1, Enforcement.HARD, 0);
        licences.require(pool, product);
        UUID terminal = publish("Terminal", "xterm");
        UUID editor = publish("Editor", "xedit");
        Api ann = user("ann");
        Api ben = user("ben");

        String session = check(ann.post("/api/v1/applications/" + terminal + "/launch"), 201)
                .body().get("session").get("id").asString();
        ready(session);
        check(ann.post("/api/v1/applications/" + editor + "/launch"), 200);
        assertThat(licences.held(product)).isEqualTo(1);
        assertThat(licences.counted(product)).isEqualTo(1);

        Api.Response refused = ben.post("/api/v1/applications/" + terminal + "/launch");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.reason()).isEqualTo("LICENCE_EXHAUSTED");
        assertThat(refused.body().get("seatsInUse").asInt()).isEqualTo(1);

        check(ann.post("/api/v1/sessions/" + session + "/logoff"), 200);
        assertThat(licences.held(product)).isZero();
        assertThat(licences.counted(product)).isZero();
        check(ben.post("/api/v1/applications/" + terminal + "/launch"), 201);
        assertThat(licences.held(product)).isEqualTo(1);
    }

    @Test
    void anApplicationSessionCountsAgainstTheTenantsQuota() {
        poolWithAnAgentHostIn(TestTenant.create(context, port, 1, 100));
        UUID terminal = publish("Terminal", "xterm");
        UUID editor = publish("Editor", "xedit");
        Api ann = user("ann");
        Api ben = user("ben");

        check(ann.post("/api/v1/applications/" + terminal + "/launch"), 201);
        check(ann.post("/api/v1/applications/" + editor + "/launch"), 200);
        Api.Response refused = ben.post("/api/v1/applications/" + terminal + "/launch");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.reason()).isEqualTo("TENANT_QUOTA");
    }

    @Test
    void usageEventsRecordTheApplicationSessionOnceWhateverTheApplicationsLaunchedInIt() {
        UUID terminal = publish("Terminal", "xterm");
        UUID editor = publish("Editor", "xedit");
        Api ann = user("ann");
        int before = events().size();

        String session = check(ann.post("/api/v1/applications/" + terminal + "/launch"), 201)
                .body().get("session").get("id").asString();
        ready(session);
        check(ann.post("/api/v1/applications/" + editor + "/launch"), 200);
        check(ann.post("/api/v1/applications/" + terminal + "/launch"), 200);
        check(ann.post("/api/v1/sessions/" + session + "/logoff"), 200);

        // the log is read gap-free: a moment may pass until every transaction before the logoff's has ended
        List<CloudEvent> mine = await().atMost(java.time.Duration.ofSeconds(20)).until(() -> events().stream()
                .filter(e -> ("sessions/" + session).equals(e.getSubject())).toList(),
                l -> l.stream().anyMatch(e -> e.getType().equals("io.deskport.session.ended")));
        assertThat(before).isLessThanOrEqualTo(events().size());
        assertThat(mine).extracting(CloudEvent::getType)
                .containsExactly("io.deskport.session.created", "io.deskport.session.ended");
    }

    @Test
    void anApplicationCannotStartOnAHostRegisteredByItsConsoleAddress() {
        UUID consolePool = tenant.pool("console-hosts", "SHARED", "BREADTH_FIRST");
        tenant.host(consolePool, "rds1", 5);
        UUID app = check(tenant.admin.post("/api/v1/admin/pools/" + consolePool + "/applications",
                PublishedApplicationApiTest.app("Terminal", "xterm", null)), 201).id();
        UUID ann = tenant.user("ann");
        tenant.entitle(consolePool, ann);

        Api.Response refused = tenant.login("ann").post("/api/v1/applications/" + app + "/launch");

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.reason()).isEqualTo("INVALID_STATE");
        assertThat(jdbc.sql("select count(*) from session where pool_id = ?").param(consolePool).query(Integer.class)
                .single()).as("nothing taken").isZero();
    }

    private List<CloudEvent> events() {
        JsonNode page = check(tenant.admin.get("/api/v1/usage/events?limit=10000"), 200).body();
        return page.valueStream().map(e -> CLOUD_EVENTS.deserialize(e.toString().getBytes(StandardCharsets.UTF_8))).toList();
    }
}
