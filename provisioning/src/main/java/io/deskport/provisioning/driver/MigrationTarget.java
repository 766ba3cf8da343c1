package io.deskport.provisioning.driver;

import java.util.Objects;

/**
 * The host a desktop is migrated to, as the <em>source</em> host's hypervisor must address it. A driver hands out
 * the target for one of its hosts with {@link HypervisorDriver#migrationTarget(String)}; the broker passes it to
 * the driver of the desktop's current host ({@link HypervisorDriver#migrate}).
 *
 * @param hostId      the target host's id (as in {@link HostInventory#hostId()})
 * @param peerUri     how the source host's hypervisor reaches the target's management daemon (libvirt: the
 *                    target daemon's URI as seen by the source daemon, e.g. {@code qemu+tls://host-2/system});
 *                    null for drivers whose hosts all belong to one driver instance (the simulated driver)
 * @param dataAddress where the memory stream goes (libvirt's migration URI, e.g. {@code tcp://10.0.0.2}); null
 *                    lets the hypervisor choose (libvirt: the target's host name)
 */
public record MigrationTarget(String hostId, String peerUri, String dataAddress) {

    public MigrationTarget {
        Objects.requireNonNull(hostId, "hostId");
    }

    /** A target known by its host id alone. */
    public static MigrationTarget host(String hostId) {
        return new MigrationTarget(hostId, null, null);
    }
}
