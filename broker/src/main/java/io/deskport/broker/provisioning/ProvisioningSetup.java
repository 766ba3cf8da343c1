package io.deskport.broker.provisioning;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.ProblemResponses;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.shared.Versions;
import io.deskport.broker.shared.Versions.IfMatch;

/**
 * What other modules may set up in provisioning (the demo at first start, a whole pool's setup) and read of it
 * (what removing a pool would do): the same operations, checks and audit lines as the admin API's, without HTTP.
 * Its transactions join the caller's.
 */
@Service
public class ProvisioningSetup {

    private final HypervisorHosts hosts;
    private final PoolProvisioning pools;
    private final ImageFiles imageFiles;
    private final JdbcClient jdbc;

    ProvisioningSetup(HypervisorHosts hosts, PoolProvisioning pools, ImageFiles imageFiles, JdbcClient jdbc) {
        this.hosts = hosts;
        this.pools = pools;
        this.imageFiles = imageFiles;
        this.jdbc = jdbc;
    }

    /**
     * The image a new pool's desktops start from: a copy of a version published in another of the tenant's pools
     * ({@code copyOf}, optionally under another {@code label}), or a new version from a golden disk in the tenant's
     * image directory (the boot settings — kernel, initrd, command line — from platform admins only).
     */
    public record ImageSource(UUID copyOf, @Pattern(regexp = ProvisioningAdminController.LABEL) String label,
                              @Pattern(regexp = ProvisioningAdminController.PATH) String goldenDiskPath,
                              @Pattern(regexp = ProvisioningAdminController.PATH) String kernelPath,
                              @Pattern(regexp = ProvisioningAdminController.PATH) String initrdPath,
                              @Size(max = 2000) String kernelCmdline) {
    }

    /**
     * A new pool's provisioning as set up.
     *
     * @param version the version of its provisioning settings (the ETag of {@code GET …/provisioning})
     * @param imageVersionId the image version published for it and made current, or null
     */
    public record Provisioned(long version, UUID imageVersionId, String imageLabel) {
    }

    /**
     * Provisions a pool that has no provisioning yet: its sizing, then its image version (published and made
     * current), with the admin API's checks and audit lines ({@code POOL_PROVISIONING_CONFIGURED},
     * {@code IMAGE_VERSION_PUBLISHED}, {@code IMAGE_VERSION_SET_CURRENT}).
     *
     * @param image null: none yet (the pool stays empty until one is published)
     * @throws ProblemException as the admin API: INVALID_STATE for a SHARED pool, STALE_VERSION when the pool is
     *         provisioned already, VALIDATION_FAILED (sizes, files: {@code label} and {@code goldenDiskPath} are
     *         required for a new version), NOT_FOUND for an image version that is not the tenant's
     */
    @Transactional
    public Provisioned provisionNewPool(AdminContext ctx, UUID poolId, ProvisioningSpec sizing, ImageSource image) {
        long version = pools.put(ctx, poolId, new IfMatch(Versions.etag(0)), sizing.settings()).version();
        if (image == null) {
            return new Provisioned(version, null, null);
        }
        PublishedImage published;
        if (image.copyOf() != null) {
            published = pools.publishCopy(ctx, poolId, image.copyOf(), image.label());
        } else {
            List<ProblemResponses.FieldError> missing = new ArrayList<>();
            if (image.label() == null || image.label().isBlank()) {
                missing.add(new ProblemResponses.FieldError("image.label", "is required for a new image version", null));
            }
            if (image.goldenDiskPath() == null || image.goldenDiskPath().isBlank()) {
                missing.add(new ProblemResponses.FieldError("image.goldenDiskPath", "is required for a new image version "
                        + "(or name one to copy in copyOf)", null));
            }
            if (!missing.isEmpty()) {
                throw new ProblemException(Reason.VALIDATION_FAILED, "The image needs a label and a golden disk",
                        Map.of("errors", missing));
            }
            published = pools.publish(ctx, poolId, new PoolProvisioning.ImageSpec(image.label(), image.goldenDiskPath(),
                    image.kernelPath(), image.initrdPath(), image.kernelCmdline()), true);
        }
        return new Provisioned(version, published.id(), published.label());
    }

    /**
     * What provisioning has of a pool, and so what removing it lets go.
     *
     * @param provisioned whether provisioning creates the pool's desktops
     * @param enabled whether it does so now (its settings are not switched off)
     * @param minSize desktops it keeps, at least
     * @param spareTarget free desktops it keeps started
     * @param machines the pool's desktops it created: their machines are deleted with the pool (a DELETE task each)
     * @param imageVersions the pool's published image versions (removed with it; the files stay)
     */
    public record Footprint(boolean provisioned, boolean enabled, int minSize, int spareTarget, int machines,
                            int imageVersions) {
    }

    /** @return what provisioning has of the pool (nothing for a pool it does not provision) */
    @Transactional(readOnly = true)
    public Footprint footprint(UUID tenantId, UUID poolId) {
        Optional<PoolProvisioning.Settings> s = pools.find(tenantId, poolId);
        int machines = jdbc.sql("select count(*) from provisioned_desktop where tenant_id = ? and pool_id = ?")
                .params(tenantId, poolId).query(Integer.class).single();
        int images = jdbc.sql("select count(*) from image_version where tenant_id = ? and pool_id = ?")
                .params(tenantId, poolId).query(Integer.class).single();
        return new Footprint(s.isPresent(), s.map(PoolProvisioning.Settings::enabled).orElse(false),
                s.map(PoolProvisioning.Settings::minSize).orElse(0), s.map(PoolProvisioning.Settings::spareTarget).orElse(0),
                machines, images);
    }

    /**
     * A pool's size and its desktops' hardware.
     *
     * @param spareTarget free desktops kept started
     */
    public record PoolSize(int minSize, int maxSize, int spareTarget, int vcpus, int memoryMiB, int diskMiB) {
    }

    /**
     * Registers a hypervisor host (platform admins only, as through the API) and takes the place of the
     * labelled simulated default host, when that one is still unused.
     *
     * @return the new host's id
     */
    @Transactional
    public UUID registerHost(AdminContext platformAdmin, String name, String driverId, Map<String, String> settings) {
        if (!platformAdmin.actor().isPlatformAdmin()) {
            throw new IllegalArgumentException("only a platform admin registers hypervisor hosts");
        }
        UUID id = hosts.register(platformAdmin, new HypervisorHosts.HostSpec(name, driverId, settings, null, null, null,
                false), "API").id();
        hosts.removeUnusedDefault(platformAdmin);
        return id;
    }

    /** Provisions the pool's desktops at the given size, from an image published now and made current. */
    @Transactional
    public void provision(AdminContext ctx, UUID poolId, PoolSize size, String imageLabel, Path goldenDisk) {
        // the setup's own change, made on whatever is there now
        pools.put(ctx, poolId, new IfMatch("*"), new PoolProvisioning.SettingsSpec(true, size.minSize(), size.maxSize(), size.spareTarget(),
                size.vcpus(), size.memoryMiB(), size.diskMiB(), null, null));
        pools.publish(ctx, poolId, new PoolProvisioning.ImageSpec(imageLabel, goldenDisk.toString(), null, null, null),
                true);
    }

    /** The directory a tenant's golden disks are published from. */
    public Path imageDirectory(UUID tenantId) {
        return imageFiles.tenantDirectory(tenantId);
    }
}
