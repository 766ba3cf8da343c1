package io.deskport.broker.metering;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
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
import io.deskport.broker.brokering.SessionLifecycle;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The usage events real changes write: a session's life, a refused connect (nothing), desktops registered,
 * switched off and on and removed, a tenant's quota; each read back through the export API and validated as
 * CloudEvents 1.0 by the CloudEvents Java SDK's own JSON format, and each event's time the changed row's time.
 */
@BrokerTest
class UsageEventsTest {

    private static final EventFormat CLOUD_EVENTS = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SessionLifecycle lifecycle;

    TestTenant t;

    @BeforeEach
    void tenant() {
        t = TestTenant.create(context, port, 1, 100);
    }

    /** Every event of the tenant through the export API, page by page, each validated by the SDK. */
    private List<CloudEvent> exported(Api api, String query) {
        List<CloudEvent> all = new java.util.ArrayList<>();
        String after = "";
        for (int pages = 0; pages < 100; pages++) {
            Api.Response page = api.get("/api/v1/usage/events?limit=2&after=" + after + query);
            assertThat(page.status()).as(page.raw()).isEqualTo(200);
            if (page.body().size() == 2) {
                assertThat(page.header("Link")).contains("rel=\"next\"").contains("after=");
            } else {
                assertThat(page.header("Link")).as("caught up: no next page").isNull();
            }
            if (page.body().isEmpty()) {
                assertThat(page.header(UsageController.NEXT_CURSOR)).isEqualTo(after);
                return all;
            }
            for (JsonNode e : page.body()) {
                all.add(CLOUD_EVENTS.deserialize(e.toString().getBytes(StandardCharsets.UTF_8)));
            }
            after = page.header(UsageController.NEXT_CURSOR);
        }
        throw new AssertionError("more pages than expected");
    }

    private static String data(CloudEvent e, String field) {
        JsonNode data = UsageRecorder.JSON.readTree(e.getData().toBytes());
        return data.has(field) && !data.get(field).isNull() ? data.get(field).asString() : null;
    }

    private Instant sessionTime(String column, String sessionId) {
        return jdbc.sql("select " + column + " from session where id = ?::uuid").param(sessionId)
                .query(java.sql.Timestamp.class).single().toInstant();
    }

    @Test
    void aSessionsLifeIsFourKindsOfEventEachAtTheTimeItsRowRecords() {
        UUID pool = t.pool("office", "POOLED", null);
        UUID desktop = t.desktops(pool, 1, "READY").getFirst();
        UUID ann = t.user("ann");
        t.entitle(pool, ann);
        Api annApi = t.login("ann").withHeader("Deskport-Device-Id", "laptop-0001");
        List<CloudEvent> before = exported(t.admin, "");

        Api.Response connect = annApi.post("/api/v1/pools/" + pool + "/connect");
        assertThat(connect.status()).as(connect.raw()).isEqualTo(201);
        String session = connect.body().get("session").get("id").asString();
        Instant created = sessionTime("created_at", session);
        // a second user finds the tenant's one session seat taken: the refused connect leaves no event
        UUID ben = t.user("ben");
        t.entitle(pool, ben);
        assertThat(t.login("ben").post("/api/v1/pools/" + pool + "/connect").reason()).isEqualTo("TENANT_QUOTA");

        assertThat(lifecycle.markConnected(UUID.fromString(session), CurrentUser.SYSTEM)).isTrue();
        Instant connected = sessionTime("connected_at", session);
        assertThat(annApi.post("/api/v1/sessions/" + session + "/disconnect").status()).isEqualTo(200);
        Instant disconnected = sessionTime("state_changed_at", session);
        assertThat(annApi.post("/api/v1/sessions/" + session + "/logoff").status()).isEqualTo(200);
        Instant ended = sessionTime("ended_at", session);

        List<CloudEvent> events = exported(t.admin, "").subList(before.size(), exported(t.admin, "").size());
        assertThat(events).extracting(CloudEvent::getType).containsExactly("io.deskport.session.created",
                "io.deskport.session.connected", "io.deskport.session.disconnected", "io.deskport.session.ended");
        assertThat(events).extracting(e -> e.getTime().toInstant())
                .containsExactly(created, connected, disconnected, ended);
        for (CloudEvent e : events) {
            assertThat(e.getSpecVersion().toString()).isEqualTo("1.0");
            assertThat(e.getSource().toString()).isEqualTo("/deskport");
            assertThat(e.getSubject()).isEqualTo("sessions/" + session);
            assertThat(e.getExtension("tenantid")).isEqualTo(t.id.toString());
            assertThat((String) e.getExtension("sequence")).hasSize(19).isEqualTo(String.format("%019d", Long.parseLong(e.getId())));
            assertThat(e.getDataContentType()).isEqualTo("application/json");
            assertThat(data(e, "poolId")).isEqualTo(pool.toString());
            assertThat(data(e, "userId")).isEqualTo(ann.toString());
            assertThat(data(e, "desktopId")).isEqualTo(desktop.toString());
        }
        assertThat(data(events.get(0), "deviceId")).isEqualTo("laptop-0001");
        assertThat(data(events.get(0), "state")).isEqualTo("READY");
        assertThat(data(events.get(3), "reason")).isEqualTo("LOGOFF");
        assertThat(events).extracting(CloudEvent::getId).doesNotHaveDuplicates();

        // the type filter, by either name
        assertThat(exported(t.admin, "&type=session.ended,io.deskport.session.created")).extracting(CloudEvent::getType)
                .containsExactly("io.deskport.session.created", "io.deskport.session.ended");
    }

    @Test
    void desktopsAreCreatedSwitchedOffAndOnAndDeletedWithTheirPoolsHardware() {
        UUID pool = t.pool("vdi", "PERSISTENT", null);
        // the pool's hardware (provisioning switched off: nothing is cloned, the registered desktop is the pool's)
        TestTenant.check(t.admin.replace("/api/v1/admin/pools/" + pool + "/provisioning", json("enabled", false, "maxSize", 1,
                "vcpus", 4, "memoryMiB", 8192, "diskMiB", 65536)), 200);
        UUID desktop = t.desktops(pool, 1, "READY").getFirst();
        TestTenant.check(t.admin.post("/api/v1/admin/desktops/" + desktop + "/state", json("state", "STOPPED")), 200);
        TestTenant.check(t.admin.post("/api/v1/admin/desktops/" + desktop + "/state", json("state", "READY")), 200);
        // maintenance says nothing of power: no event
        TestTenant.check(t.admin.post("/api/v1/admin/desktops/" + desktop + "/state", json("state", "MAINTENANCE")), 200);
        TestTenant.check(t.admin.delete("/api/v1/admin/desktops/" + desktop), 204);

        List<CloudEvent> events = exported(t.admin, "&type=desktop.created,desktop.powered_on,desktop.powered_off,desktop.deleted");
        assertThat(events).extracting(CloudEvent::getType).containsExactly("io.deskport.desktop.created",
                "io.deskport.desktop.powered_off", "io.deskport.desktop.powered_on", "io.deskport.desktop.deleted");
        for (CloudEvent e : events) {
            assertThat(e.getSubject()).isEqualTo("desktops/" + desktop);
            JsonNode size = UsageRecorder.JSON.readTree(e.getData().toBytes()).get("size");
            assertThat(size.get("vcpus").asInt()).isEqualTo(4);
            assertThat(size.get("memoryMiB").asInt()).isEqualTo(8192);
            assertThat(size.get("diskMiB").asInt()).isEqualTo(65536);
        }
    }

    @Test
    void aTenantsQuotaChangeIsAnEventAndTheExportIsTheTenantsOwn() {
        TestTenant other = TestTenant.create(context, port, 5, 5);
        Api platform = t.platformAdmin(context, "operator");
        Api.Response tenant = platform.get("/api/v1/admin/tenants/" + t.id);
        TestTenant.check(platform.patch("/api/v1/admin/tenants/" + t.id, "application/json", tenant.header("ETag"),
                json("maxConcurrentSessions", 7)), 200);

        List<CloudEvent> quota = exported(t.admin, "&type=tenant.quota_changed");
        assertThat(quota).extracting(CloudEvent::getSubject).containsExactly("tenants/" + t.id, "tenants/" + t.id);
        assertThat(data(quota.get(1), "maxConcurrentSessions")).isEqualTo("7");
        assertThat(data(quota.get(1), "previousMaxConcurrentSessions")).isEqualTo("1");

        // another tenant's admin sees none of these; the operator sees both tenants' with allTenants=true
        assertThat(exported(other.admin, "")).allSatisfy(e -> assertThat(e.getExtension("tenantid")).isEqualTo(other.id.toString()));
        assertThat(other.admin.get("/api/v1/usage/events?allTenants=true").reason()).isEqualTo("FORBIDDEN");
        List<String> everyTenant = java.util.stream.StreamSupport.stream(platform.get("/api/v1/usage/events?allTenants=true&limit=10000").body().spliterator(), false)
                .map(e -> e.get("tenantid").asString()).distinct().toList();
        assertThat(everyTenant).contains(t.id.toString(), other.id.toString());
    }

    @Test
    void aCursorOrLimitTheApiDidNotGiveOutIsRefusedInWords() {
        for (String bad : List.of("after=abc", "after=1.", "after=-1.5", "after=99999999999999999999.1", "limit=0",
                "limit=10001", "type=session.exploded")) {
            Api.Response r = t.admin.get("/api/v1/usage/events?" + bad);
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.reason()).as(bad).isEqualTo("VALIDATION_FAILED");
        }
        assertThat(t.login(userName()).get("/api/v1/usage/events").status()).isEqualTo(403);
    }

    private String userName() {
        t.user("plain");
        return "plain";
    }
}
