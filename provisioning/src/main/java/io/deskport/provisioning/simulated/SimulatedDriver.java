package io.deskport.provisioning.simulated;

import io.deskport.provisioning.driver.CloneRequest;
import io.deskport.provisioning.driver.ConsoleEndpoint;
import io.deskport.provisioning.driver.DesktopNotFoundException;
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
import io.deskport.provisioning.driver.PowerState;
import io.deskport.provisioning.internal.ConsolePasswords;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-process hypervisor with many simulated hosts. Nothing real runs: desktops are entries in a
 * map, operations take the configured delays, and {@link #faults()} injects failures. It says so:
 * {@link #isSimulated()} is true and console endpoints are marked simulated.
 *
 * <p>Thread-safe: state changes happen under one lock (they take microseconds); the configured delays
 * are spent outside it so that concurrent operations overlap like on a real hypervisor.
 */
public final class SimulatedDriver implements HypervisorDriver {

    private static final DriverCapabilities CAPABILITIES = new DriverCapabilities(true, true, true, true, true);

    private final SimulatedDriverConfig config;
    private final SimulatedFaults faults;
    private final Map<String, Host> hosts = new LinkedHashMap<>();
    private final Map<String, Desktop> desktops = new HashMap<>();
    private final Object lock = new Object();

    /** Creates a simulated hypervisor with the given hosts and behaviour. */
    public SimulatedDriver(SimulatedDriverConfig config) {
        this.config = config;
        this.faults = new SimulatedFaults(config.cloneFailureProbability(), config.seed());
        for (int i = 1; i <= config.hosts(); i++) {
            String id = config.hostIdPrefix() + i;
            hosts.put(id, new Host(id));
        }
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
    }

    @Override
    public String driverId() {
        return SimulatedDriverFactory.ID;
    }

    @Override
    public DriverCapabilities capabilities() {
        return CAPABILITIES;
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
            desktops.put(d.tag.desktopId(), d);
            host.storageUsedMiB += d.hardware.diskMiB();
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
            return graceful;
        }
    }

    @Override
    public void powerOff(String desktopId) {
        synchronized (lock) {
            setPower(requireOnLiveHost(desktopId), PowerState.STOPPED);
        }
    }

    @Override
    public void suspend(String desktopId) {
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
            h.storageUsedMiB += hardware.diskMiB() - d.hardware.diskMiB();
            d.image = image;
            d.hardware = hardware;
            return d.view();
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
            h.storageUsedMiB -= d.hardware.diskMiB();
            h.desktops--;
            desktops.remove(desktopId);
        }
    }

    @Override
    public ConsoleEndpoint console(String desktopId) {
        synchronized (lock) {
            Desktop d = requireOnLiveHost(desktopId);
            if (d.power != PowerState.RUNNING) {
                throw new DriverException(DriverFailureReason.INVALID_STATE,
                        "desktop " + desktopId + " has no console while " + d.power);
            }
            return new ConsoleEndpoint("vnc", config.consoleHost(), config.consolePort(), d.password, true);
        }
    }

    @Override
    public PowerState powerState(String desktopId) {
        synchronized (lock) {
            return requireOnLiveHost(desktopId).power;
        }
    }

    @Override
    public List<ManagedDesktop> listDesktops() {
        synchronized (lock) {
            List<ManagedDesktop> result = new ArrayList<>(desktops.size());
            for (Desktop d : desktops.values()) {
                if (!faults.isDown(d.hostId)) {
                    result.add(d.view());
                }
            }
            return result;
        }
    }

    @Override
    public void close() {
        // Nothing to release: the simulation lives and dies with this object.
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
        final String hostId;
        final String password;
        ImageVersion image;
        HardwareProfile hardware;
        PowerState power = PowerState.STOPPED;

        Desktop(DesktopTag tag, String hostId, ImageVersion image, HardwareProfile hardware, String password) {
            this.tag = tag;
            this.hostId = hostId;
            this.image = image;
            this.hardware = hardware;
            this.password = password;
        }

        ManagedDesktop view() {
            return new ManagedDesktop(tag, hostId, tag.vmName(), image.imageId(), image.version(), power);
        }
    }
}
