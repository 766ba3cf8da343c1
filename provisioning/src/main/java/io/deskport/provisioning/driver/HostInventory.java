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
 * @param storageTotalMiB storage of the desktop volumes in MiB
 * @param storageUsedMiB  storage allocated in MiB
 * @param desktops        number of desktops the driver manages on the host
 */
public record HostInventory(String hostId, String driverId, boolean available, int cpuTotal, int cpuUsed,
                            long memoryTotalMiB, long memoryUsedMiB, long storageTotalMiB,
                            long storageUsedMiB, int desktops) {
}
