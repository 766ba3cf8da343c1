package io.deskport.provisioning.planner;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The actions one pool wants, from its spec, its desktops and its demand, ignoring budgets and host
 * capacity (the planner admits them afterwards). The counting assumes every wanted action happens;
 * whatever is held back is wanted again next cycle.
 */
final class PoolCandidates {

    private final PoolSnapshot pool;
    private final PoolSpec spec;
    private final int poolOrder;
    private final Instant now;
    private final Predicate<String> hostInMaintenance;
    private final List<Candidate> out = new ArrayList<>();
    private final List<PlanNote> notes = new ArrayList<>();
    private final Set<String> touched = new HashSet<>();

    PoolCandidates(PoolSnapshot pool, int poolOrder, Instant now, Predicate<String> hostInMaintenance) {
        this.pool = pool;
        this.spec = pool.spec();
        this.poolOrder = poolOrder;
        this.now = now;
        this.hostInMaintenance = hostInMaintenance;
    }

    List<Candidate> candidates() {
        return out;
    }

    List<PlanNote> notes() {
        return notes;
    }

    PoolCandidates generate() {
        if (spec.kind() == PoolKind.SHARED) {
            notes.add(new PlanNote(spec.poolId(), PlanNote.Code.SHARED_POOL_SKIPPED, 1,
                    "shared pools run on session hosts"));
            return this;
        }
        String target = spec.targetImageVersion();
        PoolDemand demand = pool.demand();
        int size = 0;
        int failed = 0;
        int spares = 0;
        List<DesktopView> stoppedFreeClean = new ArrayList<>();
        List<DesktopView> readyFreeClean = new ArrayList<>();
        for (DesktopView d : pool.desktops()) {
            if (d.state() == DesktopState.DELETING) {
                continue;
            }
            size++;
            if (d.state() == DesktopState.FAILED) {
                failed++;
                continue;
            }
            if (d.state() == DesktopState.STOPPED && d.assignedUser() != null
                    && demand.waitingUsers().contains(d.assignedUser())) {
                want(d, ActionType.START, null, ActionReason.USER_WAITING);
                continue;
            }
            if (!d.isFree() || draining(d)) {
                continue;
            }
            boolean idle = d.state() == DesktopState.READY || d.state() == DesktopState.STOPPED;
            if (d.dirty() && idle) {
                boolean sameVersion = target.equals(d.imageVersion());
                want(d, sameVersion ? ActionType.REFRESH : ActionType.REPLACE, target, ActionReason.DIRTY_AFTER_LOGOFF);
                spares++;
            } else if (!d.dirty() && d.state().becomesReady()) {
                spares++;
                if (d.state() == DesktopState.READY) {
                    readyFreeClean.add(d);
                }
            } else if (!d.dirty() && d.state() == DesktopState.STOPPED) {
                stoppedFreeClean.add(d);
            }
        }

        SpareForecast forecast = pool.forecast();
        ActionReason spareReason = forecast == null ? ActionReason.SPARE_TARGET : ActionReason.FORECAST;
        int desiredSpares = (forecast == null ? spec.spareTarget() : forecast.spareTarget()) + demand.pendingConnects();
        if (forecast != null) {
            notes.add(new PlanNote(spec.poolId(), PlanNote.Code.SPARE_FORECAST, forecast.spareTarget(),
                    forecast.explain() + "; " + spares + " spare(s) ready or on their way"));
        }
        int deficit = desiredSpares - spares;
        int demandDeficit = Math.min(demand.pendingConnects(), Math.max(0, deficit));
        stoppedFreeClean.sort(Comparator.comparing((DesktopView d) -> !target.equals(d.imageVersion())));
        for (DesktopView d : stoppedFreeClean) {
            if (deficit <= 0) {
                break;
            }
            want(d, ActionType.START, null, demandDeficit-- > 0 ? ActionReason.DEMAND : spareReason);
            deficit--;
        }
        int minDeficit = spec.minSize() - (size - failed);
        int need = Math.max(0, Math.max(deficit, minDeficit));
        int room = Math.max(0, spec.maxSize() - size);
        int creates = Math.min(need, room);
        if (need > room) {
            notes.add(new PlanNote(spec.poolId(), PlanNote.Code.POOL_AT_MAX, need - room,
                    "pool has " + size + " of max " + spec.maxSize() + " desktops; " + need + " more wanted"));
        }
        for (int i = 0; i < creates; i++) {
            ActionReason reason = i < demandDeficit ? ActionReason.DEMAND
                    : i < minDeficit ? ActionReason.MIN_SIZE : spareReason;
            out.add(new Candidate(poolOrder, Candidate.tierOf(reason), ActionType.CREATE, pool, null, target, reason));
        }

        cleanUp(size, failed, creates, desiredSpares, readyFreeClean, stoppedFreeClean, spares);
        rollOut(target);
        return this;
    }

    /** Failed desktops, draining hosts, idle persistent desktops, too many desktops or spares. */
    private void cleanUp(int size, int failed, int creates, int desiredSpares, List<DesktopView> readyFreeClean,
                         List<DesktopView> stoppedFreeClean, int spares) {
        int failedRemoved = 0;
        int drained = 0;
        for (DesktopView d : pool.desktops()) {
            if (touched.contains(d.desktopId())) {
                continue;
            }
            if (d.state() == DesktopState.FAILED) {
                if (spec.kind() == PoolKind.POOLED || d.isFree()) {
                    want(d, ActionType.DELETE, null, ActionReason.FAILED_CLEANUP);
                    failedRemoved++;
                } else {
                    notes.add(new PlanNote(spec.poolId(), PlanNote.Code.FAILED_DESKTOP_NEEDS_ADMIN, 1,
                            "desktop " + d.desktopId() + " of user " + d.assignedUser() + " failed"));
                }
            } else if (d.isFree() && draining(d)) {
                want(d, ActionType.DELETE, null, ActionReason.HOST_DRAIN);
                drained++;
            } else if (idleTooLong(d)) {
                want(d, ActionType.STOP, null, ActionReason.IDLE_POWER_OFF);
            }
        }
        int overBy = size + creates - failedRemoved - drained - spec.maxSize();
        List<DesktopView> removable = new ArrayList<>(stoppedFreeClean);
        List<DesktopView> ready = new ArrayList<>(readyFreeClean);
        ready.sort(Comparator.comparing((DesktopView d) -> spec.targetImageVersion().equals(d.imageVersion())));
        removable.addAll(ready);
        int readyLeft = readyFreeClean.size();
        int poweredOff = 0;
        int sizeLeft = size - failed + creates - drained; // healthy desktops, for the minimum
        for (DesktopView d : removable) {
            if (touched.contains(d.desktopId())) {
                continue;
            }
            boolean isReady = d.state() == DesktopState.READY;
            if (overBy > 0) {
                want(d, ActionType.DELETE, null, ActionReason.OVER_MAX);
                overBy--;
            } else if (pool.forecast() != null) {
                // demand-driven: a spare beyond the forecast is powered off, not deleted (starting it again before
                // the next peak is quicker than a clone); it stays part of the pool's size. Only ready spares beyond
                // the target go: those still refreshing or starting cannot take a logon yet (after lunch, many are)
                if (isReady && spares - desiredSpares > 0 && readyLeft > desiredSpares) {
                    want(d, ActionType.STOP, null, ActionReason.FORECAST_LOW);
                    spares--;
                    readyLeft--;
                    poweredOff++;
                }
                continue;
            } else if (isReady && spares - desiredSpares > 0 && sizeLeft > spec.minSize() && readyLeft > 0) {
                want(d, ActionType.DELETE, null, ActionReason.EXCESS_SPARE);
                spares--;
            } else {
                continue;
            }
            sizeLeft--;
            if (isReady) {
                readyLeft--;
            }
        }
        if (poweredOff > 0) {
            notes.add(new PlanNote(spec.poolId(), PlanNote.Code.SPARES_POWERED_OFF, poweredOff, "powering off "
                    + poweredOff + " ready spare(s) beyond the forecast's " + desiredSpares + ": "
                    + pool.forecast().explain()));
        }
    }

    /** Free desktops (and, on the admin's command, assigned persistent ones) move to the target version. */
    private void rollOut(String target) {
        ActionReason reason = spec.rollback() ? ActionReason.ROLLBACK : ActionReason.IMAGE_ROLLOUT;
        for (DesktopView d : pool.desktops()) {
            if (touched.contains(d.desktopId()) || target.equals(d.imageVersion()) || d.dirty()) {
                continue;
            }
            boolean idle = d.state() == DesktopState.READY || d.state() == DesktopState.STOPPED
                    || d.state() == DesktopState.ASSIGNED;
            if (!idle) {
                continue;
            }
            boolean free = d.isFree() && d.state() != DesktopState.ASSIGNED;
            boolean commandedPersistent = spec.kind() == PoolKind.PERSISTENT && spec.updatePersistentDesktops();
            if (free || commandedPersistent) {
                want(d, ActionType.REPLACE, target, reason);
            }
        }
    }

    private boolean idleTooLong(DesktopView d) {
        return spec.kind() == PoolKind.PERSISTENT && spec.stopPersistentAfter() != null
                && d.state() == DesktopState.ASSIGNED && d.assignedUser() != null
                && !pool.demand().waitingUsers().contains(d.assignedUser()) && d.lastDisconnectedAt() != null
                && !d.lastDisconnectedAt().plus(spec.stopPersistentAfter()).isAfter(now);
    }

    private boolean draining(DesktopView d) {
        return d.hostId() != null && hostInMaintenance.test(d.hostId())
                && (d.state() == DesktopState.READY || d.state() == DesktopState.STOPPED);
    }

    private void want(DesktopView d, ActionType type, String imageVersion, ActionReason reason) {
        touched.add(d.desktopId());
        out.add(new Candidate(poolOrder, Candidate.tierOf(reason), type, pool, d, imageVersion, reason));
    }
}
