package io.deskport.broker.licensing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.ConfigurationTransactional;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.Listing;
import io.deskport.broker.shared.Page;
import io.deskport.broker.shared.PageParams;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.shared.Versions.IfMatch;
import io.deskport.broker.shared.Versions.Versioned;

/**
 * The licences of a product: purchases of seats, valid from/until, HARD or SOFT, with a grace period. A
 * product's licences follow one another (their validity never overlaps), so one at a time is in force
 * ({@link LicenceTerm#inForce}) and decides the product's capacity.
 *
 * <p>Every change (a new licence, a changed one, a removed one) runs with the product's row locked, so that
 * two admins' changes of one product are checked one after the other against each other's result, and then
 * with the shard rows locked, so that the seats in use it is checked against cannot move until it commits;
 * it sets the shards' capacity from the licence in force ({@link LicenceCapacity#refresh}) in the same
 * transaction. A change that would lower the capacity in force below the seats in use is refused with the
 * figures, unless forced: then the holders keep their seats and new ones are refused until enough are given
 * back.
 */
@Service
public class Licences {

    static final String TYPE = "Licence";

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final EntityManager em;
    private final LicenceProducts products;
    private final LicenceCapacity capacity;

    Licences(JdbcClient jdbc, ApplicationEventPublisher events, EntityManager em, LicenceProducts products,
             LicenceCapacity capacity) {
        this.jdbc = jdbc;
        this.events = events;
        this.em = em;
        this.products = products;
        this.capacity = capacity;
    }

    /**
     * A new licence.
     *
     * @param validFrom null: now (the database's clock)
     * @param validUntil null: perpetual
     * @param overuseMargin SOFT only (null: 0)
     * @param graceDays null: 0
     */
    public record NewLicence(int seats, Instant validFrom, Instant validUntil, Enforcement enforcement,
                             Integer overuseMargin, Integer graceDays, String reference) {
    }

    /**
     * A change of a licence; null members keep their values.
     *
     * @param perpetual true: no end any more ({@code validUntil} removed); not with {@code validUntil}
     */
    public record LicenceChange(Integer seats, Instant validFrom, Instant validUntil, Boolean perpetual,
                                Enforcement enforcement, Integer overuseMargin, Integer graceDays, String reference) {
    }

    private static final String COLUMNS = "id, tenant_id, product_id, seats, valid_from, valid_until, enforcement, "
            + "overuse_margin, grace_days, reference, created_at, updated_at, version";

    private final Listing<LicenceRecord> listing = Listing.of(COLUMNS, "licence", "id", Listing.Kind.UUID, Licences::map)
            .sort("validFrom", "valid_from", Listing.Kind.TIME).sort("createdAt", "created_at", Listing.Kind.TIME)
            .build();

    /**
     * A page of the product's licences (sort keys: {@code validFrom} (default), {@code createdAt}).
     *
     * @throws ProblemException NOT_FOUND unless the product belongs to the tenant
     */
    @Transactional(readOnly = true)
    public Page<Licence> page(UUID tenantId, UUID productId, PageParams page) {
        products.modelOf(tenantId, productId);
        Page<LicenceRecord> rows = listing.page(jdbc, Listing.Where.of("tenant_id = ? and product_id = ?", tenantId,
                productId), page);
        Instant now = LicenceProducts.now(jdbc);
        UUID inForce = capacity.inForce(productId, now).map(LicenceTerm::id).orElse(null);
        return rows.map(l -> Licence.of(l, now, l.id.equals(inForce)));
    }

    /** @throws ProblemException NOT_FOUND unless the licence is the product's and the product the tenant's */
    @ConfigurationTransactional(readOnly = true)
    public Versioned<Licence> get(UUID tenantId, UUID productId, UUID id) {
        products.modelOf(tenantId, productId);
        return view(record(tenantId, productId, id, LockModeType.NONE));
    }

    /**
     * Adds a licence to the product.
     *
     * @param force lower the capacity in force below the seats in use if this does
     * @throws ProblemException NOT_FOUND (the product); VALIDATION_FAILED (an end before the start, a margin on a
     *         HARD licence); CONFLICT (a validity that overlaps another licence of the product, or a capacity
     *         below the seats in use, with the figures)
     */
    @ConfigurationTransactional
    public Versioned<Licence> create(AdminContext ctx, UUID productId, NewLicence n, boolean force) {
        LicenceProductRecord product = products.lock(ctx.tenantId(), productId);
        Instant now = LicenceProducts.now(jdbc);
        LicenceRecord l = new LicenceRecord();
        l.id = Ids.newId();
        l.tenantId = ctx.tenantId();
        l.productId = productId;
        l.seats = n.seats();
        l.validFrom = n.validFrom() == null ? now : micros(n.validFrom());
        l.validUntil = micros(n.validUntil());
        l.enforcement = n.enforcement();
        l.overuseMargin = n.overuseMargin() == null ? 0 : n.overuseMargin();
        l.graceDays = n.graceDays() == null ? 0 : n.graceDays();
        l.reference = n.reference() == null ? "" : n.reference();
        l.createdAt = l.updatedAt = Instant.now();
        rules(l);
        List<LicenceTerm> before = capacity.terms(productId);
        noOverlap(before, l);
        em.persist(l);
        em.flush();
        Map<String, Object> details = settle(product, before, now, force);
        audit(ctx, "LICENCE_CREATED", l, details);
        return view(l, now);
    }

    /**
     * Changes a licence, made from the version {@code ifMatch} names.
     *
     * @param force lower the capacity in force below the seats in use if this does
     * @throws ProblemException as {@link #create}, and PRECONDITION_REQUIRED, STALE_VERSION
     */
    @ConfigurationTransactional
    public Versioned<Licence> update(AdminContext ctx, UUID productId, UUID id, IfMatch ifMatch, LicenceChange c,
                                     boolean force) {
        LicenceProductRecord product = products.lock(ctx.tenantId(), productId);
        LicenceRecord l = record(ctx.tenantId(), productId, id, LockModeType.PESSIMISTIC_WRITE);
        ifMatch.check(TYPE, id, l.version);
        if (Boolean.TRUE.equals(c.perpetual()) && c.validUntil() != null) {
            throw LicenceProducts.invalid("perpetual", "a licence with no end has no validUntil: send one or the other",
                    true);
        }
        Instant now = LicenceProducts.now(jdbc);
        List<LicenceTerm> before = capacity.terms(productId);
        Instant untilBefore = l.validUntil;
        Map<String, Object> changed = new LinkedHashMap<>();
        if (c.seats() != null && c.seats() != l.seats) {
            changed.put("seats", List.of(l.seats, c.seats()));
            l.seats = c.seats();
        }
        Instant from = micros(c.validFrom());
        if (from != null && !from.equals(l.validFrom)) {
            changed.put("validFrom", List.of(l.validFrom.toString(), from.toString()));
            l.validFrom = from;
        }
        Instant until = Boolean.TRUE.equals(c.perpetual()) ? null : c.validUntil() != null ? micros(c.validUntil())
                : l.validUntil;
        if (!Objects.equals(until, l.validUntil)) {
            changed.put("validUntil", Arrays.asList(String.valueOf(l.validUntil), String.valueOf(until)));
            l.validUntil = until;
        }
        if (c.enforcement() != null && c.enforcement() != l.enforcement) {
            changed.put("enforcement", List.of(l.enforcement.name(), c.enforcement().name()));
            l.enforcement = c.enforcement();
        }
        if (c.overuseMargin() != null && c.overuseMargin() != l.overuseMargin) {
            changed.put("overuseMargin", List.of(l.overuseMargin, c.overuseMargin()));
            l.overuseMargin = c.overuseMargin();
        }
        if (c.graceDays() != null && c.graceDays() != l.graceDays) {
            changed.put("graceDays", List.of(l.graceDays, c.graceDays()));
            l.graceDays = c.graceDays();
        }
        if (c.reference() != null && !c.reference().equals(l.reference)) {
            changed.put("reference", List.of(l.reference, c.reference()));
            l.reference = c.reference();
        }
        rules(l);
        noOverlap(before, l);
        l.updatedAt = Instant.now();
        em.flush();
        if (!Objects.equals(untilBefore, l.validUntil)) {
            // a new end date: the sweep's 30/7/1-day notices count down to it afresh
            jdbc.sql("update licence set expiry_notified = null where id = ?").param(id).update();
        }
        Map<String, Object> details = settle(product, before, now, force);
        details.put("changed", changed);
        audit(ctx, "LICENCE_UPDATED", l, details);
        return view(l, now);
    }

    /**
     * Removes a licence.
     *
     * @param force lower the capacity in force below the seats in use if this does
     * @throws ProblemException NOT_FOUND; CONFLICT (a capacity below the seats in use, with the figures)
     */
    @ConfigurationTransactional
    public void delete(AdminContext ctx, UUID productId, UUID id, boolean force) {
        LicenceProductRecord product = products.lock(ctx.tenantId(), productId);
        LicenceRecord l = record(ctx.tenantId(), productId, id, LockModeType.PESSIMISTIC_WRITE);
        Instant now = LicenceProducts.now(jdbc);
        List<LicenceTerm> before = capacity.terms(productId);
        em.remove(l);
        em.flush();
        Map<String, Object> details = settle(product, before, now, force);
        audit(ctx, "LICENCE_DELETED", l, details);
    }

    /**
     * After a change of the product's licences (flushed): refuses it when it lowers the capacity in force below
     * the seats in use (unless forced), and sets the shards' capacity from the licence in force now.
     *
     * @param before the product's licences before the change
     * @return the figures, for the audit line
     */
    private Map<String, Object> settle(LicenceProductRecord product, List<LicenceTerm> before, Instant now,
                                       boolean force) {
        // the shards locked: no seat is taken or given back until this change commits
        int seatsInUse = capacity.seatsInUse(product.id, true);
        int was = LicenceTerm.inForce(before, now).map(LicenceTerm::capacity).orElse(0);
        Optional<LicenceTerm> inForce = capacity.inForce(product.id, now);
        int asked = inForce.map(LicenceTerm::capacity).orElse(0);
        // lowering the capacity is fine while the seats in use still fit, and so is any change that does not
        // lower it (a licence already overused after a forced change stays as it is)
        boolean belowUse = asked < was && asked < seatsInUse;
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("productId", product.id);
        figures.put("productName", product.name);
        figures.put("model", product.model.name());
        figures.put("licenceInForce", inForce.map(LicenceTerm::id).orElse(null));
        figures.put("seats", inForce.map(LicenceTerm::seats).orElse(0));
        figures.put("enforcement", inForce.map(t -> t.enforcement().name()).orElse(null));
        figures.put("overuseMargin", inForce.map(t -> t.capacity() - t.seats()).orElse(0));
        figures.put("capacity", asked);
        figures.put("capacityBefore", was);
        figures.put("seatsInUse", seatsInUse);
        if (belowUse && !force) {
            figures.put("objectType", TYPE);
            throw new ProblemException(Reason.CONFLICT, "This change lowers the seats of " + product.name + " to "
                    + asked + " while " + seatsInUse + " are in use (now " + was + "); free seats first, or send it "
                    + "with force=true: the holders keep their seats, and new ones are refused until enough are given "
                    + "back", figures);
        }
        figures.put("forced", belowUse);
        capacity.refresh(product.id, now);
        return figures;
    }

    /** The rules a licence keeps whatever changed (the database's checks say less, in SQL's words). */
    private static void rules(LicenceRecord l) {
        if (l.validUntil != null && !l.validUntil.isAfter(l.validFrom)) {
            throw LicenceProducts.invalid("validUntil", "must be after validFrom (" + l.validFrom + ")",
                    l.validUntil.toString());
        }
        if (l.enforcement == Enforcement.HARD && l.overuseMargin > 0) {
            throw LicenceProducts.invalid("overuseMargin", "a HARD licence refuses every seat beyond its seats: "
                    + "only a SOFT one has an overuse margin (send 0, or enforcement SOFT)", l.overuseMargin);
        }
    }

    /** @throws ProblemException CONFLICT naming the other licence when the validities overlap */
    private static void noOverlap(List<LicenceTerm> others, LicenceRecord l) {
        for (LicenceTerm other : others) {
            if (!other.id().equals(l.id) && other.overlaps(l.validFrom, l.validUntil)) {
                Map<String, Object> figures = new LinkedHashMap<>();
                figures.put("objectType", TYPE);
                figures.put("validFrom", l.validFrom);
                figures.put("validUntil", l.validUntil);
                figures.put("conflictingLicenceId", other.id());
                figures.put("conflictingValidFrom", other.validFrom());
                figures.put("conflictingValidUntil", other.validUntil());
                throw new ProblemException(Reason.CONFLICT, "The validity from " + l.validFrom + " until "
                        + (l.validUntil == null ? "forever" : l.validUntil) + " overlaps licence " + other.id()
                        + " of this product (valid from " + other.validFrom() + " until "
                        + (other.validUntil() == null ? "forever" : other.validUntil()) + "). A product's licences "
                        + "follow one another: end the one before where the next begins", figures);
            }
        }
    }

    /** @return the instant as the database keeps it (to the microsecond), so that what is checked is what is stored */
    private static Instant micros(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.MICROS);
    }

    private void audit(AdminContext ctx, String action, LicenceRecord l, Map<String, Object> figures) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("seats", l.seats);
        d.put("validFrom", l.validFrom.toString());
        d.put("validUntil", l.validUntil == null ? null : l.validUntil.toString());
        d.put("enforcement", l.enforcement.name());
        d.put("overuseMargin", l.overuseMargin);
        d.put("graceDays", l.graceDays);
        d.put("reference", l.reference);
        figures.forEach((k, v) -> d.put(k.equals("seats") ? "seatsInForce" : k, v));
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), action, "LICENCE", l.id.toString(), d));
    }

    private LicenceRecord record(UUID tenantId, UUID productId, UUID id, LockModeType lock) {
        LicenceRecord l = em.find(LicenceRecord.class, id, lock);
        if (l == null || !l.tenantId.equals(tenantId) || !l.productId.equals(productId)) {
            throw ProblemException.notFound(TYPE, id);
        }
        return l;
    }

    private Versioned<Licence> view(LicenceRecord l) {
        return view(l, LicenceProducts.now(jdbc));
    }

    private Versioned<Licence> view(LicenceRecord l, Instant now) {
        boolean inForce = capacity.inForce(l.productId, now).map(t -> t.id().equals(l.id)).orElse(false);
        return new Versioned<>(Licence.of(l, now, inForce), l.version);
    }

    private static LicenceRecord map(ResultSet rs, int n) throws SQLException {
        LicenceRecord l = new LicenceRecord();
        l.id = rs.getObject("id", UUID.class);
        l.tenantId = rs.getObject("tenant_id", UUID.class);
        l.productId = rs.getObject("product_id", UUID.class);
        l.seats = rs.getInt("seats");
        l.validFrom = LicenceProducts.instant(rs.getTimestamp("valid_from"));
        l.validUntil = LicenceProducts.instant(rs.getTimestamp("valid_until"));
        l.enforcement = Enforcement.valueOf(rs.getString("enforcement"));
        l.overuseMargin = rs.getInt("overuse_margin");
        l.graceDays = rs.getInt("grace_days");
        l.reference = rs.getString("reference");
        l.createdAt = LicenceProducts.instant(rs.getTimestamp("created_at"));
        l.updatedAt = LicenceProducts.instant(rs.getTimestamp("updated_at"));
        l.version = rs.getLong("version");
        return l;
    }
}
