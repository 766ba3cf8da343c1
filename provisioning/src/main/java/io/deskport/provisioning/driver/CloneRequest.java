package io.deskport.provisioning.driver;

import java.util.Objects;

/**
 * Everything a driver needs to create one desktop as a linked clone of an image version.
 *
 * @param tag      broker identities stored with the VM; {@code tag.desktopId()} makes the request idempotent
 * @param hostId   the hypervisor host chosen by the planner; null lets a single-host driver use its host
 * @param image    the image version to clone
 * @param hardware the virtual hardware
 */
public record CloneRequest(DesktopTag tag, String hostId, ImageVersion image, HardwareProfile hardware) {

    public CloneRequest {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(hardware, "hardware");
    }

    /** Returns the desktop id this request is keyed by. */
    public String desktopId() {
        return tag.desktopId();
    }
}
