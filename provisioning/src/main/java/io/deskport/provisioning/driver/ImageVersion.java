package io.deskport.provisioning.driver;

import java.util.Objects;
import java.util.Optional;

/**
 * One version of a golden image that desktops are cloned from.
 *
 * <p>The golden disk is the read-only backing file of every linked clone. Images that boot a
 * kernel directly (no boot loader on the disk) name the kernel, initrd and command line.
 *
 * @param imageId         the image's id in the broker
 * @param version         the version label, e.g. {@code 3}; desktops remember the version they
 *                        were cloned from
 * @param goldenDiskPath  path of the qcow2 golden disk on the hypervisor host
 * @param kernelPath      kernel for direct kernel boot, or null to boot from the disk
 * @param initrdPath      initrd for direct kernel boot, or null
 * @param kernelCmdline   kernel command line for direct kernel boot, or null
 */
public record ImageVersion(String imageId, String version, String goldenDiskPath,
                           String kernelPath, String initrdPath, String kernelCmdline) {

    public ImageVersion {
        DesktopTag.requireSafeId(imageId, "imageId");
        DesktopTag.requireSafeId(version, "version");
        Objects.requireNonNull(goldenDiskPath, "goldenDiskPath");
    }

    /** An image that boots from its golden disk. */
    public static ImageVersion diskBoot(String imageId, String version, String goldenDiskPath) {
        return new ImageVersion(imageId, version, goldenDiskPath, null, null, null);
    }

    /** Returns the kernel to boot directly, if this image uses direct kernel boot. */
    public Optional<String> directKernel() {
        return Optional.ofNullable(kernelPath);
    }
}
