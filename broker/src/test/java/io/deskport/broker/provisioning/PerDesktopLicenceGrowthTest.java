package io.deskport.broker.provisioning;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.licensing.Enforcement;
import io.deskport.broker.licensing.LicenceFixture;
import io.deskport.broker.licensing.LicenceModel;
import io.deskport.broker.support.LedgerChecks;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #19, "must be shown": a pool told to grow beyond its PER_DESKTOP licence stops at the seat count and says
 * why in its plan notes; more seats let it grow. The reconciler on the simulated driver, its loop off: the test
 * drives the passes (as {@link ReconcilerOnTheSimulatedDriverTest} does).
 */
@BrokerTest
@TestPropertySource(properties = {
        "deskport.provisioning.enabled=false",
        "deskport.provisioning.simulate-when-empty=false",
        "deskport.provisioning.max-attempts=2",
        "deskport.provisioning.retry-backoff=50ms",
        "deskport.provisioning.max-retry-backoff=200ms",
        "deskport.provisioning.host-failure-threshold=3",
        "deskport.provisioning.host-quarantine=5s",
        "deskport.provisioning.failed-retention=1s",
        "deskport.provisioning.console-timeout=2s",
        "deskport.provisioning.inventory-interval=500ms",
        "deskport.provisioning.scan-interval=1h",
        "deskport.provisioning.ghosts.grace=0s",
        "deskport.provisioning.orphans.policy=DELETE",
        "deskport.provisioning.orphans.grace=0s"})
class PerDesktopLicenceGrowthTest {

    private static final String SIM = "{\"cpusPerHost\":\"16\",\"memoryMiBPerHost\":\"65536\"}";
    private static final String IMAGE = "vdi.qcow2";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    Reconciler reconciler;
    @Autowired
    TaskJournal journal;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    DataSource dataSource;

    TestTenant tenant;
    ProvisioningApi api;
    LicenceFixture licences;
    final List<UUID> testHosts = new ArrayList<>();

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 100, 100);
        api = new ProvisioningApi(tenant, tenant.platformAdmin(context, "operator"), ProvisioningApi.imageRoot(context));
        licences = new LicenceFixture(context);
    }

    @AfterEach
    void removeEverything() {
        check(tenant.admin.get("/api/v1/admin/pools"), 200).body()
                .forEach(p -> check(tenant.admin.delete("/api/v1/admin/pools/" + p.get("id").asString()), 204));
        reconcileUntil(() -> journal.open().isEmpty() && reconciler.tasksRunning() == 0);
        testHosts.forEach(h -> check(api.platform.delete("/api/v1/admin/hypervisor-hosts/" + h), 204));
        api.removeImageFiles();
    }

    @Test
    void aPoolToldToGrowBeyondItsPerDesktopLicenceStopsAtTheSeatsSaysWhyAndGrowsWhenSeatsAreAdded() throws Exception {
        testHosts.add(api.host("sim-licence-" + tenant.slug, "simulated", SIM));
        UUID pool = api.pool("vdi", "POOLED", "{\"minSize\":5,\"maxSize\":5,\"spareTarget\":5,\"vcpus\":1,"
                + "\"memoryMiB\":256,\"diskMiB\":64}", IMAGE);
        UUID product = licences.product(tenant.id, "VDI per machine", LicenceModel.PER_DESKTOP);
        UUID licence = licences.licence(product, 3, Enforcement.HARD, 0);
        licences.require(pool, product);

        // it grows to the seats, and no further however often the reconciler passes
        reconcileUntil(() -> api.count(pool, "READY") == 3 && idle());
        for (int pass = 0; pass < 5; pass++) {
            reconciler.tick();
        }
        await().atMost(Duration.ofSeconds(60)).until(this::idle);
        assertThat(api.desktops(pool)).as("desktops of the pool").hasSize(3)
                .allSatisfy(d -> assertThat(d.get("state").asString()).isEqualTo("READY"));
        assertThat(seatHolders(product)).as("a seat per desktop, held by exactly them")
                .containsExactlyInAnyOrderElementsOf(desktopIds(pool));
        assertThat(licences.counted(product)).isEqualTo(3);
        assertThat(jdbc.sql("select count(*) from licence_seat where product_id = ?").param(product).query(Integer.class)
                .single()).as("a refused desktop leaves no seat in the history").isEqualTo(3);

        // the plan notes say why: the licence, with its figures, for the two desktops held back
        JsonNode notes = api.poolStatus(pool).get("notes");
        List<JsonNode> licenceNotes = new ArrayList<>();
        notes.forEach(n -> {
            if ("LICENCE_EXHAUSTED".equals(n.get("code").asString())) {
                licenceNotes.add(n);
            }
        });
        assertThat(licenceNotes).as("plan notes: %s", notes).singleElement().satisfies(n -> {
            assertThat(n.get("poolId").asString()).isEqualTo(pool.toString());
            assertThat(n.get("count").asInt()).as("desktops held back").isEqualTo(2);
            assertThat(n.get("detail").asString()).contains("VDI per machine", "productId=" + product, "model=PER_DESKTOP",
                    "seats=3", "seatsInUse=3", "enforcement=HARD");
        });
        assertLedgerClean();

        // two seats more: the pool grows to its target, and the note is gone
        licences.seats(licence, 5);
        reconcileUntil(() -> api.count(pool, "READY") == 5 && idle());
        settle();
        assertThat(api.desktops(pool)).hasSize(5);
        assertThat(seatHolders(product)).containsExactlyInAnyOrderElementsOf(desktopIds(pool));
        assertThat(licences.counted(product)).isEqualTo(5);
        assertThat(api.poolStatus(pool).get("notes").toString()).doesNotContain("LICENCE_EXHAUSTED");
        assertLedgerClean();

        // the pool goes: its desktops' seats are given back
        check(tenant.admin.delete("/api/v1/admin/pools/" + pool), 204);
        assertThat(licences.held(product)).isZero();
        assertThat(licences.counted(product)).isZero();
    }

    private boolean idle() {
        return reconciler.tasksRunning() == 0 && journal.open().isEmpty();
    }

    private void reconcileUntil(Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
            reconciler.tick();
            return condition.call();
        });
    }

    /** Passes until nothing is planned, queued or running. */
    private void settle() {
        reconcileUntil(() -> idle() && reconciler.tick().map(s -> s.actionsPlanned() == 0).orElse(false));
    }

    private List<String> seatHolders(UUID product) {
        return jdbc.sql("select holder from licence_seat where product_id = ? and released_at is null").param(product)
                .query(String.class).list();
    }

    private List<String> desktopIds(UUID pool) {
        return api.desktops(pool).stream().map(d -> d.get("id").asString()).toList();
    }

    private void assertLedgerClean() throws Exception {
        assertThat(LedgerChecks.violations(LedgerChecks.withDefaults().run(dataSource))).as("ledger checks").isEmpty();
    }
}
