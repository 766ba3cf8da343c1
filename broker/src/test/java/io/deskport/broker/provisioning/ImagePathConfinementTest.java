package io.deskport.broker.provisioning;

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
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tenant admin publishes images only from the tenant's own image directory, and how desktops boot
 * (kernel, initrd, command line) is the platform's choice: no other tenant's golden disk, no system
 * file or device, no way out by {@code ../} or a symbolic link.
 */
@BrokerTest
class ImagePathConfinementTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    ProvisioningApi a;
    ProvisioningApi b;
    UUID pool;

    @BeforeEach
    void twoTenants() {
        TestTenant tenantA = TestTenant.create(context, port, 100, 100);
        TestTenant tenantB = TestTenant.create(context, port, 100, 100);
        a = new ProvisioningApi(tenantA, tenantA.platformAdmin(context, "operator"), ProvisioningApi.imageRoot(context));
        b = new ProvisioningApi(tenantB, null, ProvisioningApi.imageRoot(context));
        pool = tenantA.pool("office", "POOLED", null);
        // no desktops: nothing for the reconciler to do with these images
        check(tenantA.admin.replace("/api/v1/admin/pools/" + pool + "/provisioning",
                "{\"minSize\":0,\"maxSize\":1,\"spareTarget\":0}"), 200);
    }

    @AfterEach
    void removeFiles() {
        a.removeImageFiles();
        b.removeImageFiles();
    }

    private Api.Response publish(Api as, Object... members) {
        Object[] all = new Object[members.length + 4];
        all[0] = "label";
        all[1] = "v1";
        all[2] = "makeCurrent";
        all[3] = false;
        System.arraycopy(members, 0, all, 4, members.length);
        return as.post("/api/v1/admin/pools/" + pool + "/images", json(all));
    }

    @Test
    void aGoldenDiskInTheTenantsOwnDirectoryIsPublished() {
        check(publish(a.tenant.admin, "goldenDiskPath", a.imageFile("office.qcow2")), 201);
    }

    @Test
    void anotherTenantsImageIsRefused() {
        assertRefused(publish(a.tenant.admin, "goldenDiskPath", b.imageFile("theirs.qcow2")), "goldenDiskPath");
    }

    @Test
    void systemFilesAndDevicesAreRefused() {
        for (String path : List.of("/etc/shadow", "/etc/passwd", "/dev/sda", "/dev/null", "/proc/self/environ")) {
            assertRefused(publish(a.tenant.admin, "goldenDiskPath", path), "goldenDiskPath");
        }
    }

    @Test
    void aDotDotPathOutOfTheTenantsDirectoryIsRefused() {
        a.imageFile("office.qcow2");
        String theirs = b.imageFile("theirs.qcow2");
        Path escape = a.imageDirectory.resolve("..").resolve(b.tenant.id.toString()).resolve("theirs.qcow2");

        assertThat(Files.exists(escape)).isTrue();
        assertRefused(publish(a.tenant.admin, "goldenDiskPath", escape.toString()), "goldenDiskPath");
        assertRefused(publish(a.tenant.admin, "goldenDiskPath", a.imageDirectory + "/../../../../../../etc/passwd"),
                "goldenDiskPath");
        assertThat(theirs).isNotBlank();
    }

    @Test
    void aSymbolicLinkOutOfTheTenantsDirectoryIsRefused() throws IOException {
        a.imageFile("office.qcow2");
        Path toTheirs = Files.createSymbolicLink(a.imageDirectory.resolve("linked.qcow2"),
                Path.of(b.imageFile("theirs.qcow2")));
        Path toShadow = Files.createSymbolicLink(a.imageDirectory.resolve("shadow.qcow2"), Path.of("/etc/shadow"));

        assertRefused(publish(a.tenant.admin, "goldenDiskPath", toTheirs.toString()), "goldenDiskPath");
        assertRefused(publish(a.tenant.admin, "goldenDiskPath", toShadow.toString()), "goldenDiskPath");
    }

    @Test
    void aTenantAdminCannotChooseHowDesktopsBoot() {
        String disk = a.imageFile("office.qcow2");

        assertRefused(publish(a.tenant.admin, "goldenDiskPath", disk, "kernelCmdline", "console=ttyS0 init=/bin/sh"),
                "kernelCmdline");
        assertRefused(publish(a.tenant.admin, "goldenDiskPath", disk, "kernelPath", a.imageFile("vmlinuz")),
                "kernelPath");
        assertRefused(publish(a.tenant.admin, "goldenDiskPath", disk, "initrdPath", a.imageFile("initrd.gz")),
                "initrdPath");
    }

    @Test
    void aPlatformAdminSetsTheBootFilesFromTheImageRootOnly() throws IOException {
        String disk = a.imageFile("office.qcow2");
        Path kernel = a.imageDirectory.getParent().resolve("vmlinuz-" + a.tenant.slug);
        Files.writeString(kernel, "kernel");
        try {
            Api platform = a.platform.inTenant(a.tenant.id);
            check(publish(platform, "goldenDiskPath", disk, "kernelPath", kernel.toString(), "kernelCmdline",
                    "console=ttyS0"), 201);
            assertRefused(publish(platform, "goldenDiskPath", disk, "kernelPath", "/boot/../etc/passwd"), "kernelPath");
        } finally {
            Files.delete(kernel);
        }
    }

    private static void assertRefused(Api.Response r, String field) {
        assertThat(r.status()).as(r.raw()).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(r.body().get("errors").findValuesAsString("field")).contains(field);
    }
}
