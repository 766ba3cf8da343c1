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
 *
 * <p>A user knocking again within the memory is answered without reading anything
 * ({@link #recentForUser}): only when this broker found that same user, a moment ago, entitled to the pool,
 * the pool enabled, and no session or desktop of theirs in it. For that moment (at most the memory), an
 * entitlement taken away or a pool disabled on another replica still answers the remembered refusal
 * rather than its own (a refusal either way), and a session the user just got on another replica is
 * answered with the refusal rather than with the session; this broker's own changes (admin actions,
 * the user's sessions) forget the user at once.
 */
@Component
class RecentRefusals {

    private record Finding(ProblemException refusal, long until) {
    }

    private record UserPool(UUID userId, UUID poolId) {
    }

    /** Beyond this many remembered users, the expired ones are swept out at the next one. */
    private static final int SWEEP_ABOVE = 10_000;

    private final Map<UUID, Finding> byPool = new ConcurrentHashMap<>();
    private final Map<UUID, Finding> byTenant = new ConcurrentHashMap<>();
    /** Users found entitled, without a session or desktop in the pool, and refused: until when. */
    private final Map<UserPool, Long> checkedUsers = new ConcurrentHashMap<>();
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

    /**
     * The refusal a connect of the user would meet now, answered before any read: when this broker refused
     * the same user's connect to the pool a moment ago after finding them entitled without a session or
     * desktop there, and the pool's (or tenant's) refusal is still remembered.
     */
    Optional<ProblemException> recentForUser(UUID tenantId, UUID userId, UUID poolId) {
        if (memoryNanos == 0) {
            return Optional.empty();
        }
        Long until = checkedUsers.get(new UserPool(userId, poolId));
        if (until == null || until - System.nanoTime() < 0) {
            return Optional.empty();
        }
        return recent(tenantId, poolId);
    }

    /** The user's connect was refused after a read found them entitled, without a session or desktop in the pool. */
    void userRefused(UUID userId, UUID poolId) {
        if (memoryNanos == 0) {
            return;
        }
        long now = System.nanoTime();
        if (checkedUsers.size() > SWEEP_ABOVE) {
            checkedUsers.values().removeIf(until -> until - now < 0);
        }
        checkedUsers.put(new UserPool(userId, poolId), now + memoryNanos);
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
        if (e.userId() != null && e.poolId() != null) {
            checkedUsers.remove(new UserPool(e.userId(), e.poolId()));
        }
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
        checkedUsers.clear();
    }
}
