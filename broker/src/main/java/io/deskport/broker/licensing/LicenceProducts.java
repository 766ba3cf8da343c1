package io.deskport.broker.licensing;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
import io.deskport.broker.shared.ProblemResponses.FieldError;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.shared.Versions.IfMatch;
import io.deskport.broker.shared.Versions.Versioned;

/**
 * A tenant's licence products: what a seat is of and what holds it ({@link LicenceModel}). A new product has
 * its capacity's shard rows and no seats until a licence of it is in force ({@link Licences}). Removing one
 * removes its licences and its whole seat history (the compliance reports then know nothing of it), and is
 * refused while a pool consumes it or a seat of it is held.
 */
@Service
public class LicenceProducts {

    /** The resource's name in problems ({@code objectType}). */
    static final String TYPE = "LicenceProduct";

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final EntityManager em;
    private final LicenceCapacity capacity;

    LicenceProducts(JdbcClient jdbc, ApplicationEventPublisher events, EntityManager em, LicenceCapacity capacity) {
        this.jdbc = jdbc;
        this.events = events;
        this.em = em;
        this.capacity = capacity;
    }

    /**
     * A new product.
     *
     * @param releaseOnDisconnect only for CONCURRENT_USER (null: false)
     * @param unusedDays only for NAMED_USER and PER_DEVICE (null: never)
     */
    public record NewProduct(String name, String vendor, String sku, LicenceModel model, Boolean releaseOnDisconnect,
                             Integer unusedDays) {
    }

    /**
     * A change of a product; null members keep their values.
     *
     * @param model accepted only as it is (a product's model never changes)
     * @param unusedDays 0: never
     */
    public record ProductChange(String name, String vendor, String sku, LicenceModel model, Boolean releaseOnDisconnect,
                                Integer unusedDays) {
    }

    /**
     * Filters of the product list; null members do not filter.
     *
     * @param q words in the name, vendor or SKU
     * @param poolId only the products this pool consumes
     */
    public record ProductFilter(String q, LicenceModel model, UUID poolId) {
    }

    /**
     * Creates a product, with its shard rows (no seats until a licence of it is in force).
     *
     * @throws ProblemException VALIDATION_FAILED for a setting its model does not have; CONFLICT for a name in use
     */
    @ConfigurationTransactional
    public Versioned<LicenceProduct> create(AdminContext ctx, NewProduct n) {
        boolean releaseOnDisconnect = Boolean.TRUE.equals(n.releaseOnDisconnect());
        Integer unusedDays = n.unusedDays() == null || n.unusedDays() == 0 ? null : n.unusedDays();
        rules(n.model(), releaseOnDisconnect, unusedDays);
        uniqueName(ctx.tenantId(), null, n.name());
        LicenceProductRecord p = new LicenceProductRecord();
        p.id = Ids.newId();
        p.tenantId = ctx.tenantId();
        p.name = n.name();
        p.vendor = n.vendor() == null ? "" : n.vendor();
        p.sku = n.sku() == null ? "" : n.sku();
        p.model = n.model();
        p.releaseOnDisconnect = releaseOnDisconnect;
        p.unusedDays = unusedDays;
        p.createdAt = p.updatedAt = Instant.now();
        em.persist(p);
        em.flush();
        capacity.createShards(p.id);
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "LICENCE_PRODUCT_CREATED",
                "LICENCE_PRODUCT", p.id.toString(), describe(p)));
        return view(p);
    }

    /**
     * The figures are read where the connect keeps them: the shards' capacity and use (no count over the seat
     * history), the pools from {@code pool_licence}; the licence in force from the page's licences, in Java
     * ({@link LicenceTerm#inForce}, the rule the capacity is set by).
     */
    private static final String COLUMNS = "p.id, p.tenant_id, p.name, p.vendor, p.sku, p.model, p.release_on_disconnect, "
            + "p.unused_days, p.created_at, p.updated_at, p.version, "
            + "(select coalesce(sum(c.capacity), 0) from licence_seat_shard c where c.product_id = p.id) as capacity, "
            + "(select coalesce(sum(c.used), 0) from licence_seat_shard c where c.product_id = p.id) as seats_in_use, "
            + "(select count(*) from pool_licence pl where pl.product_id = p.id) as pools";

    private final Listing<Row> listing = Listing.of(COLUMNS, "licence_product p", "p.id", Listing.Kind.UUID,
                    LicenceProducts::row)
            .sort("name", "p.name", Listing.Kind.TEXT).sort("createdAt", "p.created_at", Listing.Kind.TIME).build();

    /** A page of the tenant's products (sort keys: {@code name} (default), {@code createdAt}). */
    @Transactional(readOnly = true)
    public Page<LicenceProduct> page(UUID tenantId, ProductFilter f, PageParams page) {
        Page<Row> rows = listing.page(jdbc, Listing.Where.of("p.tenant_id = ?", tenantId)
                .and("p.model = ?", f.model())
                .and("exists (select 1 from pool_licence pl where pl.pool_id = ? and pl.product_id = p.id)", f.poolId())
                .text(f.q(), "p.name", "p.vendor", "p.sku"), page);
        return new Page<>(views(rows.items()), rows.next(), rows.total(), rows.totalExact());
    }

    /** @throws ProblemException NOT_FOUND unless the product belongs to the tenant */
    @ConfigurationTransactional(readOnly = true)
    public Versioned<LicenceProduct> get(UUID tenantId, UUID id) {
        return view(record(tenantId, id, LockModeType.NONE));
    }

    /**
     * Changes what admins edit of a product, made from the version {@code ifMatch} names.
     *
     * @throws ProblemException PRECONDITION_REQUIRED, STALE_VERSION (see {@link io.deskport.broker.shared.Versions});
     *         VALIDATION_FAILED for a setting its model does not have, or another model
     */
    @ConfigurationTransactional
    public Versioned<LicenceProduct> update(AdminContext ctx, UUID id, IfMatch ifMatch, ProductChange c) {
        LicenceProductRecord p = record(ctx.tenantId(), id, LockModeType.PESSIMISTIC_WRITE);
        ifMatch.check(TYPE, id, p.version);
        if (c.model() != null && c.model() != p.model) {
            throw invalid("model", "cannot change (it is " + p.model + "): the seats taken so far were counted by it; "
                    + "create a product of the other model instead", c.model().name());
        }
        boolean releaseOnDisconnect = c.releaseOnDisconnect() == null ? p.releaseOnDisconnect : c.releaseOnDisconnect();
        Integer unusedDays = c.unusedDays() == null ? p.unusedDays : c.unusedDays() == 0 ? null : c.unusedDays();
        rules(p.model, releaseOnDisconnect, unusedDays);
        if (c.name() != null && !c.name().equals(p.name)) {
            uniqueName(ctx.tenantId(), id, c.name());
            p.name = c.name();
        }
        if (c.vendor() != null) {
            p.vendor = c.vendor();
        }
        if (c.sku() != null) {
            p.sku = c.sku();
        }
        p.releaseOnDisconnect = releaseOnDisconnect;
        p.unusedDays = unusedDays;
        p.updatedAt = Instant.now();
        em.flush();
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "LICENCE_PRODUCT_UPDATED",
                "LICENCE_PRODUCT", id.toString(), describe(p)));
        return view(p);
    }

    /**
     * Removes the product with its licences and its whole seat history (released seats, overuse periods).
     *
     * @throws ProblemException IN_USE while a pool consumes it or a seat of it is held, with the pools and the
     *         seats in use
     */
    @ConfigurationTransactional
    public void delete(AdminContext ctx, UUID id) {
        LicenceProductRecord p = record(ctx.tenantId(), id, LockModeType.PESSIMISTIC_WRITE);
        List<Map<String, Object>> pools = jdbc.sql("select pl.pool_id, pp.name from pool_licence pl "
                        + "join pools_pools pp on pp.id = pl.pool_id where pl.product_id = ? order by pp.name, pl.pool_id")
                .param(id).query((rs, n) -> {
                    Map<String, Object> pool = new LinkedHashMap<>();
                    pool.put("id", rs.getObject(1, UUID.class));
                    pool.put("name", rs.getString(2));
                    return pool;
                }).list();
        // with the shards locked, no seat is taken or given back until this transaction ends
        int seatsInUse = capacity.seatsInUse(id, true);
        int held = jdbc.sql("select count(*) from licence_seat where product_id = ? and released_at is null")
                .param(id).query(Integer.class).single();
        if (!pools.isEmpty() || held > 0 || seatsInUse > 0) {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("objectType", TYPE);
            figures.put("pools", pools.size());
            figures.put("consumedBy", pools.subList(0, Math.min(pools.size(), 50)));
            figures.put("seatsInUse", Math.max(held, seatsInUse));
            throw new ProblemException(Reason.IN_USE, "Licence product " + p.name + " is in use: " + pools.size()
                    + " pool(s) consume it and " + Math.max(held, seatsInUse) + " seat(s) of it are held. Remove it "
                    + "from those pools and free its seats first (its seat history goes with it)", figures);
        }
        Map<String, Object> details = describe(p);
        details.put("licences", jdbc.sql("select count(*) from licence where product_id = ?").param(id)
                .query(Integer.class).single());
        details.put("seatHistoryRows", jdbc.sql("select count(*) from licence_seat where product_id = ?").param(id)
                .query(Integer.class).single());
        events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(), "LICENCE_PRODUCT_DELETED",
                "LICENCE_PRODUCT", id.toString(), details));
        em.remove(p);
        em.flush();
    }

    /**
     * The product, locked for a change of it or of what depends on its seats (its licences, the pools that
     * consume it): every such change of a product is serialized on its row. Hibernate's write lock on
     * PostgreSQL is {@code FOR NO KEY UPDATE}, which the connect's new seat rows (a foreign key: {@code KEY
     * SHARE}) do not wait for.
     *
     * @throws ProblemException NOT_FOUND unless the product belongs to the tenant
     */
    LicenceProductRecord lock(UUID tenantId, UUID id) {
        return record(tenantId, id, LockModeType.PESSIMISTIC_WRITE);
    }

    private LicenceProductRecord record(UUID tenantId, UUID id, LockModeType lock) {
        LicenceProductRecord p = em.find(LicenceProductRecord.class, id, lock);
        if (p == null || !p.tenantId.equals(tenantId)) {
            throw ProblemException.notFound(TYPE, id);
        }
        return p;
    }

    /** @throws ProblemException NOT_FOUND unless the product belongs to the tenant (for the JDBC transactions) */
    LicenceModel modelOf(UUID tenantId, UUID id) {
        return jdbc.sql("select model from licence_product where tenant_id = ? and id = ?").params(tenantId, id)
                .query((rs, n) -> LicenceModel.valueOf(rs.getString(1))).optional()
                .orElseThrow(() -> ProblemException.notFound(TYPE, id));
    }

    /** The product as the API shows it, as flushed in this transaction. */
    Versioned<LicenceProduct> view(LicenceProductRecord p) {
        Row row = jdbc.sql("select " + COLUMNS + " from licence_product p where p.id = ?").param(p.id)
                .query(LicenceProducts::row).single();
        return new Versioned<>(views(List.of(row)).getFirst(), p.version);
    }

    private List<LicenceProduct> views(List<Row> rows) {
        if (rows.isEmpty()) {
            return List.of();
        }
        Instant now = now(jdbc);
        Map<UUID, List<LicenceTerm>> terms = new HashMap<>();
        jdbc.sql("select product_id, id, seats, valid_from, valid_until, enforcement, overuse_margin, grace_days "
                        + "from licence where product_id = any(?) order by valid_from")
                .param(rows.stream().map(Row::id).toArray(UUID[]::new))
                .query(rs -> {
                    terms.computeIfAbsent(rs.getObject(1, UUID.class), k -> new ArrayList<>()).add(new LicenceTerm(
                            rs.getObject(2, UUID.class), rs.getInt(3), instant(rs.getTimestamp(4)),
                            instant(rs.getTimestamp(5)), Enforcement.valueOf(rs.getString(6)), rs.getInt(7),
                            rs.getInt(8)));
                });
        return rows.stream().map(r -> {
            Optional<LicenceTerm> inForce = LicenceTerm.inForce(terms.getOrDefault(r.id(), List.of()), now);
            return new LicenceProduct(r.id(), r.tenantId(), r.name(), r.vendor(), r.sku(), r.model(),
                    r.releaseOnDisconnect(), r.unusedDays(), inForce.map(LicenceTerm::seats).orElse(0),
                    inForce.map(LicenceTerm::enforcement).orElse(null),
                    inForce.map(t -> t.capacity() - t.seats()).orElse(0), r.capacity(), r.seatsInUse(),
                    inForce.map(t -> new LicenceProduct.InForce(t.id(), t.validFrom(), t.validUntil(),
                            !t.validAt(now), t.graceEnd())).orElse(null),
                    r.pools(), r.createdAt(), r.updatedAt());
        }).toList();
    }

    /** A product as its list reads it. */
    private record Row(UUID id, UUID tenantId, String name, String vendor, String sku, LicenceModel model,
                       boolean releaseOnDisconnect, Integer unusedDays, int capacity, int seatsInUse, int pools,
                       Instant createdAt, Instant updatedAt, long version) {
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        return new Row(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class), rs.getString("name"),
                rs.getString("vendor"), rs.getString("sku"), LicenceModel.valueOf(rs.getString("model")),
                rs.getBoolean("release_on_disconnect"), (Integer) rs.getObject("unused_days"), rs.getInt("capacity"),
                rs.getInt("seats_in_use"), rs.getInt("pools"), instant(rs.getTimestamp("created_at")),
                instant(rs.getTimestamp("updated_at")), rs.getLong("version"));
    }

    /** What holds a seat decides which settings a product has; each one refused by name where it has none. */
    private static void rules(LicenceModel model, boolean releaseOnDisconnect, Integer unusedDays) {
        List<FieldError> errors = new ArrayList<>();
        if (releaseOnDisconnect && model != LicenceModel.CONCURRENT_USER) {
            errors.add(new FieldError("releaseOnDisconnect", "only a CONCURRENT_USER product gives its seats back at "
                    + "disconnect (this one is " + model + ")", true));
        }
        if (unusedDays != null && !model.assigned()) {
            errors.add(new FieldError("unusedDays", "only NAMED_USER and PER_DEVICE seats stay with their holder "
                    + "and are freed after days without use (this one is " + model + ")", unusedDays));
        }
        if (!errors.isEmpty()) {
            throw new ProblemException(Reason.VALIDATION_FAILED, errors.size() == 1
                    ? errors.getFirst().field() + ": " + errors.getFirst().message()
                    : errors.size() + " fields are invalid", Map.of("errors", errors));
        }
    }

    private void uniqueName(UUID tenantId, UUID self, String name) {
        jdbc.sql("select id from licence_product where tenant_id = ? and name = ?").params(tenantId, name)
                .query(UUID.class).optional().filter(other -> !other.equals(self)).ifPresent(other -> {
                    throw new ProblemException(Reason.CONFLICT, "A licence product named " + name + " exists already",
                            Map.of("objectType", TYPE, "field", "name", "existingId", other));
                });
    }

    private static Map<String, Object> describe(LicenceProductRecord p) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("name", p.name);
        d.put("vendor", p.vendor);
        d.put("sku", p.sku);
        d.put("model", p.model.name());
        d.put("releaseOnDisconnect", p.releaseOnDisconnect);
        d.put("unusedDays", p.unusedDays);
        return d;
    }

    /** One invalid member of a request, as Bean Validation's refusals name them. */
    static ProblemException invalid(String field, String message, Object rejected) {
        return new ProblemException(Reason.VALIDATION_FAILED, field + ": " + message,
                Map.of("errors", List.of(new FieldError(field, message, rejected))));
    }

    /** @return the database's {@code now()}: the transaction's start, the clock every licence rule is read by */
    static Instant now(JdbcClient jdbc) {
        return jdbc.sql("select now()").query((rs, n) -> rs.getTimestamp(1).toInstant()).single();
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
