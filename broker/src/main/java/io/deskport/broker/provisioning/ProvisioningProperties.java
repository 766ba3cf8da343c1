package io.deskport.broker.provisioning;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Provisioning settings ({@code deskport.provisioning.*}); documented with their defaults in the
 * README's "Provisioning" section.
 *
 * @param enabled                 run the reconciler on this broker (it still only acts while elected)
 * @param interval                time between reconcile cycles (a desktop change wakes it earlier)
 * @param maxConcurrentOperations hypervisor operations this broker runs at once
 * @param maxOperationsPerHost    operations in flight per hypervisor host
 * @param maxOperationsPerPool    operations in flight per pool
 * @param cpuOvercommit           vCPUs placed per host CPU thread
 * @param memoryOvercommit        desktop memory placed per MiB of host memory
 * @param storageOvercommit       desktop disk placed per MiB of storage (linked clones are thin)
 * @param taskLease               how long a claimed task is ours without a heartbeat; after a crash its
 *                                task is claimed again when this runs out
 * @param maxAttempts             attempts of a task whose failures are retryable
 * @param retryBackoff            delay before the first retry; doubles each attempt
 * @param maxRetryBackoff         longest delay between attempts
 * @param hostFailureThreshold    failed operations in a row that quarantine a host
 * @param hostQuarantine          how long a quarantined host gets no operations
 * @param consoleTimeout          how long a started desktop may take until its console answers
 * @param shutdownGrace           how long a guest may take to shut down before power is cut
 * @param inventoryInterval       how often each host's capacity and reachability is read
 * @param scanInterval            how often hypervisors are compared with the database (orphans, ghosts)
 * @param failedRetention         a failed desktop stays visible (FAILED with its reason) this long
 *                                before the reconciler removes and replaces it
 * @param demandWindow            connects refused for lack of a free desktop raise the spare target
 *                                for this long (growth by demand, up to the pool's maximum)
 * @param taskRetention           finished tasks are kept this long
 * @param simulateWhenEmpty       with no hypervisor host registered or configured, register one
 *                                {@code simulated} host so that demos work (it is labelled simulated)
 * @param orphans                 what to do with VMs no desktop row knows
 * @param ghosts                  what to do with desktop rows whose VM is gone
 * @param hypervisors             hosts to register (or update) at start, by name
 * @param snapshotScheduleInterval how often the snapshot schedule looks for desktops whose daily snapshot is due
 * @param storageAlertThreshold   share (0..1) of a hypervisor host's storage really used (thin disks fill as their
 *                                guests write) from which it is reported nearly full: event, metric, alert
 * @param maxMigrationsPerHost    desktops moving off one host in maintenance at once (each live move copies the
 *                                desktop's memory over the network)
 * @param failedMigrationCooldown a desktop whose move failed for good is tried again after this long (meanwhile its
 *                                host's drain lists it with the failure)
 * @param sessionHostPowerOffAfter a session host off-peak consolidation drained is powered off once it has stayed
 *                                empty this long (only hosts whose admin allows it, see the hosts module's
 *                                {@code SessionHostPower})
 * @param imageRoot               the directory image files are published from: a tenant's golden disks
 *                                lie under {@code <imageRoot>/<tenant id>/}, the kernels and initrds only
 *                                platform admins may name anywhere under it; the hypervisor hosts see it
 *                                at the same path (shared storage)
 */
@Validated
@ConfigurationProperties("deskport.provisioning")
public record ProvisioningProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("2s") @NotNull Duration interval,
        @DefaultValue("8") @Min(1) int maxConcurrentOperations,
        @DefaultValue("4") @Min(1) int maxOperationsPerHost,
        @DefaultValue("10") @Min(1) int maxOperationsPerPool,
        @DefaultValue("4.0") @DecimalMin("0.1") double cpuOvercommit,
        @DefaultValue("1.0") @DecimalMin("0.1") double memoryOvercommit,
        @DefaultValue("2.0") @DecimalMin("0.1") double storageOvercommit,
        @DefaultValue("30s") @NotNull Duration taskLease,
        @DefaultValue("5") @Min(1) int maxAttempts,
        @DefaultValue("2s") @NotNull Duration retryBackoff,
        @DefaultValue("5m") @NotNull Duration maxRetryBackoff,
        @DefaultValue("3") @Min(1) int hostFailureThreshold,
        @DefaultValue("5m") @NotNull Duration hostQuarantine,
        @DefaultValue("2m") @NotNull Duration consoleTimeout,
        @DefaultValue("1m") @NotNull Duration shutdownGrace,
        @DefaultValue("30s") @NotNull Duration inventoryInterval,
        @DefaultValue("1m") @NotNull Duration scanInterval,
        @DefaultValue("2m") @NotNull Duration failedRetention,
        @DefaultValue("5m") @NotNull Duration demandWindow,
        @DefaultValue("7d") @NotNull Duration taskRetention,
        @DefaultValue("true") boolean simulateWhenEmpty,
        @DefaultValue @Valid Orphans orphans,
        @DefaultValue @Valid Ghosts ghosts,
        @DefaultValue List<@Valid Hypervisor> hypervisors,
        @DefaultValue("./data/images") @NotNull Path imageRoot,
        @DefaultValue("1m") @NotNull Duration snapshotScheduleInterval,
        @DefaultValue("0.85") @DecimalMin("0.05") @jakarta.validation.constraints.DecimalMax("1.0")
        double storageAlertThreshold,
        @DefaultValue("4") @Min(1) int maxMigrationsPerHost,
        @DefaultValue("10m") @NotNull Duration failedMigrationCooldown,
        @DefaultValue("15m") @NotNull Duration sessionHostPowerOffAfter) {

    /** VMs on a hypervisor that carry a Deskport tag but that no desktop row knows. */
    public enum OrphanPolicy {
        /** Only list them in the admin API. */
        REPORT,
        /** Delete them (through the task journal) once they have been seen for {@code grace}. */
        DELETE
    }

    /** Desktop rows whose VM is gone from its (reachable) host. */
    public enum GhostPolicy {
        /** Only list them in the admin API. */
        REPORT,
        /** Mark the desktop FAILED (reason GHOST) once seen for {@code grace}: pooled ones are replaced. */
        MARK_FAILED
    }

    /**
     * @param policy what to do
     * @param grace  how long an orphan must be seen before the policy acts
     */
    public record Orphans(@DefaultValue("REPORT") @NotNull OrphanPolicy policy,
                          @DefaultValue("10m") @NotNull Duration grace) {
    }

    /**
     * @param policy what to do
     * @param grace  how long a ghost must be seen before the policy acts
     */
    public record Ghosts(@DefaultValue("MARK_FAILED") @NotNull GhostPolicy policy,
                         @DefaultValue("2m") @NotNull Duration grace) {
    }

    /**
     * A hypervisor host from configuration.
     *
     * @param name     unique name (also the driver instance id)
     * @param driver   driver id: {@code libvirt} or {@code simulated}
     * @param settings driver settings, e.g. {@code uri}, {@code storagePool}, {@code vncListen}
     * @param maintenance start in maintenance
     */
    public record Hypervisor(@NotBlank @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9_.-]{0,63}") String name,
                             @NotBlank String driver, @DefaultValue Map<String, String> settings,
                             @DefaultValue("false") boolean maintenance) {
    }
}
