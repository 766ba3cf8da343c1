package io.deskport.broker.licensing;

import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.CallerTransaction;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.shared.WritesWithCommit;

/**
 * The seats sessions take and give back, in the transactions that create, disconnect, reconnect and end
 * them. Taking is one statement sent with the connect's COMMIT ({@link WritesWithCommit#append}): the
 * database function {@code take_licence_seats} takes a seat of every product the pool's sessions consume,
 * joins the seat its holder already has (a named user's, a device's, a concurrent user's second session),
 * and raises when a product has no room left; the commit then fails and nothing the connect took stays.
 * {@link #seatRefusal} turns that failure into LICENCE_EXHAUSTED with the figures.
 *
 * <p>Refusal: 503 LICENCE_EXHAUSTED, like the other "no room now" refusals (POOL_EXHAUSTED, HOST_CAPACITY):
 * seats come back when someone logs off, and the client may try again.
 */
@Service
public class LicenceSeats {

    private static final Logger log = LoggerFactory.getLogger(LicenceSeats.class);
    /** {@code take_licence_shard}: the product (the message) has no seat left. */
    static final String NO_SEAT_LEFT = "DPL01";
    /** {@code take_licence_seats}: a PER_DEVICE product (the message) and the client sent no device id. */
    static final String NO_DEVICE_ID = "DPL02";
    private static final Pattern UUID_TEXT = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** What a client may send as its device id: a stable id it made up (the portal: a random UUID it keeps). */
    public static final Pattern DEVICE_ID = Pattern.compile("[A-Za-z0-9._:-]{8,64}");

    private final JdbcClient jdbc;
    private final WritesWithCommit writes;
    private final LicenceCapacity capacity;

    LicenceSeats(JdbcClient jdbc, WritesWithCommit writes, LicenceCapacity capacity) {
        this.jdbc = jdbc;
        this.writes = writes;
        this.capacity = capacity;
    }

    /**
     * A new session takes the seats its pool's products need, with the transaction's COMMIT.
     *
     * @param deviceId the client's device id, or null when it sent none
     */
    public void takeForSession(UUID tenantId, UUID poolId, UUID sessionId, UUID userId, String deviceId) {
        CallerTransaction.require();
        writes.append("select take_licence_seats(?, ?, ?, ?, ?)", tenantId, poolId, sessionId, userId, deviceId);
    }

    /**
     * A disconnected session is returned to its user: the seats it gave back at disconnect are taken again,
     * with the transaction's COMMIT (nothing, when it gave none back).
     */
    public void takeBackWithCommit(UUID sessionId) {
        CallerTransaction.require();
        writes.append("select retake_licence_seats(?)", sessionId);
    }

    /**
     * A disconnected session's tunnel attaches again: the seats it gave back at disconnect are taken now,
     * before the session counts as connected.
     *
     * @throws ProblemException LICENCE_EXHAUSTED when one of them has no seat left
     */
    public void takeBackAtReconnect(UUID tenantId, UUID sessionId) {
        CallerTransaction.require();
        refusingInWords(tenantId, () -> jdbc.sql("select retake_licence_seats(?)").param(sessionId)
                .query((rs, n) -> 0).list());
    }

    /**
     * Runs a statement that may be refused a seat, behind a savepoint: a refusal rolls back to it, so that the
     * transaction can still read the figures for the refusal (the caller's transaction then rolls back anyway).
     *
     * @throws ProblemException LICENCE_EXHAUSTED or DEVICE_ID_REQUIRED with the figures
     */
    void refusingInWords(UUID tenantId, Runnable statement) {
        jdbc.sql("savepoint licence_seat").update();
        try {
            statement.run();
        } catch (DataAccessException e) {
            jdbc.sql("rollback to savepoint licence_seat").update();
            throw seatRefusal(tenantId, e).orElseThrow(() -> e);
        }
        jdbc.sql("release savepoint licence_seat").update();
    }

    /** A session ended: its seats count one session less, and concurrent-user seats nobody uses are given back. */
    public void releaseForSession(UUID sessionId, String reason) {
        CallerTransaction.require();
        writes.append("select release_licence_seats(?, false, ?)", sessionId, reason);
    }

    /**
     * What ending these sessions at once would give back of the concurrent-user seats: each seat that no live
     * session other than these uses. (Named-user and device seats stay with their holders.)
     */
    @Transactional(readOnly = true)
    public int concurrentSeatsFreedBy(UUID tenantId, Collection<UUID> sessionIds) {
        if (sessionIds.isEmpty()) {
            return 0;
        }
        // per seat, how many of these sessions use it; a seat used by no other session goes
        return jdbc.sql("select count(*) from (select seat_id, count(*) as n from (select unnest(l.seat_ids) as seat_id "
                        + "from licence_session l where l.session_id = any(?)) x group by seat_id) e "
                        + "join licence_seat s on s.id = e.seat_id join licence_product p on p.id = s.product_id "
                        + "where s.tenant_id = ? and p.model = 'CONCURRENT_USER' and s.released_at is null "
                        + "and s.sessions <= e.n")
                .params(sessionIds.toArray(UUID[]::new), tenantId).query(Integer.class).single();
    }

    /** A session disconnected: it gives back the seats of products released on disconnect. */
    public void releaseAtDisconnect(UUID sessionId) {
        CallerTransaction.require();
        writes.append("select release_licence_seats(?, true, 'DISCONNECT')", sessionId);
    }

    /**
     * Tells whether a failed commit (or statement) was refused a licence seat.
     *
     * @return LICENCE_EXHAUSTED with the product's figures (read after the rollback), or a refusal for a
     *         missing device id; empty for any other failure
     */
    public Optional<ProblemException> seatRefusal(UUID tenantId, RuntimeException failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException e && (NO_SEAT_LEFT.equals(e.getSQLState()) || NO_DEVICE_ID.equals(e.getSQLState()))) {
                Matcher m = UUID_TEXT.matcher(String.valueOf(e.getMessage()));
                if (!m.find()) {
                    log.warn("A licence refusal named no product: {}", e.getMessage());
                    return Optional.of(new ProblemException(Reason.LICENCE_EXHAUSTED, "No licence seat is free"));
                }
                UUID productId = UUID.fromString(m.group());
                return Optional.of(NO_DEVICE_ID.equals(e.getSQLState())
                        ? deviceRequired(tenantId, productId) : exhausted(tenantId, productId, 1));
            }
        }
        return Optional.empty();
    }

    /** LICENCE_EXHAUSTED for a product of the tenant, with its figures now. */
    ProblemException exhausted(UUID tenantId, UUID productId, int needed) {
        record Product(String name, LicenceModel model) {
        }
        Product p = jdbc.sql("select name, model from licence_product where id = ? and tenant_id = ?")
                .params(productId, tenantId)
                .query((rs, n) -> new Product(rs.getString(1), LicenceModel.valueOf(rs.getString(2)))).optional()
                .orElse(new Product("?", null));
        Instant now = jdbc.sql("select now()").query(java.sql.Timestamp.class).single().toInstant();
        Optional<LicenceTerm> term = capacity.inForce(productId, now);
        int inUse = capacity.seatsInUse(productId, false);
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("productId", productId);
        figures.put("product", p.name());
        figures.put("model", p.model());
        figures.put("seats", term.map(LicenceTerm::seats).orElse(0));
        figures.put("seatsInUse", inUse);
        figures.put("enforcement", term.map(LicenceTerm::enforcement).orElse(Enforcement.HARD));
        if (term.isPresent() && term.get().enforcement() == Enforcement.SOFT) {
            figures.put("overuseMargin", term.get().overuseMargin());
        }
        if (needed > 1) {
            figures.put("needed", needed);
        }
        figures.put("validUntil", term.map(LicenceTerm::validUntil).orElse(null));
        String detail = term.isEmpty()
                ? "No licence of '" + p.name() + "' is in force; ask your IT administrator"
                : term.get().enforcement() == Enforcement.SOFT
                ? "All " + term.get().seats() + " seats of '" + p.name() + "' and the overuse margin of "
                + term.get().overuseMargin() + " are in use; try again when someone logs off"
                : "All " + term.get().seats() + " seats of '" + p.name() + "' are in use; try again when someone logs off";
        return new ProblemException(Reason.LICENCE_EXHAUSTED, detail, figures);
    }

    private ProblemException deviceRequired(UUID tenantId, UUID productId) {
        String name = jdbc.sql("select name from licence_product where id = ? and tenant_id = ?").params(productId, tenantId)
                .query(String.class).optional().orElse("?");
        return new ProblemException(Reason.DEVICE_ID_REQUIRED, "This pool is licensed per device ('" + name
                + "'): connect from the Deskport portal, or send your device's id in the "
                + DEVICE_HEADER + " header", Map.of("productId", productId, "product", name));
    }

    /** The header a client names its device in at connect. */
    public static final String DEVICE_HEADER = "Deskport-Device-Id";

    /** The pool's PER_DESKTOP products, in id order. */
    List<UUID> desktopProducts(UUID poolId) {
        return jdbc.sql("select p.id from pool_licence pl join licence_product p on p.id = pl.product_id "
                + "where pl.pool_id = ? and p.model = 'PER_DESKTOP' order by p.id").param(poolId).query(UUID.class).list();
    }
}
