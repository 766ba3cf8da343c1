package io.deskport.provisioning.planner;

import java.util.Objects;

/**
 * One hypervisor host as the planner needs it: capacity, what is used, and whether it may take desktops.
 *
 * @param hostId          the host's id
 * @param cpuTotal        physical CPU threads
 * @param memoryTotalMiB  memory in MiB
 * @param storageTotalMiB desktop storage in MiB
 * @param cpuUsed         vCPUs of desktops running on it
 * @param memoryUsedMiB   memory used in MiB
 * @param storageUsedMiB  storage used in MiB
 * @param maintenance     the admin put it in maintenance: no new desktops are placed on it and its free
 *                        pooled desktops are drained
 * @param health          recent failures and quarantine
 */
public record HostView(String hostId, int cpuTotal, long memoryTotalMiB, long storageTotalMiB, int cpuUsed,
                       long memoryUsedMiB, long storageUsedMiB, boolean maintenance, HostHealth health) {

    public HostView {
        Objects.requireNonNull(hostId, "hostId");
        health = health == null ? HostHealth.HEALTHY : health;
    }
}
