package io.deskport.broker.poolsetup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.provisioning.ProvisioningProperties;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/v1/admin/pools/{id}/impact}: what disabling and removing a pool would do, in figures — and then
 * that disabling and removing do exactly that.
 */
@BrokerTest
class PoolImpactTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    UUID pool;
    UUID concurrent;
    UUID perDesktop;
    Api alice;
    String aliceSession;

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 10, 10);
        pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 2, "READY");
        concurrent = product("Office CAL", "CONCURRENT_USER");
        perDesktop = product("VDA", "PER_DESKTOP");
        check(tenant.admin.put("/api/v1/admin/pools/" + pool + "/licence-products/" + concurrent, null), 204);
        check(tenant.admin.put("/api/v1/admin/pools/" + pool + "/licence-products/" + perDesktop, null), 204);
        UUID aliceId = tenant.user("alice");
        UUID bob = tenant.user("bob");
        UUID carol = tenant.user("carol");
        UUID staff = check(tenant.admin.post("/api/v1/admin/groups", json("name", "staff")), 201).id();
        check(tenant.admin.post("/api/v1/admin/groups/" + staff + "/members", "{\"userIds\":[\"" + bob + "\",\""
                + carol + "\",\"" + aliceId + "\"]}"), 200);
        tenant.entitle(pool, aliceId);
        tenant.entitleGroup(pool, staff);
        // bob's session has ended (history); alice's is live
        Api bobApi = tenant.login("bob");
        String bobSession = check(bobApi.post("/api/v1/pools/" + pool + "/connect"), 201).body().get("session").get("id").asString();
        check(bobApi.post("/api/v1/sessions/" + bobSession + "/logoff"), 200);
        alice = tenant.login("alice");
        aliceSession = check(alice.post("/api/v1/pools/" + pool + "/connect"), 201).body().get("session").get("id").asString();
    }

    private UUID product(String name, String model) {
        UUID id = check(tenant.admin.post("/api/v1/admin/licence-products", json("name", name, "model", model)), 201).id();
        check(tenant.admin.post("/api/v1/admin/licence-products/" + id + "/licences", json("seats", 5, "enforcement", "HARD")), 201);
        return id;
    }

    private int seatsInUse(UUID product) {
        return check(tenant.admin.get("/api/v1/admin/licence-products/" + product), 200).body().get("seatsInUse").asInt();
    }

    private JsonNode impact() {
        return check(tenant.admin.get("/api/v1/admin/pools/" + pool + "/impact"), 200).body();
    }

    @Test
    void disablingSaysWhoIsRefusedAndWhatGoesOnAndDoesJustThat() {
        JsonNode disabled = impact().get("whenDisabled");

        assertThat(disabled.get("liveSessionsGoOn").asInt()).isEqualTo(1);
        assertThat(disabled.get("usersWithLiveSessions").asInt()).isEqualTo(1);
        assertThat(disabled.get("entitledUsers").asInt()).isEqualTo(3);
        assertThat(disabled.get("desktopsKept").asInt()).isEqualTo(2);
        assertThat(disabled.get("provisioningGoesOn").asBoolean()).isFalse();

        check(tenant.admin.edit("/api/v1/admin/pools/" + pool, json("enabled", false)), 200);
        // alice's live session goes on and she may return to it; carol, entitled through the group, is refused
        Api.Response again = check(alice.post("/api/v1/pools/" + pool + "/connect"), 200);
        assertThat(again.body().get("session").get("id").asString()).isEqualTo(aliceSession);
        assertThat(tenant.login("carol").post("/api/v1/pools/" + pool + "/connect").reason()).isEqualTo("POOL_DISABLED");
        assertThat(check(tenant.admin.get("/api/v1/admin/pools/" + pool + "/desktops"), 200).body()).hasSize(2);
    }

    @Test
    void removingSaysWhatEndsAndGoesAndThenDoesIt() {
        assertThat(seatsInUse(concurrent)).isEqualTo(1);
        assertThat(seatsInUse(perDesktop)).isEqualTo(2);
        JsonNode deleted = impact().get("whenDeleted");

        assertThat(deleted.get("sessionsEnded").asInt()).isEqualTo(1);
        assertThat(deleted.get("startingSessionsEnded").asInt()).isEqualTo(1); // ready, no tunnel attached yet
        assertThat(deleted.get("usersAffected").asInt()).isEqualTo(1);
        assertThat(deleted.get("sessionHistoryRemoved").asInt()).isEqualTo(1);
        assertThat(deleted.get("desktopsRemoved").asInt()).isEqualTo(2);
        assertThat(deleted.get("machinesDeleted").asInt()).isZero();
        assertThat(deleted.get("registeredDesktopsForgotten").asInt()).isEqualTo(2);
        assertThat(deleted.get("assignedDesktopsRemoved").asInt()).isEqualTo(1);
        assertThat(deleted.get("userEntitlementsRemoved").asInt()).isEqualTo(1);
        assertThat(deleted.get("groupEntitlementsRemoved").asInt()).isEqualTo(1);
        assertThat(deleted.get("entitledUsersLosingAccess").asInt()).isEqualTo(3);
        assertThat(deleted.get("desktopSeatsFreed").asInt()).isEqualTo(2);
        assertThat(deleted.get("concurrentSeatsFreed").asInt()).isEqualTo(1);
        assertThat(deleted.get("licenceProducts").valueStream().map(JsonNode::asString)).containsExactly("Office CAL", "VDA");

        check(tenant.admin.delete("/api/v1/admin/pools/" + pool), 204);
        assertThat(seatsInUse(concurrent)).isZero();
        assertThat(seatsInUse(perDesktop)).isZero();
        JsonNode ended = check(alice.get("/api/v1/sessions?includeEnded=true"), 200).body();
        assertThat(ended.toString()).doesNotContain(aliceSession); // its record went with the pool, as announced
        assertThat(check(tenant.admin.get("/api/v1/admin/audit?objectId=" + aliceSession + "&action=SESSION_ENDED"), 200)
                .body().get(0).get("details").get("endReason").asString()).isEqualTo("RESOURCE_REMOVED");
    }

    @Test
    void aProvisionedPoolsMachinesAreCountedAndQueuedForDeletionOnTheSimulatedDriver() {
        Path images = context.getBean(ProvisioningProperties.class).imageRoot().toAbsolutePath().resolve(tenant.id.toString());
        String disk = createFile(images.resolve("golden.qcow2"));
        UUID provisioned = check(tenant.admin.post("/api/v1/admin/pools/setup", "{\"pool\":" + json("name", "fleet",
                "kind", "POOLED") + ",\"provisioning\":" + json("minSize", 1, "maxSize", 1, "spareTarget", 0, "vcpus", 1,
                "memoryMiB", 64, "diskMiB", 64) + ",\"image\":" + json("label", "v1", "goldenDiskPath", disk) + "}"), 201)
                .body().get("pool").get("id").asString().transform(UUID::fromString);
        await("the reconciler clones the pool's desktop").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> check(tenant.admin.get("/api/v1/admin/pools/" + provisioned + "/desktops"), 200).body().size() == 1);

        JsonNode impact = check(tenant.admin.get("/api/v1/admin/pools/" + provisioned + "/impact"), 200).body();
        assertThat(impact.get("whenDisabled").get("provisioningGoesOn").asBoolean()).isTrue();
        assertThat(impact.get("whenDeleted").get("machinesDeleted").asInt()).isEqualTo(1);
        assertThat(impact.get("whenDeleted").get("registeredDesktopsForgotten").asInt()).isZero();
        assertThat(impact.get("whenDeleted").get("imageVersionsRemoved").asInt()).isEqualTo(1);

        String desktop = check(tenant.admin.get("/api/v1/admin/pools/" + provisioned + "/desktops"), 200).body().get(0)
                .get("id").asString();
        check(tenant.admin.delete("/api/v1/admin/pools/" + provisioned), 204);
        assertThat(check(tenant.admin.get("/api/v1/admin/provisioning/tasks?type=DELETE&desktopId=" + desktop), 200)
                .body()).hasSize(1);
    }

    @Test
    void anotherTenantsPoolHasNoImpactToShow() {
        TestTenant other = TestTenant.create(context, port, 1, 1);
        assertThat(other.admin.get("/api/v1/admin/pools/" + pool + "/impact").status()).isEqualTo(404);
    }

    private static String createFile(Path file) {
        try {
            java.nio.file.Files.createDirectories(file.getParent());
            if (!java.nio.file.Files.exists(file)) {
                java.nio.file.Files.createFile(file);
            }
            return file.toRealPath().toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
