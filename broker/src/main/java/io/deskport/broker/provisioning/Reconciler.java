package io.deskport.broker.provisioning;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

import io.deskport.broker.shared.DedicatedConnections;
import io.deskport.broker.shared.ReplicaLeadership;
import io.deskport.provisioning.driver.HostInventory;
import io.deskport.provisioning.planner.PlanNote;

/**
 * The reconciler loop. Every broker runs it; only the elected one ({@link ReplicaLeadership}, lock {@link #LOCK_KEY}) acts:
 * it refreshes host inventory, runs a {@link ReconcileCycle} (read → plan → write tasks), scans for
 * orphans and ghosts now and then, and runs due tasks of the journal with bounded concurrency
 * ({@code maxConcurrentOperations}) on virtual threads, extending their leases while they run. A change
 * that needs work (a connect waiting for a stopped desktop, a logoff, a failure) wakes it at once.
 */
@Component
public class Reconciler implements SmartLifecycle {

    /** The advisory lock that elects the reconciling broker: "dp-recon" in ASCII. */
    static final long LOCK_KEY = 0x64702d7265636f6eL;

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    private static final Duration INVENTORY_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PRUNE_INTERVAL = Duration.ofHours(1);
    /** The shortest time between the starts of two passes, however often the loop is woken. */
    private static final Duration MIN_PASS_GAP = Duration.ofMillis(100);

    private final ProvisioningProperties props;
    private final ReconcileCycle cycle;
    private final TaskRunner runner;
    private final TaskJournal journal;
    private final HypervisorHosts hosts;
    private final Discrepancies discrepancies;
    private final SnapshotSchedule snapshotSchedule;
    private final ReplicaLeadership leadership;
    private final String instanceId;
    private final Semaphore permits;
    private final Set<UUID> runningTasks = ConcurrentHashMap.newKeySet();
    private final Object wake = new Object();
    private volatile ExecutorService executor;
    private ScheduledExecutorService heartbeats;
    private Thread loop;
    private volatile boolean running;
    private boolean wakeRequested;
    private boolean seeded;
    private Instant lastScan = Instant.EPOCH;
    private Instant lastPrune = Instant.EPOCH;
    private Instant lastSnapshotSchedule = Instant.EPOCH;
    private volatile ReconcileCycle.Report lastReport;

    Reconciler(ProvisioningProperties props, ReconcileCycle cycle, TaskRunner runner, TaskJournal journal,
               HypervisorHosts hosts, Discrepancies discrepancies, DedicatedConnections connections,
               SnapshotSchedule snapshotSchedule) {
        this.snapshotSchedule = snapshotSchedule;
        this.props = props;
        this.cycle = cycle;
        this.runner = runner;
        this.journal = journal;
        this.hosts = hosts;
        this.discrepancies = discrepancies;
        this.instanceId = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.leadership = new ReplicaLeadership(connections, "reconciler", LOCK_KEY, instanceId);
        this.permits = new Semaphore(props.maxConcurrentOperations());
        this.executor = newTaskExecutor();
    }

    private static ExecutorService newTaskExecutor() {
        return Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("deskport-task-", 0).factory());
    }

    /** This broker's id as a task lease owner. */
    public String instanceId() {
        return instanceId;
    }

    /** True while this broker is the elected reconciler. */
    public boolean isLeader() {
        return leadership.isLeader();
    }

    /** Tasks this broker is running now. */
    public int tasksRunning() {
        return runningTasks.size();
    }

    /** The last cycle's plan notes (what was held back and why), for the admin API. */
    public List<PlanNote> lastNotes() {
        ReconcileCycle.Report r = lastReport;
        return r == null ? List.of() : r.notes();
    }

    /** Asks the loop to run now rather than at the next interval. */
    public void wakeUp() {
        synchronized (wake) {
            wakeRequested = true;
            wake.notifyAll();
        }
    }

    /**
     * One pass of the loop, for the loop itself and for tests and benchmarks: when this broker leads,
     * inventory as due, a cycle, a scan as due, and the dispatch of due tasks.
     *
     * @return the cycle's report, or empty when another broker leads
     */
    public Optional<CycleSummary> tick() {
        seedOnce();
        if (!leadership.holdOrAcquire()) {
            return Optional.empty();
        }
        refreshInventory(false);
        ReconcileCycle.Report report = cycle.run();
        lastReport = report;
        if (!report.actions().isEmpty()) {
            log.debug("Reconcile cycle planned {} actions, wrote {} tasks (read {} ms, plan {} ms, write {} ms)",
                    report.actions().size(), report.tasksWritten(), report.readMillis(), report.planMillis(),
                    report.writeMillis());
        }
        Instant now = Instant.now();
        if (lastScan.plus(props.scanInterval()).isBefore(now)) {
            lastScan = now;
            discrepancies.scan();
        }
        if (lastSnapshotSchedule.plus(props.snapshotScheduleInterval()).isBefore(now)) {
            lastSnapshotSchedule = now;
            try {
                snapshotSchedule.run();
            } catch (RuntimeException e) {
                log.warn("The snapshot schedule's pass failed; it runs again in {}: {}", props.snapshotScheduleInterval(),
                        e.toString());
            }
        }
        if (lastPrune.plus(PRUNE_INTERVAL).isBefore(now)) {
            lastPrune = now;
            int pruned = journal.prune(props.taskRetention());
            if (pruned > 0) {
                log.info("Pruned {} finished provisioning tasks older than {}", pruned, props.taskRetention());
            }
        }
        int dispatched = dispatch();
        return Optional.of(new CycleSummary(report.actions().size(), report.tasksWritten(), dispatched,
                report.readMillis(), report.planMillis(), report.writeMillis()));
    }

    /**
     * What one tick did.
     *
     * @param actionsPlanned actions the planner wanted
     * @param tasksWritten   tasks that made it into the journal
     * @param tasksStarted   due tasks this broker started running
     */
    public record CycleSummary(int actionsPlanned, int tasksWritten, int tasksStarted, long readMillis,
                               long planMillis, long writeMillis) {
    }

    /**
     * Only the cycle (read, plan, write tasks) when this broker leads: no inventory, scan or dispatch.
     * For benchmarks that time the reconciler's own work.
     */
    public Optional<CycleSummary> planOnce() {
        seedOnce();
        if (!leadership.holdOrAcquire()) {
            return Optional.empty();
        }
        ReconcileCycle.Report report = cycle.run();
        lastReport = report;
        return Optional.of(new CycleSummary(report.actions().size(), report.tasksWritten(), 0, report.readMillis(),
                report.planMillis(), report.writeMillis()));
    }

    /** Scans hypervisors for orphans and ghosts now (tests). */
    public void scanNow() {
        refreshInventory(true);
        discrepancies.scan();
    }

    private void seedOnce() {
        if (!seeded) {
            hosts.seed(props.hypervisors(), props.simulateWhenEmpty());
            seeded = true;
        }
    }

    private void refreshInventory(boolean all) {
        Instant due = Instant.now().minus(props.inventoryInterval());
        List<Thread> threads = new ArrayList<>();
        for (HypervisorHosts.HostRow h : hosts.rows()) {
            if (!all && h.inventoryAt() != null && h.inventoryAt().isAfter(due)) {
                continue;
            }
            threads.add(Thread.ofVirtual().name("deskport-inventory-" + h.name()).start(() -> {
                try {
                    List<HostInventory> inventory = hosts.driver(h).hosts();
                    if (inventory.isEmpty()) {
                        hosts.recordUnreachable(h.id(), "the driver reports no host");
                    } else {
                        hosts.recordInventory(h.id(), inventory.getFirst());
                    }
                } catch (RuntimeException e) {
                    hosts.recordUnreachable(h.id(), e.getMessage());
                }
            }));
        }
        for (Thread t : threads) {
            try {
                if (!t.join(INVENTORY_TIMEOUT)) {
                    log.warn("Inventory of {} takes longer than {}; going on without it", t.getName(), INVENTORY_TIMEOUT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private int dispatch() {
        int free = permits.availablePermits();
        if (free == 0) {
            return 0;
        }
        List<ProvisioningTask> claimed = journal.claim(instanceId, free, props.taskLease());
        for (ProvisioningTask t : claimed) {
            permits.acquireUninterruptibly();
            runningTasks.add(t.id());
            executor.submit(() -> {
                try {
                    runner.run(t, instanceId);
                } finally {
                    runningTasks.remove(t.id());
                    permits.release();
                    wakeUp();
                }
            });
        }
        return claimed.size();
    }

    private void heartbeat() {
        try {
            if (!runningTasks.isEmpty()) {
                journal.heartbeat(Set.copyOf(runningTasks), instanceId, props.taskLease());
            }
        } catch (RuntimeException e) {
            log.warn("Extending the leases of running provisioning tasks failed: {}", e.getMessage());
        }
    }

    private void loop() {
        while (running) {
            long started = System.nanoTime();
            try {
                tick();
            } catch (RuntimeException e) {
                log.warn("Reconciler pass failed; it runs again shortly: {}", e.toString(), e);
            }
            try {
                synchronized (wake) {
                    if (!wakeRequested && running) {
                        wake.wait(Math.max(1, props.interval().toMillis()));
                    }
                    wakeRequested = false;
                }
                // wake-ups come in bursts (a logon storm claims desktops by the hundred per second): one pass
                // per gap serves them all
                long rest = MIN_PASS_GAP.toNanos() - (System.nanoTime() - started);
                if (rest > 0 && running) {
                    Thread.sleep(rest / 1_000_000, (int) (rest % 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        // a stopped broker context may be started again (Spring's test contexts are paused and resumed): its tasks
        // need an executor again, also where tests drive the passes themselves
        if (executor.isShutdown()) {
            executor = newTaskExecutor();
        }
        if (!props.enabled()) {
            return;
        }
        running = true;
        long beat = Math.max(100, props.taskLease().toMillis() / 3);
        heartbeats = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("deskport-task-lease").daemon()
                .factory());
        heartbeats.scheduleWithFixedDelay(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
        loop = Thread.ofPlatform().name("deskport-reconciler").daemon().start(this::loop);
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (loop != null) {
            loop.interrupt();
            try {
                loop.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.info("Provisioning tasks still running at shutdown are left to their leases ({}): another "
                        + "broker runs them again", props.taskLease());
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (heartbeats != null) {
            heartbeats.shutdownNow();
        }
        leadership.close();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000; // start after the web server, stop before the database goes
    }
}
