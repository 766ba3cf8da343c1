package io.deskport.broker.provisioning;

import java.time.Instant;
import java.util.UUID;

import io.deskport.provisioning.driver.ImageVersion;

/**
 * A published golden image version of a pool. Paths name files on the hypervisor hosts.
 *
 * @param label a version label people read, e.g. {@code 2024-06} or {@code 3}
 */
record PublishedImage(UUID id, UUID tenantId, UUID poolId, String label, String goldenDiskPath,
                             String kernelPath, String initrdPath, String kernelCmdline, String publishedBy,
                             Instant publishedAt) {

    /** The driver's view: image id = the pool, version = this image version's id. */
    ImageVersion toImageVersion() {
        return new ImageVersion(poolId.toString(), id.toString(), goldenDiskPath, kernelPath, initrdPath, kernelCmdline);
    }
}
