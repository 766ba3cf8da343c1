package io.deskport.broker.provisioning;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import io.deskport.provisioning.driver.DesktopSnapshot;
import io.deskport.provisioning.simulated.SimulatedDriver;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.provisioning.ProvisioningApi.connect;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Snapshots of persistent desktops through the API, on the simulated driver (which models what a snapshot holds):
 * a user's "save my desktop now" and restore of their own desktop, an admin's, the pool's schedule keeping exactly
 * N on a fixed clock, the quota, idempotency, metering, and what other tenants and users may not see. The loop is
 * off: each test drives the reconciler's passes (which run the tasks) itself.
 */
@BrokerTest
@TestPropertySource(properties = {
        "deskport.provisioning.enabled=false",
        "deskport.provisioning.simulate-when-empty=false",
        "deskport.provisioning.console-timeout=2s",
        "deskport.provisioning.inventory-interval=500ms",
        "deskport.provisioning.scan-interval=1h",
        "deskport.provisioning.snapshot-schedule-interval=1h"})
class DesktopSnapshotsOnTheSimulatedDriverTest {

    private static final String SIM = "{\"cpusPerHost\":\"16\",\"memoryMiBPerHost\":\"65536\",\"cloneMiB\":\"3\"}";
    private static final String PERSONAL = "{\"minSize\":1,\"maxSize\":3,\"spareTarget\":1,\"vcpus\":1,"
            + "\"memoryMiB\":256,\"diskMiB\":2048}";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    Reconciler reconciler;
    @Autowired
    HypervisorHosts hosts;
    @Autowired
    TaskJournal journal;
    @Autowired
    SnapshotSchedule schedule;
    @Autowired
    JdbcClient jdbc;

    TestTenant tenant;
    ProvisioningApi api;
    UUID host;

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 100, 100);
        api = new ProvisioningApi(tenant, tenant.platformAdmin(context, "operator"), ProvisioningApi.imageRoot(context));
        host = api.host("sim-snap-" + tenant.slug, "simulated", SIM);
    }

    @AfterEach
    void removeEverything() {
        schedule.useClock(Clock.systemUTC());
        check(tenant.admin.get("/api/v1/admin/pools"), 200).body()
                .forEach(p -> check(tenant.admin.delete("/api/v1/admin/pools/" + p.get("id").asString()), 204));
        reconcileUntil(() -> journal.open().isEmpty() && reconciler.tasksRunning() == 0
                && api.host(host).get("desktops").asInt() == 0);
        check(api.platform.delete("/api/v1/admin/hypervisor-hosts/" + host), 204);
        api.removeImageFiles();
    }

    private void reconcileUntil(Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> {
            reconciler.tick();
            return condition.call();
        });
    }

    private SimulatedDriver driver() {
        return (SimulatedDriver) hosts.driver(hosts.require(host));
    }

    /** A persistent pool, alice entitled and connected: her own desktop, IN_USE. */
    private record Owned(UUID pool, Api alice, String desktop, String session) {
    }

    private Owned aliceOwnsADesktop() {
        UUID pool = api.pool("personal", "PERSISTENT", PERSONAL, "personal.qcow2");
        reconcileUntil(() -> api.free(pool, "READY") == 1);
        Api alice = api.user("alice", pool);
        Api.Response c = check(connect(alice, pool), 201);
        // the pool makes a new spare for the one alice took: done before a test counts the host's storage
        reconcileUntil(() -> api.free(pool, "READY") == 1 && journal.open().isEmpty() && reconciler.tasksRunning() == 0);
        return new Owned(pool, alice, c.body().get("session").get("desktopId").asString(), ProvisioningApi.session(c));
    }

    private JsonNode mySnapshot(Owned o, String id) {
        for (JsonNode s : check(o.alice().get("/api/v1/pools/" + o.pool() + "/snapshots"), 200).body().get("snapshots")) {
            if (s.get("id").asString().equals(id)) {
                return s;
            }
        }
        return null;
    }

    private String stateOf(String desktop) {
        return api.provisioning(UUID.fromString(desktop)).get("state").asString();
    }

    @Test
    void aUserSavesTheirDesktopNowAndTheSnapshotHoldsWhatItWrote() {
        Owned o = aliceOwnsADesktop();
        driver().writeToDisk(o.desktop(), 40);

        Api.Response saved = check(o.alice().post("/api/v1/pools/" + o.pool() + "/snapshots",
                Api.json("label", "before the upgrade")), 202);
        String id = saved.body().get("id").asString();
        assertThat(saved.body().get("state").asString()).isEqualTo("CREATING");
        reconcileUntil(() -> "READY".equals(mySnapshot(o, id).get("state").asString()));

        JsonNode s = mySnapshot(o, id);
        assertThat(s.get("kind").asString()).isEqualTo("ON_DEMAND");
        assertThat(s.get("label").asString()).isEqualTo("before the upgrade");
        assertThat(s.get("requestedBy").asString()).isEqualTo("alice");
        // 3 MiB of clone + 40 written, and the memory of the running desktop
        assertThat(s.get("sizeMiB").asLong()).isEqualTo(3 + 40 + 256);
        assertThat(s.get("withMemory").asBoolean()).isTrue();
        assertThat(driver().listSnapshots(o.desktop())).extracting(DesktopSnapshot::snapshotId).containsExactly(id);
        assertThat(stateOf(o.desktop())).as("the session went on").isEqualTo("IN_USE");
        assertThat(ProvisioningApi.sessionState(o.alice(), o.session())).isNotEqualTo("ENDED");
        assertThat(check(o.alice().get("/api/v1/pools/" + o.pool() + "/snapshots"), 200).body().get("usedMiB").asLong())
                .isEqualTo(299);
    }

    @Test
    void aRestoreWarnsFirstThenLogsTheSessionOffAndBringsTheDiskBackPoweredOff() {
        Owned o = aliceOwnsADesktop();
        driver().writeToDisk(o.desktop(), 10);
        String id = check(o.alice().post("/api/v1/pools/" + o.pool() + "/snapshots"), 202).body().get("id").asString();
        reconcileUntil(() -> "READY".equals(mySnapshot(o, id).get("state").asString()));
        driver().writeToDisk(o.desktop(), 500);
        long before = driver().hosts().getFirst().storageUsedMiB();

        Api.Response warned = check(o.alice().post("/api/v1/pools/" + o.pool() + "/snapshots/" + id + "/restore"), 409);
        assertThat(warned.reason()).isEqualTo("CONFIRMATION_REQUIRED");
        assertThat(warned.body().get("sessionWillBeLoggedOff").asBoolean()).isTrue();
        assertThat(warned.body().get("warning").asString()).contains("logged off");
        assertThat(ProvisioningApi.sessionState(o.alice(), o.session())).as("nothing happened yet").isNotEqualTo("ENDED");

        check(o.alice().post("/api/v1/pools/" + o.pool() + "/snapshots/" + id + "/restore",
                Api.json("confirm", true)), 202);
        assertThat(ProvisioningApi.sessionState(o.alice(), o.session())).isEqualTo("ENDED");
        reconcileUntil(() -> stateOf(o.desktop()).equals("STOPPED"));

        assertThat(mySnapshot(o, id).get("state").asString()).isEqualTo("READY");
        assertThat(driver().hosts().getFirst().storageUsedMiB()).as("the 500 MiB written since are gone")
                .isEqualTo(before - 500);
        assertThat(api.tasks(o.pool())).anyMatch(t -> t.get("type").asString().equals("RESTORE_SNAPSHOT")
                && t.get("state").asString().equals("SUCCEEDED"));
        // the next connect starts the restored desktop
        Api.Response again = check(connect(o.alice(), o.pool()), 201);
        reconcileUntil(() -> ProvisioningApi.sessionState(o.alice(), ProvisioningApi.session(again)).equals("READY"));
    }

    @Test
    void theScheduleTakesOneSnapshotADayAndKeepsExactlyTheNewestN() {
        Owned o = aliceOwnsADesktop();
        check(o.alice().post("/api/v1/sessions/" + o.session() + "/logoff"), 200);
        check(tenant.admin.replace("/api/v1/admin/pools/" + o.pool() + "/snapshot-policy",
                Api.json("dailyAt", "02:00", "keep", 3)), 200);
        // a fixed clock: 03:00 UTC (the tenant's zone) on the next five days
        LocalDate day = LocalDate.now(ZoneOffset.UTC).plusDays(1);
        FixedClock clock = new FixedClock(day.atTime(3, 0).toInstant(ZoneOffset.UTC));
        schedule.useClock(clock);

        for (int i = 0; i < 5; i++) {
            assertThat(schedule.run()).as("day " + i + ": one snapshot for the one desktop").isEqualTo(1);
            assertThat(schedule.run()).as("day " + i + ": not twice").isZero();
            reconcileUntil(() -> journal.open().isEmpty() && reconciler.tasksRunning() == 0);
            schedule.run(); // the keep policy, if a deletion was still waiting
            reconcileUntil(() -> journal.open().isEmpty() && reconciler.tasksRunning() == 0);
            clock.advance(Duration.ofDays(1));
        }

        List<JsonNode> kept = check(tenant.admin.get("/api/v1/admin/desktops/" + o.desktop() + "/snapshots"), 200)
                .body().get("snapshots").valueStream().toList();
        assertThat(kept).hasSize(3).allSatisfy(s -> {
            assertThat(s.get("kind").asString()).isEqualTo("SCHEDULED");
            assertThat(s.get("state").asString()).isEqualTo("READY");
        });
        assertThat(kept).extracting(s -> Instant.parse(s.get("scheduledFor").asString())).containsExactly(
                day.plusDays(2).atTime(2, 0).toInstant(ZoneOffset.UTC), day.plusDays(3).atTime(2, 0).toInstant(ZoneOffset.UTC),
                day.plusDays(4).atTime(2, 0).toInstant(ZoneOffset.UTC));
        assertThat(driver().listSnapshots(o.desktop())).extracting(DesktopSnapshot::snapshotId)
                .containsExactlyElementsOf(kept.stream().map(s -> s.get("id").asString()).toList());
        assertThat(jdbc.sql("select count(*) from usage_event where tenant_id = ? and type = 'snapshot.deleted' "
                + "and data->>'why' = 'KEEP_POLICY'").param(tenant.id).query(Integer.class).single()).isEqualTo(2);
    }

    @Test
    void theScheduledTimeIsTheTenantsLocalTime() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        Instant now = Instant.parse("2026-07-01T01:30:00Z"); // 03:30 in Berlin (summer time)

        assertThat(SnapshotSchedule.due(now, java.time.LocalTime.of(2, 0), berlin))
                .isEqualTo(Instant.parse("2026-07-01T00:00:00Z"));
        assertThat(SnapshotSchedule.due(now, java.time.LocalTime.of(4, 0), berlin))
                .as("04:00 has not come yet today: yesterday's").isEqualTo(Instant.parse("2026-06-30T02:00:00Z"));
    }

    @Test
    void theQuotaRefusesASnapshotOnceTheDesktopsSnapshotsHoldIt() {
        Owned o = aliceOwnsADesktop();
        check(tenant.admin.replace("/api/v1/admin/pools/" + o.pool() + "/snapshot-policy",
                Api.json("keep", 7, "quotaMiB", 100)), 200);
        String id = check(o.alice().post("/api/v1/pools/" + o.pool() + "/snapshots"), 202).body().get("id").asString();
        reconcileUntil(() -> "READY".equals(mySnapshot(o, id).get("state").asString()));

        Api.Response refused = check(o.alice().post("/api/v1/pools/" + o.pool() + "/snapshots"), 409);

        assertThat(refused.reason()).isEqualTo("SNAPSHOT_QUOTA");
        assertThat(refused.body().get("usedMiB").asLong()).isEqualTo(3 + 256);
        assertThat(refused.body().get("quotaMiB").asLong()).isEqualTo(100);
    }

    @Test
    void theSameIdempotencyKeyReturnsTheSameSnapshot() {
        Owned o = aliceOwnsADesktop();
        Api keyed = o.alice().withHeader("Idempotency-Key", "save-1");

        String first = check(keyed.post("/api/v1/pools/" + o.pool() + "/snapshots"), 202).body().get("id").asString();
        String second = check(keyed.post("/api/v1/pools/" + o.pool() + "/snapshots"), 202).body().get("id").asString();

        assertThat(second).isEqualTo(first);
        assertThat(check(o.alice().get("/api/v1/pools/" + o.pool() + "/snapshots"), 200).body().get("snapshots").size())
                .isEqualTo(1);
    }

    @Test
    void snapshotsAreMeteredFromTakenToDeleted() {
        Owned o = aliceOwnsADesktop();
        String id = check(o.alice().post("/api/v1/pools/" + o.pool() + "/snapshots"), 202).body().get("id").asString();
        reconcileUntil(() -> "READY".equals(mySnapshot(o, id).get("state").asString()));

        check(o.alice().delete("/api/v1/pools/" + o.pool() + "/snapshots/" + id), 202);
        reconcileUntil(() -> mySnapshot(o, id) == null);

        List<String> types = jdbc.sql("select type from usage_event where tenant_id = ? and subject = ? order by seq")
                .params(tenant.id, "snapshots/" + id).query(String.class).list();
        assertThat(types).containsExactly("snapshot.created", "snapshot.deleted");
        assertThat(jdbc.sql("select (data->>'sizeMiB')::bigint from usage_event where tenant_id = ? and subject = ? "
                + "and type = 'snapshot.created'").params(tenant.id, "snapshots/" + id).query(Long.class).single())
                .isEqualTo(3 + 256);
        assertThat(driver().listSnapshots(o.desktop())).isEmpty();
    }

    @Test
    void anotherTenantAndAnotherUserSeeNothingOfAlicesSnapshots() {
        Owned o = aliceOwnsADesktop();
        String id = check(o.alice().post("/api/v1/pools/" + o.pool() + "/snapshots"), 202).body().get("id").asString();
        TestTenant other = TestTenant.create(context, port, 10, 10);
        Api bob = api.user("bob", o.pool());

        assertThat(check(other.admin.get("/api/v1/admin/desktops/" + o.desktop() + "/snapshots"), 404).reason())
                .isEqualTo("NOT_FOUND");
        check(other.admin.post("/api/v1/admin/desktops/" + o.desktop() + "/snapshots"), 404);
        check(other.admin.post("/api/v1/admin/desktops/" + o.desktop() + "/snapshots/" + id + "/restore",
                Api.json("confirm", true)), 404);
        check(other.admin.delete("/api/v1/admin/desktops/" + o.desktop() + "/snapshots/" + id), 404);
        check(other.admin.get("/api/v1/admin/pools/" + o.pool() + "/snapshot-policy"), 404);
        check(bob.get("/api/v1/pools/" + o.pool() + "/snapshots"), 404);
        check(bob.post("/api/v1/pools/" + o.pool() + "/snapshots/" + id + "/restore", Api.json("confirm", true)), 404);
        check(bob.get("/api/v1/admin/desktops/" + o.desktop() + "/snapshots"), 403);
        // alice's snapshot id under another desktop is not hers to find either
        check(tenant.admin.get("/api/v1/admin/desktops/" + UUID.randomUUID() + "/snapshots/" + id), 404);
        assertThat(check(tenant.admin.get("/api/v1/admin/desktops/" + o.desktop() + "/snapshots/" + id), 200)
                .body().get("id").asString()).isEqualTo(id);
    }

    @Test
    void badInputIsRefusedWithAStableReason() {
        Owned o = aliceOwnsADesktop();
        String base = "/api/v1/pools/" + o.pool() + "/snapshots";

        assertThat(check(o.alice().post(base, Api.json("label", "x".repeat(201))), 400).reason())
                .isEqualTo("VALIDATION_FAILED");
        assertThat(check(o.alice().postRaw(base, "application/json", "{not json"), 400).reason())
                .isEqualTo("MALFORMED_REQUEST");
        assertThat(check(o.alice().post(base + "/not-a-uuid/restore", Api.json("confirm", true)), 400).reason())
                .isNotNull();
        assertThat(check(o.alice().post(base + "/" + UUID.randomUUID() + "/restore", Api.json("confirm", true)), 404)
                .reason()).isEqualTo("NOT_FOUND");
        String policy = "/api/v1/admin/pools/" + o.pool() + "/snapshot-policy";
        assertThat(check(tenant.admin.replace(policy, Api.json("keep", 0)), 400).reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(check(tenant.admin.replace(policy, Api.json("dailyAt", "25:99", "keep", 3)), 400).reason())
                .isIn("VALIDATION_FAILED", "MALFORMED_REQUEST");
        assertThat(check(tenant.admin.put(policy, Api.json("keep", 3)), 428).reason()).isEqualTo("PRECONDITION_REQUIRED");
        UUID pooled = api.pool("lab", "POOLED", "{\"minSize\":0,\"maxSize\":1,\"vcpus\":1,\"memoryMiB\":256,"
                + "\"diskMiB\":64}", "lab.qcow2");
        assertThat(check(tenant.admin.replace("/api/v1/admin/pools/" + pooled + "/snapshot-policy",
                Api.json("keep", 3)), 400).reason()).isEqualTo("VALIDATION_FAILED");
    }

    @Test
    void aSnapshotOfAPooledDesktopIsRefused() {
        UUID pooled = api.pool("lab", "POOLED", "{\"minSize\":1,\"maxSize\":1,\"spareTarget\":1,\"vcpus\":1,"
                + "\"memoryMiB\":256,\"diskMiB\":64}", "lab.qcow2");
        reconcileUntil(() -> api.free(pooled, "READY") == 1);
        String desktop = api.desktops(pooled).getFirst().get("id").asString();

        assertThat(check(tenant.admin.post("/api/v1/admin/desktops/" + desktop + "/snapshots"), 409).reason())
                .isEqualTo("INVALID_STATE");
    }

    @Test
    void aSnapshotTaskWhoseBrokerDiedIsRunAgainAndTakenOnce() {
        Owned o = aliceOwnsADesktop();
        String id = check(tenant.admin.post("/api/v1/admin/desktops/" + o.desktop() + "/snapshots"), 202).body()
                .get("id").asString();
        // a broker claims the task and dies before completing it: its lease runs out
        List<ProvisioningTask> claimed = journal.claim("dead-broker", 10, Duration.ofMillis(200));
        assertThat(claimed).extracting(ProvisioningTask::snapshotId).contains(UUID.fromString(id));
        driver().createSnapshot(o.desktop(), id); // it got as far as the hypervisor

        reconcileUntil(() -> "READY".equals(check(tenant.admin.get("/api/v1/admin/desktops/" + o.desktop()
                + "/snapshots/" + id), 200).body().get("state").asString()));

        assertThat(driver().listSnapshots(o.desktop())).extracting(DesktopSnapshot::snapshotId).containsExactly(id);
        assertThat(jdbc.sql("select count(*) from usage_event where subject = ?").param("snapshots/" + id)
                .query(Integer.class).single()).as("counted once").isEqualTo(1);
    }

    /** A clock the test moves. */
    static final class FixedClock extends Clock {
        private volatile Instant now;

        FixedClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
