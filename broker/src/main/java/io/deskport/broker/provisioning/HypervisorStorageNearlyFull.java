package io.deskport.broker.provisioning;

import java.util.UUID;

/**
 * The real use of a hypervisor host's storage crossed the alert threshold
 * ({@code deskport.provisioning.storage-alert-threshold}): its thin desktop disks are filling it and it will run
 * out of disk unless desktops or snapshots are removed or it gets more storage. Published (after the inventory that
 * saw it is recorded) once per crossing; {@code nearlyFull=false} when it went back below.
 *
 * @param usedRatio     the share of the storage really used (0..1)
 * @param threshold     the configured threshold
 * @param usedMiB       really used, in MiB
 * @param totalMiB      the storage's capacity, in MiB
 * @param allocatedMiB  the virtual size of the disks placed there (what overcommit counts), in MiB
 */
public record HypervisorStorageNearlyFull(UUID hostId, String hostName, boolean nearlyFull, double usedRatio,
                                          double threshold, long usedMiB, long totalMiB, long allocatedMiB) {
}
