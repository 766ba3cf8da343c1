package io.deskport.provisioning.driver;

/**
 * Stable, machine-readable reason codes of driver failures; the broker shows them next to a failed
 * desktop and uses them in problem details.
 */
public enum DriverFailureReason {
    /** The host (or its management daemon) cannot be reached. */
    HOST_UNAVAILABLE,
    /** The desktop does not exist on the hypervisor. */
    DESKTOP_NOT_FOUND,
    /** The host lacks CPU, memory or storage for the request. */
    INSUFFICIENT_CAPACITY,
    /** The golden image (disk, kernel, initrd) is missing or unreadable. */
    IMAGE_UNAVAILABLE,
    /** A VM with the desktop's name exists but belongs to another desktop, tenant or pool. */
    NAME_CONFLICT,
    /** The driver does not support this operation (see {@link DriverCapabilities}). */
    NOT_SUPPORTED,
    /** The desktop is not in a state that allows the operation (e.g. console of a stopped desktop). */
    INVALID_STATE,
    /** The operation did not finish in time. */
    TIMEOUT,
    /** The driver configuration is invalid. */
    CONFIGURATION,
    /** The hypervisor refused or failed the operation for another reason. */
    HYPERVISOR_ERROR
}
