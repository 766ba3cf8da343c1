package io.deskport.broker.provisioning;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;

/**
 * A pool's sizing, hardware and power policy as the admin API takes them ({@code PUT …/provisioning}, and the
 * {@code provisioning} of a whole pool's setup); null keeps the value (or takes the default on first set).
 *
 * @param minSize desktops the pool always has
 * @param maxSize desktops it may grow to
 * @param spareTarget free desktops kept started for the next users
 * @param stopAfterDisconnectedSeconds power policy of PERSISTENT pools: a desktop is stopped after its user was
 *                                     disconnected this long; -1 switches the policy off
 * @param antiAffinity the pool's desktops never share a hypervisor host when a host in maintenance is drained (for
 *                     small pools whose desktops back each other up, e.g. a redundant pair)
 */
public record ProvisioningSpec(Boolean enabled, @Min(0) @Max(10_000) Integer minSize, @Min(1) @Max(10_000) Integer maxSize,
                               @Min(0) @Max(10_000) Integer spareTarget, @Min(1) @Max(128) Integer vcpus,
                               @Min(16) @Max(4_194_304) Integer memoryMiB, @Min(1) @Max(67_108_864) Integer diskMiB,
                               @Pattern(regexp = "vga|cirrus|virtio|qxl|bochs") String video,
                               @Min(-1) @Max(30 * 86_400) Integer stopAfterDisconnectedSeconds, Boolean antiAffinity) {

    PoolProvisioning.SettingsSpec settings() {
        return new PoolProvisioning.SettingsSpec(enabled, minSize, maxSize, spareTarget, vcpus, memoryMiB, diskMiB, video,
                stopAfterDisconnectedSeconds, antiAffinity);
    }
}
