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
 * @param overcommit      this host's own overcommit ratios; a null ratio (or null) takes the planner's global one
 */
public record HostView(String hostId, int cpuTotal, long memoryTotalMiB, long storageTotalMiB, int cpuUsed,
                       long memoryUsedMiB, long storageUsedMiB, boolean maintenance, HostHealth health,
                       Overcommit overcommit) {

    public HostView {
        Objects.requireNonNull(hostId, "hostId");
        health = health == null ? HostHealth.HEALTHY : health;
        overcommit = overcommit == null ? Overcommit.GLOBAL : overcommit;
    }

    /** A host that uses the planner's global overcommit ratios. */
    public HostView(String hostId, int cpuTotal, long memoryTotalMiB, long storageTotalMiB, int cpuUsed,
                    long memoryUsedMiB, long storageUsedMiB, boolean maintenance, HostHealth health) {
        this(hostId, cpuTotal, memoryTotalMiB, storageTotalMiB, cpuUsed, memoryUsedMiB, storageUsedMiB, maintenance,
                health, Overcommit.GLOBAL);
    }

    /**
     * A host's own overcommit ratios: how much of each resource may be allocated to desktops per unit the host
     * physically has. A null member takes the planner's global ratio ({@link PlannerSettings}).
     *
     * @param cpu     vCPUs per CPU thread
     * @param memory  MiB of desktop memory per MiB of host memory
     * @param storage MiB of (thin) desktop disk per MiB of storage
     */
    public record Overcommit(Double cpu, Double memory, Double storage) {

        /** No ratio of its own: the global ones. */
        public static final Overcommit GLOBAL = new Overcommit(null, null, null);

        public Overcommit {
            for (Double r : new Double[] {cpu, memory, storage}) {
                if (r != null && !(r > 0)) {
                    throw new IllegalArgumentException("overcommit ratios must be > 0");
                }
            }
        }

        /** The ratios in force: this host's where it has one, else the global one. */
        public Overcommit orElse(PlannerSettings global) {
            return new Overcommit(cpu != null ? cpu : global.cpuOvercommit(),
                    memory != null ? memory : global.memoryOvercommit(),
                    storage != null ? storage : global.storageOvercommit());
        }
    }
}
