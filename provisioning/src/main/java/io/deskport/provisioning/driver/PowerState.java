package io.deskport.provisioning.driver;

/** Power state of a desktop VM as the hypervisor reports it. */
public enum PowerState {
    /** Running (or blocked on I/O). */
    RUNNING,
    /** Paused in memory ({@link HypervisorDriver#suspend} where only pause is supported). */
    PAUSED,
    /** Memory saved to disk and not running (libvirt managed save); resume restores it. */
    SAVED,
    /** A graceful shutdown is in progress. */
    SHUTTING_DOWN,
    /** Not running. */
    STOPPED,
    /** The guest crashed. */
    CRASHED,
    /** The hypervisor did not say. */
    UNKNOWN;

    /** True if the VM occupies memory and CPU on its host. */
    public boolean consumesHostResources() {
        return this == RUNNING || this == PAUSED || this == SHUTTING_DOWN;
    }
}
