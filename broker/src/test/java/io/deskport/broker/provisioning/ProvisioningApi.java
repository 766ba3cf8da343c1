package io.deskport.broker.provisioning;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.springframework.context.ApplicationContext;

import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;

/** The provisioning admin API as a test uses it: hosts, pool settings, images, desktops, tasks. */
final class ProvisioningApi {

    final TestTenant tenant;
    final Api platform;
    final Path imageDirectory;

    /**
     * @param imageRoot the broker's {@code deskport.provisioning.image-root}: the tenant's golden disks are
     *                  created in its directory there
     */
    ProvisioningApi(TestTenant tenant, Api platform, Path imageRoot) {
        this.tenant = tenant;
        this.platform = platform;
        this.imageDirectory = imageRoot.toAbsolutePath().resolve(tenant.id.toString());
    }

    /** The broker's image root, as configured for the tests. */
    static Path imageRoot(ApplicationContext context) {
        return context.getBean(ProvisioningProperties.class).imageRoot();
    }

    /** An (empty) golden disk file in the tenant's image directory; the simulated driver never reads it. */
    String imageFile(String name) {
        try {
            Files.createDirectories(imageDirectory);
            Path file = imageDirectory.resolve(name);
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
            return file.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Registers a hypervisor host (platform admin) and returns its id. */
    UUID host(String name, String driver, String settingsJson) {
        return check(platform.post("/api/v1/admin/hypervisor-hosts", json("name", name, "driverId", driver,
                "settings", new Api.RawJson(settingsJson))), 201).id();
    }

    void maintenance(UUID host, boolean on) {
        check(on ? platform.post("/api/v1/admin/hypervisor-hosts/" + host + "/maintenance")
                : platform.delete("/api/v1/admin/hypervisor-hosts/" + host + "/maintenance"), 200);
    }

    JsonNode host(UUID host) {
        return check(platform.get("/api/v1/admin/hypervisor-hosts/" + host), 200).body();
    }

    /** Removes the tenant's image directory and everything in it. */
    void removeImageFiles() {
        if (!Files.exists(imageDirectory)) {
            return;
        }
        try (Stream<Path> files = Files.list(imageDirectory)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
            Files.deleteIfExists(imageDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A pool with provisioning settings (JSON members of PUT .../provisioning) and a first image.
     *
     * @param goldenDisk a file name in the tenant's image directory
     */
    UUID pool(String name, String kind, String settingsJson, String goldenDisk) {
        UUID pool = tenant.pool(name, kind, null);
        check(tenant.admin.replace("/api/v1/admin/pools/" + pool + "/provisioning", settingsJson), 200);
        image(pool, "v1", goldenDisk);
        return pool;
    }

    /** Publishes a disk-boot image version (the tenant admin's), the golden disk a file name in the tenant's image directory. */
    UUID image(UUID pool, String label, String goldenDisk) {
        return check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/images", json("label", label,
                "goldenDiskPath", imageFile(goldenDisk))), 201).id();
    }

    List<JsonNode> desktops(UUID pool) {
        return tenant.admin.all("/api/v1/admin/pools/" + pool + "/desktops");
    }

    long count(UUID pool, String state) {
        return desktops(pool).stream().filter(d -> state.equals(d.get("state").asString())).count();
    }

    long free(UUID pool, String state) {
        return desktops(pool).stream().filter(d -> state.equals(d.get("state").asString())
                && d.get("assignedUserId").isNull()).count();
    }

    JsonNode provisioning(UUID desktop) {
        return check(tenant.admin.get("/api/v1/admin/desktops/" + desktop + "/provisioning"), 200).body();
    }

    JsonNode poolStatus(UUID pool) {
        return check(tenant.admin.get("/api/v1/admin/pools/" + pool + "/provisioning"), 200).body();
    }

    List<JsonNode> tasks(UUID pool) {
        return tenant.admin.all("/api/v1/admin/pools/" + pool + "/provisioning/tasks?limit=1000");
    }

    /** A user of the tenant entitled to the pools, signed in. */
    Api user(String name, UUID... pools) {
        UUID user = tenant.user(name);
        for (UUID p : pools) {
            tenant.entitle(p, user);
        }
        return tenant.login(name);
    }

    static Api.Response connect(Api user, UUID pool) {
        return user.post("/api/v1/pools/" + pool + "/connect");
    }

    static String session(Api.Response connect) {
        return connect.body().get("session").get("id").asString();
    }

    static String sessionState(Api user, String sessionId) {
        return check(user.get("/api/v1/sessions/" + sessionId), 200).body().get("state").asString();
    }
}
