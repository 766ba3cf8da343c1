package io.deskport.provisioning.planner;

/** How a desktop pool hands out desktops. */
public enum PoolKind {
    /** Each user keeps a dedicated VM across sessions. */
    PERSISTENT,
    /** Floating, non-persistent VMs: refreshed to the image after each logoff. */
    POOLED,
    /** Sessions on multi-user session hosts; nothing for the VM reconciler to do. */
    SHARED
}
