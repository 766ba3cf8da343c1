package io.deskport.provisioning.image;

import io.deskport.provisioning.driver.ImageVersion;

import java.nio.file.Path;

/**
 * A tiny bootable desktop image: a Linux kernel and a busybox initramfs for direct kernel boot, and a
 * small empty qcow2 golden disk that desktops get as linked clones. It boots in seconds under QEMU
 * software emulation, prints {@link #BANNER} on the VGA console and the serial port, and powers off
 * when asked through ACPI (so graceful shutdown works).
 *
 * @param kernel     the kernel
 * @param initrd     the gzip-compressed initramfs
 * @param goldenDisk the qcow2 golden disk
 * @param cmdline    kernel command line
 */
public record TinyImage(Path kernel, Path initrd, Path goldenDisk, String cmdline) {

    /** The line the image's init prints once it is up. */
    public static final String BANNER = "DESKPORT-TINY-DESKTOP-READY";

    /** Returns this image as an image version the drivers can clone. */
    public ImageVersion toImageVersion(String imageId, String version) {
        return new ImageVersion(imageId, version, goldenDisk.toString(), kernel.toString(), initrd.toString(), cmdline);
    }
}
