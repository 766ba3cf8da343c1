package io.deskport.provisioning.planner;

import io.deskport.provisioning.driver.HardwareProfile;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Small builders that keep the planner tests readable. */
final class PlannerFixtures {

    static final Instant NOW = Instant.parse("2026-01-15T10:00:00Z");
    static final HardwareProfile ONE_VCPU_1G = new HardwareProfile(1, 1024, 10_240, "vga");

    private PlannerFixtures() {
    }

    static HostView host(String id) {
        return new HostView(id, 16, 65_536, 1_000_000, 0, 0, 0, false, HostHealth.HEALTHY);
    }

    static HostView host(String id, int cpus, long memoryMiB) {
        return new HostView(id, cpus, memoryMiB, 1_000_000, 0, 0, 0, false, HostHealth.HEALTHY);
    }

    static HostView inMaintenance(HostView h) {
        return new HostView(h.hostId(), h.cpuTotal(), h.memoryTotalMiB(), h.storageTotalMiB(), h.cpuUsed(),
                h.memoryUsedMiB(), h.storageUsedMiB(), true, h.health(), h.overcommit());
    }

    static HostView withHealth(HostView h, HostHealth health) {
        return new HostView(h.hostId(), h.cpuTotal(), h.memoryTotalMiB(), h.storageTotalMiB(), h.cpuUsed(),
                h.memoryUsedMiB(), h.storageUsedMiB(), h.maintenance(), health, h.overcommit());
    }

    static HostView withUsage(HostView h, int cpuUsed, long memoryUsedMiB) {
        return new HostView(h.hostId(), h.cpuTotal(), h.memoryTotalMiB(), h.storageTotalMiB(), cpuUsed,
                memoryUsedMiB, h.storageUsedMiB(), h.maintenance(), h.health(), h.overcommit());
    }

    /** The host with overcommit ratios of its own (null: the global one). */
    static HostView withOvercommit(HostView h, Double cpu, Double memory, Double storage) {
        return new HostView(h.hostId(), h.cpuTotal(), h.memoryTotalMiB(), h.storageTotalMiB(), h.cpuUsed(),
                h.memoryUsedMiB(), h.storageUsedMiB(), h.maintenance(), h.health(),
                new HostView.Overcommit(cpu, memory, storage));
    }

    /** A host with this much storage, of which {@code usedMiB} is allocated to desktops already; roomy otherwise. */
    static HostView withStorage(String id, long totalMiB, long usedMiB) {
        return new HostView(id, 1024, 16_777_216, totalMiB, 0, 0, usedMiB, false, HostHealth.HEALTHY);
    }

    static PoolSpec pooled(String id, int min, int max, int spare) {
        return new PoolSpec(id, "t1", PoolKind.POOLED, min, max, spare, "v2", "v1", ONE_VCPU_1G, null, false, false);
    }

    static PoolSpec persistent(String id, int min, int max, int spare, Duration stopAfter, boolean updateAssigned) {
        return new PoolSpec(id, "t1", PoolKind.PERSISTENT, min, max, spare, "v2", "v1", ONE_VCPU_1G, stopAfter,
                false, updateAssigned);
    }

    static DesktopView desktop(String id, DesktopState state, String host) {
        return new DesktopView(id, state, null, "v2", host, null, false);
    }

    static DesktopView desktop(String id, DesktopState state, String host, String version) {
        return new DesktopView(id, state, null, version, host, null, false);
    }

    static DesktopView assigned(String id, DesktopState state, String user, String host, String version) {
        return new DesktopView(id, state, user, version, host, null, false);
    }

    static DesktopView dirty(String id, DesktopState state, String host, String version) {
        return new DesktopView(id, state, null, version, host, null, true);
    }

    static DesktopView disconnectedSince(String id, String user, String host, Instant since) {
        return new DesktopView(id, DesktopState.ASSIGNED, user, "v2", host, since, false);
    }

    static PlanningInput input(List<HostView> hosts, PoolSnapshot... pools) {
        return new PlanningInput(NOW, hosts, Map.of(), List.of(pools));
    }

    static PoolSnapshot snapshot(PoolSpec spec, DesktopView... desktops) {
        return new PoolSnapshot(spec, List.of(desktops), PoolDemand.NONE, 0);
    }

    static PoolSnapshot snapshot(PoolSpec spec, PoolDemand demand, DesktopView... desktops) {
        return new PoolSnapshot(spec, List.of(desktops), demand, 0);
    }

    static Plan plan(PlanningInput input) {
        return new ReconcilePlanner(PlannerSettings.DEFAULT).plan(input);
    }

    static Plan plan(PlannerSettings settings, PlanningInput input) {
        return new ReconcilePlanner(settings).plan(input);
    }

    static List<PlannedAction> ofType(Plan plan, ActionType type) {
        return plan.actions().stream().filter(a -> a.type() == type).toList();
    }

    static PlannerSettings limits(int perHost, int perPool) {
        return new PlannerSettings(perHost, perPool, 4.0, 1.0, 2.0);
    }
}
