package io.deskport.broker.brokering;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.deskport.broker.pools.DesktopState;
import io.deskport.broker.pools.DesktopStateChanged;
import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

import static org.assertj.core.api.Assertions.assertThat;

/** What a broker remembers of a refusal a moment ago, and what makes it forget. */
class RecentRefusalsTest {

    private final UUID tenant = UUID.randomUUID();
    private final UUID pool = UUID.randomUUID();
    private final ProblemException exhausted = new ProblemException(Reason.POOL_EXHAUSTED, "full", Map.of("poolSize", 3));

    private static RecentRefusals remembering(Duration memory) {
        return new RecentRefusals(new SessionProperties(Duration.ofSeconds(5), Duration.ofMinutes(10), 0,
                Duration.ofSeconds(1), Duration.ofSeconds(1), memory, Duration.ofSeconds(10), Duration.ofSeconds(5), 256));
    }

    @Test
    void aRefusalIsAnsweredAgainWithItsFiguresAndWhenTheyWereRead() {
        RecentRefusals r = remembering(Duration.ofSeconds(5));
        r.poolRefused(pool, exhausted);
        ProblemException again = r.recent(tenant, pool).orElseThrow();
        assertThat(again.reason()).isEqualTo(Reason.POOL_EXHAUSTED);
        assertThat(again.figures()).containsEntry("poolSize", 3).containsKey("checkedAt");
        assertThat(r.recent(tenant, UUID.randomUUID())).as("another pool").isEmpty();
    }

    @Test
    void aFullQuotaRefusesEveryPoolOfTheTenant() {
        RecentRefusals r = remembering(Duration.ofSeconds(5));
        r.quotaRefused(tenant, new ProblemException(Reason.TENANT_QUOTA, "quota", Map.of()));
        assertThat(r.recent(tenant, UUID.randomUUID()).orElseThrow().reason()).isEqualTo(Reason.TENANT_QUOTA);
        assertThat(r.recent(UUID.randomUUID(), pool)).as("another tenant").isEmpty();
    }

    @Test
    void aSessionEndingADesktopBecomingReadyOrAnAdminChangeForgetsIt() {
        RecentRefusals r = remembering(Duration.ofSeconds(5));
        r.poolRefused(pool, exhausted);
        r.on(new SessionStateChanged(tenant, UUID.randomUUID(), pool, UUID.randomUUID(), SessionState.CONNECTED,
                SessionState.ENDED, EndReason.LOGOFF, null, null, CurrentUser.SYSTEM));
        assertThat(r.recent(tenant, pool)).isEmpty();

        r.poolRefused(pool, exhausted);
        r.on(new DesktopStateChanged(tenant, pool, UUID.randomUUID(), DesktopState.REFRESHING, DesktopState.READY));
        assertThat(r.recent(tenant, pool)).isEmpty();

        r.poolRefused(pool, exhausted);
        r.quotaRefused(tenant, new ProblemException(Reason.TENANT_QUOTA, "quota", Map.of()));
        // a platform-level action has no tenant: everything is looked at again
        r.on(new AdminActionPerformed(null, CurrentUser.SYSTEM, "TENANT_UPDATED", "TENANT", tenant.toString(), Map.of()));
        assertThat(r.recent(tenant, pool)).isEmpty();
    }

    @Test
    void withoutMemoryEveryConnectLooks() {
        RecentRefusals r = remembering(Duration.ZERO);
        r.poolRefused(pool, exhausted);
        assertThat(r.recent(tenant, pool)).isEmpty();
    }
}
