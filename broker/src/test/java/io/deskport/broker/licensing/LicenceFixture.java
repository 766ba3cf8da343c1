package io.deskport.broker.licensing;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Licence products and licences for the hot path's tests, written the way the admin API writes them (the
 * rows, then the shards' capacity from the licence in force), so that a test of the connect does not hang on
 * the admin API's own rules. Public for the tests of other modules whose work needs a seat (provisioning's
 * PER_DESKTOP growth).
 */
public final class LicenceFixture {

    private final JdbcClient jdbc;
    private final LicenceCapacity capacity;
    private final TransactionTemplate tx;

    public LicenceFixture(ApplicationContext context) {
        this.jdbc = context.getBean(JdbcClient.class);
        this.capacity = context.getBean(LicenceCapacity.class);
        this.tx = new TransactionTemplate(context.getBean("transactionManager", PlatformTransactionManager.class));
    }

    public UUID product(UUID tenantId, String name, LicenceModel model, boolean releaseOnDisconnect, Integer unusedDays) {
        UUID id = UUID.randomUUID();
        tx.executeWithoutResult(s -> {
            jdbc.sql("insert into licence_product (id, tenant_id, name, vendor, sku, model, release_on_disconnect, unused_days) "
                    + "values (?, ?, ?, 'Test vendor', ?, ?, ?, ?)")
                    .params(id, tenantId, name, "SKU-" + name, model.name(), releaseOnDisconnect, unusedDays).update();
            capacity.createShards(id);
        });
        return id;
    }

    public UUID product(UUID tenantId, String name, LicenceModel model) {
        return product(tenantId, name, model, false, null);
    }

    /** A licence valid from an hour ago, for {@code days} days (null: perpetual). */
    public UUID licence(UUID productId, int seats, Enforcement enforcement, int margin, Instant from, Instant until, int graceDays) {
        UUID id = UUID.randomUUID();
        tx.executeWithoutResult(s -> {
            UUID tenant = jdbc.sql("select tenant_id from licence_product where id = ?").param(productId).query(UUID.class).single();
            jdbc.sql("insert into licence (id, tenant_id, product_id, seats, valid_from, valid_until, enforcement, "
                    + "overuse_margin, grace_days) values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(id, tenant, productId, seats, Timestamp.from(from), until == null ? null : Timestamp.from(until),
                            enforcement.name(), margin, graceDays).update();
            capacity.refresh(productId, now());
        });
        return id;
    }

    public UUID licence(UUID productId, int seats, Enforcement enforcement, int margin) {
        return licence(productId, seats, enforcement, margin, Instant.now().minusSeconds(3600), null, 0);
    }

    /**
     * Changes the seats of a licence, as the admin API does: the row, then the shards' capacity from the licence in
     * force, in one transaction (the seats in use stay where they are).
     */
    public void seats(UUID licenceId, int seats) {
        tx.executeWithoutResult(s -> {
            UUID product = jdbc.sql("update licence set seats = ?, updated_at = now(), version = version + 1 where id = ? "
                    + "returning product_id").params(seats, licenceId).query(UUID.class).single();
            capacity.refresh(product, now());
        });
    }

    public void require(UUID poolId, UUID productId) {
        jdbc.sql("insert into pool_licence (pool_id, product_id, tenant_id) select ?, id, tenant_id from licence_product "
                + "where id = ?").params(poolId, productId).update();
    }

    /** Seats held now, by the seat history. */
    public int held(UUID productId) {
        return jdbc.sql("select count(*) from licence_seat where product_id = ? and released_at is null").param(productId)
                .query(Integer.class).single();
    }

    /** Seats held now, by the shards. */
    public int counted(UUID productId) {
        return capacity.seatsInUse(productId, false);
    }

    public Instant now() {
        return jdbc.sql("select now()").query(Timestamp.class).single().toInstant();
    }
}
