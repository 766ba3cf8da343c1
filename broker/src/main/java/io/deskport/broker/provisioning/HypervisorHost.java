package io.deskport.broker.provisioning;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A hypervisor host as the platform sees it: a driver instance (e.g. one libvirt URI) that desktops
 * are placed on. Platform-level: shared by all tenants, managed by platform admins.
 *
 * @param simulated       true when the driver is {@code simulated}: nothing real runs there
 * @param settings        the driver settings (never secrets)
 * @param capacity        what placement uses: admin-set values, else the driver's last report
 * @param used            what the broker's desktops there take
 * @param desktops        desktops the broker has placed there
 * @param maintenance     no new desktops are placed; free ones are drained
 * @param health          reachability, failures in a row, quarantine
 * @param source          API, CONFIGURATION or DEFAULT (the simulated host used when none is configured)
 * @param overcommit      the overcommit ratios placement uses on this host
 * @param allocatable     what placement may allocate to desktops there: capacity times the ratios (the ceiling
 *                        {@code used} is held under; for a tenant admin {@code used} is their own tenant's part only)
 * @param storage         the real use of the host's storage (thin disks fill it as their guests write)
 */
record HypervisorHost(UUID id, String name, String driverId, boolean simulated, Map<String, String> settings,
                             Capacity capacity, Capacity used, int desktops, boolean maintenance, Health health,
                             String source, Instant inventoryAt, Instant createdAt, Overcommit overcommit,
                             Capacity allocatable, StorageUse storage) {

    /**
     * The ratios in force: the host's own where set ({@code own*} true), else the global
     * {@code deskport.provisioning.*-overcommit}.
     */
    public record Overcommit(double cpu, double memory, double storage, boolean ownCpu, boolean ownMemory,
                             boolean ownStorage) {
    }

    /**
     * What is really written on the host's storage, from the last inventory (nulls: not reported yet).
     *
     * @param usedRatio       the share really used (0..1)
     * @param alertThreshold  the share from which the host is reported nearly full
     * @param nearlyFull      at or over the threshold at the last inventory
     * @param nearlyFullSince since when
     */
    public record StorageUse(Long totalMiB, Long usedMiB, Long availableMiB, Double usedRatio, double alertThreshold,
                             boolean nearlyFull, Instant nearlyFullSince) {
    }

    /** CPU threads (used: vCPUs of running desktops), memory and storage in MiB. */
    public record Capacity(Integer cpus, Long memoryMiB, Long storageMiB) {
    }

    /**
     * @param usable              true when placement may use the host now
     * @param reachable           the driver reached it at the last inventory or operation
     * @param consecutiveFailures operations that failed there in a row
     * @param quarantinedUntil    no operations there before this instant (null: not quarantined)
     * @param lastError           the last failure, for people
     */
    public record Health(boolean usable, boolean reachable, int consecutiveFailures, Instant quarantinedUntil,
                         String lastError, Instant lastErrorAt) {
    }
}
