package io.deskport.provisioning.planner;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans one reconciliation cycle over all pools: pure logic, no I/O, safe to call from any thread.
 *
 * <p>Each pool says what it wants (see {@link ActionReason} for the rules); the planner then admits
 * the wanted actions most urgent first — users waiting, then minimum size, refreshes and spares, then
 * clean-up and power-off, then image rollout — while each pool and each host stays within its
 * concurrent operation limit, and places new desktops on the healthy host outside maintenance with
 * the most free CPU and memory (after the overcommit ratios: the host's own where it has them, else the global
 * ones of {@link PlannerSettings}). A desktop is never placed where its vCPUs, memory or disk would take the
 * host's allocation beyond its capacity times the ratio. What is held back becomes a
 * {@link PlanNote} and is wanted again next cycle.
 */
public final class ReconcilePlanner {

    private final PlannerSettings settings;

    /** A planner with these limits. */
    public ReconcilePlanner(PlannerSettings settings) {
        this.settings = settings;
    }

    /** Plans one cycle. */
    public Plan plan(PlanningInput input) {
        Map<String, HostLedger> hosts = new LinkedHashMap<>();
        for (HostView h : input.hosts()) {
            hosts.put(h.hostId(), new HostLedger(h, settings,
                    input.operationsInFlightPerHost().getOrDefault(h.hostId(), 0), input.now()));
        }
        List<PoolSnapshot> pools = new ArrayList<>(input.pools());
        // Pools with people waiting go first, so their actions win the shared host budgets.
        pools.sort(Comparator.comparingInt((PoolSnapshot p) ->
                -(p.demand().pendingConnects() + p.demand().waitingUsers().size())));

        List<Candidate> candidates = new ArrayList<>();
        Notes notes = new Notes();
        for (int i = 0; i < pools.size(); i++) {
            PoolCandidates wanted = new PoolCandidates(pools.get(i), i, input.now(), hostId -> {
                HostLedger h = hosts.get(hostId);
                return h != null && h.maintenance;
            }).generate();
            candidates.addAll(wanted.candidates());
            wanted.notes().forEach(notes::add);
        }
        candidates.sort(Comparator.comparingInt(Candidate::tier).thenComparingInt(Candidate::poolOrder));

        Map<String, Integer> poolBudget = new HashMap<>();
        for (PoolSnapshot p : pools) {
            poolBudget.put(p.spec().poolId(), settings.maxOperationsPerPool() - p.operationsInFlight());
        }
        List<PlannedAction> actions = new ArrayList<>();
        for (Candidate c : candidates) {
            if (poolBudget.get(c.poolId()) <= 0) {
                notes.add(c.poolId(), PlanNote.Code.POOL_OPERATION_LIMIT,
                        "at most " + settings.maxOperationsPerPool() + " operations at once per pool");
                continue;
            }
            PlannedAction admitted = admit(c, hosts, notes);
            if (admitted != null) {
                poolBudget.merge(c.poolId(), -1, Integer::sum);
                actions.add(admitted);
            }
        }
        return new Plan(actions, notes.list());
    }

    private PlannedAction admit(Candidate c, Map<String, HostLedger> hosts, Notes notes) {
        var hw = c.pool().spec().hardware();
        if (c.type() == ActionType.CREATE) {
            HostLedger.Placement placement = HostLedger.place(hosts.values(), hw);
            if (placement.host() == null) {
                notes.add(c.poolId(), placement.refusal(), "no healthy host outside maintenance can take "
                        + hw.vcpus() + " vCPU / " + hw.memoryMiB() + " MiB / " + hw.diskMiB() + " MiB disk now");
                return null;
            }
            HostLedger h = placement.host();
            h.reserveOperation();
            h.reserveRunning(hw);
            h.reserveDisk(hw);
            return c.toAction(h.hostId);
        }
        String hostId = c.desktop().hostId();
        if (hostId == null) {
            return c.toAction(null); // Never placed (e.g. failed clone): nothing on any host to touch.
        }
        HostLedger h = hosts.get(hostId);
        if (h == null || !h.operable) {
            notes.add(c.poolId(), PlanNote.Code.HOST_UNAVAILABLE, "host " + hostId + " is unreachable or quarantined");
            return null;
        }
        if (!h.hasBudget()) {
            notes.add(c.poolId(), PlanNote.Code.HOST_OPERATION_LIMIT,
                    "at most " + settings.maxOperationsPerHost() + " operations at once per host");
            return null;
        }
        if (c.type() == ActionType.START) {
            if (!h.fitsRunning(hw)) {
                notes.add(c.poolId(), PlanNote.Code.NO_HOST_CAPACITY, "host " + hostId + " has no room to start "
                        + c.desktop().desktopId());
                return null;
            }
            h.reserveRunning(hw);
        }
        h.reserveOperation();
        return c.toAction(hostId);
    }

    /** Notes aggregated per pool and code. */
    private static final class Notes {
        private final Map<String, PlanNote> byKey = new LinkedHashMap<>();

        void add(PlanNote note) {
            byKey.merge(note.poolId() + '\0' + note.code(), note,
                    (a, b) -> new PlanNote(a.poolId(), a.code(), a.count() + b.count(), b.detail()));
        }

        void add(String poolId, PlanNote.Code code, String detail) {
            add(new PlanNote(poolId, code, 1, detail));
        }

        List<PlanNote> list() {
            return new ArrayList<>(byKey.values());
        }
    }
}
