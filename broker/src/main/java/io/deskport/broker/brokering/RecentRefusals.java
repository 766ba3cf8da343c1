package io.deskport.broker.brokering;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.deskport.broker.pools.DesktopState;
import io.deskport.broker.pools.DesktopStateChanged;
import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.ProblemException;

/**
 * What this broker found a moment ago: a pool exhausted (or its hosts full), a tenant's quota used up.
 * In a refusal storm, hundreds of connects a second would each claim, fail, read the figures and roll
 * back, only to find the same thing; instead, for {@link SessionProperties#refusalMemory()} after a
 * refusal, a connect to that pool (or tenant) by a user without a session or desktop there is answered
 * with the same refusal and its figures after the first read — entitlement and reconnect are always
 * checked. A session ending, a desktop becoming ready or any admin change seen by this broker forgets
 * the finding at once; a change on another replica is seen when the memory runs out. So a refusal is
 * at most that much older than the state it reports, and says so ({@code checkedAt}).
 */
@Component
class RecentRefusals {

    private record Finding(ProblemException refusal, long until) {
    }

    private final Map<UUID, Finding> byPool = new ConcurrentHashMap<>();
    private final Map<UUID, Finding> byTenant = new ConcurrentHashMap<>();
    private final long memoryNanos;

    RecentRefusals(SessionProperties props) {
        this.memoryNanos = props.refusalMemory().toNanos();
    }

    /** The refusal a connect to the pool would meet now, if this broker found it a moment ago. */
    Optional<ProblemException> recent(UUID tenantId, UUID poolId) {
        if (memoryNanos == 0) {
            return Optional.empty();
        }
        long now = System.nanoTime();
        Finding f = byTenant.get(tenantId);
        if (f == null || f.until() - now < 0) {
            f = byPool.get(poolId);
        }
        return f == null || f.until() - now < 0 ? Optional.empty() : Optional.of(f.refusal());
    }

    /** A connect to the pool was refused for lack of capacity (POOL_EXHAUSTED, HOST_CAPACITY). */
    void poolRefused(UUID poolId, ProblemException refusal) {
        if (memoryNanos > 0) {
            byPool.put(poolId, new Finding(remembered(refusal), System.nanoTime() + memoryNanos));
        }
    }

    /** A connect of the tenant was refused for its quota. */
    void quotaRefused(UUID tenantId, ProblemException refusal) {
        if (memoryNanos > 0) {
            byTenant.put(tenantId, new Finding(remembered(refusal), System.nanoTime() + memoryNanos));
        }
    }

    /** The refusal as it is answered again: the same figures, and when they were read. */
    private static ProblemException remembered(ProblemException refusal) {
        Map<String, Object> figures = new LinkedHashMap<>(refusal.figures());
        figures.put("checkedAt", Instant.now().toString());
        return new ProblemException(refusal.reason(), refusal.getMessage(), figures);
    }

    @EventListener
    void on(SessionStateChanged e) {
        if (e.to() == SessionState.ENDED && e.poolId() != null && e.tenantId() != null) {
            byPool.remove(e.poolId());
            byTenant.remove(e.tenantId());
        }
    }

    @EventListener
    void on(DesktopStateChanged e) {
        if ((e.to() == DesktopState.READY || e.to() == DesktopState.STOPPED) && e.poolId() != null) {
            byPool.remove(e.poolId());
        }
    }

    @EventListener
    void on(AdminActionPerformed e) {
        // a desktop or host added, a quota raised, a pool changed: look again (platform actions have no tenant)
        if (e.tenantId() != null) {
            byTenant.remove(e.tenantId());
        } else {
            byTenant.clear();
        }
        byPool.clear();
    }
}
