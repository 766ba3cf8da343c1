package io.deskport.provisioning.simulated;

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
import io.deskport.provisioning.driver.HostUnavailableException;
import io.deskport.provisioning.driver.HypervisorDriver;
import io.deskport.provisioning.driver.ImageVersion;
import io.deskport.provisioning.driver.InsufficientCapacityException;
import io.deskport.provisioning.driver.ManagedDesktop;
import io.deskport.provisioning.driver.MigrationTarget;
import io.deskport.provisioning.driver.PowerState;
import io.deskport.provisioning.internal.ConsolePasswords;

import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An in-process hypervisor with many simulated hosts. No VM runs: desktops are entries in a map,
 * operations take the configured delays, and {@link #faults()} injects failures. It says so:
 * {@link #isSimulated()} is true and console endpoints are marked simulated. With {@code consoles=xvnc}
 * each running desktop has a real screen, an Xvnc display of its own on this machine with an account and
 * home folder of its own ({@link XvncMachines}): what the demo runs on.
 *
 * <p>Storage is thin, as on a real host: a clone takes {@code cloneMiB}, and grows by what its guest writes
 * ({@link #writeToDisk}, the tests' and demos' stand-in for a guest filling its disk); the inventory reports that
 * real use, which is what can run a host out of disk. Snapshots are modelled with their costs: one holds what its
 * desktop had written when it was taken (plus its memory if it was running, which is written to storage), takes
 * {@code snapshotDelay} plus its size over {@code snapshotMiBPerSecond}, and a restore takes {@code restoreDelay} and
 * gives back what was written since.
 *
 * <p>Migration moves a desktop between the simulated hosts with its costs modelled: a running desktop is live-migrated
 * in {@code migrationDelay} plus its memory over {@code migrationMiBPerSecond} (it runs on its source meanwhile,
 * and the target holds its memory and vCPUs from the start, as a real target does), then pauses for
 * {@code migrationDowntime}; a stopped one moves in {@code migrationDelay}. Each host's storage counts the disks of the
 * desktops on it, so a desktop's disk and snapshots move with it.
 *
 * <p>Thread-safe: state changes happen under one lock (they take microseconds); the configured delays
 * are spent outside it so that concurrent operations overlap like on a real hypervisor.
 */
public final class SimulatedDriver implements HypervisorDriver {

    private static final DriverCapabilities CAPABILITIES = new DriverCapabilities(true, true, true, true, true, true, true);
    /** With real displays a suspend cannot keep what is on the screen: offered only without them. */
    private static final DriverCapabilities XVNC_CAPABILITIES = new DriverCapabilities(false, false, true, true, true, true, true);

    private final SimulatedDriverConfig config;
    private final SimulatedFaults faults;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final Map<String, Desktop> desktops = new HashMap<>();
    private final Object lock = new Object();
    /** The simulated driver instances of this process, by their {@link #peerKey}: where a desktop can migrate to. */
    private static final Map<String, SimulatedDriver> PEERS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final String PEER_SCHEME = "simulated:";
    /** Names this instance in its migration targets. */
    private final String peerKey = java.util.UUID.randomUUID().toString();
    /** The real displays of the desktops ({@code consoles=xvnc}), else null. */
    private final XvncMachines machines;

    /**
     * Creates a simulated hypervisor with the given hosts and behaviour. With {@code consoles=xvnc} it finds
     * the desktops an earlier run recorded, powered off.
     */
    public SimulatedDriver(SimulatedDriverConfig config) {
        this.config = config;
        this.faults = new SimulatedFaults(config.cloneFailureProbability(), config.seed());
        for (int i = 1; i <= config.hosts(); i++) {
            String id = config.hostIdPrefix() + i;
            hosts.put(id, new Host(id));
        }
        String name = config.hostIdPrefix().endsWith("-")
                ? config.hostIdPrefix().substring(0, config.hostIdPrefix().length() - 1) : config.hostIdPrefix();
        this.machines = config.xvnc() == null ? null : new XvncMachines(config.xvnc(), name);
        if (machines != null) {
            for (XvncMachines.Saved saved : machines.saved()) {
                Desktop d;
                try {
                    d = Desktop.restore(saved.fields());
                } catch (RuntimeException e) {
                    LoggerFactory.getLogger(SimulatedDriver.class).warn("The record of simulated desktop {} cannot be "
                            + "read ({}); it is left out", saved.desktopId(), e.toString());
                    continue;
                }
                Host h = hosts.get(d.hostId);
                if (h == null) {
                    continue; // recorded by a host of other settings: not this one's
                }
                d.writtenMiB = config.cloneMiB();
                desktops.put(d.tag.desktopId(), d);
                h.storageUsedMiB += d.writtenMiB;
                h.desktops++;
            }
        }
        PEERS.put(peerKey, this);
    }

    /** The home folder of a desktop's account when its consoles are real Xvnc displays (for tests and demos). */
    public Optional<Path> home(String desktopId) {
        return machines == null ? Optional.empty() : machines.home(desktopId);
    }

    /** Returns the failure injection controls. */
    public SimulatedFaults faults() {
        return faults;
    }

    /** Makes a running desktop crash, as if the guest had died. */
    public void crash(String desktopId) {
        synchronized (lock) {
            setPower(require(desktopId), PowerState.CRASHED);
        }
        if (machines != null) {
            machines.stop(desktopId);
        }
    }

    @Override
    public String driverId() {
        return SimulatedDriverFactory.ID;
    }

    @Override
    public DriverCapabilities capabilities() {
        return machines != null ? XVNC_CAPABILITIES : CAPABILITIES;
    }

    @Override
    public List<HostInventory> hosts() {
        synchronized (lock) {
            List<HostInventory> result = new ArrayList<>(hosts.size());
            for (Host h : hosts.values()) {
                result.add(new HostInventory(h.id, driverId(), !faults.isDown(h.id), config.cpusPerHost(), h.cpuUsed,
                        config.memoryMiBPerHost(), h.memoryUsedMiB, config.storageMiBPerHost(), h.storageUsedMiB,
                        h.desktops));
            }
            return result;
        }
    }

    @Override
    public ManagedDesktop cloneDesktop(CloneRequest request) {
        synchronized (lock) {
            Desktop existing = desktops.get(request.desktopId());
            if (existing != null) {
                if (!existing.tag.equals(request.tag())) {
                    throw new DriverException(DriverFailureReason.NAME_CONFLICT, "desktop " + request.desktopId()
                            + " exists with another tag: " + existing.tag);
                }
                requireUp(existing.hostId);
                return existing.view();
            }
        }
        Host chosen = chooseHost(request);
        pause(config.cloneDelay());
        if (faults.nextCloneFails()) {
            throw new DriverException(DriverFailureReason.HYPERVISOR_ERROR,
                    "simulated clone failure for desktop " + request.desktopId() + " on " + chosen.id);
        }
        synchronized (lock) {
            Desktop raced = desktops.get(request.desktopId());
            if (raced != null && raced.tag.equals(request.tag())) {
                return raced.view();
            }
            // Chosen again under the lock so that concurrent clones spread evenly.
            Host host = chooseHost(request);
            long free = config.storageMiBPerHost() - host.storageUsedMiB;
            if (request.hardware().diskMiB() > free) {
                throw new InsufficientCapacityException(host.id, "storage", request.hardware().diskMiB(), free);
            }
            Desktop d = new Desktop(request.tag(), host.id, request.image(), request.hardware(),
                    config.consolePassword() != null ? config.consolePassword() : ConsolePasswords.next());
            if (machines != null) {
                // a new machine starts from a fresh home, whatever a failed delete of the same id left behind
                machines.wipe(d.tag.desktopId());
                machines.save(d.tag.desktopId(), d.fields());
            }
            d.writtenMiB = config.cloneMiB();
            desktops.put(d.tag.desktopId(), d);
            host.storageUsedMiB += d.writtenMiB;
            host.desktops++;
            return d.view();
        }
    }

    private Host chooseHost(CloneRequest request) {
        synchronized (lock) {
            if (request.hostId() != null) {
                Host host = hosts.get(request.hostId());
                if (host == null) {
                    throw new DriverException(DriverFailureReason.CONFIGURATION,
                            "simulated driver has no host " + request.hostId());
                }
                requireUp(host.id);
                return host;
            }
            return hosts.values().stream().filter(h -> !faults.isDown(h.id))
                    .min(Comparator.comparingInt((Host h) -> h.desktops).thenComparingLong(h -> h.memoryUsedMiB))
                    .orElseThrow(() -> new HostUnavailableException(null, "all simulated hosts are down", null));
        }
    }

    @Override
    public void start(String desktopId) {
        synchronized (lock) {
            Desktop d = requireOnLiveHost(desktopId);
            if (d.power.consumesHostResources()) {
                d.power = PowerState.RUNNING;
                return;
            }
        }
        pause(config.startDelay());
        synchronized (lock) {
            Desktop d = requireOnLiveHost(desktopId);
            if (d.power.consumesHostResources()) {
                return;
            }
            Host h = hosts.get(d.hostId);
            long freeMemory = config.memoryMiBPerHost() - h.memoryUsedMiB;
            if (d.hardware.memoryMiB() > freeMemory) {
                throw new InsufficientCapacityException(h.id, "memory", d.hardware.memoryMiB(), freeMemory);
            }
            long freeCpu = (long) Math.floor(config.cpusPerHost() * config.cpuOvercommit()) - h.cpuUsed;
            if (d.hardware.vcpus() > freeCpu) {
                throw new InsufficientCapacityException(h.id, "cpu", d.hardware.vcpus(), freeCpu);
            }
            setPower(d, PowerState.RUNNING);
            d.starting = machines != null;
        }
        if (machines != null) {
            try {
                machines.start(desktopId);
            } catch (RuntimeException e) {
                synchronized (lock) {
                    Desktop d = desktops.get(desktopId);
                    if (d != null) {
                        setPower(d, PowerState.STOPPED);
                    }
                }
                throw e;
            } finally {
                synchronized (lock) {
                    Desktop d = desktops.get(desktopId);
                    if (d != null) {
                        d.starting = false;
                    }
                }
            }
        }
    }

    @Override
    public boolean shutdown(String desktopId, Duration gracePeriod) {
        synchronized (lock) {
            Desktop d = requireOnLiveHost(desktopId);
            if (d.power == PowerState.STOPPED || d.power == PowerState.SAVED) {
                return true;
            }
        }
        boolean graceful = config.shutdownDelay().compareTo(gracePeriod) <= 0;
        pause(graceful ? config.shutdownDelay() : gracePeriod);
        synchronized (lock) {
            Desktop d = requireOnLiveHost(desktopId);
            // A crashed guest cannot shut down by itself.
            graceful &= d.power != PowerState.CRASHED;
            setPower(d, PowerState.STOPPED);
        }
        if (machines != null) {
            machines.stop(desktopId);
        }
        return graceful;
    }

    @Override
    public void powerOff(String desktopId) {
        synchronized (lock) {
            setPower(requireOnLiveHost(desktopId), PowerState.STOPPED);
        }
        if (machines != null) {
            machines.stop(desktopId);
        }
    }

    @Override
    public void suspend(String desktopId) {
        if (machines != null) {
            throw new DriverException(DriverFailureReason.NOT_SUPPORTED,
                    "simulated desktops with real displays cannot be suspended");
        }
        synchronized (lock) {
            Desktop d = requireOnLiveHost(desktopId);
            if (d.power == PowerState.RUNNING || d.power == PowerState.PAUSED) {
                setPower(d, PowerState.SAVED);
            } else if (d.power != PowerState.SAVED) {
                throw new DriverException(DriverFailureReason.INVALID_STATE,
                        "desktop " + desktopId + " cannot be suspended while " + d.power);
            }
        }
    }

    @Override
    public void resume(String desktopId) {
        start(desktopId);
    }

    @Override
    public ManagedDesktop refresh(String desktopId, ImageVersion image, HardwareProfile hardware) {
        synchronized (lock) {
            requireOnLiveHost(desktopId);
        }
        pause(config.refreshDelay());
        synchronized (lock) {
            Desktop d = requireOnLiveHost(desktopId);
            setPower(d, PowerState.STOPPED);
            Host h = hosts.get(d.hostId);
            h.storageUsedMiB -= d.storageMiB();
            d.snapshots.clear(); // they lived in the disk that is replaced
            d.writtenMiB = config.cloneMiB();
            h.storageUsedMiB += d.writtenMiB;
            d.image = image;
            d.hardware = hardware;
            if (machines != null) {
                machines.save(desktopId, d.fields());
            }
        }
        if (machines != null) {
            machines.wipe(desktopId);
        }
        synchronized (lock) {
            return requireOnLiveHost(desktopId).view();
        }
    }

    @Override
    public void delete(String desktopId) {
        synchronized (lock) {
            Desktop d = desktops.get(desktopId);
            if (d == null) {
                return;
            }
            requireUp(d.hostId);
        }
        pause(config.deleteDelay());
        synchronized (lock) {
            Desktop d = desktops.get(desktopId);
            if (d == null) {
                return;
            }
            requireUp(d.hostId);
            setPower(d, PowerState.STOPPED);
            Host h = hosts.get(d.hostId);
            h.storageUsedMiB -= d.storageMiB();
            h.desktops--;
            desktops.remove(desktopId);
        }
        if (machines != null) {
            machines.delete(desktopId);
        }
    }

    @Override
    public ConsoleEndpoint console(String desktopId) {
        synchronized (lock) {
            Desktop d = synced(requireOnLiveHost(desktopId));
            if (d.power != PowerState.RUNNING) {
                throw new DriverException(DriverFailureReason.INVALID_STATE,
                        "desktop " + desktopId + " has no console while " + d.power);
            }
            if (machines != null) {
                return machines.console(desktopId).orElseThrow(() -> new DriverException(
                        DriverFailureReason.INVALID_STATE, "the display of desktop " + desktopId + " is still starting"));
            }
            return new ConsoleEndpoint("vnc", config.consoleHost(), config.consolePort(), d.password, true);
        }
    }

    @Override
    public PowerState powerState(String desktopId) {
        synchronized (lock) {
            return synced(requireOnLiveHost(desktopId)).power;
        }
    }

    @Override
    public List<ManagedDesktop> listDesktops() {
        synchronized (lock) {
            List<ManagedDesktop> result = new ArrayList<>(desktops.size());
            for (Desktop d : desktops.values()) {
                if (!faults.isDown(d.hostId)) {
                    result.add(synced(d).view());
                }
            }
            return result;
        }
    }

    /**
     * Models a guest writing new data to its disk: the desktop's disk (and its host's real storage use) grows by
     * {@code mib}, up to the disk's size and the host's free storage — as a real thin disk would, until the storage
     * is full.
     *
     * @return the MiB really written
     * @throws DesktopNotFoundException if the desktop does not exist
     */
    public long writeToDisk(String desktopId, long mib) {
        synchronized (lock) {
            Desktop d = requireOnLiveHost(desktopId);
            Host h = hosts.get(d.hostId);
            long room = Math.min(d.hardware.diskMiB() - d.writtenMiB, config.storageMiBPerHost() - h.storageUsedMiB);
            long written = Math.max(0, Math.min(mib, room));
            d.writtenMiB += written;
            h.storageUsedMiB += written;
            return written;
        }
    }

    @Override
    public DesktopSnapshot createSnapshot(String desktopId, String snapshotId) {
        DesktopTag.requireSafeId(snapshotId, "snapshotId");
        long size;
        synchronized (lock) {
            Desktop d = requireOnLiveHost(desktopId);
            Snapshot existing = d.snapshots.get(snapshotId);
            if (existing != null) {
                return existing.view(desktopId);
            }
            if (d.power == PowerState.SAVED) {
                throw new DriverException(DriverFailureReason.INVALID_STATE, "desktop " + desktopId
                        + " is suspended to disk and cannot be snapshotted");
            }
            size = d.writtenMiB + (d.power.consumesHostResources() ? d.hardware.memoryMiB() : 0);
        }
        Duration cost = config.snapshotMiBPerSecond() <= 0 ? config.snapshotDelay()
                : config.snapshotDelay().plusMillis(Math.round(size * 1000 / config.snapshotMiBPerSecond()));
        pause(cost);
        synchronized (lock) {
            Desktop d = requireOnLiveHost(desktopId);
            Snapshot raced = d.snapshots.get(snapshotId);
            if (raced != null) {
                return raced.view(desktopId);
            }
            long memory = d.power.consumesHostResources() ? d.hardware.memoryMiB() : 0;
            Snapshot snap = new Snapshot(snapshotId, java.time.Instant.now(), d.writtenMiB, memory);
            d.snapshots.put(snapshotId, snap);
            hosts.get(d.hostId).storageUsedMiB += memory; // the disk's data is shared with the snapshot until overwritten
            return snap.view(desktopId);
        }
    }

    @Override
    public List<DesktopSnapshot> listSnapshots(String desktopId) {
        synchronized (lock) {
            Desktop d = requireOnLiveHost(desktopId);
            return d.snapshots.values().stream().map(x -> x.view(desktopId)).toList();
        }
    }

    @Override
    public void restoreSnapshot(String desktopId, String snapshotId) {
        synchronized (lock) {
            Desktop d = requireOnLiveHost(desktopId);
            if (!d.snapshots.containsKey(snapshotId)) {
                throw new DriverException(DriverFailureReason.INVALID_STATE, "desktop " + desktopId + " has no snapshot "
                        + snapshotId);
            }
        }
        pause(config.restoreDelay());
        synchronized (lock) {
            Desktop d = requireOnLiveHost(desktopId);
            Snapshot snap = d.snapshots.get(snapshotId);
            if (snap == null) {
                throw new DriverException(DriverFailureReason.INVALID_STATE, "desktop " + desktopId + " has no snapshot "
                        + snapshotId);
            }
            setPower(d, PowerState.STOPPED);
            long dropped = Math.max(0, d.writtenMiB - snap.writtenMiB);
            d.writtenMiB -= dropped;
            hosts.get(d.hostId).storageUsedMiB -= dropped;
        }
        if (machines != null) {
            machines.stop(desktopId);
        }
    }

    @Override
    public void deleteSnapshot(String desktopId, String snapshotId) {
        synchronized (lock) {
            Desktop d = desktops.get(desktopId);
            if (d == null) {
                return;
            }
            requireUp(d.hostId);
            Snapshot snap = d.snapshots.remove(snapshotId);
            if (snap != null) {
                hosts.get(d.hostId).storageUsedMiB -= snap.memoryMiB;
            }
        }
    }

    /**
     * A host of this driver as a target; its {@code peerUri} names this driver instance, so that a desktop can move
     * here from another simulated driver instance of the same process (the broker makes one instance per host).
     */
    @Override
    public MigrationTarget migrationTarget(String hostId) {
        synchronized (lock) {
            requireHost(hostId);
        }
        return new MigrationTarget(hostId, PEER_SCHEME + peerKey, null);
    }

    @Override
    public DesktopMigration migrate(String desktopId, MigrationTarget target) {
        if (target.peerUri() != null && !target.peerUri().equals(PEER_SCHEME + peerKey)) {
            return migrateToPeer(desktopId, target);
        }
        long started = System.nanoTime();
        boolean live;
        String source;
        long memoryMiB;
        HardwareProfile reserved = null;
        synchronized (lock) {
            Host to = requireHost(target.hostId());
            Desktop d = requireOnLiveHost(desktopId);
            if (d.hostId.equals(to.id)) {
                return new DesktopMigration(desktopId, d.hostId, to.id, false, Duration.ZERO, null, 0, true);
            }
            requireUp(to.id);
            if (d.migratingTo != null) {
                throw new DriverException(DriverFailureReason.INVALID_STATE, "desktop " + desktopId
                        + " is already migrating to host " + d.migratingTo);
            }
            live = switch (d.power) {
                case RUNNING, PAUSED -> true;
                case STOPPED -> false;
                case SAVED -> throw new DriverException(DriverFailureReason.INVALID_STATE, "desktop " + desktopId
                        + " is suspended to disk on host " + d.hostId + ": its saved memory stays on that host;"
                        + " resume it (then it migrates live) or power it off (then it moves cold)");
                default -> throw new DriverException(DriverFailureReason.INVALID_STATE, "desktop " + desktopId
                        + " cannot move while " + d.power + "; power it off first");
            };
            long freeStorage = config.storageMiBPerHost() - to.storageUsedMiB;
            if (d.storageMiB() > freeStorage) {
                throw new InsufficientCapacityException(to.id, "storage", d.storageMiB(), freeStorage);
            }
            if (live) {
                reserve(to, d.hardware);
                reserved = d.hardware;
            }
            d.migratingTo = to.id;
            source = d.hostId;
            memoryMiB = live ? d.hardware.memoryMiB() : 0;
        }
        Duration copy = live && config.migrationMiBPerSecond() > 0
                ? Duration.ofMillis(Math.round(memoryMiB * 1000 / config.migrationMiBPerSecond())) : Duration.ZERO;
        boolean moved = false;
        try {
            pause(config.migrationDelay().plus(copy));
            if (faults.nextMigrationFails()) {
                throw new DriverException(DriverFailureReason.HYPERVISOR_ERROR, "simulated migration failure of desktop "
                        + desktopId + " to " + target.hostId() + "; it stays on " + source);
            }
            Duration downtime = live ? config.migrationDowntime() : null;
            if (live) {
                pause(downtime);
            }
            synchronized (lock) {
                Desktop d = requireOnLiveHost(desktopId);
                requireUp(target.hostId());
                Host from = hosts.get(d.hostId);
                Host to = hosts.get(target.hostId());
                boolean running = d.power.consumesHostResources();
                if (running) {
                    from.cpuUsed -= d.hardware.vcpus();
                    from.memoryUsedMiB -= d.hardware.memoryMiB();
                }
                release(to, reserved); // the reservation becomes the desktop's own use below
                if (running) {
                    to.cpuUsed += d.hardware.vcpus();
                    to.memoryUsedMiB += d.hardware.memoryMiB();
                }
                from.storageUsedMiB -= d.storageMiB();
                to.storageUsedMiB += d.storageMiB();
                from.desktops--;
                to.desktops++;
                d.hostId = to.id;
                d.migratingTo = null;
                if (machines != null) {
                    machines.save(desktopId, d.fields());
                }
                moved = true;
            }
            return new DesktopMigration(desktopId, source, target.hostId(), live,
                    Duration.ofNanos(System.nanoTime() - started), downtime, memoryMiB, false);
        } finally {
            if (!moved) {
                synchronized (lock) {
                    release(hosts.get(target.hostId()), reserved);
                    Desktop d = desktops.get(desktopId);
                    if (d != null) {
                        d.migratingTo = null;
                    }
                }
            }
        }
    }

    /**
     * Moves a desktop to a host of another simulated driver instance of this process, with the same modelled costs as
     * a move between this instance's hosts: the target holds the desktop's storage (and, for a live move, its memory
     * and vCPUs) from the start, the copy takes its time, then the desktop leaves here and arrives there. With real
     * displays ({@code consoles=xvnc}) the display cannot be carried over: a running desktop's display ends here and
     * starts again there (its account and home, hence its files, stay), so its console moves to a new port and what
     * ran in it is gone — reported as a cold move.
     */
    private DesktopMigration migrateToPeer(String desktopId, MigrationTarget target) {
        long started = System.nanoTime();
        SimulatedDriver peer = PEERS.get(target.peerUri().substring(PEER_SCHEME.length()));
        if (peer == null || !target.peerUri().startsWith(PEER_SCHEME)) {
            throw new HostUnavailableException(target.hostId(), "simulated migration target " + target.peerUri()
                    + " is not a simulated driver of this process (closed, or never made)", null);
        }
        if ((machines == null) != (peer.machines == null)) {
            throw new DriverException(DriverFailureReason.CONFIGURATION, "simulated host " + target.hostId()
                    + (machines == null ? " runs real displays and this one does not" : " runs no real displays"));
        }
        boolean live;
        String source;
        HardwareProfile hardware;
        long storageMiB;
        synchronized (lock) {
            Desktop d = desktops.get(desktopId);
            if (d == null && peer.holds(desktopId, target.hostId())) {
                return new DesktopMigration(desktopId, null, target.hostId(), false, Duration.ZERO, null, 0, true);
            }
            d = requireOnLiveHost(desktopId);
            if (d.migratingTo != null) {
                throw new DriverException(DriverFailureReason.INVALID_STATE, "desktop " + desktopId
                        + " is already migrating to host " + d.migratingTo);
            }
            live = movesLive(d);
            d.migratingTo = target.hostId();
            source = d.hostId;
            hardware = d.hardware;
            storageMiB = d.storageMiB();
        }
        HardwareProfile reserved = live ? hardware : null;
        boolean held = false;
        boolean moved = false;
        try {
            peer.hold(target.hostId(), storageMiB, reserved);
            held = true;
            long memoryMiB = live ? hardware.memoryMiB() : 0;
            Duration copy = live && config.migrationMiBPerSecond() > 0
                    ? Duration.ofMillis(Math.round(memoryMiB * 1000 / config.migrationMiBPerSecond())) : Duration.ZERO;
            pause(config.migrationDelay().plus(copy));
            if (faults.nextMigrationFails()) {
                throw new DriverException(DriverFailureReason.HYPERVISOR_ERROR, "simulated migration failure of desktop "
                        + desktopId + " to " + target.hostId() + "; it stays on " + source);
            }
            Duration downtime = live ? config.migrationDowntime() : null;
            if (live) {
                pause(downtime);
            }
            Desktop leaving;
            boolean wasRunning;
            synchronized (lock) {
                leaving = requireOnLiveHost(desktopId);
                Host from = hosts.get(leaving.hostId);
                wasRunning = leaving.power.consumesHostResources();
                if (wasRunning) {
                    from.cpuUsed -= leaving.hardware.vcpus();
                    from.memoryUsedMiB -= leaving.hardware.memoryMiB();
                }
                from.storageUsedMiB -= leaving.storageMiB();
                from.desktops--;
                desktops.remove(desktopId);
                leaving.migratingTo = null;
            }
            if (machines != null) {
                machines.forget(desktopId); // its record moves to the other host's machines (the same file when they share a state directory)
            }
            peer.arrive(leaving, target.hostId(), storageMiB, reserved, wasRunning);
            moved = true;
            boolean keptRunning = live && machines == null;
            return new DesktopMigration(desktopId, source, target.hostId(), keptRunning,
                    Duration.ofNanos(System.nanoTime() - started), keptRunning ? downtime : null, memoryMiB, false);
        } finally {
            if (!moved) {
                if (held) {
                    peer.unhold(target.hostId(), storageMiB, reserved);
                }
                synchronized (lock) {
                    Desktop d = desktops.get(desktopId);
                    if (d != null) {
                        d.migratingTo = null;
                    }
                }
            }
        }
    }

    /** Whether a desktop in its power state moves live (true), cold (false) or not at all (thrown). */
    private static boolean movesLive(Desktop d) {
        return switch (d.power) {
            case RUNNING, PAUSED -> true;
            case STOPPED -> false;
            case SAVED -> throw new DriverException(DriverFailureReason.INVALID_STATE, "desktop " + d.tag.desktopId()
                    + " is suspended to disk on host " + d.hostId + ": its saved memory stays on that host;"
                    + " resume it (then it migrates live) or power it off (then it moves cold)");
            default -> throw new DriverException(DriverFailureReason.INVALID_STATE, "desktop " + d.tag.desktopId()
                    + " cannot move while " + d.power + "; power it off first");
        };
    }

    /** True when the desktop is on {@code hostId} of this instance. */
    private boolean holds(String desktopId, String hostId) {
        synchronized (lock) {
            Desktop d = desktops.get(desktopId);
            return d != null && d.hostId.equals(hostId);
        }
    }

    /** A move from another instance begins: its storage (and, live, its memory and vCPUs) held on {@code hostId}. */
    private void hold(String hostId, long storageMiB, HardwareProfile live) {
        synchronized (lock) {
            Host to = requireHost(hostId);
            requireUp(hostId);
            long freeStorage = config.storageMiBPerHost() - to.storageUsedMiB;
            if (storageMiB > freeStorage) {
                throw new InsufficientCapacityException(to.id, "storage", storageMiB, freeStorage);
            }
            if (live != null) {
                reserve(to, live);
            }
            to.storageUsedMiB += storageMiB;
        }
    }

    private void unhold(String hostId, long storageMiB, HardwareProfile live) {
        synchronized (lock) {
            Host to = hosts.get(hostId);
            release(to, live);
            to.storageUsedMiB -= storageMiB;
        }
    }

    /** A desktop moved here from another instance: what {@link #hold} held becomes its own use. */
    private void arrive(Desktop d, String hostId, long heldStorageMiB, HardwareProfile heldLive, boolean running) {
        synchronized (lock) {
            Host to = hosts.get(hostId);
            release(to, heldLive);
            to.storageUsedMiB += d.storageMiB() - heldStorageMiB;
            if (running) {
                to.cpuUsed += d.hardware.vcpus();
                to.memoryUsedMiB += d.hardware.memoryMiB();
            }
            to.desktops++;
            d.hostId = hostId;
            desktops.put(d.tag.desktopId(), d);
            if (machines != null) {
                machines.save(d.tag.desktopId(), d.fields());
            }
        }
        if (machines != null && running) {
            machines.start(d.tag.desktopId());
        }
    }

    /** A live migration's target holds the desktop's memory and vCPUs while the memory is copied. */
    private void reserve(Host to, HardwareProfile hw) {
        long freeMemory = config.memoryMiBPerHost() - to.memoryUsedMiB;
        if (hw.memoryMiB() > freeMemory) {
            throw new InsufficientCapacityException(to.id, "memory", hw.memoryMiB(), freeMemory);
        }
        long freeCpu = (long) Math.floor(config.cpusPerHost() * config.cpuOvercommit()) - to.cpuUsed;
        if (hw.vcpus() > freeCpu) {
            throw new InsufficientCapacityException(to.id, "cpu", hw.vcpus(), freeCpu);
        }
        to.memoryUsedMiB += hw.memoryMiB();
        to.cpuUsed += hw.vcpus();
    }

    private static void release(Host to, HardwareProfile hw) {
        if (hw != null) {
            to.memoryUsedMiB -= hw.memoryMiB();
            to.cpuUsed -= hw.vcpus();
        }
    }

    private Host requireHost(String hostId) {
        Host h = hosts.get(hostId);
        if (h == null) {
            throw new DriverException(DriverFailureReason.CONFIGURATION, "simulated driver has no host " + hostId);
        }
        return h;
    }

    @Override
    public void close() {
        PEERS.remove(peerKey, this);
        // the simulation lives and dies with this object; real displays end with it
        if (machines != null) {
            machines.close();
        }
    }

    /** A desktop whose real display ended by itself (its desktop exited, or Xvnc died) is powered off. */
    private Desktop synced(Desktop d) {
        if (machines != null && d.power == PowerState.RUNNING && !d.starting && !machines.isRunning(d.tag.desktopId())) {
            setPower(d, PowerState.STOPPED);
        }
        return d;
    }

    private void setPower(Desktop d, PowerState next) {
        Host h = hosts.get(d.hostId);
        boolean wasConsuming = d.power.consumesHostResources();
        boolean willConsume = next.consumesHostResources();
        if (wasConsuming && !willConsume) {
            h.cpuUsed -= d.hardware.vcpus();
            h.memoryUsedMiB -= d.hardware.memoryMiB();
        } else if (!wasConsuming && willConsume) {
            h.cpuUsed += d.hardware.vcpus();
            h.memoryUsedMiB += d.hardware.memoryMiB();
        }
        d.power = next;
    }

    private Desktop require(String desktopId) {
        Desktop d = desktops.get(desktopId);
        if (d == null) {
            throw new DesktopNotFoundException(desktopId);
        }
        return d;
    }

    private Desktop requireOnLiveHost(String desktopId) {
        Desktop d = require(desktopId);
        requireUp(d.hostId);
        return d;
    }

    private void requireUp(String hostId) {
        if (faults.isDown(hostId)) {
            throw new HostUnavailableException(hostId, "simulated host " + hostId + " is down", null);
        }
    }

    private static void pause(Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            return;
        }
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DriverException(DriverFailureReason.TIMEOUT, "simulated operation interrupted", e);
        }
    }

    /** A modelled snapshot: what the disk held when it was taken, and the memory image written with it. */
    private record Snapshot(String id, java.time.Instant createdAt, long writtenMiB, long memoryMiB) {
        DesktopSnapshot view(String desktopId) {
            return new DesktopSnapshot(id, desktopId, createdAt, writtenMiB + memoryMiB, memoryMiB > 0);
        }
    }

    private static final class Host {
        final String id;
        int cpuUsed;
        long memoryUsedMiB;
        long storageUsedMiB;
        int desktops;

        Host(String id) {
            this.id = id;
        }
    }

    private static final class Desktop {
        final DesktopTag tag;
        String hostId;
        final String password;
        /** The host a migration is copying this desktop to, or null. */
        String migratingTo;
        ImageVersion image;
        HardwareProfile hardware;
        PowerState power = PowerState.STOPPED;
        /** Powered on, its real display not answering yet. */
        boolean starting;
        /** What the thin disk really holds: the clone's own data plus what the guest wrote. */
        long writtenMiB;
        final Map<String, Snapshot> snapshots = new LinkedHashMap<>();

        /** Storage the desktop takes on its host: its disk's data and its snapshots' memory images. */
        long storageMiB() {
            return writtenMiB + snapshots.values().stream().mapToLong(x -> x.memoryMiB).sum();
        }

        Desktop(DesktopTag tag, String hostId, ImageVersion image, HardwareProfile hardware, String password) {
            this.tag = tag;
            this.hostId = hostId;
            this.image = image;
            this.hardware = hardware;
            this.password = password;
        }

        /** What the record of a machine with a real display holds. */
        Map<String, String> fields() {
            Map<String, String> f = new HashMap<>();
            f.put("tenantId", tag.tenantId());
            f.put("poolId", tag.poolId());
            f.put("desktopId", tag.desktopId());
            f.put("hostId", hostId);
            f.put("password", password);
            f.put("imageId", image.imageId());
            f.put("imageVersion", image.version());
            f.put("goldenDiskPath", image.goldenDiskPath());
            f.put("vcpus", Integer.toString(hardware.vcpus()));
            f.put("memoryMiB", Integer.toString(hardware.memoryMiB()));
            f.put("diskMiB", Integer.toString(hardware.diskMiB()));
            f.put("video", hardware.video());
            return f;
        }

        static Desktop restore(Map<String, String> f) {
            return new Desktop(new DesktopTag(f.get("tenantId"), f.get("poolId"), f.get("desktopId")), f.get("hostId"),
                    ImageVersion.diskBoot(f.get("imageId"), f.get("imageVersion"), f.get("goldenDiskPath")),
                    new HardwareProfile(Integer.parseInt(f.get("vcpus")), Integer.parseInt(f.get("memoryMiB")),
                            Integer.parseInt(f.get("diskMiB")), f.get("video")), f.get("password"));
        }

        ManagedDesktop view() {
            return new ManagedDesktop(tag, hostId, tag.vmName(), image.imageId(), image.version(), power);
        }
    }
}
