package io.deskport.broker.licensing;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import io.deskport.broker.shared.CallerTransaction;

/**
 * A product's capacity on its shard rows: the capacity of the licence in force, spread over
 * {@value #SHARDS} rows, keeping the seats in use (which may exceed a lowered capacity: those holders keep
 * their seats, new ones are refused until enough are given back).
 */
@Component
class LicenceCapacity {

    static final int SHARDS = 16;

    private final JdbcClient jdbc;

    LicenceCapacity(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates the shard rows of a new product (no capacity until a licence is in force). */
    void createShards(UUID productId) {
        CallerTransaction.require();
        jdbc.sql("insert into licence_seat_shard (product_id, shard) select ?, s from generate_series(0, ?) s")
                .params(productId, SHARDS - 1).update();
    }

    /** The product's licences, oldest first. */
    List<LicenceTerm> terms(UUID productId) {
        return jdbc.sql("select id, seats, valid_from, valid_until, enforcement, overuse_margin, grace_days from licence "
                        + "where product_id = ? order by valid_from")
                .param(productId)
                .query((rs, n) -> new LicenceTerm(rs.getObject(1, UUID.class), rs.getInt(2),
                        rs.getTimestamp(3).toInstant(), rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant(),
                        Enforcement.valueOf(rs.getString(5)), rs.getInt(6), rs.getInt(7)))
                .list();
    }

    /** @return the licence in force now, from the database's clock */
    Optional<LicenceTerm> inForce(UUID productId, Instant now) {
        return LicenceTerm.inForce(terms(productId), now);
    }

    /**
     * Sets the shards' capacities from the licence in force at {@code now}, in the caller's transaction,
     * with the shard rows locked (in shard order, as every full-product change locks them).
     *
     * @return the capacity now
     */
    int refresh(UUID productId, Instant now) {
        CallerTransaction.require();
        int used = seatsInUse(productId, true);
        int capacity = inForce(productId, now).map(LicenceTerm::capacity).orElse(0);
        int left = used;
        for (int shard = 0; shard < SHARDS; shard++) {
            int mine = capacity / SHARDS + (shard < capacity % SHARDS ? 1 : 0);
            int usedHere = shard == SHARDS - 1 ? left : Math.min(mine, left);
            left -= usedHere;
            jdbc.sql("update licence_seat_shard set capacity = ?, used = ? where product_id = ? and shard = ?")
                    .params(mine, usedHere, productId, shard).update();
        }
        return capacity;
    }

    /**
     * Gives one shard seat back for each seat released (a product listed once per seat), in product order as
     * seats are taken, in the caller's transaction.
     */
    void giveBack(java.util.Collection<UUID> productsOfReleasedSeats) {
        CallerTransaction.require();
        productsOfReleasedSeats.stream().sorted().forEach(p ->
                jdbc.sql("select give_back_licence_shard(?)").param(p).query((rs, n) -> 0).list());
    }

    /** @return the capacity the shards give now */
    int capacity(UUID productId) {
        return jdbc.sql("select coalesce(sum(capacity), 0) from licence_seat_shard where product_id = ?")
                .param(productId).query(Integer.class).single();
    }

    /**
     * @param lock lock the shard rows (in shard order) first, so that no seat is taken or given back meanwhile
     * @return the seats in use: the shards' count, which equals the held rows of {@code licence_seat}
     */
    int seatsInUse(UUID productId, boolean lock) {
        return jdbc.sql(lock
                        ? "select coalesce(sum(used), 0) from (select used from licence_seat_shard where product_id = ? "
                        + "order by shard for update) s"
                        : "select coalesce(sum(used), 0) from licence_seat_shard where product_id = ?")
                .param(productId).query(Integer.class).single();
    }
}
