package io.deskport.broker.licensing;

import java.time.Instant;
import java.util.UUID;

import io.deskport.broker.pools.PoolKind;

/**
 * A pool that consumes a licence product: its connects take a seat of the product (for a PER_DESKTOP product,
 * each of its desktops holds one).
 *
 * @param id the pool's id
 * @param name the pool's name
 * @param kind the pool's kind
 * @param enabled whether the pool takes connects
 * @param desktopSeats PER_DESKTOP: the seats its desktops hold now; null for the other models (their seats are the
 *        users' or devices', whatever pool they connect to)
 * @param createdAt when the pool was created
 */
public record ConsumingPool(UUID id, String name, PoolKind kind, boolean enabled, Integer desktopSeats,
                            Instant createdAt) {
}
