package io.deskport.provisioning.driver;

/**
 * The virtual hardware of a desktop.
 *
 * @param vcpus     virtual CPUs
 * @param memoryMiB memory in MiB
 * @param diskMiB   size of the desktop's system disk in MiB (the linked clone's virtual size)
 * @param video     display adapter model, e.g. {@code vga}, {@code cirrus}, {@code virtio}
 */
public record HardwareProfile(int vcpus, int memoryMiB, int diskMiB, String video) {

    /** The tiny profile the tests and demos boot: 1 vCPU, 256 MiB, 64 MiB disk, VGA. */
    public static final HardwareProfile TINY = new HardwareProfile(1, 256, 64, "vga");

    public HardwareProfile {
        if (vcpus < 1 || memoryMiB < 16 || diskMiB < 1) {
            throw new IllegalArgumentException("hardware profile needs vcpus >= 1, memoryMiB >= 16, diskMiB >= 1");
        }
        video = video == null || video.isBlank() ? "vga" : video;
    }
}
