package io.deskport.broker.dashboard;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.deskport.broker.brokering.SessionState;
import io.deskport.broker.licensing.Enforcement;
import io.deskport.broker.licensing.LicenceModel;
import io.deskport.broker.pools.DesktopState;
import io.deskport.broker.pools.PoolKind;

/**
 * The dashboard of one tenant at one instant: what the admin console's first page shows, as the API answers it and
 * as its event stream pushes it. A section the caller's role may not read (help desk: licences, hypervisor hosts,
 * provisioning) is null and not named in {@code sections}.
 *
 * @param generatedAt when the figures were read (the database's clock)
 * @param sections the sections present, in the order the console shows them
 */
record DashboardSnapshot(UUID tenantId, Instant generatedAt, List<Section> sections, Sessions sessions,
                         Connects connects, List<PoolHealth> pools, SessionHosts sessionHosts,
                         HypervisorHosts hypervisorHosts, List<LicenceSeats> licences, Provisioning provisioning) {

    /** The parts of a dashboard. */
    enum Section {
        SESSIONS, CONNECTS, POOLS, SESSION_HOSTS, HYPERVISOR_HOSTS, LICENCES, PROVISIONING;

        /** Whether help desk reads it (the sessions, pools and session hosts they may read elsewhere too). */
        boolean forHelpDesk() {
            return this != HYPERVISOR_HOSTS && this != LICENCES && this != PROVISIONING;
        }
    }

    /**
     * The same figures without the sections help desk may not read.
     */
    DashboardSnapshot forHelpDesk() {
        return new DashboardSnapshot(tenantId, generatedAt, sections.stream().filter(Section::forHelpDesk).toList(),
                sessions, connects, pools, sessionHosts, null, null, null);
    }

    /**
     * The same figures read at another instant: whether anything but the clock differs (when they were read, the
     * end of the last hour, the start of the last hour's connects), so that a reading that found nothing new is not
     * pushed.
     */
    boolean sameFiguresAs(DashboardSnapshot other) {
        return other != null && withoutClock().equals(other.withoutClock());
    }

    private DashboardSnapshot withoutClock() {
        Sessions s = sessions == null ? null : new Sessions(sessions.live(), sessions.byState(), sessions.byPool(),
                sessions.lastDay() == null ? null : new Timeline(sessions.lastDay().measure(), sessions.lastDay().hours(),
                        null, sessions.lastDay().total(), sessions.lastDay().pools()));
        Connects c = connects == null ? null : new Connects(null, connects.created(), connects.reconnected(),
                connects.refused(), connects.refusals());
        return new DashboardSnapshot(tenantId, null, sections, s, c, pools, sessionHosts, hypervisorHosts, licences,
                provisioning);
    }

    /**
     * The tenant's sessions.
     *
     * @param live sessions that have not ended
     * @param byState live sessions per state
     * @param byPool live sessions per pool (pools with none left out)
     * @param lastDay the peak of concurrent sessions per hour
     */
    record Sessions(int live, Map<SessionState, Integer> byState, List<PoolSessions> byPool, Timeline lastDay) {
    }

    /** A pool's live sessions per state. */
    record PoolSessions(UUID poolId, String poolName, int live, Map<SessionState, Integer> byState) {
    }

    /**
     * Sessions over the last 24 hours: the peak of concurrent sessions in each hour (the most open at one instant,
     * ends counted before starts at the same instant), per pool and of all pools together.
     *
     * @param measure what each figure is: {@code PEAK_CONCURRENT}
     * @param hours the start of each hour (UTC), the first 23 hours before the current one; the last ends at
     *              {@code until}
     * @param total the tenant's peak per hour (not the sum of the pools' peaks, which may fall at other instants)
     * @param pools each pool with a session in those hours, its peak per hour
     */
    record Timeline(String measure, List<Instant> hours, Instant until, List<Integer> total, List<PoolSeries> pools) {
    }

    /** A pool's peak of concurrent sessions per hour. */
    record PoolSeries(UUID poolId, String poolName, List<Integer> peaks) {
    }

    /**
     * Connects of the last hour (the current minute and the 59 before it).
     *
     * @param created connects answered with a new session
     * @param reconnected connects answered with the user's live session
     * @param refused connects refused
     * @param refusals the refused ones per reason (most first), each with the pools asked for
     */
    record Connects(Instant from, long created, long reconnected, long refused, List<Refusal> refusals) {
    }

    /**
     * Refused connects of one reason.
     *
     * @param reason the refusal's reason, as the connect answered it ({@code POOL_EXHAUSTED}, {@code TENANT_QUOTA}, …)
     * @param pools the pools asked for (most refused first); connects refused before their pool was known are not
     *              among them
     */
    record Refusal(String reason, long count, List<PoolCount> pools) {
    }

    /** How many of something concern a pool. */
    record PoolCount(UUID poolId, String poolName, long count) {
    }

    /**
     * A pool's health.
     *
     * @param desktops its desktops (PERSISTENT and POOLED pools)
     * @param byState its desktops per state
     * @param readyFree desktops ready and assigned to nobody: what a new user's connect can claim now
     * @param inUse desktops with a session
     * @param preparing desktops being created, started or refreshed
     * @param failed desktops whose provisioning or power operation failed
     * @param sessions its live sessions
     * @param target what provisioning keeps it at; null when provisioning does not manage its desktops
     * @param hosts its session hosts (SHARED pools); null for the others
     */
    record PoolHealth(UUID poolId, String name, PoolKind kind, boolean enabled, int desktops,
                      Map<DesktopState, Integer> byState, int readyFree, int inUse, int preparing, int failed, int sessions,
                      Target target, PoolHosts hosts) {
    }

    /** Provisioning's sizing of a pool: at least {@code minSize}, at most {@code maxSize}, {@code spareTarget} ready spares. */
    record Target(boolean enabled, int minSize, int maxSize, int spareTarget) {
    }

    /**
     * A SHARED pool's session hosts.
     *
     * @param available hosts that take sessions (available, not draining)
     * @param sessions sessions on its hosts
     * @param capacity the maximum sessions of the hosts that take sessions
     */
    record PoolHosts(int hosts, int available, int sessions, int capacity) {
    }

    /**
     * The tenant's session hosts.
     *
     * @param capacity the maximum sessions of the hosts that take new sessions
     * @param heartbeatsLate available agent hosts whose last heartbeat is more than two intervals old
     * @param busiest the hosts with the most sessions for their maximum
     * @param attention unreachable hosts and those whose heartbeat is late, the longest silent first
     */
    record SessionHosts(int hosts, int available, int registered, int unreachable, int draining, int heartbeatsLate,
                        int sessions, int capacity, List<SessionHostLoad> busiest, List<SessionHostLoad> attention) {
    }

    /**
     * One session host's load.
     *
     * @param state REGISTERED, AVAILABLE or UNREACHABLE
     * @param lastHeartbeatAt the agent's last heartbeat (null: no agent, or none yet)
     * @param cpuPercent the CPU load it reported then
     */
    record SessionHostLoad(UUID id, String name, UUID poolId, String poolName, String state, boolean draining,
                           int sessions, int maxSessions, boolean agentManaged, Instant lastHeartbeatAt, Float cpuPercent) {
    }

    /**
     * The platform's hypervisor hosts, where provisioned desktops run.
     *
     * @param scope {@code TENANT}: allocation of the tenant's desktops (what a tenant admin sees on the host list);
     *              {@code PLATFORM}: of every tenant's (platform admins)
     * @param cpus CPU threads of the usable hosts
     * @param memoryMiB memory of the usable hosts
     * @param vcpus vCPUs of running desktops on every host
     * @param memoryAllocatedMiB their memory
     * @param busiest the most allocated hosts with desktops (of the tenant, or of any)
     */
    record HypervisorHosts(String scope, int hosts, int usable, int maintenance, int unreachable, int quarantined,
                           int simulated, int cpus, long memoryMiB, int vcpus, long memoryAllocatedMiB, int desktops,
                           List<HypervisorHostLoad> busiest) {
    }

    /** One hypervisor host's allocation against its capacity. */
    record HypervisorHostLoad(UUID id, String name, boolean simulated, boolean usable, boolean maintenance,
                              boolean reachable, boolean quarantined, int cpus, long memoryMiB, int vcpus,
                              long memoryAllocatedMiB, int desktops) {
    }

    /**
     * A licence product's seats now.
     *
     * @param seats the licence in force's seats (0: none in force)
     * @param capacity the seats a connect may take (plus the margin of a SOFT licence)
     * @param overuse seats in use beyond the seats
     * @param licensed a licence is in force
     */
    record LicenceSeats(UUID productId, String name, LicenceModel model, int seats, int capacity, int seatsInUse,
                        int overuse, boolean licensed, Enforcement enforcement, Instant validUntil, boolean inGrace) {
    }

    /**
     * The tenant's provisioning tasks.
     *
     * @param running tasks a broker runs now
     * @param waiting tasks due or waiting for their next attempt
     * @param failedRecently tasks that failed in the last {@code failedWithinHours}
     * @param recentFailures the latest of them
     */
    record Provisioning(int running, int waiting, int failedRecently, int failedWithinHours,
                        List<FailedTask> recentFailures) {
    }

    /** A task that failed. */
    record FailedTask(UUID taskId, UUID poolId, String poolName, UUID desktopId, String type, String errorReason,
                      String errorDetail, Instant finishedAt) {
    }
}
