package io.deskport.broker.tenancy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

/**
 * The tenant's counters, moved with conditional updates inside the caller's transaction so that no
 * number of concurrent brokers can push a tenant past its quota.
 */
@Service
@Transactional(propagation = Propagation.MANDATORY)
public class TenantQuotas {

    private final JdbcClient jdbc;

    TenantQuotas(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Fails fast, without locking, when the tenant is visibly at its session quota; the binding check is
     * {@link #takeSessionSlot}.
     *
     * @throws ProblemException TENANT_QUOTA with the figures
     */
    @Transactional(propagation = Propagation.SUPPORTS, readOnly = true)
    public void checkSessionQuota(UUID tenantId) {
        var counts = jdbc.sql("select active_sessions, max_concurrent_sessions from tenant where id = ?")
                .param(tenantId)
                .query((rs, n) -> new int[] {rs.getInt(1), rs.getInt(2)}).single();
        if (counts[0] >= counts[1]) {
            throw sessionQuotaReached(counts[0], counts[1]);
        }
    }

    /**
     * Takes one concurrent-session slot. Call it last in the connect transaction: the tenant row stays
     * locked until commit.
     *
     * @throws ProblemException TENANT_QUOTA when no slot is left (the caller's transaction rolls back)
     */
    public void takeSessionSlot(UUID tenantId) {
        int updated = jdbc.sql("update tenant set active_sessions = active_sessions + 1 "
                        + "where id = ? and active_sessions < max_concurrent_sessions")
                .param(tenantId).update();
        if (updated == 0) {
            var counts = jdbc.sql("select active_sessions, max_concurrent_sessions from tenant where id = ?")
                    .param(tenantId).query((rs, n) -> new int[] {rs.getInt(1), rs.getInt(2)}).single();
            throw sessionQuotaReached(counts[0], counts[1]);
        }
    }

    /** Gives back the slot of a session that ended. */
    public void releaseSessionSlot(UUID tenantId) {
        jdbc.sql("update tenant set active_sessions = active_sessions - 1 where id = ? and active_sessions > 0")
                .param(tenantId).update();
    }

    /**
     * Counts one more desktop against the tenant's desktop quota.
     *
     * @throws ProblemException TENANT_QUOTA when the tenant has its maximum of desktops
     */
    public void reserveDesktop(UUID tenantId) {
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
        jdbc.sql("update tenant set desktop_count = desktop_count - 1 where id = ? and desktop_count > 0")
                .param(tenantId).update();
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
