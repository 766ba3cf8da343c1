package io.deskport.provisioning.libvirt;

import io.deskport.provisioning.driver.CloneRequest;
import io.deskport.provisioning.driver.ConsoleEndpoint;
import io.deskport.provisioning.driver.DesktopMigration;
import io.deskport.provisioning.driver.DesktopNotFoundException;
import io.deskport.provisioning.driver.DesktopSnapshot;
import io.deskport.provisioning.driver.DesktopTag;
import io.deskport.provisioning.driver.DriverCapabilities;
import io.deskport.provisioning.driver.DriverException;
import io.deskport.provisioning.driver.DriverFailureReason;
import io.deskport.provisioning.driver.HardwareProfile;
import io.deskport.provisioning.driver.HostInventory;
import io.deskport.provisioning.driver.HypervisorDriver;
import io.deskport.provisioning.driver.ImageVersion;
import io.deskport.provisioning.driver.InsufficientCapacityException;
import io.deskport.provisioning.driver.ManagedDesktop;
import io.deskport.provisioning.driver.MigrationTarget;
import io.deskport.provisioning.driver.PowerState;
import io.deskport.provisioning.internal.ConsolePasswords;
import io.deskport.provisioning.libvirt.DesktopXml.Metadata;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainInfo;
import org.libvirt.Error;
import org.libvirt.LibvirtException;
import org.libvirt.NodeInfo;
import org.libvirt.StoragePoolInfo;
import org.libvirt.StorageVol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The real driver: desktops are libvirt domains named {@code dp-<desktopId>} on one libvirt host,
 * each with a qcow2 linked clone of the image's golden disk, VNC graphics with a per-desktop
 * password, and the broker's ids in the domain's {@code <metadata>}.
 */
public final class LibvirtDriver implements HypervisorDriver {

    private static final Logger log = LoggerFactory.getLogger(LibvirtDriver.class);
    private static final DriverCapabilities CAPABILITIES = new DriverCapabilities(true, true, true, true, false, true, true);
    private static final int XML_SECURE = 1;
    private static final int METADATA_ELEMENT = 2;
    private static final int UNDEFINE_MANAGED_SAVE_AND_SNAPSHOTS = 1 | 2;

    private final LibvirtDriverConfig config;
    private final LibvirtConnection connection;
    private final DesktopVolumes volumes;
    private final DesktopSnapshots snapshots;
    private final DesktopMigrations migrations;

    /** Creates a driver for one libvirt host; the connection is opened on first use. */
    public LibvirtDriver(LibvirtDriverConfig config) {
        this.config = config;
        this.connection = new LibvirtConnection(config.uri(), config.hostId());
        this.volumes = new DesktopVolumes(config, connection);
        this.snapshots = new DesktopSnapshots(config, connection);
        this.migrations = new DesktopMigrations(config);
    }

    @Override
    public String driverId() {
        return LibvirtDriverFactory.ID;
    }

    @Override
    public DriverCapabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public List<HostInventory> hosts() {
        NodeInfo node = connection.call("read host " + config.hostId(), Connect::nodeInfo);
        long freeBytes = connection.call("read free memory", Connect::getFreeMemory);
        int[] vcpusAndDesktops = connection.call("count running vCPUs", this::countVcpusAndDesktops);
        StoragePoolInfo pool = volumes.poolInfo();
        long totalMiB = node.memory / 1024;
        return List.of(new HostInventory(config.hostId(), driverId(), true, node.cpus, vcpusAndDesktops[0], totalMiB,
                totalMiB - freeBytes / (1024 * 1024), pool.capacity / (1024 * 1024), pool.allocation / (1024 * 1024),
                vcpusAndDesktops[1], pool.available / (1024 * 1024)));
    }

    private int[] countVcpusAndDesktops(Connect c) throws LibvirtException {
        int vcpus = 0;
        for (int id : c.listDomains()) {
            try {
                vcpus += c.domainLookupByID(id).getInfo().nrVirtCpu;
            } catch (LibvirtException gone) {
                // The domain stopped between listing and lookup.
            }
        }
        int desktops = 0;
        for (String name : allDomainNames(c)) {
            if (name.startsWith(DesktopTag.NAME_PREFIX)) {
                desktops++;
            }
        }
        return new int[] {vcpus, desktops};
    }

    @Override
    public ManagedDesktop cloneDesktop(CloneRequest request) {
        if (request.hostId() != null && !request.hostId().equals(config.hostId())) {
            throw new DriverException(DriverFailureReason.CONFIGURATION, "libvirt driver for host " + config.hostId()
                    + " was asked to clone on host " + request.hostId());
        }
        DesktopTag tag = request.tag();
        Optional<ManagedDesktop> existing = find(tag.desktopId());
        if (existing.isPresent()) {
            if (!existing.get().tag().equals(tag)) {
                throw new DriverException(DriverFailureReason.NAME_CONFLICT, "domain " + tag.vmName()
                        + " exists with another tag: " + existing.get().tag());
            }
            return existing.get();
        }
        volumes.checkImageFiles(request.image());
        StorageVol disk = volumes.create(tag.vmName(), request.image(), request.hardware());
        String diskPath = connection.call("read disk path of " + tag.vmName(), v -> disk.getPath());
        String xml = DesktopXml.domain(config, null, tag, request.image(), request.hardware(), diskPath,
                ConsolePasswords.next());
        try {
            connection.call("define desktop " + tag.desktopId(), c -> c.domainDefineXML(xml));
        } catch (DriverException e) {
            volumes.delete(tag.vmName());
            throw e;
        }
        log.info("cloned desktop {} (tenant {}, pool {}) from image {} version {} on host {}", tag.desktopId(),
                tag.tenantId(), tag.poolId(), request.image().imageId(), request.image().version(), config.hostId());
        return describe(tag.desktopId());
    }

    @Override
    public void start(String desktopId) {
        connection.call("start desktop " + desktopId, c -> {
            Domain d = lookup(c, desktopId);
            DomainInfo info = d.getInfo();
            if (info.state == DomainInfo.DomainState.VIR_DOMAIN_PAUSED) {
                d.resume();
            } else if (d.isActive() == 0) {
                long freeMiB = c.getFreeMemory() / (1024 * 1024);
                long needMiB = info.maxMem / 1024;
                if (needMiB > freeMiB) {
                    throw new InsufficientCapacityException(config.hostId(), "memory", needMiB, freeMiB);
                }
                d.create(); // Restores the managed-save image if there is one.
            }
            return null;
        });
    }

    @Override
    public boolean shutdown(String desktopId, Duration gracePeriod) {
        boolean wasRunning = connection.call("shut down desktop " + desktopId, c -> {
            Domain d = lookup(c, desktopId);
            if (d.isActive() == 0) {
                return false;
            }
            d.shutdown();
            return true;
        });
        if (!wasRunning) {
            return true;
        }
        long deadline = System.nanoTime() + gracePeriod.toNanos();
        while (System.nanoTime() < deadline) {
            if (powerState(desktopId) == PowerState.STOPPED) {
                return true;
            }
            try {
                Thread.sleep(config.statePollInterval());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DriverException(DriverFailureReason.TIMEOUT, "shutdown of desktop " + desktopId
                        + " interrupted", e);
            }
        }
        log.info("desktop {} did not shut down within {}; cutting power", desktopId, gracePeriod);
        powerOff(desktopId);
        return false;
    }

    @Override
    public void powerOff(String desktopId) {
        connection.call("power off desktop " + desktopId, c -> {
            Domain d = lookup(c, desktopId);
            destroyIfActive(d);
            return null;
        });
    }

    @Override
    public void suspend(String desktopId) {
        connection.call("suspend desktop " + desktopId, c -> {
            Domain d = lookup(c, desktopId);
            if (d.isActive() != 0) {
                d.managedSave();
            } else if (d.hasManagedSaveImage() == 0) {
                throw new DriverException(DriverFailureReason.INVALID_STATE,
                        "desktop " + desktopId + " is not running and cannot be suspended");
            }
            return null;
        });
    }

    @Override
    public void resume(String desktopId) {
        start(desktopId);
    }

    @Override
    public ManagedDesktop refresh(String desktopId, ImageVersion image, HardwareProfile hardware) {
        volumes.checkImageFiles(image);
        String vmName = DesktopTag.vmName(desktopId);
        String[] uuidAndPassword = new String[2];
        Metadata metadata = connection.call("refresh desktop " + desktopId, c -> {
            Domain d = lookup(c, desktopId);
            String xml = d.getXMLDesc(XML_SECURE);
            Metadata m = DesktopXml.metadata(xml).orElseThrow(() -> new DriverException(
                    DriverFailureReason.NAME_CONFLICT, "domain " + vmName + " carries no Deskport tag"));
            uuidAndPassword[0] = DesktopXml.uuid(xml);
            uuidAndPassword[1] = DesktopXml.vnc(xml).map(DesktopXml.Vnc::password)
                    .filter(p -> !p.isEmpty()).orElseGet(ConsolePasswords::next);
            destroyIfActive(d);
            if (d.hasManagedSaveImage() != 0) {
                d.managedSaveRemove();
            }
            snapshots.forgetAll(d); // they lived in the disk file that is replaced now
            return m;
        });
        StorageVol disk = volumes.create(vmName, image, hardware);
        String diskPath = connection.call("read disk path of " + vmName, v -> disk.getPath());
        String xml = DesktopXml.domain(config, uuidAndPassword[0], metadata.tag(), image, hardware, diskPath,
                uuidAndPassword[1]);
        connection.call("redefine desktop " + desktopId, c -> c.domainDefineXML(xml));
        log.info("refreshed desktop {} to image {} version {}", desktopId, image.imageId(), image.version());
        return describe(desktopId);
    }

    @Override
    public void delete(String desktopId) {
        String vmName = DesktopTag.vmName(desktopId);
        connection.call("delete desktop " + desktopId, c -> {
            Domain d;
            try {
                d = lookup(c, desktopId);
            } catch (DesktopNotFoundException alreadyGone) {
                return null;
            }
            destroyIfActive(d);
            try {
                d.undefine(UNDEFINE_MANAGED_SAVE_AND_SNAPSHOTS);
            } catch (LibvirtException e) {
                if (LibvirtConnection.code(e) != Error.ErrorNumber.VIR_ERR_NO_DOMAIN) {
                    throw e;
                }
            }
            return null;
        });
        volumes.delete(vmName);
        log.info("deleted desktop {} and its disk on host {}", desktopId, config.hostId());
    }

    @Override
    public ConsoleEndpoint console(String desktopId) {
        return connection.call("read console of desktop " + desktopId, c -> {
            Domain d = lookup(c, desktopId);
            if (d.isActive() == 0) {
                throw new DriverException(DriverFailureReason.INVALID_STATE,
                        "desktop " + desktopId + " is not running and has no console");
            }
            DesktopXml.Vnc vnc = DesktopXml.vnc(d.getXMLDesc(XML_SECURE)).filter(v -> v.port() > 0)
                    .orElseThrow(() -> new DriverException(DriverFailureReason.INVALID_STATE,
                            "desktop " + desktopId + " has no VNC console"));
            return new ConsoleEndpoint("vnc", config.consoleHost(), vnc.port(), vnc.password(), false);
        });
    }

    @Override
    public PowerState powerState(String desktopId) {
        return connection.call("read power state of desktop " + desktopId, c -> powerState(lookup(c, desktopId)));
    }

    @Override
    public List<ManagedDesktop> listDesktops() {
        return connection.call("list desktops", c -> {
            List<ManagedDesktop> result = new ArrayList<>();
            for (String name : allDomainNames(c)) {
                if (!name.startsWith(DesktopTag.NAME_PREFIX)) {
                    continue;
                }
                try {
                    Domain d = c.domainLookupByName(name);
                    metadataOf(d).ifPresent(m -> result.add(view(d, m, name)));
                } catch (LibvirtException | RuntimeException gone) {
                    log.debug("domain {} vanished or is unreadable while listing", name, gone);
                }
            }
            return result;
        });
    }

    /** An internal qcow2 snapshot of the desktop's overlay ({@link DesktopSnapshots}). */
    @Override
    public DesktopSnapshot createSnapshot(String desktopId, String snapshotId) {
        return snapshots.create(desktopId, snapshotId);
    }

    @Override
    public List<DesktopSnapshot> listSnapshots(String desktopId) {
        return snapshots.list(desktopId);
    }

    @Override
    public void restoreSnapshot(String desktopId, String snapshotId) {
        snapshots.restore(desktopId, snapshotId);
    }

    @Override
    public void deleteSnapshot(String desktopId, String snapshotId) {
        snapshots.delete(desktopId, snapshotId);
    }

    /** Peer-to-peer libvirt migration to another libvirt host ({@link DesktopMigrations}). */
    @Override
    public DesktopMigration migrate(String desktopId, MigrationTarget target) {
        return migrations.migrate(desktopId, target);
    }

    /** This host: its {@code migrationPeerUri} and {@code migrationDataAddress}. */
    @Override
    public MigrationTarget migrationTarget(String hostId) {
        if (!hostId.equals(config.hostId())) {
            throw new DriverException(DriverFailureReason.CONFIGURATION, "libvirt driver for host " + config.hostId()
                    + " does not manage host " + hostId);
        }
        return migrations.asTarget();
    }

    @Override
    public void close() {
        connection.close();
    }

    private Optional<ManagedDesktop> find(String desktopId) {
        try {
            return Optional.of(describe(desktopId));
        } catch (DesktopNotFoundException e) {
            return Optional.empty();
        }
    }

    private ManagedDesktop describe(String desktopId) {
        return connection.call("describe desktop " + desktopId, c -> {
            Domain d = lookup(c, desktopId);
            Metadata m = metadataOf(d).orElseThrow(() -> new DriverException(DriverFailureReason.NAME_CONFLICT,
                    "domain " + DesktopTag.vmName(desktopId) + " exists but carries no Deskport tag"));
            return view(d, m, DesktopTag.vmName(desktopId));
        });
    }

    private ManagedDesktop view(Domain d, Metadata m, String name) {
        try {
            return new ManagedDesktop(m.tag(), config.hostId(), name, m.imageId(), m.imageVersion(), powerState(d));
        } catch (LibvirtException e) {
            throw new DriverException(DriverFailureReason.HYPERVISOR_ERROR, "read state of " + name, e);
        }
    }

    private static Optional<Metadata> metadataOf(Domain d) throws LibvirtException {
        try {
            return DesktopXml.metadata(d.getMetadata(METADATA_ELEMENT, DesktopXml.NAMESPACE, 0));
        } catch (LibvirtException e) {
            if (LibvirtConnection.code(e) == Error.ErrorNumber.VIR_ERR_NO_DOMAIN_METADATA) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static PowerState powerState(Domain d) throws LibvirtException {
        return switch (d.getInfo().state) {
            case VIR_DOMAIN_RUNNING, VIR_DOMAIN_BLOCKED -> PowerState.RUNNING;
            case VIR_DOMAIN_PAUSED -> PowerState.PAUSED;
            case VIR_DOMAIN_SHUTDOWN -> PowerState.SHUTTING_DOWN;
            case VIR_DOMAIN_SHUTOFF -> d.hasManagedSaveImage() != 0 ? PowerState.SAVED : PowerState.STOPPED;
            case VIR_DOMAIN_CRASHED -> PowerState.CRASHED;
            default -> PowerState.UNKNOWN;
        };
    }

    /** The desktop's domain; {@link DesktopNotFoundException} when the hypervisor has none by its name. */
    static Domain lookup(Connect c, String desktopId) throws LibvirtException {
        try {
            return c.domainLookupByName(DesktopTag.vmName(desktopId));
        } catch (LibvirtException e) {
            if (LibvirtConnection.code(e) == Error.ErrorNumber.VIR_ERR_NO_DOMAIN) {
                throw new DesktopNotFoundException(desktopId);
            }
            throw e;
        }
    }

    /** Powers the domain off at once when it runs (one that stopped by itself meanwhile is no error). */
    static void destroyIfActive(Domain d) throws LibvirtException {
        if (d.isActive() == 0) {
            return;
        }
        try {
            d.destroy();
        } catch (LibvirtException e) {
            if (LibvirtConnection.code(e) != Error.ErrorNumber.VIR_ERR_OPERATION_INVALID) {
                throw e; // OPERATION_INVALID: it stopped by itself in the meantime.
            }
        }
    }

    private static Set<String> allDomainNames(Connect c) throws LibvirtException {
        Set<String> names = new LinkedHashSet<>(List.of(c.listDefinedDomains()));
        for (int id : c.listDomains()) {
            try {
                names.add(c.domainLookupByID(id).getName());
            } catch (LibvirtException gone) {
                // The domain stopped between listing and lookup; it is now among the defined ones.
            }
        }
        names.addAll(List.of(c.listDefinedDomains()));
        return names;
    }
}
