package io.deskport.provisioning.libvirt;

import io.deskport.provisioning.driver.DesktopMigration;
import io.deskport.provisioning.driver.DesktopNotFoundException;
import io.deskport.provisioning.driver.DesktopTag;
import io.deskport.provisioning.driver.DriverException;
import io.deskport.provisioning.driver.DriverFailureReason;
import io.deskport.provisioning.driver.HostUnavailableException;
import io.deskport.provisioning.driver.InsufficientCapacityException;
import io.deskport.provisioning.driver.MigrationTarget;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.Error;
import org.libvirt.LibvirtException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Moves libvirt desktops to another libvirt host by <b>peer-to-peer migration</b>: the source daemon connects to the
 * target daemon ({@link MigrationTarget#peerUri()}) and streams the memory of a running desktop while it runs
 * ({@code VIR_MIGRATE_LIVE}); a stopped desktop moves as a definition only ({@code VIR_MIGRATE_OFFLINE}). Either
 * way the definition moves with it ({@code PERSIST_DEST | UNDEFINE_SOURCE}) and the disk stays where it is: both
 * hosts must see it at the same path (shared storage, or one machine running two daemons).
 *
 * <p>Each migration runs on a libvirt connection of its own (see {@link #migrate}), so migrations of one host run
 * side by side and do not hold up the driver's other calls. This process also opens the target URI itself, to check the target has the memory, to find a desktop that is
 * already there (a retried migration) and to read the downtime libvirt measured; so {@code peerUri} must work from
 * the broker as well as from the source daemon.
 *
 * <p>A desktop's snapshots (internal qcow2 snapshots) move with its disk; libvirt's records of them do not (libvirt 9
 * refuses to migrate a domain that has any), so they are taken out before and defined again on the target
 * ({@link DesktopSnapshots#setAside}).
 */
final class DesktopMigrations {

    private static final Logger log = LoggerFactory.getLogger(DesktopMigrations.class);
    private static final long LIVE = 1, PEER2PEER = 2, PERSIST_DEST = 8, UNDEFINE_SOURCE = 16, UNSAFE = 512,
            OFFLINE = 1024, ABORT_ON_ERROR = 4096;
    private static final int XML_SECURE = 1, XML_MIGRATABLE = 8;

    private final LibvirtDriverConfig config;

    DesktopMigrations(LibvirtDriverConfig config) {
        this.config = config;
    }

    /** This host as a migration target of the other hosts' daemons. */
    MigrationTarget asTarget() {
        return new MigrationTarget(config.hostId(), config.migrationPeerUri(), config.migrationDataAddress());
    }

    DesktopMigration migrate(String desktopId, MigrationTarget target) {
        if (target.peerUri() == null) {
            throw new DriverException(DriverFailureReason.CONFIGURATION, "migration target " + target.hostId()
                    + " has no libvirt URI");
        }
        long started = System.nanoTime();
        // A connection of its own: a libvirt connection carries one call at a time, and the migrate call lasts
        // seconds; on the driver's shared connection every other call to this host would wait for it.
        try (TargetConnection onTarget = TargetConnection.open(target);
             LibvirtConnection connection = new LibvirtConnection(config.uri(), config.hostId())) {
            Optional<Domain> source = connection.call("look up desktop " + desktopId, c -> find(c, desktopId));
            if (source.isEmpty()) {
                if (onTarget.find(desktopId).isPresent()) {
                    log.info("desktop {} is already on host {}: nothing to migrate", desktopId, target.hostId());
                    return new DesktopMigration(desktopId, config.hostId(), target.hostId(), false,
                            Duration.ofNanos(System.nanoTime() - started), null, 0, true);
                }
                throw new DesktopNotFoundException(desktopId);
            }
            Domain d = source.get();
            boolean live = connection.call("check desktop " + desktopId + " can move", c -> checkMovable(d, desktopId));
            if (live) {
                long needMiB = connection.call("read memory of " + desktopId, c -> d.getInfo().maxMem / 1024);
                long freeMiB = onTarget.freeMemoryMiB();
                if (needMiB > freeMiB) {
                    throw new InsufficientCapacityException(target.hostId(), "memory", needMiB, freeMiB);
                }
            }
            long flags = PEER2PEER | PERSIST_DEST | UNDEFINE_SOURCE
                    | (live ? LIVE | ABORT_ON_ERROR : OFFLINE) | (config.migrationUnsafe() ? UNSAFE : 0);
            String xml = connection.call("read definition of " + desktopId,
                    c -> targetXml(d.getXMLDesc(XML_SECURE | XML_MIGRATABLE)));
            List<DesktopSnapshots.SnapshotRecord> snapshots = connection.call("set aside the snapshot records of "
                    + desktopId, c -> DesktopSnapshots.setAside(d));
            log.info("migrating desktop {} {} from host {} to host {}{}", desktopId, live ? "live" : "cold",
                    config.hostId(), target.hostId(), snapshots.isEmpty() ? "" : " with " + snapshots.size()
                            + " snapshot(s)");
            try {
                connection.call("migrate desktop " + desktopId + " to host " + target.hostId(),
                        c -> d.migrateToURI(target.peerUri(), live ? target.dataAddress() : null, xml, flags, null, 0));
            } catch (RuntimeException failed) {
                try {
                    connection.call("define the snapshot records of " + desktopId + " again",
                            c -> { DesktopSnapshots.redefine(d, snapshots); return null; });
                } catch (RuntimeException again) {
                    failed.addSuppressed(again);
                }
                throw failed;
            }
            onTarget.redefineSnapshots(desktopId, snapshots);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            Optional<MigrationJobStats> stats = live ? onTarget.completedJob(desktopId) : Optional.empty();
            Duration downtime = stats.flatMap(MigrationJobStats::downtime).orElse(null);
            long memoryMiB = stats.map(s -> s.memoryBytes() / (1024 * 1024)).orElse(0L);
            log.info("migrated desktop {} to host {} in {} ms (downtime {} ms, {} MiB of memory sent)", desktopId,
                    target.hostId(), elapsed.toMillis(), downtime == null ? "?" : downtime.toMillis(), memoryMiB);
            return new DesktopMigration(desktopId, config.hostId(), target.hostId(), live, elapsed, downtime, memoryMiB,
                    false);
        }
    }

    /** Returns true if the desktop runs (live migration), false if it is off (cold); refuses what cannot move. */
    private boolean checkMovable(Domain d, String desktopId) throws LibvirtException {
        if (d.isActive() == 0 && d.hasManagedSaveImage() != 0) {
            throw new DriverException(DriverFailureReason.INVALID_STATE, "desktop " + desktopId
                    + " is suspended to disk on host " + config.hostId() + ": its saved memory stays on that host;"
                    + " resume it (then it migrates live) or power it off (then it moves cold)");
        }
        return d.isActive() != 0;
    }

    /**
     * The definition the target starts from: the source's, with a file serial log appended to instead of truncated
     * (the target's QEMU opens the same file while the source's still writes it).
     */
    static String targetXml(String sourceXml) {
        return sourceXml.replace("append='off'", "append='on'").replace("append=\"off\"", "append=\"on\"");
    }

    private static Optional<Domain> find(Connect c, String desktopId) throws LibvirtException {
        try {
            return Optional.of(c.domainLookupByName(DesktopTag.vmName(desktopId)));
        } catch (LibvirtException e) {
            if (LibvirtConnection.code(e) == Error.ErrorNumber.VIR_ERR_NO_DOMAIN) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** This process's own short-lived connection to the target daemon. */
    private static final class TargetConnection implements AutoCloseable {
        private final MigrationTarget target;
        private final Connect connect;

        private TargetConnection(MigrationTarget target, Connect connect) {
            this.target = target;
            this.connect = connect;
        }

        static TargetConnection open(MigrationTarget target) {
            try {
                return new TargetConnection(target, new Connect(target.peerUri(), false));
            } catch (LibvirtException e) {
                throw new HostUnavailableException(target.hostId(), "cannot connect to migration target "
                        + target.hostId() + " at " + target.peerUri() + ": " + LibvirtConnection.message(e), e);
            }
        }

        Optional<Domain> find(String desktopId) {
            try {
                return DesktopMigrations.find(connect, desktopId);
            } catch (LibvirtException e) {
                throw new HostUnavailableException(target.hostId(), "look up desktop " + desktopId + " on host "
                        + target.hostId() + ": " + LibvirtConnection.message(e), e);
            }
        }

        long freeMemoryMiB() {
            try {
                return connect.getFreeMemory() / (1024 * 1024);
            } catch (LibvirtException e) {
                throw new HostUnavailableException(target.hostId(), "read free memory of host " + target.hostId()
                        + ": " + LibvirtConnection.message(e), e);
            }
        }

        void redefineSnapshots(String desktopId, List<DesktopSnapshots.SnapshotRecord> snapshots) {
            if (snapshots.isEmpty()) {
                return;
            }
            try {
                Domain d = find(desktopId).orElseThrow(() -> new DesktopNotFoundException(desktopId));
                DesktopSnapshots.redefine(d, snapshots);
            } catch (LibvirtException e) {
                // The desktop moved, its snapshots' data with its disk; only libvirt's records of them are missing.
                throw new DriverException(DriverFailureReason.HYPERVISOR_ERROR, "desktop " + desktopId + " moved to host "
                        + target.hostId() + " but its snapshot records could not be defined there: "
                        + LibvirtConnection.message(e) + "; records: " + snapshots, e);
            }
        }

        Optional<MigrationJobStats> completedJob(String desktopId) {
            try {
                return find(desktopId).flatMap(MigrationJobStats::completedJob);
            } catch (RuntimeException e) {
                log.debug("could not read the migration figures of desktop {} on host {}", desktopId, target.hostId(), e);
                return Optional.empty();
            }
        }

        @Override
        public void close() {
            try {
                connect.close();
            } catch (LibvirtException | RuntimeException e) {
                log.debug("closing the connection to migration target {} failed", target.hostId(), e);
            }
        }
    }
}
