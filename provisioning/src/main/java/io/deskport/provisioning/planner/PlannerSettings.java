package io.deskport.provisioning.planner;

/**
 * Limits of the planner.
 *
 * @param maxOperationsPerHost  operations (of all pools) that may run at once on one host
 * @param maxOperationsPerPool  operations that may run at once for one pool
 * @param cpuOvercommit         vCPUs placed per physical CPU thread
 * @param memoryOvercommit      MiB of desktop memory placed per MiB of host memory
 * @param storageOvercommit     MiB of desktop disk placed per MiB of storage (linked clones are thin)
 */
public record PlannerSettings(int maxOperationsPerHost, int maxOperationsPerPool, double cpuOvercommit,
                              double memoryOvercommit, double storageOvercommit) {

    /** 4 operations per host, 10 per pool, CPU 4:1, memory 1:1, storage 2:1. */
    public static final PlannerSettings DEFAULT = new PlannerSettings(4, 10, 4.0, 1.0, 2.0);

    public PlannerSettings {
        if (maxOperationsPerHost < 1 || maxOperationsPerPool < 1) {
            throw new IllegalArgumentException("operation limits must be >= 1");
        }
        if (cpuOvercommit <= 0 || memoryOvercommit <= 0 || storageOvercommit <= 0) {
            throw new IllegalArgumentException("overcommit ratios must be > 0");
        }
    }
}
