package io.deskport.broker.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.brokering.SessionActivity;
import io.deskport.broker.brokering.SessionState;
import io.deskport.broker.dashboard.DashboardSnapshot.Section;
import io.deskport.broker.hosts.SessionHostLoad;
import io.deskport.broker.licensing.LicenceSeatsInUse;
import io.deskport.broker.pools.DesktopCensus;
import io.deskport.broker.pools.DesktopState;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.provisioning.ProvisioningFigures;
import io.deskport.broker.shared.DatabaseOutages;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.tenancy.Tenants;

/**
 * Reads a tenant's dashboard from the modules that own its figures — pools (desktops per state), brokering
 * (sessions, the last day's peaks, the last hour's connects), hosts (session host load), provisioning (targets,
 * hypervisor hosts, tasks), licensing (seats) — each through its own Java API, in one read-only REPEATABLE READ
 * transaction: one connection, and every figure as of one instant. Every read is an aggregate over indexed rows, so
 * the cost follows the tenant's live objects, not its history.
 *
 * <p>At most {@link #CONCURRENT} snapshots are read at once on a broker: a crowd of dashboards never takes the
 * connections connects need.
 */
@Service
class Dashboards {

    /** Snapshots read at once on this broker. */
    static final int CONCURRENT = 2;
    /** The hosts (of each kind) a dashboard lists by name. */
    static final int TOP = 8;
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Tenants tenants;
    private final DesktopCensus census;
    private final SessionActivity sessions;
    private final SessionHostLoad sessionHosts;
    private final ProvisioningFigures provisioning;
    private final LicenceSeatsInUse licences;
    private final TransactionTemplate tx;
    private final Semaphore reading = new Semaphore(CONCURRENT, true);

    Dashboards(Tenants tenants, DesktopCensus census, SessionActivity sessions, SessionHostLoad sessionHosts,
               ProvisioningFigures provisioning, LicenceSeatsInUse licences, PlatformTransactionManager txManager) {
        this.tenants = tenants;
        this.census = census;
        this.sessions = sessions;
        this.sessionHosts = sessionHosts;
        this.provisioning = provisioning;
        this.licences = licences;
        this.tx = new TransactionTemplate(txManager);
        tx.setReadOnly(true);
        tx.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    }

    /**
     * The tenant's dashboard with every section.
     *
     * @param platformView the hypervisor hosts' allocation of every tenant (platform admins), else the tenant's own
     * @throws ProblemException NOT_FOUND for a tenant that does not exist; SERVICE_UNAVAILABLE when the database is
     *         unreachable, or this broker is busy reading others for longer than a moment
     */
    DashboardSnapshot read(UUID tenantId, boolean platformView) {
        try {
            if (!reading.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ProblemException(Reason.SERVICE_UNAVAILABLE, "This broker is busy reading other dashboards; "
                        + "try again in a moment", Map.of("retryAfterSeconds", DatabaseOutages.RETRY_AFTER.toSeconds()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProblemException(Reason.SERVICE_UNAVAILABLE, "Interrupted",
                    Map.of("retryAfterSeconds", DatabaseOutages.RETRY_AFTER.toSeconds()));
        }
        try {
            return tx.execute(status -> compute(tenantId, platformView));
        } catch (RuntimeException e) {
            if (!(e instanceof ProblemException) && DatabaseOutages.isOutage(e)) {
                throw DatabaseOutages.refusal(e);
            }
            throw e;
        } finally {
            reading.release();
        }
    }

    /** @throws ProblemException NOT_FOUND for a tenant that does not exist */
    void exists(UUID tenantId) {
        tenants.timeZone(tenantId);
    }

    private DashboardSnapshot compute(UUID tenantId, boolean platformView) {
        tenants.timeZone(tenantId); // NOT_FOUND for a tenant that does not exist
        List<DesktopCensus.PoolDesktops> pools = census.of(tenantId);
        Map<UUID, String> poolNames = new HashMap<>();
        pools.forEach(p -> poolNames.put(p.poolId(), p.name()));

        List<SessionActivity.LiveCount> live = sessions.live(tenantId);
        SessionActivity.LastDay day = sessions.hourlyPeaks(tenantId);
        List<SessionActivity.ConnectCount> connects = sessions.lastHour(tenantId);
        SessionHostLoad.Summary hosts = sessionHosts.of(tenantId, Integer.MAX_VALUE);
        Map<UUID, ProvisioningFigures.PoolTarget> targets = provisioning.poolTargets(tenantId);
        ProvisioningFigures.HostSummary hypervisors = provisioning.hypervisorHosts(platformView ? null : tenantId, TOP);
        ProvisioningFigures.TaskSummary tasks = provisioning.tasks(tenantId, TOP);
        List<LicenceSeatsInUse.ProductSeats> seats = licences.of(tenantId);

        return new DashboardSnapshot(tenantId, day.until(), List.of(Section.values()),
                sessions(live, day, poolNames), connects(connects, day.until(), poolNames),
                poolHealth(pools, live, targets, hosts), sessionHosts(hosts, poolNames),
                hypervisorHosts(hypervisors, platformView), licences(seats), provisioning(tasks, poolNames));
    }

    private static DashboardSnapshot.Sessions sessions(List<SessionActivity.LiveCount> live, SessionActivity.LastDay day,
                                                       Map<UUID, String> poolNames) {
        Map<SessionState, Integer> byState = liveStates();
        Map<UUID, Map<SessionState, Integer>> byPool = new LinkedHashMap<>();
        int total = 0;
        for (SessionActivity.LiveCount c : live) {
            byState.merge(c.state(), c.count(), Integer::sum);
            byPool.computeIfAbsent(c.poolId(), k -> liveStates()).merge(c.state(), c.count(), Integer::sum);
            total += c.count();
        }
        List<DashboardSnapshot.PoolSessions> pools = new ArrayList<>();
        byPool.forEach((pool, states) -> pools.add(new DashboardSnapshot.PoolSessions(pool, poolNames.get(pool),
                states.values().stream().mapToInt(Integer::intValue).sum(), states)));
        pools.sort(Comparator.comparingInt(DashboardSnapshot.PoolSessions::live).reversed()
                .thenComparing(p -> String.valueOf(p.poolName())));

        List<Instant> hours = new ArrayList<>();
        for (int i = 0; i < SessionActivity.HOURS; i++) {
            hours.add(day.firstHour().plus(i, ChronoUnit.HOURS));
        }
        Map<Instant, Integer> index = new HashMap<>();
        for (int i = 0; i < hours.size(); i++) {
            index.put(hours.get(i), i);
        }
        int[] tenantPeaks = new int[hours.size()];
        Map<UUID, int[]> poolPeaks = new LinkedHashMap<>();
        for (SessionActivity.HourlyPeak p : day.peaks()) {
            Integer i = index.get(p.hourStart());
            if (i == null) {
                continue;
            }
            poolPeaks.computeIfAbsent(p.poolId(), k -> new int[hours.size()])[i] = p.poolPeak();
            tenantPeaks[i] = Math.max(tenantPeaks[i], p.tenantPeak());
        }
        List<DashboardSnapshot.PoolSeries> series = new ArrayList<>();
        poolPeaks.forEach((pool, peaks) -> {
            // a pool removed since (its sessions went with it) stays in the tenant's line only
            if (poolNames.containsKey(pool)) {
                series.add(new DashboardSnapshot.PoolSeries(pool, poolNames.get(pool), list(peaks)));
            }
        });
        series.sort(Comparator.comparing(s -> String.valueOf(s.poolName())));
        return new DashboardSnapshot.Sessions(total, byState, pools,
                new DashboardSnapshot.Timeline("PEAK_CONCURRENT", hours, day.until(), list(tenantPeaks), series));
    }

    private static Map<SessionState, Integer> liveStates() {
        Map<SessionState, Integer> m = new EnumMap<>(SessionState.class);
        for (SessionState s : SessionState.values()) {
            if (s != SessionState.ENDED) {
                m.put(s, 0);
            }
        }
        return m;
    }

    private static List<Integer> list(int[] values) {
        List<Integer> l = new ArrayList<>(values.length);
        for (int v : values) {
            l.add(v);
        }
        return l;
    }

    private static DashboardSnapshot.Connects connects(List<SessionActivity.ConnectCount> counts, Instant now,
                                                       Map<UUID, String> poolNames) {
        long created = 0;
        long reconnected = 0;
        long refused = 0;
        Map<String, Map<UUID, Long>> byReason = new HashMap<>();
        Map<String, Long> reasonTotals = new HashMap<>();
        for (SessionActivity.ConnectCount c : counts) {
            if (!c.refused()) {
                if ("CREATED".equals(c.outcome())) {
                    created += c.count();
                } else {
                    reconnected += c.count();
                }
                continue;
            }
            refused += c.count();
            reasonTotals.merge(c.outcome(), c.count(), Long::sum);
            // a pool removed since is not named
            if (c.poolId() != null && poolNames.containsKey(c.poolId())) {
                byReason.computeIfAbsent(c.outcome(), k -> new HashMap<>()).merge(c.poolId(), c.count(), Long::sum);
            }
        }
        List<DashboardSnapshot.Refusal> refusals = new ArrayList<>();
        reasonTotals.forEach((reason, n) -> {
            List<DashboardSnapshot.PoolCount> pools = new ArrayList<>();
            byReason.getOrDefault(reason, Map.of()).forEach((pool, m) ->
                    pools.add(new DashboardSnapshot.PoolCount(pool, poolNames.get(pool), m)));
            pools.sort(Comparator.comparingLong(DashboardSnapshot.PoolCount::count).reversed()
                    .thenComparing(DashboardSnapshot.PoolCount::poolName));
            refusals.add(new DashboardSnapshot.Refusal(reason, n, pools));
        });
        refusals.sort(Comparator.comparingLong(DashboardSnapshot.Refusal::count).reversed()
                .thenComparing(DashboardSnapshot.Refusal::reason));
        return new DashboardSnapshot.Connects(now.truncatedTo(ChronoUnit.MINUTES).minus(59, ChronoUnit.MINUTES),
                created, reconnected, refused, refusals);
    }

    private static List<DashboardSnapshot.PoolHealth> poolHealth(List<DesktopCensus.PoolDesktops> pools,
                                                                 List<SessionActivity.LiveCount> live,
                                                                 Map<UUID, ProvisioningFigures.PoolTarget> targets,
                                                                 SessionHostLoad.Summary hosts) {
        Map<UUID, Integer> sessionsByPool = new HashMap<>();
        live.forEach(c -> sessionsByPool.merge(c.poolId(), c.count(), Integer::sum));
        Map<UUID, int[]> hostsByPool = new HashMap<>(); // hosts, available, sessions, capacity
        for (SessionHostLoad.HostLoad h : hosts.busiest()) {
            int[] f = hostsByPool.computeIfAbsent(h.poolId(), k -> new int[4]);
            boolean takes = h.state() == io.deskport.broker.hosts.SessionHostState.AVAILABLE && !h.draining();
            f[0]++;
            f[1] += takes ? 1 : 0;
            f[2] += h.sessions();
            f[3] += takes ? h.maxSessions() : 0;
        }
        List<DashboardSnapshot.PoolHealth> result = new ArrayList<>();
        for (DesktopCensus.PoolDesktops p : pools) {
            Map<DesktopState, Integer> s = p.byState();
            ProvisioningFigures.PoolTarget t = targets.get(p.poolId());
            int[] h = hostsByPool.getOrDefault(p.poolId(), new int[4]);
            result.add(new DashboardSnapshot.PoolHealth(p.poolId(), p.name(), p.kind(), p.enabled(), p.total(), s,
                    p.readyFree(), s.get(DesktopState.IN_USE),
                    s.get(DesktopState.PROVISIONING) + s.get(DesktopState.STARTING) + s.get(DesktopState.REFRESHING),
                    s.get(DesktopState.FAILED), sessionsByPool.getOrDefault(p.poolId(), 0),
                    t == null ? null : new DashboardSnapshot.Target(t.enabled(), t.minSize(), t.maxSize(), t.spareTarget()),
                    p.kind() == PoolKind.SHARED ? new DashboardSnapshot.PoolHosts(h[0], h[1], h[2], h[3]) : null));
        }
        return result;
    }

    private static DashboardSnapshot.SessionHosts sessionHosts(SessionHostLoad.Summary s, Map<UUID, String> poolNames) {
        return new DashboardSnapshot.SessionHosts(s.hosts(), s.available(), s.registered(), s.unreachable(), s.draining(),
                s.heartbeatsLate(), s.sessions(), s.capacity(),
                s.busiest().stream().limit(TOP).map(h -> sessionHost(h, poolNames)).toList(),
                s.attention().stream().limit(TOP).map(h -> sessionHost(h, poolNames)).toList());
    }

    private static DashboardSnapshot.SessionHostLoad sessionHost(SessionHostLoad.HostLoad h, Map<UUID, String> poolNames) {
        return new DashboardSnapshot.SessionHostLoad(h.id(), h.name(), h.poolId(), poolNames.get(h.poolId()),
                h.state().name(), h.draining(), h.sessions(), h.maxSessions(), h.agentManaged(), h.lastHeartbeatAt(),
                h.cpuPercent());
    }

    private static DashboardSnapshot.HypervisorHosts hypervisorHosts(ProvisioningFigures.HostSummary s, boolean platform) {
        return new DashboardSnapshot.HypervisorHosts(platform ? "PLATFORM" : "TENANT", s.hosts(), s.usable(),
                s.maintenance(), s.unreachable(), s.quarantined(), s.simulated(), s.cpus(), s.memoryMiB(), s.vcpus(),
                s.memoryAllocatedMiB(), s.desktops(), s.busiest().stream().map(h -> new DashboardSnapshot.HypervisorHostLoad(
                        h.id(), h.name(), h.simulated(), h.usable(), h.maintenance(), h.reachable(), h.quarantined(),
                        h.cpus(), h.memoryMiB(), h.vcpus(), h.memoryAllocatedMiB(), h.desktops())).toList());
    }

    private static List<DashboardSnapshot.LicenceSeats> licences(List<LicenceSeatsInUse.ProductSeats> seats) {
        return seats.stream().map(p -> new DashboardSnapshot.LicenceSeats(p.productId(), p.name(), p.model(), p.seats(),
                p.capacity(), p.seatsInUse(), p.overuse(), p.licensed(), p.enforcement(), p.validUntil(), p.inGrace()))
                .toList();
    }

    private static DashboardSnapshot.Provisioning provisioning(ProvisioningFigures.TaskSummary t,
                                                               Map<UUID, String> poolNames) {
        return new DashboardSnapshot.Provisioning(t.running(), t.waiting(), t.failedRecently(),
                ProvisioningFigures.FAILED_WITHIN_HOURS, t.recentFailures().stream().map(f -> new DashboardSnapshot.FailedTask(
                        f.id(), f.poolId(), f.poolId() == null ? null : poolNames.get(f.poolId()), f.desktopId(), f.type(),
                        f.errorReason(), f.errorDetail(), f.finishedAt())).toList());
    }
}
