package io.deskport.provisioning.driver;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The broker identities a hypervisor-side desktop carries, so that the broker can find its own
 * desktops again (and spot orphans) from the hypervisor alone.
 *
 * <p>The driver stores this tag with the VM (libvirt: domain {@code <metadata>} in the Deskport XML
 * namespace, plus the name {@code dp-<desktopId>}).
 *
 * @param tenantId  the owning tenant's id
 * @param poolId    the desktop pool's id
 * @param desktopId the desktop's id; unique across the installation and the key of every driver
 *                  operation
 */
public record DesktopTag(String tenantId, String poolId, String desktopId) {

    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /** Name prefix of every VM a Deskport driver creates. */
    public static final String NAME_PREFIX = "dp-";

    public DesktopTag {
        requireSafeId(tenantId, "tenantId");
        requireSafeId(poolId, "poolId");
        requireSafeId(desktopId, "desktopId");
    }

    /** Returns the hypervisor-side name of this desktop, {@code dp-<desktopId>}. */
    public String vmName() {
        return vmName(desktopId);
    }

    /** Returns the hypervisor-side name for a desktop id, {@code dp-<desktopId>}. */
    public static String vmName(String desktopId) {
        requireSafeId(desktopId, "desktopId");
        return NAME_PREFIX + desktopId;
    }

    /**
     * Checks that an id is usable in VM names, file names and XML without escaping.
     *
     * @throws IllegalArgumentException if the id is null, empty, longer than 64 or has other characters
     *                                  than letters, digits, '.', '_' and '-'
     */
    public static String requireSafeId(String id, String what) {
        Objects.requireNonNull(id, what);
        if (!SAFE_ID.matcher(id).matches()) {
            throw new IllegalArgumentException(what + " must match " + SAFE_ID + ": '" + id + "'");
        }
        return id;
    }
}
