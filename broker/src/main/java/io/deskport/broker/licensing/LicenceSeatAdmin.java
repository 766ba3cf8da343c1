package io.deskport.broker.licensing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.Listing;
import io.deskport.broker.shared.Page;
import io.deskport.broker.shared.PageParams;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

/**
 * The seats of a product as an admin sees and frees them: who holds one now, and the history of every holding.
 *
 * <p>Freeing a seat is what an admin does for a named user who left or a device that was retired: the seat is
 * released ({@code ADMIN}) and given back to the shards at once, in SQL, as the hot path gives seats back. A
 * seat that live sessions use is refused unless forced; forced, those sessions go on without it (their end
 * finds it released and gives nothing back twice), and the holder's next connect takes a seat again if one is
 * free. A desktop's seat (PER_DESKTOP) is not freed here while the desktop is in a pool that consumes the
 * product: it goes with the desktop, or with the pool's requirement.
 */
@Service
public class LicenceSeatAdmin {

    static final String TYPE = "LicenceSeat";
    /** What a seat an admin freed says it was freed by. */
    static final String ADMIN = "ADMIN";

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final LicenceProducts products;
    private final LicenceCapacity capacity;

    LicenceSeatAdmin(JdbcClient jdbc, ApplicationEventPublisher events, LicenceProducts products,
                     LicenceCapacity capacity) {
        this.jdbc = jdbc;
        this.events = events;
        this.products = products;
        this.capacity = capacity;
    }

    /**
     * Filters of the seat list.
     *
     * @param released false: the seats held now; true: the holdings that ended (the history)
     * @param userId only the seats taken for this user
     * @param q words in the holder, the user's name or the desktop's name
     */
    public record SeatFilter(boolean released, UUID userId, String q) {
    }

    private static final String COLUMNS = "s.id, s.product_id, s.holder, s.user_id, u.username, u.display_name, s.pool_id, "
            + "d.name as desktop_name, s.taken_at, s.last_used_at, s.sessions, s.released_at, s.release_reason";
    // a desktop's seat is held by the desktop's id as text; the other holders are not ids of desktops
    private static final String FROM = "licence_seat s "
            + "left join tenancy_users u on u.id = s.user_id and u.tenant_id = s.tenant_id "
            + "left join pools_desktops d on d.tenant_id = s.tenant_id and d.id = (case when s.pool_id is not null and "
            + "s.holder ~ '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$' "
            + "then s.holder::uuid end)";

    private final Listing<LicenceSeatHolding> listing = Listing.of(COLUMNS, FROM, "s.id", Listing.Kind.NUMBER,
                    LicenceSeatAdmin::map)
            .sort("takenAt", "s.taken_at", Listing.Kind.TIME).sort("lastUsedAt", "s.last_used_at", Listing.Kind.TIME)
            .sort("holder", "s.holder", Listing.Kind.TEXT).build();

    /**
     * A page of the product's seats (sort keys: {@code takenAt} (default), {@code lastUsedAt}, {@code holder}).
     *
     * @throws ProblemException NOT_FOUND unless the product belongs to the tenant
     */
    @Transactional(readOnly = true)
    public Page<LicenceSeatHolding> page(UUID tenantId, UUID productId, SeatFilter f, PageParams page) {
        products.modelOf(tenantId, productId);
        Listing.Where where = Listing.Where.of("s.tenant_id = ? and s.product_id = ?", tenantId, productId)
                .andIf(!f.released(), "s.released_at is null").andIf(f.released(), "s.released_at is not null")
                .and("s.user_id = ?", f.userId());
        if (f.q() != null && !f.q().isBlank()) {
            // the words name a holder, users or desktops: the users and desktops are found first (two small reads),
            // then the seats by their ids — an ilike on the joined names was tried against every seat of the history
            String pattern = Listing.contains(f.q());
            where.andAll("s.holder ilike ? or s.user_id = any(?) or (s.pool_id is not null and s.holder = any(?))", pattern,
                    jdbc.sql("select id from tenancy_users where tenant_id = ? and (username ilike ? or display_name ilike ?)")
                            .params(tenantId, pattern, pattern).query(UUID.class).list().toArray(UUID[]::new),
                    jdbc.sql("select id::text from pools_desktops where tenant_id = ? and name ilike ?")
                            .params(tenantId, pattern).query(String.class).list().toArray(String[]::new));
        }
        return listing.page(jdbc, where, page);
    }

    /**
     * Frees a held seat: released ({@code ADMIN}) and given back to the product's shards.
     *
     * @param force free it even while live sessions use it (they go on without it)
     * @throws ProblemException NOT_FOUND (the product, or a seat of it); INVALID_STATE (given back already, or a
     *         desktop's seat that its desktop still needs); IN_USE (live sessions use it, with how many)
     */
    @Transactional
    public void free(AdminContext ctx, UUID productId, long seatId, boolean force) {
        LicenceModel model = products.modelOf(ctx.tenantId(), productId);
        Held seat = jdbc.sql("select holder, user_id, sessions, pool_id, released_at, release_reason from licence_seat "
                        + "where id = ? and product_id = ? and tenant_id = ? for update")
                .params(seatId, productId, ctx.tenantId())
                .query((rs, n) -> new Held(rs.getString(1), rs.getObject(2, UUID.class), rs.getInt(3),
                        rs.getObject(4, UUID.class), LicenceProducts.instant(rs.getTimestamp(5)), rs.getString(6)))
                .optional().orElseThrow(() -> ProblemException.notFound(TYPE, seatId));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("objectType", TYPE);
        figures.put("seatId", seatId);
        figures.put("holder", seat.holder());
        figures.put("userId", seat.userId());
        figures.put("sessions", seat.sessions());
        if (seat.releasedAt() != null) {
            figures.put("releasedAt", seat.releasedAt());
            figures.put("releaseReason", seat.releaseReason());
            throw new ProblemException(Reason.INVALID_STATE, "Seat " + seatId + " was given back already, at "
                    + seat.releasedAt() + " (" + seat.releaseReason() + ")", figures);
        }
        if (model == LicenceModel.PER_DESKTOP && desktopNeedsIt(productId, seat.holder())) {
            figures.put("model", model.name());
            figures.put("poolId", seat.poolId());
            throw new ProblemException(Reason.INVALID_STATE, "Seat " + seatId + " is desktop " + seat.holder()
                    + "'s, which is in a pool that consumes this PER_DESKTOP product: it is given back when the desktop "
                    + "is deleted or the pool stops consuming the product", figures);
        }
        if (seat.sessions() > 0 && !force) {
            throw new ProblemException(Reason.IN_USE, "Seat " + seatId + " is used by " + seat.sessions()
                    + " live session(s); end them first, or send force=true to free it anyway (the sessions go on "
                    + "without it)", figures);
        }
        jdbc.sql("update licence_seat set released_at = clock_timestamp(), release_reason = ? where id = ?")
                .params(ADMIN, seatId).update();
        capacity.giveBack(java.util.List.of(productId));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("productId", productId);
        details.put("model", model.name());
        details.put("holder", seat.holder());
        details.put("userId", seat.userId());
        details.put("sessions", seat.sessions());
        details.put("forced", seat.sessions() > 0);
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "LICENCE_SEAT_FREED", "LICENCE_SEAT",
                Long.toString(seatId), details));
    }

    private record Held(String holder, UUID userId, int sessions, UUID poolId, Instant releasedAt, String releaseReason) {
    }

    /** @return whether the holder is a desktop in a pool that consumes the product */
    private boolean desktopNeedsIt(UUID productId, String holder) {
        UUID desktop;
        try {
            desktop = UUID.fromString(holder);
        } catch (IllegalArgumentException notADesktop) {
            return false;
        }
        return jdbc.sql("select count(*) from pools_desktops d join pool_licence pl on pl.pool_id = d.pool_id "
                        + "where d.id = ? and pl.product_id = ?")
                .params(desktop, productId).query(Integer.class).single() > 0;
    }

    private static LicenceSeatHolding map(ResultSet rs, int n) throws SQLException {
        return new LicenceSeatHolding(rs.getLong("id"), rs.getObject("product_id", UUID.class), rs.getString("holder"),
                rs.getObject("user_id", UUID.class), rs.getString("username"), rs.getString("display_name"),
                rs.getObject("pool_id", UUID.class), rs.getString("desktop_name"),
                LicenceProducts.instant(rs.getTimestamp("taken_at")), LicenceProducts.instant(rs.getTimestamp("last_used_at")),
                rs.getInt("sessions"), LicenceProducts.instant(rs.getTimestamp("released_at")),
                rs.getString("release_reason"));
    }
}
