package io.deskport.provisioning.driver;

/**
 * Capacity of one hypervisor host, total and used, as the driver reports it.
 *
 * @param hostId          stable id of the host within the driver
 * @param driverId        the driver that manages it
 * @param available       true if the driver can reach it now
 * @param cpuTotal        physical CPUs (threads)
 * @param cpuUsed         vCPUs of running desktops
 * @param memoryTotalMiB  host memory in MiB
 * @param memoryUsedMiB   memory of running desktops in MiB
 * @param storageTotalMiB     capacity of the storage the desktop volumes live in, in MiB
 * @param storageUsedMiB      what is really written there in MiB: desktop disks are thin (linked clones grow as
 *                            their guests write), so this grows without any desktop being added (libvirt: the
 *                            storage pool's allocation)
 * @param desktops            number of desktops the driver manages on the host
 * @param storageAvailableMiB what can still be written there in MiB (libvirt: the pool's available space, which on
 *                            a shared file system may be less than total minus used)
 */
public record HostInventory(String hostId, String driverId, boolean available, int cpuTotal, int cpuUsed,
                            long memoryTotalMiB, long memoryUsedMiB, long storageTotalMiB,
                            long storageUsedMiB, int desktops, long storageAvailableMiB) {

    /** An inventory whose available storage is total minus used. */
    public HostInventory(String hostId, String driverId, boolean available, int cpuTotal, int cpuUsed,
                         long memoryTotalMiB, long memoryUsedMiB, long storageTotalMiB, long storageUsedMiB, int desktops) {
        this(hostId, driverId, available, cpuTotal, cpuUsed, memoryTotalMiB, memoryUsedMiB, storageTotalMiB,
                storageUsedMiB, desktops, Math.max(0, storageTotalMiB - storageUsedMiB));
    }

    /** The share of the storage that is really written or otherwise unavailable (0..1); 0 for no storage. */
    public double storageUseRatio() {
        return storageTotalMiB <= 0 ? 0 : Math.min(1.0, (double) (storageTotalMiB - storageAvailableMiB) / storageTotalMiB);
    }
}
