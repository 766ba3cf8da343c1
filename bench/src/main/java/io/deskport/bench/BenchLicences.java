package io.deskport.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * The licence products of bench/licensing, and what the bench reads of their seats.
 *
 * <p>{@link #product} writes a product with a HARD licence in force the way the broker's admin API writes it
 * (the way {@code LicenceFixture} does in the broker's tests): the product row, its sixteen shard rows, the
 * licence row, then the shards' capacities from the licence (seats / 16, one more on the first seats % 16
 * shards). It goes straight to the database: the admin API for licences was not on main when this was written.
 * With it, this method and {@link #require}/{@link #unrequire} become {@code POST /api/v1/admin/licence-products}
 * {name, vendor, sku, model}, {@code POST /api/v1/admin/licence-products/{id}/licences} {seats, enforcement:
 * "HARD"} and {@code PUT}/{@code DELETE /api/v1/admin/pools/{poolId}/licence-products/{productId}}.
 */
final class BenchLicences {

    /** Shard rows per product, as the broker's {@code LicenceCapacity.SHARDS}. */
    private static final int SHARDS = 16;

    private final String url;
    private final String user;
    private final String password;

    BenchLicences(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /**
     * A product of the tenant with a HARD licence of {@code seats} seats, in force since an hour ago, perpetual.
     *
     * @param model {@code CONCURRENT_USER}, {@code NAMED_USER}, …
     * @return the product's id
     */
    UUID product(UUID tenant, String name, String model, int seats) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            update(c, "insert into licence_product (id, tenant_id, name, vendor, sku, model) values (?, ?, ?, 'Bench', ?, ?)",
                    id, tenant, name, "SKU-" + name, model);
            update(c, "insert into licence_seat_shard (product_id, shard) select ?, s from generate_series(0, ?) s",
                    id, SHARDS - 1);
            update(c, "insert into licence (id, tenant_id, product_id, seats, valid_from, enforcement) "
                    + "values (?, ?, ?, ?, now() - interval '1 hour', 'HARD')", UUID.randomUUID(), tenant, id, seats);
            for (int shard = 0; shard < SHARDS; shard++) {
                update(c, "update licence_seat_shard set capacity = ? where product_id = ? and shard = ?",
                        seats / SHARDS + (shard < seats % SHARDS ? 1 : 0), id, shard);
            }
            c.commit();
        }
        return id;
    }

    /** The pools' sessions consume the product from now on. */
    void require(List<UUID> pools, UUID product) throws SQLException {
        try (Connection c = connect()) {
            for (UUID pool : pools) {
                update(c, "insert into pool_licence (pool_id, product_id, tenant_id) select ?, id, tenant_id "
                        + "from licence_product where id = ?", pool, product);
            }
        }
    }

    /** The pools' sessions no longer consume the product (seats already held stay held). */
    void unrequire(List<UUID> pools, UUID product) throws SQLException {
        try (Connection c = connect()) {
            for (UUID pool : pools) {
                update(c, "delete from pool_licence where pool_id = ? and product_id = ?", pool, product);
            }
        }
    }

    /** @return the product's seats held now, by its seat history */
    int held(UUID product) throws SQLException {
        return count("select count(*) from licence_seat where product_id = ? and released_at is null", product);
    }

    /** @return shard rows (of any product) that count more seats than their capacity: over-allocated seats */
    int shardsOverCapacity() throws SQLException {
        return count("select count(*) from licence_seat_shard where used > capacity");
    }


    private int count(String sql, Object... params) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = prepare(c, sql, params); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, password);
    }

    private static void update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params)) {
            ps.executeUpdate();
        }
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        return ps;
    }
}
