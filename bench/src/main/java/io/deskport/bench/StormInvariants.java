package io.deskport.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** The broker's invariants, checked straight from the database after each phase of the storm. */
final class StormInvariants {

    private static final Map<String, String> CHECKS = new LinkedHashMap<>();

    static {
        CHECKS.put("desktop with two live sessions", "select count(*) from (select desktop_id from session "
                + "where state <> 'ENDED' and desktop_id is not null group by desktop_id having count(*) > 1) x");
        CHECKS.put("live session on a desktop not in use by its user", "select count(*) from session s "
                + "join desktop d on d.id = s.desktop_id where s.state in ('READY', 'CONNECTED', 'DISCONNECTED') "
                + "and (d.state <> 'IN_USE' or d.assigned_user_id is distinct from s.user_id)");
        CHECKS.put("desktop in use without a live session", "select count(*) from desktop d where d.state = 'IN_USE' "
                + "and not exists (select 1 from session s where s.desktop_id = d.id and s.state <> 'ENDED')");
        CHECKS.put("host above max sessions or miscounted", "select count(*) from session_host h "
                + "where h.active_sessions > h.max_sessions or h.active_sessions <> (select count(*) from session s "
                + "where s.session_host_id = h.id and s.state <> 'ENDED')");
        CHECKS.put("tenant above quota or miscounted", "select count(*) from tenant t "
                + "where (select sum(s.used) from tenant_session_seats s where s.tenant_id = t.id) > t.max_concurrent_sessions "
                + "or (select sum(s.used) from tenant_session_seats s where s.tenant_id = t.id) <> "
                + "(select count(*) from session s where s.tenant_id = t.id and s.state <> 'ENDED') "
                + "or exists (select 1 from tenant_session_seats s where s.tenant_id = t.id and s.used > s.capacity)");
        CHECKS.put("user with two live sessions in one pool", "select count(*) from (select 1 from session "
                + "where state <> 'ENDED' group by pool_id, user_id having count(*) > 1) x");
        CHECKS.put("persistent user with two desktops", "select count(*) from (select 1 from desktop "
                + "where assigned_user_id is not null group by pool_id, assigned_user_id having count(*) > 1) x");
    }

    private final String url;
    private final String user;
    private final String password;

    StormInvariants(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** @return the number of violations found; each kind found is printed */
    int check(String phase) throws SQLException {
        int total = 0;
        try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement()) {
            for (var e : CHECKS.entrySet()) {
                try (ResultSet rs = st.executeQuery(e.getValue())) {
                    rs.next();
                    int n = rs.getInt(1);
                    if (n > 0) {
                        System.out.printf("  VIOLATION after %s: %s ×%d%n", phase, e.getKey(), n);
                    }
                    total += n;
                }
            }
        }
        return total;
    }

    int liveSessions(UUID tenant) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password);
             var ps = c.prepareStatement("select count(*) from session where tenant_id = ? and state <> 'ENDED'")) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
