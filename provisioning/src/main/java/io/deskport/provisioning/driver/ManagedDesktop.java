package io.deskport.provisioning.driver;

/**
 * A desktop VM the driver manages, as the hypervisor sees it.
 *
 * @param tag          the broker identities read back from the VM
 * @param hostId       the host it lives on
 * @param vmName       the hypervisor-side name, {@code dp-<desktopId>}
 * @param imageId      image the desktop was cloned from
 * @param imageVersion image version the desktop was cloned from
 * @param powerState   current power state
 */
public record ManagedDesktop(DesktopTag tag, String hostId, String vmName, String imageId,
                             String imageVersion, PowerState powerState) {

    /** Returns the broker's desktop id. */
    public String desktopId() {
        return tag.desktopId();
    }
}
