package io.deskport.broker.provisioning;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

import io.deskport.broker.shared.Listing;
import io.deskport.broker.shared.Page;
import io.deskport.broker.shared.PageParams;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.Ids;
import io.deskport.provisioning.planner.ActionType;

/**
 * The task journal in PostgreSQL. Invariants: at most one open (PENDING or RUNNING) task per desktop
 * (unique index), one task per idempotency key, and a RUNNING task always has a lease. Claims use
 * {@code FOR UPDATE SKIP LOCKED}: concurrent runners never take the same task; a task whose runner
 * died (lease ran out) is claimed again and re-run — driver operations are idempotent by desktop id.
 * Completions are conditional on still holding the lease, so a runner that lost its task cannot
 * complete it.
 */
@Service
class TaskJournal {

    private static final String COLUMNS = "id, tenant_id, pool_id, desktop_id, host_id, type, reason, image_version_id, "
            + "start_after, idempotency_key, state, attempts, max_attempts, next_attempt_at, lease_owner, lease_until, "
            + "error_reason, error_detail, created_at, started_at, finished_at, snapshot_id, target_host_id";

    private final JdbcClient jdbc;

    TaskJournal(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * A task to write.
     *
     * @param snapshotId   the snapshot of a snapshot operation, else null
     * @param targetHostId where a MIGRATE task moves its desktop, else null
     */
    record NewTask(java.util.UUID tenantId, UUID poolId, UUID desktopId, UUID hostId, ActionType type, String reason,
                   UUID imageVersionId, boolean startAfter, String idempotencyKey, int maxAttempts, UUID snapshotId,
                   UUID targetHostId) {

        /** A snapshot operation's task (no target host). */
        NewTask(java.util.UUID tenantId, UUID poolId, UUID desktopId, UUID hostId, ActionType type, String reason,
                UUID imageVersionId, boolean startAfter, String idempotencyKey, int maxAttempts, UUID snapshotId) {
            this(tenantId, poolId, desktopId, hostId, type, reason, imageVersionId, startAfter, idempotencyKey,
                    maxAttempts, snapshotId, null);
        }

        /** A task of the planner's (no snapshot). */
        NewTask(java.util.UUID tenantId, UUID poolId, UUID desktopId, UUID hostId, ActionType type, String reason,
                UUID imageVersionId, boolean startAfter, String idempotencyKey, int maxAttempts) {
            this(tenantId, poolId, desktopId, hostId, type, reason, imageVersionId, startAfter, idempotencyKey,
                    maxAttempts, null, null);
        }
    }

    /** An open task as the planner needs it; {@code targetHostId}: where a MIGRATE task moves its desktop. */
    record OpenTask(UUID desktopId, UUID poolId, UUID hostId, ActionType type, UUID targetHostId) {

        OpenTask(UUID desktopId, UUID poolId, UUID hostId, ActionType type) {
            this(desktopId, poolId, hostId, type, null);
        }
    }

    /**
     * Writes a task unless one with the same idempotency key exists or the desktop has an open task.
     *
     * @return true when written
     */
    @Transactional
    boolean enqueue(NewTask t) {
        return jdbc.sql("insert into provisioning_task (id, tenant_id, pool_id, desktop_id, host_id, type, reason, "
                        + "image_version_id, start_after, idempotency_key, state, max_attempts, snapshot_id, target_host_id) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'PENDING', ?, ?, ?) on conflict do nothing")
                .params(Ids.newId(), t.tenantId(), t.poolId(), t.desktopId(), t.hostId(), t.type().name(), t.reason(),
                        t.imageVersionId(), t.startAfter(), t.idempotencyKey(), t.maxAttempts(), t.snapshotId(),
                        t.targetHostId())
                .update() == 1;
    }

    /**
     * Writes many tasks in one statement, each unless its idempotency key exists or its desktop has an
     * open task.
     *
     * @return the desktops whose task was written
     */
    @Transactional
    Set<UUID> enqueueAll(List<NewTask> tasks) {
        Set<UUID> written = new HashSet<>();
        if (tasks.isEmpty()) {
            return written;
        }
        int n = tasks.size();
        UUID[] ids = new UUID[n];
        UUID[] tenants = new UUID[n];
        UUID[] pools = new UUID[n];
        UUID[] desktops = new UUID[n];
        UUID[] hosts = new UUID[n];
        String[] types = new String[n];
        String[] reasons = new String[n];
        UUID[] images = new UUID[n];
        Boolean[] startAfter = new Boolean[n];
        String[] keys = new String[n];
        Integer[] maxAttempts = new Integer[n];
        UUID[] targets = new UUID[n];
        for (int i = 0; i < n; i++) {
            NewTask t = tasks.get(i);
            ids[i] = Ids.newId();
            tenants[i] = t.tenantId();
            pools[i] = t.poolId();
            desktops[i] = t.desktopId();
            hosts[i] = t.hostId();
            types[i] = t.type().name();
            reasons[i] = t.reason();
            images[i] = t.imageVersionId();
            startAfter[i] = t.startAfter();
            keys[i] = t.idempotencyKey();
            maxAttempts[i] = t.maxAttempts();
            targets[i] = t.targetHostId();
        }
        jdbc.sql("insert into provisioning_task (id, tenant_id, pool_id, desktop_id, host_id, type, reason, "
                        + "image_version_id, start_after, idempotency_key, max_attempts, target_host_id, state) "
                        + "select *, 'PENDING' from unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::uuid[], ?::uuid[], ?::text[], "
                        + "?::text[], ?::uuid[], ?::boolean[], ?::text[], ?::integer[], ?::uuid[]) on conflict do nothing "
                        + "returning desktop_id")
                .params(ids, tenants, pools, desktops, hosts, types, reasons, images, startAfter, keys, maxAttempts, targets)
                .query(rs -> {
                    written.add(rs.getObject(1, UUID.class));
                });
        return written;
    }

    /** Cancels the not yet started tasks of these desktops. */
    @Transactional
    int cancelPending(Collection<UUID> desktopIds, String detail) {
        if (desktopIds.isEmpty()) {
            return 0;
        }
        return jdbc.sql("update provisioning_task set state = 'CANCELLED', finished_at = now(), error_detail = ? "
                + "where desktop_id = any(?) and state = 'PENDING'").params(detail, desktopIds.toArray(UUID[]::new)).update();
    }

    /** Claims up to {@code limit} due tasks (and tasks whose runner's lease ran out), most urgent first. */
    @Transactional
    List<ProvisioningTask> claim(String owner, int limit, Duration lease) {
        if (limit <= 0) {
            return List.of();
        }
        return jdbc.sql("update provisioning_task t set state = 'RUNNING', attempts = t.attempts + 1, lease_owner = ?, "
                        + "lease_until = now() + make_interval(secs => ?), started_at = coalesce(t.started_at, now()) "
                        + "where t.id in (select id from provisioning_task where (state = 'PENDING' and next_attempt_at <= now()) "
                        + "or (state = 'RUNNING' and lease_until < now()) "
                        + "order by case when reason in ('USER_WAITING', 'DEMAND') then 0 else 1 end, next_attempt_at "
                        + "limit ? for update skip locked) returning " + prefixed())
                .params(owner, lease.toMillis() / 1000.0, limit)
                .query(TaskJournal::map).list();
    }

    /** Extends the leases of tasks this runner still holds; returns how many it holds. */
    @Transactional
    int heartbeat(Collection<UUID> ids, String owner, Duration lease) {
        if (ids.isEmpty()) {
            return 0;
        }
        return jdbc.sql("update provisioning_task set lease_until = now() + make_interval(secs => ?) "
                        + "where id = any(?) and state = 'RUNNING' and lease_owner = ?")
                .params(lease.toMillis() / 1000.0, ids.toArray(UUID[]::new), owner).update();
    }

    /** Completes a task this runner holds; false when it lost the lease (the caller's transaction must roll back). */
    @Transactional
    boolean succeed(UUID id, String owner) {
        return finish(id, owner, "SUCCEEDED", null, null);
    }

    @Transactional
    boolean fail(UUID id, String owner, String reason, String detail) {
        return finish(id, owner, "FAILED", reason, detail);
    }

    @Transactional
    boolean cancel(UUID id, String owner, String detail) {
        return finish(id, owner, "CANCELLED", null, detail);
    }

    /** Puts a task back for another attempt after {@code delay}. */
    @Transactional
    boolean retry(UUID id, String owner, Duration delay, String reason, String detail) {
        return jdbc.sql("update provisioning_task set state = 'PENDING', lease_owner = null, lease_until = null, "
                        + "next_attempt_at = now() + make_interval(secs => ?), error_reason = ?, error_detail = ? "
                        + "where id = ? and state = 'RUNNING' and lease_owner = ?")
                .params(delay.toMillis() / 1000.0, reason, truncate(detail), id, owner).update() == 1;
    }

    private boolean finish(UUID id, String owner, String state, String reason, String detail) {
        return jdbc.sql("update provisioning_task set state = ?, lease_owner = null, lease_until = null, finished_at = now(), "
                        + "error_reason = coalesce(?, error_reason), error_detail = coalesce(?, error_detail) "
                        + "where id = ? and state = 'RUNNING' and lease_owner = ?")
                .params(state, reason, truncate(detail), id, owner).update() == 1;
    }

    /** Cancels a desktop's task that has not started (e.g. its desktop was removed). */
    @Transactional
    int cancelPending(UUID desktopId, String detail) {
        return jdbc.sql("update provisioning_task set state = 'CANCELLED', finished_at = now(), error_detail = ? "
                + "where desktop_id = ? and state = 'PENDING'").params(detail, desktopId).update();
    }

    /** A desktop's open (PENDING or RUNNING) task, if it has one. */
    @Transactional(readOnly = true)
    java.util.Optional<OpenTask> openTask(UUID desktopId) {
        return jdbc.sql("select desktop_id, pool_id, host_id, type from provisioning_task where desktop_id = ? "
                        + "and state in ('PENDING', 'RUNNING')").param(desktopId)
                .query((rs, n) -> new OpenTask(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class), ActionType.valueOf(rs.getString(4)))).optional();
    }

    /** A desktop's last move that failed for good. */
    record FailedMove(UUID desktopId, UUID hostId, UUID targetHostId, String reason, String detail, Instant finishedAt) {
    }

    /** The moves (MIGRATE tasks) that failed for good within {@code within}, the last one per desktop. */
    @Transactional(readOnly = true)
    Map<UUID, FailedMove> failedMoves(Duration within) {
        Map<UUID, FailedMove> failed = new HashMap<>();
        jdbc.sql("select distinct on (desktop_id) desktop_id, host_id, target_host_id, error_reason, error_detail, "
                        + "finished_at from provisioning_task where type = 'MIGRATE' and state = 'FAILED' "
                        + "and finished_at > now() - make_interval(secs => ?) order by desktop_id, finished_at desc")
                .param(within.toMillis() / 1000.0)
                .query(rs -> {
                    UUID d = rs.getObject(1, UUID.class);
                    failed.put(d, new FailedMove(d, rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
                            rs.getString(4), rs.getString(5), rs.getTimestamp(6).toInstant()));
                });
        return failed;
    }

    /** The open tasks by desktop. */
    @Transactional(readOnly = true)
    Map<UUID, OpenTask> open() {
        Map<UUID, OpenTask> open = new HashMap<>();
        jdbc.sql("select desktop_id, pool_id, host_id, type, target_host_id from provisioning_task "
                        + "where state in ('PENDING', 'RUNNING')")
                .query(rs -> {
                    UUID d = rs.getObject(1, UUID.class);
                    open.put(d, new OpenTask(d, rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
                            ActionType.valueOf(rs.getString(4)), rs.getObject(5, UUID.class)));
                });
        return open;
    }

    @Transactional(readOnly = true)
    /**
     * Filters of the task list; null members do not filter.
     *
     * @param since created at or after; {@code until}: before
     */
    record TaskFilter(UUID poolId, UUID desktopId, UUID hostId, ProvisioningTask.State state, ActionType type,
                      Instant since, Instant until) {
    }

    private static final Listing<ProvisioningTask> LISTING = Listing.of(COLUMNS, "provisioning_task", "id",
                    Listing.Kind.UUID, TaskJournal::map)
            .sort("createdAt", "created_at", Listing.Kind.TIME).defaultSort("-createdAt").build();

    /** A page of the tenant's tasks, newest first (sort key {@code createdAt}, default {@code -createdAt}). */
    @Transactional(readOnly = true)
    Page<ProvisioningTask> page(UUID tenantId, TaskFilter f, PageParams page) {
        return LISTING.page(jdbc, Listing.Where.of("tenant_id = ?", tenantId).and("pool_id = ?", f.poolId())
                .and("desktop_id = ?", f.desktopId()).and("host_id = ?", f.hostId()).and("state = ?", f.state())
                .and("type = ?", f.type()).between("created_at", f.since(), f.until()), page);
    }

    List<ProvisioningTask> list(UUID tenantId, UUID poolId, UUID desktopId, ProvisioningTask.State state, int limit) {
        StringBuilder sql = new StringBuilder("select " + COLUMNS + " from provisioning_task where true ");
        List<Object> params = new ArrayList<>();
        if (tenantId != null) {
            sql.append("and tenant_id = ? ");
            params.add(tenantId);
        }
        if (poolId != null) {
            sql.append("and pool_id = ? ");
            params.add(poolId);
        }
        if (desktopId != null) {
            sql.append("and desktop_id = ? ");
            params.add(desktopId);
        }
        if (state != null) {
            sql.append("and state = ? ");
            params.add(state.name());
        }
        sql.append("order by created_at desc, id desc limit ?");
        params.add(limit);
        return jdbc.sql(sql.toString()).params(params).query(TaskJournal::map).list();
    }

    /** Deletes finished tasks older than {@code retention}. */
    @Transactional
    int prune(Duration retention) {
        return jdbc.sql("delete from provisioning_task where finished_at < now() - make_interval(secs => ?)")
                .param(retention.toSeconds()).update();
    }

    private static String truncate(String s) {
        return s == null || s.length() <= 2000 ? s : s.substring(0, 2000) + "…";
    }

    private static String prefixed() {
        return "t." + COLUMNS.replace(", ", ", t.");
    }

    static ProvisioningTask map(ResultSet rs, int n) throws SQLException {
        return new ProvisioningTask(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getObject("pool_id", UUID.class), rs.getObject("desktop_id", UUID.class),
                rs.getObject("host_id", UUID.class), ActionType.valueOf(rs.getString("type")), rs.getString("reason"),
                rs.getObject("image_version_id", UUID.class), rs.getBoolean("start_after"),
                rs.getString("idempotency_key"), ProvisioningTask.State.valueOf(rs.getString("state")),
                rs.getInt("attempts"), rs.getInt("max_attempts"),
                HypervisorHosts.instant(rs.getTimestamp("next_attempt_at")), rs.getString("lease_owner"),
                HypervisorHosts.instant(rs.getTimestamp("lease_until")), rs.getString("error_reason"),
                rs.getString("error_detail"), HypervisorHosts.instant(rs.getTimestamp("created_at")),
                HypervisorHosts.instant(rs.getTimestamp("started_at")),
                HypervisorHosts.instant(rs.getTimestamp("finished_at")), rs.getObject("snapshot_id", UUID.class),
                rs.getObject("target_host_id", UUID.class));
    }
}
