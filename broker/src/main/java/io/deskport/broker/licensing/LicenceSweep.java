package io.deskport.broker.licensing;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The licences' clock: seats unused for the product's days are given back; a product's capacity follows
 * the licence in force (a licence starts, ends, its grace period runs out), and a product left with no
 * licence in force gives back the assigned seats nobody is using; licences about to end are announced (30,
 * 7 and 1 days before); overuse periods are recorded and alerted. One replica sweeps at a time (an advisory
 * lock held for the pass, which is one short transaction).
 */
@Component
class LicenceSweep {

    private static final Logger log = LoggerFactory.getLogger(LicenceSweep.class);
    /** The advisory lock that keeps one replica sweeping ("licence" in ASCII). */
    private static final long LOCK = 0x6c6963656e6365L;
    private static final int[] NOTICES = {30, 7, 1};

    private final JdbcClient jdbc;
    private final LicenceCapacity capacity;
    private final OveruseAlerts overuse;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;

    LicenceSweep(JdbcClient jdbc, LicenceCapacity capacity, OveruseAlerts overuse, ApplicationEventPublisher events,
                 PlatformTransactionManager txManager) {
        this.jdbc = jdbc;
        this.capacity = capacity;
        this.overuse = overuse;
        this.events = events;
        this.tx = new TransactionTemplate(txManager);
    }

    @Scheduled(fixedDelayString = "${deskport.licensing.sweep-interval:30s}", initialDelayString = "${deskport.licensing.sweep-interval:30s}")
    void sweep() {
        try {
            sweepNow();
        } catch (RuntimeException e) {
            log.warn("Licence sweep failed; it runs again shortly: {}", e.getMessage());
        }
    }

    /** One pass (when no other replica is sweeping): what each step changed, for tests and logs. */
    record Pass(boolean ran, int unusedReleased, int capacitiesChanged, int expiredReleased, int notices, int overuse) {
    }

    Pass sweepNow() {
        // one short transaction holds the lock for the pass; every step is also safe when two replicas run it
        // at once (conditional updates, SKIP LOCKED), the lock only spares the second one the work
        Pass done = tx.execute(status -> {
            if (!Boolean.TRUE.equals(jdbc.sql("select pg_try_advisory_xact_lock(?)").param(LOCK).query(Boolean.class).single())) {
                return new Pass(false, 0, 0, 0, 0, 0);
            }
            int unused = releaseUnused();
            int[] changed = followLicencesInForce();
            int notices = announceExpiring();
            int overuseChanges = overuse.record();
            return new Pass(true, unused, changed[0], changed[1], notices, overuseChanges);
        });
        if (done != null && done.unusedReleased() + done.capacitiesChanged() + done.expiredReleased() + done.notices()
                + done.overuse() > 0) {
            log.info("Licence sweep: {}", done);
        }
        return done;
    }

    /** NAMED_USER and PER_DEVICE seats nobody used for the product's unused days. */
    private int releaseUnused() {
        List<UUID> products = jdbc.sql("update licence_seat s set released_at = clock_timestamp(), release_reason = 'UNUSED' "
                        + "from licence_product p where p.id = s.product_id and p.unused_days is not null "
                        + "and p.model in ('NAMED_USER', 'PER_DEVICE') and s.released_at is null and s.sessions = 0 "
                        + "and s.last_used_at < now() - make_interval(days => p.unused_days) returning s.product_id")
                .query(UUID.class).list();
        capacity.giveBack(products);
        return products.size();
    }

    /**
     * Products whose shard capacity is not the capacity of the licence in force now (the same rule as
     * {@link LicenceTerm#inForce}, in SQL to find them; the capacity itself is set by {@link LicenceCapacity}).
     *
     * @return capacities changed, assigned seats given back because no licence is in force
     */
    private int[] followLicencesInForce() {
        List<UUID> stale = jdbc.sql("""
                with in_force as (
                    select distinct on (l.product_id) l.product_id,
                           l.seats + case when l.enforcement = 'SOFT' then l.overuse_margin else 0 end as capacity
                    from licence l
                    where l.valid_from <= now()
                      and (l.valid_until is null or now() < l.valid_until + make_interval(days => l.grace_days))
                    order by l.product_id, (l.valid_until is null or now() < l.valid_until) desc, l.valid_until desc
                )
                select p.id from licence_product p left join in_force f on f.product_id = p.id
                where coalesce(f.capacity, 0) <> (select coalesce(sum(capacity), 0) from licence_seat_shard where product_id = p.id)
                order by p.id""").query(UUID.class).list();
        Instant now = now();
        int released = 0;
        for (UUID product : stale) {
            int cap = capacity.refresh(product, now);
            if (cap == 0 && capacity.inForce(product, now).isEmpty()) {
                List<UUID> gone = jdbc.sql("update licence_seat s set released_at = clock_timestamp(), release_reason = 'EXPIRED' "
                                + "from licence_product p where p.id = s.product_id and p.id = ? "
                                + "and p.model in ('NAMED_USER', 'PER_DEVICE') and s.released_at is null and s.sessions = 0 "
                                + "returning s.product_id").param(product).query(UUID.class).list();
                capacity.giveBack(gone);
                released += gone.size();
                if (!gone.isEmpty()) {
                    log.info("Licence product {} has no licence in force: gave back {} unused assigned seat(s)", product,
                            gone.size());
                }
            }
        }
        return new int[] {stale.size(), released};
    }

    /** Licences that end within 30, 7 or 1 days and whose notice for that many days is not out yet. */
    private int announceExpiring() {
        record Due(UUID id, UUID tenantId, UUID productId, String product, int seats, Instant until, int graceDays,
                   Integer notified, boolean renewed) {
        }
        List<Due> due = jdbc.sql("select l.id, l.tenant_id, l.product_id, p.name, l.seats, l.valid_until, l.grace_days, "
                        + "l.expiry_notified, exists (select 1 from licence n where n.product_id = l.product_id "
                        + "and n.id <> l.id and n.valid_from >= l.valid_until) from licence l "
                        + "join licence_product p on p.id = l.product_id where l.valid_until > now() "
                        + "and l.valid_until <= now() + interval '30 days' for update of l skip locked")
                .query((rs, n) -> new Due(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getObject(3, UUID.class), rs.getString(4), rs.getInt(5), rs.getTimestamp(6).toInstant(),
                        rs.getInt(7), (Integer) rs.getObject(8), rs.getBoolean(9)))
                .list();
        Instant now = now();
        int sent = 0;
        for (Due d : due) {
            Duration left = Duration.between(now, d.until());
            int notice = 0;
            for (int days : NOTICES) {
                if (left.compareTo(Duration.ofDays(days)) <= 0) {
                    notice = days;
                }
            }
            if (notice == 0 || (d.notified() != null && d.notified() <= notice)) {
                continue;
            }
            jdbc.sql("update licence set expiry_notified = ? where id = ?").params(notice, d.id()).update();
            events.publishEvent(new LicenceExpiring(d.tenantId(), d.productId(), d.product(), d.id(), d.seats(), notice,
                    d.until(), d.until().plus(Duration.ofDays(d.graceDays())), d.renewed()));
            sent++;
        }
        return sent;
    }

    private Instant now() {
        return jdbc.sql("select now()").query(Timestamp.class).single().toInstant();
    }

}
