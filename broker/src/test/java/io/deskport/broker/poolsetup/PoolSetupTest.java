package io.deskport.broker.poolsetup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
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

/**
 * {@code POST /api/v1/admin/pools/setup}: a whole pool — its settings, provisioning (sizing and image), the licence
 * products it consumes and its entitlements — in one transaction, audited part by part as the separate calls are;
 * a part refused leaves nothing behind, not even an audit line.
 */
@BrokerTest
class PoolSetupTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    TestTenant other;
    Path imageDirectory;

    @BeforeEach
    void setUp() throws IOException {
        tenant = TestTenant.create(context, port, 10, 10);
        other = TestTenant.create(context, port, 10, 10);
        imageDirectory = Files.createDirectories(context.getBean(ProvisioningProperties.class).imageRoot()
                .toAbsolutePath().resolve(tenant.id.toString()));
    }

    @AfterEach
    void removePools() throws IOException {
        // pools with provisioning would otherwise be filled by the reconciler of the shared test broker
        check(tenant.admin.get("/api/v1/admin/pools"), 200).body()
                .forEach(p -> check(tenant.admin.delete("/api/v1/admin/pools/" + p.get("id").asString()), 204));
        try (var files = Files.list(imageDirectory)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
    }

    private String goldenDisk(String name) throws IOException {
        Path file = imageDirectory.resolve(name);
        if (!Files.exists(file)) {
            Files.createFile(file);
        }
        return file.toRealPath().toString();
    }

    private UUID product(TestTenant t, String name, String model) {
        UUID id = check(t.admin.post("/api/v1/admin/licence-products", json("name", name, "model", model)), 201).id();
        check(t.admin.post("/api/v1/admin/licence-products/" + id + "/licences", json("seats", 5, "enforcement", "HARD")), 201);
        return id;
    }

    private UUID group(TestTenant t, String name) {
        return check(t.admin.post("/api/v1/admin/groups", json("name", name)), 201).id();
    }

    private static String setup(String name, String kind, String provisioning, String image, List<UUID> products,
                                List<UUID> users, List<UUID> groups) {
        return "{\"pool\":" + json("name", name, "kind", kind, "idleTimeoutSeconds", 1800, "idleAction", "LOGOFF",
                "recordSessions", true, "clipboardPolicy", "TO_DESKTOP")
                + (provisioning == null ? "" : ",\"provisioning\":" + provisioning)
                + (image == null ? "" : ",\"image\":" + image)
                + ",\"licenceProductIds\":" + ids(products)
                + ",\"entitlements\":{\"userIds\":" + ids(users) + ",\"groupIds\":" + ids(groups) + "}}";
    }

    private static String ids(List<UUID> ids) {
        return ids.stream().map(i -> "\"" + i + "\"").toList().toString().replace(" ", "");
    }

    private List<String> poolNames() {
        return check(tenant.admin.get("/api/v1/admin/pools"), 200).body().findValuesAsString("name");
    }

    private List<String> auditActions() {
        return check(tenant.admin.get("/api/v1/admin/audit?limit=1000"), 200).body().findValuesAsString("action");
    }

    @Test
    void aWholePoolIsSetUpInOneCallAndAuditedPartByPart() throws IOException {
        UUID alice = tenant.user("alice");
        UUID staff = group(tenant, "staff");
        UUID cal = product(tenant, "Office CAL", "NAMED_USER");
        String disk = goldenDisk("office.qcow2");

        Api.Response set = check(tenant.admin.post("/api/v1/admin/pools/setup", setup("Office", "POOLED",
                json("minSize", 0, "maxSize", 3, "spareTarget", 0, "vcpus", 1, "memoryMiB", 512, "diskMiB", 1024),
                json("label", "2026-11", "goldenDiskPath", disk), List.of(cal), List.of(alice), List.of(staff))), 201);

        JsonNode pool = set.body().get("pool");
        UUID id = UUID.fromString(pool.get("id").asString());
        assertThat(set.header("ETag")).isEqualTo("\"0\"");
        assertThat(pool.get("clipboardPolicy").asString()).isEqualTo("TO_DESKTOP");
        assertThat(pool.get("idleAction").asString()).isEqualTo("LOGOFF");
        assertThat(set.body().get("provisioning").get("imageLabel").asString()).isEqualTo("2026-11");
        assertThat(set.body().get("entitlements")).hasSize(2);

        JsonNode provisioning = check(tenant.admin.get("/api/v1/admin/pools/" + id + "/provisioning"), 200).body();
        assertThat(provisioning.get("maxSize").asInt()).isEqualTo(3);
        assertThat(provisioning.get("currentImage").get("label").asString()).isEqualTo("2026-11");
        assertThat(check(tenant.admin.get("/api/v1/admin/pools/" + id + "/licence-products"), 200).body()
                .findValuesAsString("name")).containsExactly("Office CAL");
        JsonNode granted = check(tenant.admin.get("/api/v1/admin/pools/" + id + "/entitlements"), 200).body();
        assertThat(granted.valueStream().map(e -> e.get("userId").asString("") + e.get("groupId").asString("")))
                .containsExactlyInAnyOrder(alice.toString(), staff.toString());

        JsonNode trail = check(tenant.admin.get("/api/v1/admin/audit?objectId=" + id + "&limit=100"), 200).body();
        assertThat(trail.findValuesAsString("action")).containsExactlyInAnyOrder("POOL_CREATED",
                "POOL_PROVISIONING_CONFIGURED", "IMAGE_VERSION_PUBLISHED", "IMAGE_VERSION_SET_CURRENT",
                "POOL_LICENCE_PRODUCT_ADDED", "ENTITLEMENT_GRANTED", "ENTITLEMENT_GRANTED");
        assertThat(trail.findValuesAsString("actorName")).containsOnly("admin");
        assertThat(trail.toString()).contains("\"clipboardPolicy\":\"TO_DESKTOP\"");
    }

    @Test
    void aLicenceProductOfAnotherTenantLeavesNoPoolBehind() throws IOException {
        UUID alice = tenant.user("alice");
        UUID theirs = product(other, "Their CAL", "NAMED_USER");
        List<String> before = auditActions();

        Api.Response refused = tenant.admin.post("/api/v1/admin/pools/setup", setup("Half made", "POOLED",
                json("minSize", 0, "maxSize", 2), json("label", "v1", "goldenDiskPath", goldenDisk("a.qcow2")),
                List.of(theirs), List.of(alice), List.of()));

        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.reason()).isEqualTo("NOT_FOUND");
        assertThat(poolNames()).doesNotContain("Half made");
        assertThat(check(tenant.admin.get("/api/v1/admin/images"), 200).body()).isEmpty();
        assertThat(auditActions()).isEqualTo(before);
    }

    @Test
    void anEntitlementOfAGroupOfAnotherTenantLeavesNoPoolBehind() {
        UUID cal = product(tenant, "Office CAL", "CONCURRENT_USER");
        UUID theirs = group(other, "their-staff");
        List<String> before = auditActions();

        Api.Response refused = tenant.admin.post("/api/v1/admin/pools/setup", setup("Half made", "SHARED", null, null,
                List.of(cal), List.of(), List.of(theirs)));

        assertThat(refused.status()).isEqualTo(404);
        assertThat(refused.body().get("detail").asString()).contains("Group");
        assertThat(poolNames()).doesNotContain("Half made");
        assertThat(check(tenant.admin.get("/api/v1/admin/licence-products/" + cal), 200).body().get("pools").asInt())
                .isZero();
        assertThat(auditActions()).isEqualTo(before);
    }

    @Test
    void aPerDesktopProductForASharedPoolIsRefusedAndNothingIsKept() {
        UUID perDesktop = product(tenant, "VDA", "PER_DESKTOP");

        Api.Response refused = tenant.admin.post("/api/v1/admin/pools/setup", setup("Shared apps", "SHARED", null, null,
                List.of(perDesktop), List.of(), List.of()));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().get("errors").get(0).get("field").asString()).isEqualTo("productId");
        assertThat(poolNames()).doesNotContain("Shared apps");
    }

    @Test
    void aGoldenDiskOutsideTheTenantsImageDirectoryIsRefusedByNameAndNothingIsKept() {
        Api.Response refused = tenant.admin.post("/api/v1/admin/pools/setup", setup("Office", "POOLED",
                json("minSize", 0, "maxSize", 2), json("label", "v1", "goldenDiskPath", "/etc/passwd"), List.of(),
                List.of(), List.of()));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body().get("errors").get(0).get("field").asString()).isEqualTo("goldenDiskPath");
        assertThat(poolNames()).doesNotContain("Office");
    }

    @Test
    void provisioningForASharedPoolAndAnImageWithoutProvisioningAreRefusedByName() {
        Api.Response shared = tenant.admin.post("/api/v1/admin/pools/setup", setup("Shared apps", "SHARED",
                json("maxSize", 2), null, List.of(), List.of(), List.of()));
        Api.Response imageOnly = tenant.admin.post("/api/v1/admin/pools/setup", setup("Registered", "POOLED", null,
                json("label", "v1", "goldenDiskPath", "/x.qcow2"), List.of(), List.of(), List.of()));

        assertThat(shared.status()).isEqualTo(400);
        assertThat(shared.body().get("errors").get(0).get("field").asString()).isEqualTo("provisioning");
        assertThat(imageOnly.status()).isEqualTo(400);
        assertThat(imageOnly.body().get("errors").get(0).get("field").asString()).isEqualTo("image");
        assertThat(poolNames()).isEmpty();
    }

    @Test
    void aNewPoolStartsFromACopyOfAnImageVersionOfAnotherPool() throws IOException {
        UUID first = check(tenant.admin.post("/api/v1/admin/pools/setup", setup("First", "POOLED",
                json("minSize", 0, "maxSize", 1), json("label", "golden-7", "goldenDiskPath", goldenDisk("g7.qcow2")),
                List.of(), List.of(), List.of())), 201).body().get("pool").get("id").asString().transform(UUID::fromString);
        JsonNode catalogue = check(tenant.admin.get("/api/v1/admin/images?q=golden"), 200).body();
        assertThat(catalogue).hasSize(1);
        String original = catalogue.get(0).get("id").asString();

        JsonNode second = check(tenant.admin.post("/api/v1/admin/pools/setup", setup("Second", "PERSISTENT",
                json("minSize", 0, "maxSize", 1, "stopAfterDisconnectedSeconds", 600), json("copyOf", original),
                List.of(), List.of(), List.of())), 201).body();

        UUID id = UUID.fromString(second.get("pool").get("id").asString());
        JsonNode provisioning = check(tenant.admin.get("/api/v1/admin/pools/" + id + "/provisioning"), 200).body();
        assertThat(provisioning.get("currentImage").get("label").asString()).isEqualTo("golden-7");
        assertThat(provisioning.get("currentImage").get("id").asString()).isNotEqualTo(original);
        assertThat(provisioning.get("stopAfterDisconnectedSeconds").asInt()).isEqualTo(600);
        assertThat(check(tenant.admin.get("/api/v1/admin/images?poolId=" + first), 200).body()).hasSize(1);
        assertThat(check(tenant.admin.get("/api/v1/admin/audit?objectId=" + id + "&action=IMAGE_VERSION_PUBLISHED"), 200)
                .body().get(0).get("details").get("copiedFrom").asString()).isEqualTo(original);
        // another tenant's version cannot be copied, nor seen
        assertThat(other.admin.post("/api/v1/admin/pools/setup", setup("Theirs", "POOLED", json("maxSize", 1),
                json("copyOf", original), List.of(), List.of(), List.of())).status()).isEqualTo(404);
        assertThat(check(other.admin.get("/api/v1/admin/images"), 200).body()).isEmpty();
    }
}
