package io.deskport.broker.tenancy;

import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.CallerTransaction;
import io.deskport.broker.shared.LockedRows;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.shared.WritesWithCommit;

/**
 * The tenant's quotas, moved with conditional updates inside the caller's transaction so that no number
 * of concurrent brokers can push a tenant past them.
 *
 * <p>Concurrent-session seats live in {@value #SHARDS} rows per tenant ({@code tenant_session_seats},
 * created by a trigger with the tenant), each with its own capacity; the capacities add up to the quota. A
 * seat is taken from any row with room that no concurrent connect holds ({@code FOR UPDATE SKIP LOCKED}):
 * a logon storm of one tenant runs in parallel instead of queueing on one row. When every row with room
 * is locked, the seat waits for one; "quota reached" only when no row has room.
 */
@Service
public class TenantQuotas {

    private static final Logger log = LoggerFactory.getLogger(TenantQuotas.class);
    static final int SHARDS = 64;
    private static final Duration LOCKED_SEATS_WAIT = Duration.ofSeconds(3);

    /** The SQLSTATE {@code take_session_seat} fails with when the tenant has no seat left. */
    static final String NO_SEAT_LEFT = "DPQ01";

    private final JdbcClient jdbc;
    private final WritesWithCommit writes;

    TenantQuotas(JdbcClient jdbc, WritesWithCommit writes) {
        this.jdbc = jdbc;
        this.writes = writes;
    }

    /**
     * Reads whether the tenant is at its session quota, without locking.
     *
     * @throws ProblemException TENANT_QUOTA with the figures
     */
    @Transactional(propagation = Propagation.SUPPORTS, readOnly = true)
    public void checkSessionQuota(UUID tenantId) {
        int[] counts = sessionCounts(tenantId);
        if (counts[0] >= counts[1]) {
            throw sessionQuotaReached(counts[0], counts[1]);
        }
    }

    /**
     * Takes one concurrent-session seat when the caller's transaction commits: the seat is the last thing a
     * connect takes, sent in the same message as its COMMIT ({@link WritesWithCommit#append}), so the seat row
     * is locked for the commit alone. The database function {@code take_session_seat} takes a seat from any
     * row with room or fails; a full quota then fails the commit, and the whole transaction rolls back.
     * The caller turns that failure into TENANT_QUOTA with {@link #seatRefusal}.
     */
    public void takeSessionSlot(UUID tenantId) {
        CallerTransaction.require();
        writes.append("select take_session_seat(?, ?)", tenantId, ThreadLocalRandom.current().nextInt(SHARDS));
    }

    /**
     * Tells whether a failed commit was refused a session seat by {@link #takeSessionSlot}.
     *
     * @return TENANT_QUOTA with the figures (read after the rollback) if it was; empty for any other failure
     */
    public Optional<ProblemException> seatRefusal(UUID tenantId, RuntimeException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e && NO_SEAT_LEFT.equals(e.getSQLState())) {
                int[] counts = sessionCounts(tenantId);
                return Optional.of(sessionQuotaReached(counts[0], counts[1]));
            }
        }
        return Optional.empty();
    }

    /**
     * Gives back a seat on a row from {@code fromShard} on that has a seat in use and that no concurrent
     * transaction holds; the scan stops at the first such row, so a random start spreads concurrent logoffs
     * over the rows. Any such row will do: asking for the lowest one made the planner read and sort every
     * row of the tenant before locking the first. (Seats are taken by {@code take_session_seat}.)
     */
    private boolean giveBackSeat(UUID tenantId, int fromShard) {
        return jdbc.sql("update tenant_session_seats set used = used - 1 where (tenant_id, shard) = "
                        + "(select tenant_id, shard from tenant_session_seats where tenant_id = ? and shard >= ? and "
                        + "used > 0 limit 1 for update skip locked)")
                .params(tenantId, fromShard).update() == 1;
    }

    /** Gives back the seat of a session that ended (from any row: only the sum counts). */
    public void releaseSessionSlot(UUID tenantId) {
        CallerTransaction.require();
        long deadline = System.nanoTime() + LOCKED_SEATS_WAIT.toNanos();
        for (int attempt = 0; ; attempt++) {
            int start = ThreadLocalRandom.current().nextInt(SHARDS);
            if (giveBackSeat(tenantId, start) || start > 0 && giveBackSeat(tenantId, 0)) {
                return;
            }
            boolean taken = jdbc.sql("select exists (select 1 from tenant_session_seats where tenant_id = ? and used > 0)")
                    .param(tenantId).query(Boolean.class).single();
            if (!taken) {
                log.warn("Tenant {} had no session seat to give back; its seat count was already zero", tenantId);
                return;
            }
            if (System.nanoTime() > deadline) {
                // a row is locked by a long-running change; wait for it rather than lose the release
                jdbc.sql("update tenant_session_seats set used = used - 1 where (tenant_id, shard) = "
                        + "(select tenant_id, shard from tenant_session_seats where tenant_id = ? and used > 0 "
                        + "order by shard limit 1 for update)").param(tenantId).update();
                return;
            }
            LockedRows.pause(attempt);
        }
    }

    /**
     * Spreads a changed quota over the seat rows, keeping the number of seats in use (which may exceed a
     * lowered quota: those sessions go on, new ones are refused until enough have ended).
     */
    void resizeSeats(UUID tenantId, int maxConcurrentSessions) {
        CallerTransaction.require();
        int used = jdbc.sql("select coalesce(sum(used), 0) from (select used from tenant_session_seats "
                + "where tenant_id = ? order by shard for update) s").param(tenantId).query(Integer.class).single();
        int left = used;
        for (int shard = 0; shard < SHARDS; shard++) {
            int capacity = capacity(maxConcurrentSessions, shard);
            int mine = shard == SHARDS - 1 ? left : Math.min(capacity, left);
            left -= mine;
            jdbc.sql("update tenant_session_seats set capacity = ?, used = ? where tenant_id = ? and shard = ?")
                    .params(capacity, mine, tenantId, shard).update();
        }
    }

    private static int capacity(int quota, int shard) {
        return quota / SHARDS + (shard < quota % SHARDS ? 1 : 0);
    }

    /** @return seats in use and the quota */
    private int[] sessionCounts(UUID tenantId) {
        return jdbc.sql("select coalesce((select sum(used) from tenant_session_seats where tenant_id = t.id), 0), "
                        + "t.max_concurrent_sessions from tenant t where t.id = ?")
                .param(tenantId).query((rs, n) -> new int[] {rs.getInt(1), rs.getInt(2)}).single();
    }

    /**
     * Counts one more desktop against the tenant's desktop quota.
     *
     * @throws ProblemException TENANT_QUOTA when the tenant has its maximum of desktops
     */
    public void reserveDesktop(UUID tenantId) {
        CallerTransaction.require();
        int updated = jdbc.sql("update tenant set desktop_count = desktop_count + 1 "
                        + "where id = ? and desktop_count < max_desktops")
                .param(tenantId).update();
        if (updated == 0) {
            var counts = jdbc.sql("select desktop_count, max_desktops from tenant where id = ?")
                    .param(tenantId).query((rs, n) -> new int[] {rs.getInt(1), rs.getInt(2)}).single();
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("quota", "maxDesktops");
            figures.put("maxDesktops", counts[1]);
            figures.put("desktops", counts[0]);
            throw new ProblemException(Reason.TENANT_QUOTA, "The tenant already has its maximum of "
                    + counts[1] + " desktops; remove desktops or ask the platform operator to raise the quota", figures);
        }
    }

    public void releaseDesktop(UUID tenantId) {
        releaseDesktops(tenantId, 1);
    }

    /** Gives {@code n} desktops back to the tenant's desktop quota (a pool and its desktops removed). */
    public void releaseDesktops(UUID tenantId, int n) {
        CallerTransaction.require();
        jdbc.sql("update tenant set desktop_count = greatest(0, desktop_count - ?) where id = ?")
                .params(n, tenantId).update();
    }

    private static ProblemException sessionQuotaReached(int active, int max) {
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("quota", "maxConcurrentSessions");
        figures.put("maxConcurrentSessions", max);
        figures.put("activeSessions", active);
        return new ProblemException(Reason.TENANT_QUOTA, "Your organisation has reached its limit of " + max
                + " concurrent sessions; try again when someone logs off", figures);
    }
}
