/**
 * Licences: products (what a seat is of, and what holds it: {@link io.deskport.broker.licensing.LicenceModel}),
 * licences (purchased seats with validity, enforcement and grace), the products a pool consumes, the seats and
 * their history, enforcement in the connect transaction, sweeps (unused seats, expiry, overuse) and compliance
 * reports. Public face: {@link io.deskport.broker.licensing.LicenceSeats} (the hot path's take and release),
 * {@link io.deskport.broker.licensing.LicenceSeatsInUse} (the seats in use now, for the dashboard) and the events of
 * this package.
 *
 * <p>How a seat is taken without a hot row: the product's capacity (the seats of the licence in force, plus
 * the margin of a SOFT one) is spread over sixteen shard rows ({@code licence_seat_shard}); a new holding takes
 * one from any shard with room that no concurrent transaction holds ({@code FOR UPDATE SKIP LOCKED}), in the
 * database function {@code take_licence_seats}, which the connect sends with its COMMIT: the shard row is
 * locked for the commit alone, and a product without room fails the commit, which rolls back everything the
 * connect took. Each holding is a row of {@code licence_seat} from {@code taken_at} to {@code released_at}:
 * the seat history the reports count from.
 */
@ApplicationModule(displayName = "Licensing", allowedDependencies = {"shared", "tenancy", "pools"})
@Tables(owns = {"licence_product", "licence", "pool_licence", "licence_seat_shard", "licence_seat", "licence_session",
        "licence_overuse"}, publishes = {"licensing_pool_products"})
package io.deskport.broker.licensing;

import org.springframework.modulith.ApplicationModule;

import io.deskport.broker.shared.Tables;
