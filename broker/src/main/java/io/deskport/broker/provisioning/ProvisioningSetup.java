package io.deskport.broker.provisioning;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.Versions.IfMatch;

/**
 * What other modules may set up in provisioning (the demo, at first start): the same operations, checks and
 * audit lines as the admin API's, without HTTP.
 */
@Service
public class ProvisioningSetup {

    private final HypervisorHosts hosts;
    private final PoolProvisioning pools;
    private final ImageFiles imageFiles;

    ProvisioningSetup(HypervisorHosts hosts, PoolProvisioning pools, ImageFiles imageFiles) {
        this.hosts = hosts;
        this.pools = pools;
        this.imageFiles = imageFiles;
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
