package io.deskport.provisioning.planner;

import io.deskport.provisioning.driver.HardwareProfile;

import java.time.Instant;
import java.util.Collection;

/**
 * One host's capacity and operation budget during a planning cycle; admitted actions reserve from it.
 */
final class HostLedger {

    final String hostId;
    final boolean placeable;
    final boolean operable;
    final boolean maintenance;
    private final double cpuCapacity;
    private final double memoryCapacity;
    private final double storageCapacity;
    private double cpuUsed;
    private double memoryUsed;
    private double storageUsed;
    private int budget;

    HostLedger(HostView host, PlannerSettings settings, int inFlight, Instant now) {
        this.hostId = host.hostId();
        this.operable = host.health().reachable() && !host.health().quarantinedAt(now);
        this.maintenance = host.maintenance();
        this.placeable = operable && !host.maintenance();
        HostView.Overcommit ratios = host.overcommit().orElse(settings);
        this.cpuCapacity = host.cpuTotal() * ratios.cpu();
        this.memoryCapacity = host.memoryTotalMiB() * ratios.memory();
        this.storageCapacity = host.storageTotalMiB() * ratios.storage();
        this.cpuUsed = host.cpuUsed();
        this.memoryUsed = host.memoryUsedMiB();
        this.storageUsed = host.storageUsedMiB();
        this.budget = settings.maxOperationsPerHost() - inFlight;
    }

    boolean hasBudget() {
        return budget > 0;
    }

    boolean fitsRunning(HardwareProfile hw) {
        return cpuUsed + hw.vcpus() <= cpuCapacity && memoryUsed + hw.memoryMiB() <= memoryCapacity;
    }

    boolean fitsNew(HardwareProfile hw) {
        return fitsRunning(hw) && storageUsed + hw.diskMiB() <= storageCapacity;
    }

    /** The smaller of the free CPU and memory fractions left after placing {@code hw}: higher is emptier. */
    double scoreAfter(HardwareProfile hw) {
        double cpuFree = (cpuCapacity - cpuUsed - hw.vcpus()) / cpuCapacity;
        double memoryFree = (memoryCapacity - memoryUsed - hw.memoryMiB()) / memoryCapacity;
        return Math.min(cpuFree, memoryFree);
    }

    void reserveOperation() {
        budget--;
    }

    void reserveRunning(HardwareProfile hw) {
        cpuUsed += hw.vcpus();
        memoryUsed += hw.memoryMiB();
    }

    void reserveDisk(HardwareProfile hw) {
        storageUsed += hw.diskMiB();
    }

    /** Outcome of looking for a host for a new desktop. */
    record Placement(HostLedger host, PlanNote.Code refusal) {
    }

    /** Picks the emptiest placeable host with budget that fits {@code hw}, or says why there is none. */
    static Placement place(Collection<HostLedger> hosts, HardwareProfile hw) {
        HostLedger best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        boolean fitsButBusy = false;
        for (HostLedger h : hosts) {
            if (!h.placeable || !h.fitsNew(hw)) {
                continue;
            }
            if (!h.hasBudget()) {
                fitsButBusy = true;
                continue;
            }
            double score = h.scoreAfter(hw);
            if (score > bestScore) {
                best = h;
                bestScore = score;
            }
        }
        if (best != null) {
            return new Placement(best, null);
        }
        return new Placement(null, fitsButBusy ? PlanNote.Code.HOST_OPERATION_LIMIT : PlanNote.Code.NO_HOST_CAPACITY);
    }
}
