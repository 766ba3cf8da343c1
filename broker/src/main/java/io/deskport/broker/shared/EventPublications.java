package io.deskport.broker.shared;

import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.events.IncompleteEventPublications;
import org.springframework.modulith.events.ResubmissionOptions;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Keeps Spring Modulith's event publication registry honest across broker replicas and crashes. An event a module
 * must not miss after its transaction — one handled by an {@code @ApplicationModuleListener}, asynchronously, in a
 * transaction of its own — is written to {@code event_publication} in the publishing transaction, and deleted when the
 * listener's transaction commits. A publication still there after {@link Settings#resubmitAfter()} failed, or its
 * broker died before the listener ran or finished (kill -9): it is handed to its listener again, on one broker at a
 * time (a PostgreSQL advisory lock), every {@link Settings#interval()}. Delivery is therefore at least once: every
 * such listener is idempotent.
 *
 * <p>Spring's own restart republication is off ({@code spring.modulith.events.republish-outstanding-events-on-restart}):
 * with several replicas on one table, a broker starting would hand out the publications another is still running.
 */
@Component
@org.springframework.boot.context.properties.EnableConfigurationProperties(EventPublications.Settings.class)
class EventPublications {

    private static final Logger log = LoggerFactory.getLogger(EventPublications.class);
    /** The advisory lock's key: "evtpub" in ASCII. */
    private static final long LOCK = 0x657674707562L;

    /**
     * {@code deskport.events.*}.
     *
     * @param resubmitAfter a publication not completed this long after it was published (or last resubmitted) is handed
     *        to its listener again
     * @param interval how often the registry is looked at
     */
    @ConfigurationProperties("deskport.events")
    record Settings(@DefaultValue("1m") Duration resubmitAfter, @DefaultValue("30s") Duration interval) {
    }

    private final IncompleteEventPublications incomplete;
    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Settings settings;

    EventPublications(IncompleteEventPublications incomplete, JdbcClient jdbc, PlatformTransactionManager transactions,
                      Settings settings) {
        this.incomplete = incomplete;
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(transactions);
        this.settings = settings;
    }

    @Scheduled(fixedDelayString = "${deskport.events.interval:30s}", initialDelayString = "${deskport.events.interval:30s}")
    void resubmitQuietly() {
        try {
            resubmit();
        } catch (RuntimeException e) {
            log.warn("Could not look at the event publication registry; again in {}: {}", settings.interval(), e.toString());
        }
    }

    /** @return how many publications were handed out again (0 when another broker holds the lock) */
    int resubmit() {
        Integer handed = tx.execute(status -> {
            if (!Boolean.TRUE.equals(jdbc.sql("select pg_try_advisory_xact_lock(?)").param(LOCK).query(Boolean.class)
                    .single())) {
                return 0;
            }
            int stale = jdbc.sql("select count(*) from event_publication where completion_date is null "
                            + "and coalesce(last_resubmission_date, publication_date) < now() - make_interval(secs => ?)")
                    .param(settings.resubmitAfter().toMillis() / 1000.0).query(Integer.class).single();
            if (stale > 0) {
                log.warn("Handing {} event publications to their listeners again (failed, or their broker stopped)",
                        stale);
                incomplete.resubmitIncompletePublications(ResubmissionOptions.defaults()
                        .withMinAge(settings.resubmitAfter()));
            }
            return stale;
        });
        return handed == null ? 0 : handed;
    }
}
