package io.deskport.broker.licensing;

import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.deskport.broker.pools.DesktopAdded;
import io.deskport.broker.pools.DesktopPoolRemoved;
import io.deskport.broker.pools.DesktopRemoved;
import io.deskport.broker.shared.CallerTransaction;
import io.deskport.broker.tenancy.UserRemoved;

/**
 * Seats that follow their holders rather than sessions: a desktop's PER_DESKTOP seats from its creation to
 * its removal, and a removed user's seats. In the transaction that adds or removes the holder.
 */
@Component
class LicenceHolders {

    private static final Logger log = LoggerFactory.getLogger(LicenceHolders.class);

    private final JdbcClient jdbc;
    private final LicenceSeats seats;
    private final LicenceCapacity capacity;

    LicenceHolders(JdbcClient jdbc, LicenceSeats seats, LicenceCapacity capacity) {
        this.jdbc = jdbc;
        this.seats = seats;
        this.capacity = capacity;
    }

    /**
     * A new desktop takes a seat of each PER_DESKTOP product its pool consumes, or is refused:
     * LICENCE_EXHAUSTED rolls its addition back (the reconciler then notes why the pool stops growing).
     */
    @EventListener
    void on(DesktopAdded e) {
        CallerTransaction.require();
        for (UUID product : seats.desktopProducts(e.poolId())) {
            seats.refusingInWords(e.tenantId(), () -> jdbc.sql("update licence_seat set pool_id = ? where id = ?")
                    .params(e.poolId(), jdbc.sql("select hold_licence_seat(?, ?, ?, null, 0)")
                            .params(e.tenantId(), product, e.desktopId().toString()).query(Long.class).single())
                    .update());
        }
    }

    @EventListener
    void on(DesktopRemoved e) {
        CallerTransaction.require();
        capacity.giveBack(jdbc.sql("update licence_seat set released_at = clock_timestamp(), release_reason = 'DESKTOP_REMOVED' "
                        + "where pool_id = ? and holder = ? and released_at is null returning product_id")
                .params(e.poolId(), e.desktopId().toString()).query(UUID.class).list());
    }

    @EventListener
    void on(DesktopPoolRemoved e) {
        CallerTransaction.require();
        List<UUID> released = jdbc.sql("update licence_seat set released_at = clock_timestamp(), "
                        + "release_reason = 'DESKTOP_REMOVED' where pool_id = ? and released_at is null returning product_id")
                .param(e.poolId()).query(UUID.class).list();
        capacity.giveBack(released);
        if (!released.isEmpty()) {
            log.info("Pool {} removed: gave back {} desktop licence seat(s)", e.poolId(), released.size());
        }
    }

    /**
     * A removed user's seats go: named-user seats at once; a concurrent-user seat too (the user's sessions
     * end in the same transaction, and their release then finds nothing left to give back). Devices are not
     * the user's: a device's seat stays with the device.
     */
    @EventListener
    void on(UserRemoved e) {
        CallerTransaction.require();
        capacity.giveBack(jdbc.sql("update licence_seat set released_at = clock_timestamp(), release_reason = 'USER_REMOVED' "
                        + "where product_id in (select id from licence_product where tenant_id = ? "
                        + "and model in ('NAMED_USER', 'CONCURRENT_USER')) and holder = ? and released_at is null "
                        + "returning product_id")
                .params(e.tenantId(), e.userId().toString()).query(UUID.class).list());
    }

}
