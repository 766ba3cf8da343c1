package io.deskport.broker.licensing;

import java.sql.ResultSet;
import java.sql.SQLException;
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
 * Publishes {@link LicenceSeatTaken} and {@link LicenceSeatReleased} after the seats' transactions
 * committed. Seats are taken inside a database function sent with a connect's COMMIT, where no Java code
 * runs; the seat's row itself is the outbox: {@code announced} says what was published of it, and a partial
 * index holds the rows with something left to publish. Any replica relays: rows are locked with
 * {@code SKIP LOCKED}, published and marked in one transaction, so each is published once per commit of the
 * relay (again only if the relay dies between publishing and committing). A row committed late is simply
 * found by a later pass: nothing is skipped, whatever order the seats' transactions commit in.
 */
@Component
class LicenceSeatRelay {

    private static final Logger log = LoggerFactory.getLogger(LicenceSeatRelay.class);
    private static final int BATCH = 500;

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;

    LicenceSeatRelay(JdbcClient jdbc, ApplicationEventPublisher events, PlatformTransactionManager txManager) {
        this.jdbc = jdbc;
        this.events = events;
        this.tx = new TransactionTemplate(txManager);
    }

    private record Row(long id, UUID tenantId, UUID productId, LicenceModel model, String holder, UUID userId,
                       Instant takenAt, Instant releasedAt, String reason, int announced) {
    }

    @Scheduled(fixedDelayString = "${deskport.licensing.relay-interval:1s}", initialDelayString = "${deskport.licensing.relay-interval:1s}")
    void relay() {
        try {
            int n;
            do {
                n = relayOnce();
            } while (n == BATCH);
        } catch (RuntimeException e) {
            log.warn("Licence seat relay pass failed; it runs again shortly: {}", e.getMessage());
        }
    }

    /** Publishes one batch; returns how many seats it covered. */
    int relayOnce() {
        Integer n = tx.execute(status -> {
            List<Row> rows = jdbc.sql("select s.id, s.tenant_id, s.product_id, p.model, s.holder, s.user_id, s.taken_at, "
                            + "s.released_at, s.release_reason, s.announced from licence_seat s "
                            + "join licence_product p on p.id = s.product_id "
                            + "where s.announced = 0 or (s.announced = 1 and s.released_at is not null) "
                            + "order by s.id limit " + BATCH + " for update of s skip locked")
                    .query(LicenceSeatRelay::map).list();
            if (rows.isEmpty()) {
                return 0;
            }
            for (Row r : rows) {
                if (r.announced() == 0) {
                    events.publishEvent(new LicenceSeatTaken(r.tenantId(), r.productId(), r.model(), r.id(), r.holder(),
                            r.userId(), r.takenAt()));
                }
                if (r.releasedAt() != null) {
                    events.publishEvent(new LicenceSeatReleased(r.tenantId(), r.productId(), r.model(), r.id(),
                            r.holder(), r.userId(), r.takenAt(), r.releasedAt(), r.reason()));
                }
            }
            jdbc.sql("update licence_seat set announced = case when released_at is null then 1 else 2 end "
                    + "where id = any(?)").param(rows.stream().map(Row::id).toArray(Long[]::new)).update();
            return rows.size();
        });
        return n == null ? 0 : n;
    }

    private static Row map(ResultSet rs, int n) throws SQLException {
        return new Row(rs.getLong(1), rs.getObject(2, UUID.class), rs.getObject(3, UUID.class),
                LicenceModel.valueOf(rs.getString(4)), rs.getString(5), rs.getObject(6, UUID.class),
                rs.getTimestamp(7).toInstant(), rs.getTimestamp(8) == null ? null : rs.getTimestamp(8).toInstant(),
                rs.getString(9), rs.getInt(10));
    }
}
