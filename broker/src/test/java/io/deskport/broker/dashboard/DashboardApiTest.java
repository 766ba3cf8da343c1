package io.deskport.broker.dashboard;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.shared.Role;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.EventStream;
import io.deskport.broker.support.SecondBroker;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard's API: its figures against an estate set up through the API (pools with desktops in several states,
 * a provisioning target, sessions live and ended, a refusal, a licence, session hosts, a failed task), who may read
 * which sections, tenant isolation of the snapshot and of the stream, the stream pushing a change made through this
 * broker's API and through a second broker's, the stream ending when its token is signed out, the limit of streams,
 * and problem answers for bad input.
 */
@BrokerTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the test of the broker's limit last: closed streams count until a write finds them gone
@TestPropertySource(properties = {"deskport.provisioning.enabled=false", "deskport.dashboard.push-interval=200ms",
        "deskport.dashboard.heartbeat-interval=1s", "deskport.dashboard.max-subscribers-per-user=3",
        "deskport.dashboard.max-subscribers=10"})
class DashboardApiTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String DASHBOARD = "/api/v1/admin/dashboard";
    private static final String STREAM = DASHBOARD + "/stream";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Environment env;

    /** One tenant's estate, as {@link #estate} made it. */
    record Estate(TestTenant tenant, UUID pooled, UUID persistent, UUID shared, UUID empty, UUID product, UUID busyHost,
                  UUID drainedHost, List<UUID> pooledDesktops, UUID cal) {
    }

    /**
     * Pooled: 4 desktops (one taken by a session, one FAILED, one in MAINTENANCE, one READY), provisioning target
     * 1–6 with 2 spares, a licence of 5 seats; persistent: 1 desktop; shared: two hosts (3 and 2 seats, the second
     * draining), one session; "empty": a pooled pool without desktops, refused once.
     */
    Estate estate() {
        TestTenant t = TestTenant.create(context, port, 20, 20);
        UUID pooled = t.pool("Call centre " + t.slug, "POOLED", null);
        UUID persistent = t.pool("Engineers " + t.slug, "PERSISTENT", null);
        UUID shared = t.pool("Office apps " + t.slug, "SHARED", "BREADTH_FIRST");
        UUID empty = t.pool("Empty " + t.slug, "POOLED", null);
        List<UUID> desktops = t.desktops(pooled, 4, "READY");
        t.desktops(persistent, 1, "READY");
        check(t.admin.post("/api/v1/admin/desktops/" + desktops.get(1) + "/state", json("state", "FAILED")), 200);
        check(t.admin.post("/api/v1/admin/desktops/" + desktops.get(2) + "/state", json("state", "MAINTENANCE")), 200);
        check(t.admin.replace("/api/v1/admin/pools/" + pooled + "/provisioning",
                "{\"minSize\":1,\"maxSize\":6,\"spareTarget\":2}"), 200);
        UUID busy = t.host(shared, "sh-busy", 3);
        UUID drained = t.host(shared, "sh-drained", 2);
        check(t.admin.post("/api/v1/admin/session-hosts/" + drained + "/drain"), 200);
        UUID product = check(t.admin.post("/api/v1/admin/licence-products", json("name", "Office suite " + t.slug,
                "model", "CONCURRENT_USER")), 201).id();
        check(t.admin.post("/api/v1/admin/licence-products/" + product + "/licences", json("seats", 5,
                "enforcement", "HARD")), 201);
        check(t.admin.put("/api/v1/admin/pools/" + pooled + "/licence-products/" + product, null), 204);
        UUID cal = null;
        for (String user : List.of("ann", "ben", "cal")) {
            UUID id = t.user(user);
            t.entitle(pooled, id);
            t.entitle(shared, id);
            t.entitle(empty, id);
            cal = id;
        }
        check(t.login("ann").post("/api/v1/pools/" + pooled + "/connect"), 201);
        check(t.login("ben").post("/api/v1/pools/" + shared + "/connect"), 201);
        Api.Response refused = t.login("cal").post("/api/v1/pools/" + empty + "/connect");
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.reason()).isEqualTo("POOL_EXHAUSTED");
        return new Estate(t, pooled, persistent, shared, empty, product, busy, drained, desktops, cal);
    }

    @Test
    void theFiguresAreTheEstatesOwn() {
        Estate e = estate();
        TestTenant t = e.tenant();
        // a session of "cal" on the pooled pool ended 3½ hours ago after 2 hours, and a failed clone an hour ago
        Instant now = jdbc.sql("select now()").query(Timestamp.class).single().toInstant();
        Instant start = now.minus(5, ChronoUnit.HOURS).minus(30, ChronoUnit.MINUTES);
        Instant end = now.minus(3, ChronoUnit.HOURS).minus(30, ChronoUnit.MINUTES);
        UUID cal = e.cal();
        jdbc.sql("insert into session (id, tenant_id, pool_id, user_id, state, end_reason, created_at, state_changed_at, "
                        + "ended_at) values (?, ?, ?, ?, 'ENDED', 'LOGOFF', ?, ?, ?)")
                .params(UUID.randomUUID(), t.id, e.pooled(), cal, Timestamp.from(start), Timestamp.from(end),
                        Timestamp.from(end)).update();
        UUID task = UUID.randomUUID();
        jdbc.sql("insert into provisioning_task (id, tenant_id, pool_id, desktop_id, type, reason, idempotency_key, state, "
                        + "attempts, max_attempts, error_reason, error_detail, created_at, started_at, finished_at) values "
                        + "(?, ?, ?, ?, 'CREATE', 'spare', ?, 'FAILED', 3, 3, 'HOST_UNREACHABLE', 'the host did not answer', "
                        + "now() - interval '1 hour', now() - interval '1 hour', now() - interval '1 hour')")
                .params(task, t.id, e.pooled(), UUID.randomUUID(), "test-" + task).update();

        JsonNode d = check(t.admin.get(DASHBOARD), 200).body();

        assertThat(strings(d.get("sections"))).containsExactly("SESSIONS", "CONNECTS", "POOLS", "SESSION_HOSTS",
                "HYPERVISOR_HOSTS", "LICENCES", "PROVISIONING");
        JsonNode sessions = d.get("sessions");
        assertThat(sessions.get("live").asInt()).isEqualTo(2);
        assertThat(sessions.get("byState").get("READY").asInt()).isEqualTo(2);
        assertThat(poolRow(sessions.get("byPool"), e.pooled()).get("live").asInt()).isEqualTo(1);
        assertThat(poolRow(sessions.get("byPool"), e.shared()).get("live").asInt()).isEqualTo(1);

        // the last day, hour by hour, against a count at every instant where it can change
        assertLastDay(t, e.pooled(), sessions.get("lastDay"), 3);
        // the ended session's two hours touch three of them, the live session the last
        assertThat(ints(series(sessions.get("lastDay"), e.pooled()).get("peaks")).stream().filter(p -> p > 0).count())
                .isGreaterThanOrEqualTo(4);
        assertThat(ints(sessions.get("lastDay").get("total")).getLast()).isEqualTo(2);

        // connects of the last hour: two sessions, one refusal of the empty pool
        JsonNode connects = d.get("connects");
        assertThat(connects.get("created").asLong()).isEqualTo(2);
        assertThat(connects.get("refused").asLong()).isEqualTo(1);
        JsonNode refusal = connects.get("refusals").get(0);
        assertThat(refusal.get("reason").asString()).isEqualTo("POOL_EXHAUSTED");
        assertThat(refusal.get("pools").get(0).get("poolId").asString()).isEqualTo(e.empty().toString());
        assertThat(refusal.get("pools").get(0).get("poolName").asString()).isEqualTo("Empty " + t.slug);

        // pool health against the target
        JsonNode pooled = poolRow(d.get("pools"), e.pooled());
        assertThat(pooled.get("desktops").asInt()).isEqualTo(4);
        assertThat(pooled.get("readyFree").asInt()).isEqualTo(1);
        assertThat(pooled.get("inUse").asInt()).isEqualTo(1);
        assertThat(pooled.get("failed").asInt()).isEqualTo(1);
        assertThat(pooled.get("byState").get("MAINTENANCE").asInt()).isEqualTo(1);
        assertThat(pooled.get("sessions").asInt()).isEqualTo(1);
        assertThat(pooled.get("target").get("minSize").asInt()).isEqualTo(1);
        assertThat(pooled.get("target").get("maxSize").asInt()).isEqualTo(6);
        assertThat(pooled.get("target").get("spareTarget").asInt()).isEqualTo(2);
        assertThat(poolRow(d.get("pools"), e.persistent()).get("target").isNull()).isTrue();
        JsonNode shared = poolRow(d.get("pools"), e.shared());
        assertThat(shared.get("hosts").get("hosts").asInt()).isEqualTo(2);
        assertThat(shared.get("hosts").get("available").asInt()).isEqualTo(1);
        assertThat(shared.get("hosts").get("capacity").asInt()).isEqualTo(3);
        assertThat(shared.get("hosts").get("sessions").asInt()).isEqualTo(1);

        // session hosts: the draining one does not count in the capacity
        JsonNode hosts = d.get("sessionHosts");
        assertThat(hosts.get("hosts").asInt()).isEqualTo(2);
        assertThat(hosts.get("draining").asInt()).isEqualTo(1);
        assertThat(hosts.get("sessions").asInt()).isEqualTo(1);
        assertThat(hosts.get("capacity").asInt()).isEqualTo(3);
        assertThat(hosts.get("busiest").get(0).get("id").asString()).isEqualTo(e.busyHost().toString());
        assertThat(hosts.get("busiest").get(0).get("poolName").asString()).isEqualTo("Office apps " + t.slug);

        // licence seats, hypervisor hosts as this tenant admin sees them, the failed task
        JsonNode licence = d.get("licences").get(0);
        assertThat(licence.get("productId").asString()).isEqualTo(e.product().toString());
        assertThat(licence.get("seats").asInt()).isEqualTo(5);
        assertThat(licence.get("seatsInUse").asInt()).isEqualTo(1);
        assertThat(licence.get("licensed").asBoolean()).isTrue();
        assertThat(d.get("hypervisorHosts").get("scope").asString()).isEqualTo("TENANT");
        JsonNode tasks = d.get("provisioning");
        assertThat(tasks.get("failedRecently").asInt()).isEqualTo(1);
        assertThat(tasks.get("recentFailures").get(0).get("taskId").asString()).isEqualTo(task.toString());
        assertThat(tasks.get("recentFailures").get(0).get("poolName").asString()).isEqualTo("Call centre " + t.slug);

        // read again after a logoff: the hours that ended are kept from the first reading, the current one read anew
        Api ann = t.login("ann");
        String annSession = check(ann.get("/api/v1/sessions"), 200).body().get(0).get("id").asString();
        check(ann.post("/api/v1/sessions/" + annSession + "/logoff"), 200);
        JsonNode again = check(t.admin.get(DASHBOARD), 200).body();
        assertThat(again.get("sessions").get("live").asInt()).isEqualTo(1);
        assertLastDay(t, e.pooled(), again.get("sessions").get("lastDay"), 3);
    }

    /** The last day's lines against a brute-force count of the tenant's sessions ({@code sessions} of them in all). */
    private static void assertLastDay(TestTenant t, UUID pool, JsonNode day, int sessions) {
        assertThat(day.get("measure").asString()).isEqualTo("PEAK_CONCURRENT");
        List<Instant> hours = new ArrayList<>();
        day.get("hours").forEach(h -> hours.add(Instant.parse(h.asString())));
        assertThat(hours).hasSize(24);
        Instant until = Instant.parse(day.get("until").asString());
        assertThat(hours.getLast()).isEqualTo(until.truncatedTo(ChronoUnit.HOURS));
        List<Instant[]> poolSpans = new ArrayList<>();
        List<Instant[]> allSpans = new ArrayList<>();
        for (JsonNode s : t.admin.all("/api/v1/admin/sessions?liveOnly=false")) {
            Instant[] span = {Instant.parse(s.get("createdAt").asString()),
                    s.get("endedAt").isNull() ? null : Instant.parse(s.get("endedAt").asString())};
            // as of the reading: an end after it had not happened yet
            if (span[1] != null && span[1].isAfter(until)) {
                span[1] = null;
            }
            allSpans.add(span);
            if (s.get("poolId").asString().equals(pool.toString())) {
                poolSpans.add(span);
            }
        }
        assertThat(allSpans).hasSize(sessions);
        assertThat(ints(day.get("total"))).as("the tenant's peaks").isEqualTo(peaks(allSpans, hours, until));
        assertThat(ints(series(day, pool).get("peaks"))).as("the pool's peaks").isEqualTo(peaks(poolSpans, hours, until));
    }

    @Test
    void helpDeskReadsItsSectionsOnlyAndUsersNone() {
        Estate e = estate();
        e.tenant().user("desk", Role.HELPDESK);
        JsonNode d = check(e.tenant().login("desk").get(DASHBOARD), 200).body();
        assertThat(strings(d.get("sections"))).containsExactly("SESSIONS", "CONNECTS", "POOLS", "SESSION_HOSTS");
        assertThat(d.get("licences").isNull()).isTrue();
        assertThat(d.get("hypervisorHosts").isNull()).isTrue();
        assertThat(d.get("provisioning").isNull()).isTrue();
        assertThat(d.get("sessions").get("live").asInt()).isEqualTo(2);

        try (EventStream s = EventStream.open(port, STREAM, e.tenant().login("desk").token(), null)) {
            JsonNode first = s.next(WAIT).json();
            assertThat(first.get("licences").isNull()).isTrue();
            assertThat(first.get("sessions").get("live").asInt()).isEqualTo(2);
        }

        Api.Response user = e.tenant().login("ann").get(DASHBOARD);
        assertThat(user.status()).isEqualTo(403);
        assertThat(user.reason()).isEqualTo("FORBIDDEN");
        try (EventStream s = EventStream.open(port, STREAM, e.tenant().login("ann").token(), null)) {
            assertThat(s.status()).isEqualTo(403);
        }
    }

    @Test
    void aTenantSeesOnlyItsOwnFiguresInTheSnapshotAndTheStream() {
        Estate a = estate();
        Estate b = estate();
        String ofA = check(a.tenant().admin.get(DASHBOARD), 200).raw();
        assertThat(ofA).contains(a.tenant().slug).doesNotContain(b.tenant().slug).doesNotContain(b.pooled().toString());

        // naming B: refused, whichever way
        assertThat(a.tenant().admin.inTenant(b.tenant().id).get(DASHBOARD).status()).isEqualTo(403);
        try (EventStream s = EventStream.open(port, STREAM + "?tenant=" + b.tenant().id, a.tenant().admin.token(), null)) {
            assertThat(s.status()).isEqualTo(403);
            assertThat(s.problem().get("reason").asString()).isEqualTo("FORBIDDEN");
        }
        try (EventStream s = EventStream.open(port, STREAM, a.tenant().admin.token(), b.tenant().id)) {
            assertThat(s.status()).isEqualTo(403);
        }

        // A's stream: its own figures first; B's changes never reach it
        try (EventStream s = EventStream.open(port, STREAM, a.tenant().admin.token(), null)) {
            assertThat(s.status()).isEqualTo(200);
            assertThat(s.contentType()).startsWith("text/event-stream");
            EventStream.Event first = s.next(WAIT);
            assertThat(first.name()).isEqualTo("snapshot");
            assertThat(first.data()).contains(a.tenant().slug).doesNotContain(b.tenant().slug);
            desktop(b.tenant().admin, b.pooled(), "b-change");
            check(b.tenant().login("cal").post("/api/v1/pools/" + b.empty() + "/connect"), 503);
            // A changes after B: A's next snapshot is about A's change, and nothing before it was B's
            desktop(a.tenant().admin, a.empty(), "a-change");
            EventStream.Event next = s.next(ev -> readyFree(ev.json(), a.empty()) == 1, WAIT);
            assertThat(next.data()).doesNotContain(b.tenant().slug);
            s.pending().forEach(ev -> assertThat(ev.data()).doesNotContain(b.tenant().slug));
        }

        // a platform admin switched into B sees B's, with every tenant's use of the hypervisor hosts
        Api platform = a.tenant().platformAdmin(context, "operator-" + a.tenant().slug);
        JsonNode ofB = check(platform.inTenant(b.tenant().id).get(DASHBOARD), 200).body();
        assertThat(ofB.get("tenantId").asString()).isEqualTo(b.tenant().id.toString());
        assertThat(ofB.get("hypervisorHosts").get("scope").asString()).isEqualTo("PLATFORM");
        assertThat(poolRow(ofB.get("pools"), b.pooled()).get("name").asString()).isEqualTo("Call centre " + b.tenant().slug);
        try (EventStream s = EventStream.open(port, STREAM + "?tenant=" + b.tenant().id, platform.token(), null)) {
            assertThat(s.next(WAIT).json().get("tenantId").asString()).isEqualTo(b.tenant().id.toString());
        }
    }

    @Test
    void theStreamPushesAChangeMadeThroughTheApiOneReadingForAllItsSubscribers() {
        Estate e = estate();
        try (EventStream s = EventStream.open(port, STREAM, e.tenant().admin.token(), null);
             EventStream other = EventStream.open(port, STREAM, e.tenant().login("admin").token(), null)) {
            assertThat(s.status()).isEqualTo(200);
            assertThat(other.status()).isEqualTo(200);
            EventStream.Event first = s.next(WAIT);
            assertThat(first.name()).isEqualTo("snapshot");
            assertThat(readyFree(first.json(), e.pooled())).isEqualTo(1);
            other.next(WAIT);

            check(e.tenant().admin.post("/api/v1/admin/desktops/" + e.pooledDesktops().get(2) + "/state",
                    json("state", "READY")), 200);
            EventStream.Event changed = s.next(ev -> readyFree(ev.json(), e.pooled()) == 2, WAIT);
            assertThat(Long.parseLong(changed.id())).isGreaterThan(Long.parseLong(first.id()));
            // the tenant's subscribers share one reading: the same snapshot, with the same id
            EventStream.Event seenByTheOther = other.next(ev -> readyFree(ev.json(), e.pooled()) == 2, WAIT);
            assertThat(seenByTheOther.id()).isEqualTo(changed.id());
            assertThat(seenByTheOther.data()).isEqualTo(changed.data());

            // a refusal shows in the connects once the broker has counted it
            check(e.tenant().login("cal").post("/api/v1/pools/" + e.empty() + "/connect"), 503);
            s.next(ev -> ev.json().get("connects").get("refused").asLong() == 2, WAIT);
        }
    }

    @Test
    void aChangeThatLeavesEveryFigureAsItWasPushesNothingAndHeartbeatsKeepTheStreamOpen() {
        Estate e = estate();
        try (EventStream s = EventStream.open(port, STREAM, e.tenant().admin.token(), null)) {
            s.next(WAIT);
            // an admin change the dashboard hears of, and reads again for, that changes none of its figures
            check(e.tenant().admin.post("/api/v1/admin/groups", json("name", "a group of no figure")), 201);
            long beats = s.comments();
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> s.comments() >= beats + 2);
            assertThat(s.pending()).as("snapshots pushed without a new figure").isEmpty();
        }
    }

    @Test
    void theStreamPushesAChangeMadeThroughASecondBroker() {
        Estate e = estate();
        try (SecondBroker second = SecondBroker.on(env, "--deskport.provisioning.enabled=false");
             EventStream s = EventStream.open(port, STREAM, e.tenant().admin.token(), null)) {
            assertThat(readyFree(s.next(WAIT).json(), e.empty())).isZero();
            Api there = new Api(second.port()).login(e.tenant().slug, "admin", TestTenant.PASSWORD);
            desktop(there, e.empty(), "from-the-second-broker");
            s.next(ev -> readyFree(ev.json(), e.empty()) == 1, WAIT);

            // and a connect there (its session, and its count, reach this broker's stream)
            check(new Api(second.port()).login(e.tenant().slug, "cal", TestTenant.PASSWORD)
                    .post("/api/v1/pools/" + e.empty() + "/connect"), 201);
            s.next(ev -> ev.json().get("connects").get("created").asLong() == 3
                    && poolRow(ev.json().get("sessions").get("byPool"), e.empty()) != null, WAIT);
        }
    }

    @Test
    void theStreamEndsInWordsWhenItsTokenIsSignedOut() {
        Estate e = estate();
        Api admin = e.tenant().login("admin");
        try (EventStream s = EventStream.open(port, STREAM, admin.token(), null)) {
            s.next(WAIT);
            check(admin.post("/api/v1/auth/logout"), 204);
            EventStream.Event end = s.next(ev -> ev.name().equals("end"), WAIT);
            assertThat(end.json().get("reason").asString()).isEqualTo("UNAUTHENTICATED");
            assertThat(s.endsWithin(WAIT)).isTrue();
        }
        try (EventStream s = EventStream.open(port, STREAM, admin.token(), null)) {
            assertThat(s.status()).isEqualTo(401);
        }
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void aUsersNewStreamBeyondTheirShareEndsTheirOldestAndABrokerRefusesBeyondItsOwn() {
        Estate e = estate();
        List<EventStream> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                EventStream s = EventStream.open(port, STREAM, e.tenant().admin.token(), null);
                open.add(s);
                assertThat(s.status()).isEqualTo(200);
                s.next(WAIT);
            }
            EventStream fourth = EventStream.open(port, STREAM, e.tenant().admin.token(), null);
            open.add(fourth);
            assertThat(fourth.status()).isEqualTo(200);
            fourth.next(WAIT);
            EventStream.Event end = open.getFirst().next(ev -> ev.name().equals("end"), WAIT);
            assertThat(end.json().get("reason").asString()).isEqualTo("CONFLICT");
            assertThat(open.getFirst().endsWithin(WAIT)).isTrue();
            for (int i = 1; i < 4; i++) {
                assertThat(open.get(i).endsWithin(Duration.ofMillis(100))).as("stream %d", i).isFalse();
            }

            // other users' streams up to the broker's own limit, then a refusal with Retry-After
            List<Api> desks = new ArrayList<>();
            for (String desk : List.of("desk1", "desk2", "desk3")) {
                e.tenant().user(desk, Role.HELPDESK);
                desks.add(e.tenant().login(desk));
            }
            Api.Response refused = null;
            for (int i = 0; i < 9 && refused == null; i++) {
                Api someone = desks.get(i % 3);
                EventStream s = EventStream.open(port, STREAM, someone.token(), null);
                open.add(s);
                if (s.status() != 200) {
                    refused = new Api.Response(s.status(), s.contentType(), s.problem(), String.valueOf(s.problem()), null);
                }
            }
            assertThat(refused).as("a stream beyond deskport.dashboard.max-subscribers").isNotNull();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.reason()).isEqualTo("SERVICE_UNAVAILABLE");
            assertThat(refused.body().get("retryAfterSeconds").asInt()).isPositive();
        } finally {
            open.forEach(EventStream::close);
        }
    }

    @Test
    void badInputIsAProblemInWords() {
        TestTenant t = TestTenant.create(context, port, 5, 5);
        Api.Response header = t.admin.withHeader("X-Deskport-Tenant", "not-a-tenant").get(DASHBOARD);
        assertThat(header.status()).isEqualTo(400);
        assertThat(header.contentType()).startsWith("application/problem+json");
        assertThat(header.reason()).isEqualTo("VALIDATION_FAILED");

        try (EventStream s = EventStream.open(port, STREAM + "?tenant=not-a-tenant", t.admin.token(), null)) {
            assertThat(s.status()).isEqualTo(400);
            assertThat(s.contentType()).startsWith("application/problem+json");
            assertThat(s.problem().get("reason").asString()).isEqualTo("VALIDATION_FAILED");
        }

        Api platform = t.platformAdmin(context, "operator-" + t.slug);
        UUID nobody = UUID.randomUUID();
        Api.Response unknown = platform.inTenant(nobody).get(DASHBOARD);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.reason()).isEqualTo("NOT_FOUND");
        try (EventStream s = EventStream.open(port, STREAM + "?tenant=" + nobody, platform.token(), null)) {
            assertThat(s.status()).isEqualTo(404);
        }

        try (EventStream s = EventStream.open(port, STREAM, null, null)) {
            assertThat(s.status()).isEqualTo(401);
            assertThat(s.problem().get("reason").asString()).isEqualTo("UNAUTHENTICATED");
        }
    }

    /** Registers a READY desktop in the pool through {@code api} (a broker's admin API). */
    private static void desktop(Api api, UUID pool, String name) {
        check(api.post("/api/v1/admin/pools/" + pool + "/desktops", json("name", name, "consoleHost", "127.0.0.1",
                "consolePort", 5999, "state", "READY")), 201);
    }

    // ---- reading the answers ----

    private static JsonNode poolRow(JsonNode rows, UUID poolId) {
        for (JsonNode r : rows) {
            if (r.get("poolId").asString().equals(poolId.toString())) {
                return r;
            }
        }
        return null;
    }

    private static int readyFree(JsonNode snapshot, UUID poolId) {
        JsonNode row = poolRow(snapshot.get("pools"), poolId);
        return row == null ? -1 : row.get("readyFree").asInt();
    }

    private static JsonNode series(JsonNode day, UUID poolId) {
        JsonNode row = poolRow(day.get("pools"), poolId);
        assertThat(row).as("the pool's line of the last day").isNotNull();
        return row;
    }

    private static List<String> strings(JsonNode array) {
        List<String> l = new ArrayList<>();
        array.forEach(n -> l.add(n.asString()));
        return l;
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> l = new ArrayList<>();
        array.forEach(n -> l.add(n.asInt()));
        return l;
    }

    /**
     * The most spans open at one instant in each hour, counted at the hour's start and at every start or end inside it
     * (a span ending at an instant is no longer open then; one starting is).
     */
    private static List<Integer> peaks(List<Instant[]> spans, List<Instant> hours, Instant until) {
        List<Integer> result = new ArrayList<>();
        for (Instant h : hours) {
            Instant hourEnd = h.plus(1, ChronoUnit.HOURS).isAfter(until) ? until : h.plus(1, ChronoUnit.HOURS);
            List<Instant> instants = new ArrayList<>(List.of(h));
            for (Instant[] s : spans) {
                for (Instant at : s) {
                    if (at != null && !at.isBefore(h) && at.isBefore(hourEnd)) {
                        instants.add(at);
                    }
                }
            }
            int peak = 0;
            for (Instant at : instants) {
                int open = 0;
                for (Instant[] s : spans) {
                    if (!s[0].isAfter(at) && (s[1] == null || s[1].isAfter(at))) {
                        open++;
                    }
                }
                peak = Math.max(peak, open);
            }
            result.add(peak);
        }
        return result;
    }
}
