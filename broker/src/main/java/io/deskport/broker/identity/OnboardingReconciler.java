package io.deskport.broker.identity;

import java.time.Duration;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Undoes onboardings a broker left pending ({@code identity_onboarding} rows older than {@link #STALE}: their broker
 * died or gave up mid-way), on start and every few minutes, on one broker at a time (a PostgreSQL advisory lock held
 * by the transaction that reads the rows). What Keycloak got for them is removed ({@link TenantOnboarding#undo}); a
 * live onboarding finishes well within {@link #STALE} (each Keycloak call times out after 30 s).
 */
@Component
class OnboardingReconciler {

    private static final Logger log = LoggerFactory.getLogger(OnboardingReconciler.class);
    static final Duration STALE = Duration.ofMinutes(10);
    /** The advisory lock's key: "onboard" in ASCII. */
    private static final long LOCK = 0x6f6e626f617264L;

    private record Pending(String slug, boolean dedicatedRealm, String firstAdmin) {
    }

    private final JdbcClient jdbc;
    private final TenantOnboarding onboarding;
    private final TransactionTemplate tx;

    OnboardingReconciler(JdbcClient jdbc, TenantOnboarding onboarding, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.onboarding = onboarding;
        this.tx = new TransactionTemplate(transactions);
    }

    @EventListener(ApplicationReadyEvent.class)
    void onStart() {
        Thread.ofVirtual().name("onboarding-reconciler").start(this::reconcileQuietly);
    }

    @Scheduled(fixedDelay = 300_000, initialDelay = 300_000)
    void reconcileQuietly() {
        try {
            reconcile(STALE);
        } catch (RuntimeException e) {
            log.warn("Could not reconcile pending tenant onboardings: {}", e.toString());
        }
    }

    /**
     * Undoes the onboardings pending for longer than {@code olderThan}.
     *
     * @return how many were looked at (0 when another broker holds the lock)
     */
    int reconcile(Duration olderThan) {
        Integer done = tx.execute(status -> {
            if (!jdbc.sql("select pg_try_advisory_xact_lock(?)").param(LOCK).query(Boolean.class).single()) {
                return 0;
            }
            List<Pending> stale = jdbc.sql("select slug, dedicated_realm, first_admin from identity_onboarding "
                            + "where started_at < now() - make_interval(secs => ?)")
                    .param((double) olderThan.toSeconds())
                    .query((rs, n) -> new Pending(rs.getString(1), rs.getBoolean(2), rs.getString(3))).list();
            for (Pending p : stale) {
                log.warn("Undoing the onboarding of tenant '{}' that a broker left pending", p.slug());
                onboarding.undo(p.slug(), p.dedicatedRealm(), p.firstAdmin());
            }
            return stale.size();
        });
        return done == null ? 0 : done;
    }
}
