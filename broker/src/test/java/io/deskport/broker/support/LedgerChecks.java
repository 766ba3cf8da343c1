package io.deskport.broker.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

import javax.sql.DataSource;

/**
 * The broker's ledger, checked straight from the database as an outsider would after a storm, a crash
 * or an outage: every check counts rows that must not exist. Used by the broker's fault tests and by
 * the benchmarks (bench/overload, bench/logon-storm), so both judge by the same rules.
 */
public final class LedgerChecks {

    private final Map<String, String> checks = new LinkedHashMap<>();

    /**
     * @param prepareTimeoutSeconds the brokers' default prepare timeout
     * @param slackSeconds          time allowed past a deadline (timer and reconciler passes)
     */
    public LedgerChecks(int prepareTimeoutSeconds, int slackSeconds) {
        checks.put("desktop in two live sessions", "select count(*) from (select desktop_id from session "
                + "where state <> 'ENDED' and desktop_id is not null group by desktop_id having count(*) > 1) x");
        checks.put("user with two live sessions in one pool", "select count(*) from (select 1 from session "
                + "where state <> 'ENDED' group by pool_id, user_id having count(*) > 1) x");
        checks.put("live session on a desktop not IN_USE by its user", "select count(*) from session s "
                + "join desktop d on d.id = s.desktop_id where s.state in ('READY', 'CONNECTED', 'DISCONNECTED') "
                + "and (d.state <> 'IN_USE' or d.assigned_user_id is distinct from s.user_id)");
        checks.put("desktop IN_USE without a live session", "select count(*) from desktop d where d.state = 'IN_USE' "
                + "and not exists (select 1 from session s where s.desktop_id = d.id and s.state <> 'ENDED')");
        checks.put("pooled desktops in use differ from live pooled sessions", "select count(*) from desktop_pool p "
                + "where p.kind = 'POOLED' and (select count(*) from desktop d where d.pool_id = p.id and d.state = 'IN_USE') "
                + "<> (select count(*) from session s where s.pool_id = p.id and s.state in ('READY', 'CONNECTED', "
                + "'DISCONNECTED'))");
        checks.put("session host above its max sessions or miscounted", "select count(*) from session_host h "
                + "where h.active_sessions > h.max_sessions or h.active_sessions <> (select count(*) from session s "
                + "where s.session_host_id = h.id and s.state <> 'ENDED')");
        checks.put("tenant above its quota", "select count(*) from tenant t where (select count(*) from session s "
                + "where s.tenant_id = t.id and s.state <> 'ENDED') > t.max_concurrent_sessions");
        checks.put("tenant seat rows differ from live sessions", "select count(*) from tenant t "
                + "where coalesce((select sum(s.used) from tenant_session_seats s where s.tenant_id = t.id), 0) <> "
                + "(select count(*) from session s where s.tenant_id = t.id and s.state <> 'ENDED') "
                + "or exists (select 1 from tenant_session_seats s where s.tenant_id = t.id and s.used > s.capacity)");
        checks.put("persistent user with two desktops in one pool", "select count(*) from (select 1 from desktop "
                + "where assigned_user_id is not null group by pool_id, assigned_user_id having count(*) > 1) x");
        checks.put("session PREPARING past its deadline", "select count(*) from session s join desktop_pool p "
                + "on p.id = s.pool_id where s.state = 'PREPARING' and s.state_changed_at < now() - make_interval(secs => "
                + "coalesce(p.prepare_timeout_s, " + prepareTimeoutSeconds + ") + " + slackSeconds + ")");
        checks.put("live session on a FAILED desktop", "select count(*) from session s join desktop d on d.id = "
                + "s.desktop_id where s.state <> 'ENDED' and d.state = 'FAILED' and d.state_changed_at < now() - "
                + "make_interval(secs => " + slackSeconds + ")");
        checks.put("desktop in a transient state with no owner", "select count(*) from desktop d where d.state in "
                + "('PROVISIONING', 'STARTING', 'STOPPING', 'REFRESHING', 'DELETING') and (not d.managed or not exists "
                + "(select 1 from provisioning_task t where t.desktop_id = d.id and t.state in ('PENDING', 'RUNNING'))) "
                + "and d.state_changed_at < now() - make_interval(secs => " + slackSeconds + ")");
        // licences: the shards count exactly the seats held, never more than the licence allows, and every seat
        // belongs to something alive
        checks.put("licence shards differ from seats held", "select count(*) from licence_product p where "
                + "(select coalesce(sum(used), 0) from licence_seat_shard s where s.product_id = p.id) <> "
                + "(select count(*) from licence_seat l where l.product_id = p.id and l.released_at is null)");
        checks.put("licence seats held above capacity", "select count(*) from licence_product p where "
                + "(select count(*) from licence_seat l where l.product_id = p.id and l.released_at is null) > "
                + "(select coalesce(sum(capacity), 0) from licence_seat_shard s where s.product_id = p.id)");
        checks.put("licence seat holder twice", "select count(*) from (select 1 from licence_seat where released_at is null "
                + "group by product_id, holder having count(*) > 1) x");
        checks.put("concurrent-user seat sessions miscounted", "select count(*) from licence_seat l join licence_product p "
                + "on p.id = l.product_id where p.model = 'CONCURRENT_USER' and l.released_at is null and l.sessions <> "
                + "(select count(*) from licence_session ls join session s on s.id = ls.session_id "
                + "where s.state <> 'ENDED' and l.id = any(ls.seat_ids))");
        checks.put("concurrent-user seat held without a session", "select count(*) from licence_seat l join licence_product p "
                + "on p.id = l.product_id where p.model = 'CONCURRENT_USER' and l.released_at is null and l.sessions = 0");
        checks.put("licence seats of an ended session", "select count(*) from licence_session ls where not exists "
                + "(select 1 from session s where s.id = ls.session_id and s.state <> 'ENDED')");
        checks.put("desktop seat without its desktop", "select count(*) from licence_seat l join licence_product p "
                + "on p.id = l.product_id where p.model = 'PER_DESKTOP' and l.released_at is null and not exists "
                + "(select 1 from desktop d where d.id::text = l.holder)");
        // metering: every seat taken is one usage event, every seat given back one more (written with the seat)
        checks.put("licence seat without exactly its usage events", "select count(*) from licence_seat l left join "
                + "(select subject, count(*) filter (where type = 'licence.seat_taken') taken, "
                + "count(*) filter (where type = 'licence.seat_released') released from usage_event "
                + "where type in ('licence.seat_taken', 'licence.seat_released') group by subject) e "
                + "on e.subject = 'licence-seats/' || l.id "
                + "where coalesce(e.taken, 0) <> 1 or coalesce(e.released, 0) <> (case when l.released_at is null then 0 else 1 end)");
        checks.put("unfinished provisioning task without an owner", "select count(*) from provisioning_task t "
                + "where t.state = 'RUNNING' and t.lease_until < now() - make_interval(secs => " + slackSeconds + ")");
    }

    /** The checks with the brokers' defaults: a 10-minute prepare timeout, 30 s of slack. */
    public static LedgerChecks withDefaults() {
        return new LedgerChecks(600, 30);
    }

    /** Every check's name and its number of offending rows, zero ones included, in a fixed order. */
    public Map<String, Integer> run(Connection c) throws SQLException {
        Map<String, Integer> found = new LinkedHashMap<>();
        for (Map.Entry<String, String> check : checks.entrySet()) {
            try (PreparedStatement ps = c.prepareStatement(check.getValue()); ResultSet rs = ps.executeQuery()) {
                rs.next();
                found.put(check.getKey(), rs.getInt(1));
            }
        }
        return found;
    }

    /** {@link #run(Connection)} on a connection of its own. */
    public Map<String, Integer> run(String jdbcUrl, String user, String password) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            return run(c);
        }
    }

    /** {@link #run(Connection)} on a connection of the data source. */
    public Map<String, Integer> run(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            return run(c);
        }
    }

    /** Only the checks that found something. */
    public static Map<String, Integer> violations(Map<String, Integer> found) {
        Map<String, Integer> v = new LinkedHashMap<>();
        found.forEach((k, n) -> {
            if (n > 0) {
                v.put(k, n);
            }
        });
        return v;
    }
}
