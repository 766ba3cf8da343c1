package io.deskport.broker.licensing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.pools.DesktopPool;
import io.deskport.broker.pools.DesktopPools;
import io.deskport.broker.pools.PoolKind;
import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.ConfigurationTransactional;
import io.deskport.broker.shared.Listing;
import io.deskport.broker.shared.Page;
import io.deskport.broker.shared.PageParams;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.ProblemResponses.FieldError;
import io.deskport.broker.shared.Reason;

/**
 * Which licence products a pool consumes: a connect to the pool takes a seat of each (all or none), and for a
 * PER_DESKTOP product each of the pool's desktops holds one for as long as it exists.
 *
 * <p>Adding a PER_DESKTOP product to a pool that has desktops takes a seat for each of them in the same
 * transaction, or nothing when they do not all fit (LICENCE_EXHAUSTED with the figures); removing it gives
 * those seats back. Seats of the other models are the sessions': a session keeps what it took until it ends,
 * whatever the pool consumes meanwhile. Every change runs with the product's row locked, as the changes of its
 * licences do.
 */
@Service
public class PoolLicences {

    /** What a seat freed by this requirement's removal says it was freed by. */
    static final String REQUIREMENT_REMOVED = "REQUIREMENT_REMOVED";
    private static final String NO_SEAT_LEFT = "DPL01";

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final DesktopPools pools;
    private final LicenceProducts products;
    private final LicenceCapacity capacity;

    PoolLicences(JdbcClient jdbc, ApplicationEventPublisher events, DesktopPools pools, LicenceProducts products,
                 LicenceCapacity capacity) {
        this.jdbc = jdbc;
        this.events = events;
        this.pools = pools;
        this.products = products;
        this.capacity = capacity;
    }

    /**
     * A page of the products the pool consumes (as the product list: sort {@code name} (default), {@code createdAt}).
     *
     * @throws ProblemException NOT_FOUND unless the pool belongs to the tenant
     */
    @Transactional(readOnly = true)
    public Page<LicenceProduct> page(UUID tenantId, UUID poolId, PageParams page) {
        pools.get(tenantId, poolId);
        return products.page(tenantId, new LicenceProducts.ProductFilter(null, null, poolId), page);
    }

    /**
     * Filters of the pools consuming a product; null members do not filter.
     *
     * @param q words in the pool's name or description
     * @param kind only pools of this kind
     */
    public record ConsumerFilter(String q, PoolKind kind) {
    }

    // a product is consumed by few pools (pool_licence_by_product finds them); the seat count per pool reads the
    // held seats of the pool (licence_seat_by_pool)
    private static final String CONSUMER_COLUMNS = "pp.id, pp.name, pp.kind, pp.enabled, pp.created_at, "
            + "(select count(*) from licence_seat s where s.pool_id = pp.id and s.product_id = pl.product_id "
            + "and s.released_at is null) as desktop_seats";
    private static final String CONSUMER_FROM = "pool_licence pl join pools_pools pp on pp.id = pl.pool_id";

    private final Listing<ConsumingPool> consumers = Listing.of(CONSUMER_COLUMNS, CONSUMER_FROM, "pp.id",
                    Listing.Kind.UUID, PoolLicences::consumer)
            .sort("name", "pp.name", Listing.Kind.TEXT).sort("createdAt", "pp.created_at", Listing.Kind.TIME).build();

    /**
     * A page of the pools that consume the product (sort keys: {@code name} (default), {@code createdAt}).
     *
     * @throws ProblemException NOT_FOUND unless the product belongs to the tenant
     */
    @Transactional(readOnly = true)
    public Page<ConsumingPool> consumers(UUID tenantId, UUID productId, ConsumerFilter f, PageParams page) {
        boolean perDesktop = products.modelOf(tenantId, productId) == LicenceModel.PER_DESKTOP;
        Page<ConsumingPool> rows = consumers.page(jdbc, Listing.Where.of("pl.tenant_id = ? and pl.product_id = ?",
                        tenantId, productId)
                .and("pp.kind = ?", f.kind(), PoolKind::name)
                .text(f.q(), "pp.name", "pp.description"), page);
        return perDesktop ? rows : rows.map(p -> new ConsumingPool(p.id(), p.name(), p.kind(), p.enabled(), null,
                p.createdAt()));
    }

    private static ConsumingPool consumer(ResultSet rs, int n) throws SQLException {
        return new ConsumingPool(rs.getObject("id", UUID.class), rs.getString("name"),
                PoolKind.valueOf(rs.getString("kind")), rs.getBoolean("enabled"), rs.getInt("desktop_seats"),
                LicenceProducts.instant(rs.getTimestamp("created_at")));
    }

    /**
     * The pool consumes the product from now on (nothing changes when it does already).
     *
     * @return whether it did not before
     * @throws ProblemException NOT_FOUND (the pool or the product); VALIDATION_FAILED (a PER_DESKTOP product for
     *         a SHARED pool); LICENCE_EXHAUSTED (not enough seats for the pool's desktops, with the figures)
     */
    @ConfigurationTransactional
    public boolean add(AdminContext ctx, UUID poolId, UUID productId) {
        LicenceProductRecord product = products.lock(ctx.tenantId(), productId);
        DesktopPool pool = pools.find(ctx.tenantId(), poolId).body();
        if (product.model == LicenceModel.PER_DESKTOP && pool.kind() == PoolKind.SHARED) {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("errors", List.of(new FieldError("productId", "a PER_DESKTOP product counts a pool's own "
                    + "desktops, and a SHARED pool has none (its sessions run on session hosts): use a per-user or "
                    + "per-device product", productId)));
            figures.put("model", product.model.name());
            figures.put("poolKind", pool.kind().name());
            throw new ProblemException(Reason.VALIDATION_FAILED, "Licence product " + product.name + " is PER_DESKTOP "
                    + "and pool " + pool.name() + " is SHARED: it has no desktops of its own to count", figures);
        }
        int added = jdbc.sql("insert into pool_licence (pool_id, product_id, tenant_id) values (?, ?, ?) "
                + "on conflict do nothing").params(poolId, productId, ctx.tenantId()).update();
        if (added == 0) {
            return false;
        }
        int taken = product.model == LicenceModel.PER_DESKTOP ? takeDesktopSeats(ctx.tenantId(), product, pool) : 0;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("productId", productId);
        details.put("productName", product.name);
        details.put("model", product.model.name());
        if (product.model == LicenceModel.PER_DESKTOP) {
            details.put("desktopSeatsTaken", taken);
            details.put("seatsInUse", capacity.seatsInUse(productId, false));
        }
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "POOL_LICENCE_PRODUCT_ADDED",
                "DESKTOP_POOL", poolId.toString(), details));
        return true;
    }

    /**
     * The pool stops consuming the product (nothing changes when it does not); a PER_DESKTOP product's seats of
     * the pool's desktops are given back.
     *
     * @return whether it did before
     * @throws ProblemException NOT_FOUND (the pool or the product)
     */
    @ConfigurationTransactional
    public boolean remove(AdminContext ctx, UUID poolId, UUID productId) {
        LicenceProductRecord product = products.lock(ctx.tenantId(), productId);
        pools.find(ctx.tenantId(), poolId);
        int removed = jdbc.sql("delete from pool_licence where pool_id = ? and product_id = ?").params(poolId, productId)
                .update();
        if (removed == 0) {
            return false;
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("productId", productId);
        details.put("productName", product.name);
        details.put("model", product.model.name());
        if (product.model == LicenceModel.PER_DESKTOP) {
            List<Long> released = jdbc.sql("update licence_seat set released_at = clock_timestamp(), release_reason = ? "
                            + "where product_id = ? and pool_id = ? and released_at is null returning id")
                    .params(REQUIREMENT_REMOVED, productId, poolId).query(Long.class).list();
            capacity.giveBack(java.util.Collections.nCopies(released.size(), productId));
            details.put("desktopSeatsReleased", released.size());
        }
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "POOL_LICENCE_PRODUCT_REMOVED",
                "DESKTOP_POOL", poolId.toString(), details));
        return true;
    }

    /** A product a pool consumes. */
    public record Consumed(UUID productId, String name, LicenceModel model) {
    }

    /**
     * What licensing has of a pool, and so what removing it lets go.
     *
     * @param products the products the pool consumes (the requirement goes with the pool)
     * @param desktopSeats the PER_DESKTOP seats its desktops hold (given back with the pool)
     */
    public record Footprint(List<Consumed> products, int desktopSeats) {
    }

    /** @return what licensing has of the pool */
    @Transactional(readOnly = true)
    public Footprint footprint(UUID tenantId, UUID poolId) {
        List<Consumed> products = jdbc.sql("select p.id, p.name, p.model from pool_licence pl "
                        + "join licence_product p on p.id = pl.product_id where pl.tenant_id = ? and pl.pool_id = ? "
                        + "order by p.name, p.id")
                .params(tenantId, poolId)
                .query((rs, n) -> new Consumed(rs.getObject(1, UUID.class), rs.getString(2),
                        LicenceModel.valueOf(rs.getString(3))))
                .list();
        int seats = jdbc.sql("select count(*) from licence_seat where tenant_id = ? and pool_id = ? and released_at is null")
                .params(tenantId, poolId).query(Integer.class).single();
        return new Footprint(products, seats);
    }

    /**
     * A seat for each of the pool's desktops that holds none: all of them, or LICENCE_EXHAUSTED and nothing.
     *
     * @return the seats taken
     */
    private int takeDesktopSeats(UUID tenantId, LicenceProductRecord product, DesktopPool pool) {
        // the pool's row locked against a desktop being added meanwhile: a new desktop's row holds a key-share
        // lock on its pool until it commits, so either this waits and then sees it, or the new desktop waits
        // and then sees the requirement (LicenceHolders) — never a desktop that holds no seat
        jdbc.sql("select id from pools_pools where id = ? for update").param(pool.id()).query(UUID.class).list();
        List<UUID> desktops = jdbc.sql("select id from pools_desktops where tenant_id = ? and pool_id = ? order by id")
                .params(tenantId, pool.id()).query(UUID.class).list();
        if (desktops.isEmpty()) {
            return 0;
        }
        // the shards locked first: the figures below stay true until this transaction ends
        int inUse = capacity.seatsInUse(product.id, true);
        int held = jdbc.sql("select count(*) from licence_seat where product_id = ? and holder = any(?) "
                        + "and released_at is null")
                .params(product.id, desktops.stream().map(UUID::toString).toArray(String[]::new))
                .query(Integer.class).single();
        int needed = desktops.size() - held;
        int room = capacity.capacity(product.id) - inUse;
        // read now: after a refused seat the transaction can answer nothing more
        ProblemException refusal = exhausted(product, pool, needed, inUse);
        if (needed > room) {
            throw refusal;
        }
        try {
            // a desktop that holds a seat already joins it (no second seat)
            for (UUID desktop : desktops) {
                long seat = jdbc.sql("select hold_licence_seat(?, ?, ?, null, 0)")
                        .params(tenantId, product.id, desktop.toString()).query(Long.class).single();
                jdbc.sql("update licence_seat set pool_id = ? where id = ?").params(pool.id(), seat).update();
            }
        } catch (DataAccessException e) {
            // the shards' room is counted per shard: a seat the sum above allowed may still find none
            if (noSeatLeft(e)) {
                throw refusal;
            }
            throw e;
        }
        return needed;
    }

    private ProblemException exhausted(LicenceProductRecord product, DesktopPool pool, int needed, int inUse) {
        Optional<LicenceTerm> inForce = capacity.inForce(product.id, LicenceProducts.now(jdbc));
        int seats = inForce.map(LicenceTerm::seats).orElse(0);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("product", product.id);
        figures.put("productName", product.name);
        figures.put("model", product.model.name());
        figures.put("seats", seats);
        figures.put("seatsInUse", inUse);
        figures.put("capacity", capacity.capacity(product.id));
        figures.put("enforcement", inForce.map(t -> t.enforcement().name()).orElse(null));
        if (inForce.map(t -> t.enforcement() == Enforcement.SOFT).orElse(false)) {
            figures.put("overuseMargin", inForce.get().overuseMargin());
        }
        figures.put("needed", needed);
        figures.put("poolId", pool.id());
        return new ProblemException(Reason.LICENCE_EXHAUSTED, "Pool " + pool.name() + " has " + needed
                + " desktop(s) without a seat of " + product.name + ", which has " + seats + " seat(s)"
                + (inForce.isEmpty() ? " (no licence in force)" : "") + " with " + inUse + " in use: buy seats, or "
                + "remove desktops from the pool first. Nothing was changed", figures);
    }


    private static boolean noSeatLeft(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e && NO_SEAT_LEFT.equals(e.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
