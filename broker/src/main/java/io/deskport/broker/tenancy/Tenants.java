package io.deskport.broker.tenancy;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneId;
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
import io.deskport.broker.shared.ConfigurationTransactional;
import io.deskport.broker.shared.Listing;
import io.deskport.broker.shared.Page;
import io.deskport.broker.shared.PageParams;
import io.deskport.broker.shared.Versions.IfMatch;
import io.deskport.broker.shared.Versions.Versioned;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;

/** Creates, changes and removes tenants (platform administration). */
@Service
public class Tenants {

    private static final String COLUMNS = "id, slug, name, max_concurrent_sessions, max_desktops, "
            + "coalesce((select sum(s.used) from tenant_session_seats s where s.tenant_id = tenant.id), 0) as active_sessions, "
            + "desktop_count, time_zone, created_at, updated_at, offboarded_at, version";
    /** How long a broker trusts what it read about a tenant being active (another broker's offboarding shows after it). */
    static final java.time.Duration ACTIVE_CACHE = java.time.Duration.ofSeconds(5);

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final TenantQuotas quotas;
    private final EntityManager em;
    /** tenant id or slug → whether it is active, and until when (System.nanoTime) that is trusted. */
    private final java.util.concurrent.ConcurrentHashMap<Object, long[]> active = new java.util.concurrent.ConcurrentHashMap<>();

    Tenants(JdbcClient jdbc, ApplicationEventPublisher events, TenantQuotas quotas, EntityManager em) {
        this.em = em;
        this.jdbc = jdbc;
        this.events = events;
        this.quotas = quotas;
    }

    /**
     * What a new tenant looks like.
     *
     * @param timeZone an IANA region id ({@link #zone}); null: {@code UTC}
     */
    public record NewTenant(String slug, String name, int maxConcurrentSessions, int maxDesktops, String timeZone) {

        /** A tenant in {@code UTC}. */
        public NewTenant(String slug, String name, int maxConcurrentSessions, int maxDesktops) {
            this(slug, name, maxConcurrentSessions, maxDesktops, null);
        }
    }

    /** A partial change: null members stay as they are. */
    public record TenantChange(String name, Integer maxConcurrentSessions, Integer maxDesktops, String timeZone) {

        /** A change that keeps the time zone. */
        public TenantChange(String name, Integer maxConcurrentSessions, Integer maxDesktops) {
            this(name, maxConcurrentSessions, maxDesktops, null);
        }
    }

    /** The time zone of a tenant created without one. */
    public static final String DEFAULT_TIME_ZONE = "UTC";

    /**
     * Reads a tenant's time zone as the API takes it: an IANA region id that this Java knows ({@code Europe/Berlin},
     * {@code America/New_York}, {@code UTC}), spelled as the tz database spells it. Offsets ({@code +02:00}) and
     * offset-prefixed ids ({@code UTC+2}) are refused: days and months are counted with the region's daylight-saving
     * rules, which an offset does not have.
     *
     * @throws ProblemException VALIDATION_FAILED naming {@code timeZone}
     */
    public static ZoneId zone(String id) {
        if (id != null && ZoneId.getAvailableZoneIds().contains(id)) {
            return ZoneId.of(id);
        }
        String message = "must be an IANA time zone id such as Europe/Berlin or UTC";
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("field", "timeZone");
        error.put("message", message);
        error.put("rejectedValue", id == null ? null : id.length() > 200 ? id.substring(0, 200) + "…" : id);
        throw new ProblemException(Reason.VALIDATION_FAILED, "timeZone: " + message, Map.of("errors", List.of(error)));
    }

    @ConfigurationTransactional
    public Versioned<Tenant> create(CurrentUser actor, NewTenant t) {
        TenantRecord r = new TenantRecord();
        r.id = Ids.newId();
        r.slug = t.slug();
        r.name = t.name();
        r.maxConcurrentSessions = t.maxConcurrentSessions();
        r.maxDesktops = t.maxDesktops();
        r.timeZone = zone(t.timeZone() == null ? DEFAULT_TIME_ZONE : t.timeZone()).getId();
        r.createdAt = r.updatedAt = Instant.now();
        em.persist(r);
        em.flush();
        events.publishEvent(new TenantQuotaChanged(r.id, r.maxConcurrentSessions, r.maxDesktops, null, null));
        events.publishEvent(new AdminActionPerformed(r.id, actor, "TENANT_CREATED", "TENANT", r.id.toString(),
                Map.of("slug", t.slug(), "name", t.name(), "maxConcurrentSessions", t.maxConcurrentSessions(),
                        "maxDesktops", t.maxDesktops(), "timeZone", r.timeZone)));
        return versioned(r.id);
    }

    private static final Listing<Tenant> LISTING = Listing.of(COLUMNS, "tenant", "id", Listing.Kind.UUID, Tenants::map)
            .sort("slug", "slug", Listing.Kind.TEXT).sort("name", "name", Listing.Kind.TEXT)
            .sort("createdAt", "created_at", Listing.Kind.TIME).build();

    /**
     * A page of the tenants (sort keys: {@code slug} (default), {@code name}, {@code createdAt}).
     *
     * @param q words in the slug or name
     */
    @Transactional(readOnly = true)
    public Page<Tenant> page(String q, PageParams page) {
        return LISTING.page(jdbc, Listing.Where.of("true").text(q, "slug", "name"), page);
    }

    @Transactional(readOnly = true)
    public Optional<Tenant> find(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from tenant where id = ?").param(id).query(Tenants::map).optional();
    }

    @Transactional(readOnly = true)
    public Optional<Tenant> findBySlug(String slug) {
        return jdbc.sql("select " + COLUMNS + " from tenant where slug = ?").param(slug).query(Tenants::map).optional();
    }

    @Transactional(readOnly = true)
    public Tenant get(UUID id) {
        return find(id).orElseThrow(() -> ProblemException.notFound("Tenant", id));
    }

    /**
     * The tenant's time zone, where its reports count days and months (other modules ask here rather than read
     * the tenant's row).
     *
     * @throws ProblemException NOT_FOUND for a tenant that does not exist
     */
    @Transactional(readOnly = true)
    public ZoneId timeZone(UUID tenantId) {
        return jdbc.sql("select time_zone from tenant where id = ?").param(tenantId).query(String.class).optional()
                .map(ZoneId::of).orElseThrow(() -> ProblemException.notFound("Tenant", tenantId));
    }

    /** The tenant with its live counters and its version (the ETag of the admin API's answer). */
    @Transactional(readOnly = true)
    public Versioned<Tenant> versioned(UUID id) {
        return jdbc.sql("select " + COLUMNS + " from tenant where id = ?").param(id)
                .query((rs, n) -> new Versioned<>(map(rs, n), rs.getLong("version"))).optional()
                .orElseThrow(() -> ProblemException.notFound("Tenant", id));
    }

    /** @throws ProblemException PRECONDITION_REQUIRED, STALE_VERSION (see {@link io.deskport.broker.shared.Versions}) */
    @ConfigurationTransactional
    public Versioned<Tenant> update(CurrentUser actor, UUID id, IfMatch ifMatch, TenantChange change) {
        String timeZone = change.timeZone() == null ? null : zone(change.timeZone()).getId();
        TenantRecord r = record(id, LockModeType.PESSIMISTIC_WRITE);
        ifMatch.check("Tenant", id, r.version);
        int sessionsBefore = r.maxConcurrentSessions;
        int desktopsBefore = r.maxDesktops;
        if (change.name() != null) {
            r.name = change.name();
        }
        if (change.maxConcurrentSessions() != null) {
            r.maxConcurrentSessions = change.maxConcurrentSessions();
        }
        if (change.maxDesktops() != null) {
            r.maxDesktops = change.maxDesktops();
        }
        if (timeZone != null) {
            r.timeZone = timeZone;
        }
        r.updatedAt = Instant.now();
        em.flush();
        if (change.maxConcurrentSessions() != null) {
            quotas.resizeSeats(id, change.maxConcurrentSessions());
        }
        if (r.maxConcurrentSessions != sessionsBefore || r.maxDesktops != desktopsBefore) {
            events.publishEvent(new TenantQuotaChanged(id, r.maxConcurrentSessions, r.maxDesktops, sessionsBefore,
                    desktopsBefore));
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", change.name());
        details.put("maxConcurrentSessions", change.maxConcurrentSessions());
        details.put("maxDesktops", change.maxDesktops());
        details.put("timeZone", timeZone);
        events.publishEvent(new AdminActionPerformed(id, actor, "TENANT_UPDATED", "TENANT", id.toString(), details));
        return versioned(id);
    }

    private TenantRecord record(UUID id, LockModeType lock) {
        TenantRecord r = em.find(TenantRecord.class, id, lock);
        if (r == null) {
            throw ProblemException.notFound("Tenant", id);
        }
        return r;
    }

    /**
     * Removes the tenant and everything it owns; its audit trail stays. Every user of the tenant loses their
     * access first, as a removed user does ({@link UserAccessChanged}): their tokens stop counting on every
     * broker (a platform admin account of the tenant included) and their live sessions are disconnected,
     * closing their tunnels, before the rows go.
     */
    @ConfigurationTransactional
    public void delete(CurrentUser actor, UUID id) {
        TenantRecord tenant = record(id, LockModeType.PESSIMISTIC_WRITE);
        events.publishEvent(new AdminActionPerformed(id, actor, "TENANT_DELETED", "TENANT", id.toString(),
                Map.of("slug", tenant.slug)));
        jdbc.sql("select id from app_user where tenant_id = ?").param(id).query(UUID.class).list()
                .forEach(user -> events.publishEvent(new UserAccessChanged(id, user, "TENANT_REMOVED", true)));
        em.remove(tenant);
        em.flush();
    }

    /**
     * Offboards the tenant: nobody of it signs in any more (local accounts: {@link UserDirectory#findAccount};
     * identity providers ask {@link #isActive}), and every user loses their access as a disabled user does
     * ({@link UserAccessChanged}, {@code TENANT_OFFBOARDED}): their tokens stop counting on every broker and their live
     * sessions are disconnected, in this transaction. Its data stays; {@link #reactivate} undoes it. Offboarding an
     * offboarded tenant changes nothing.
     *
     * @throws ProblemException NOT_FOUND; CONFLICT for the caller's own tenant (a platform admin would lock
     *         themselves out)
     */
    @ConfigurationTransactional
    public Versioned<Tenant> offboard(CurrentUser actor, UUID id) {
        TenantRecord r = record(id, LockModeType.PESSIMISTIC_WRITE);
        if (id.equals(actor.tenantId())) {
            throw new ProblemException(Reason.CONFLICT, "You cannot offboard your own tenant");
        }
        if (r.offboardedAt == null) {
            r.offboardedAt = r.updatedAt = Instant.now();
            em.flush();
            List<UUID> users = jdbc.sql("select id from app_user where tenant_id = ?").param(id).query(UUID.class).list();
            users.forEach(user -> events.publishEvent(new UserAccessChanged(id, user, "TENANT_OFFBOARDED", true)));
            events.publishEvent(new AdminActionPerformed(id, actor, "TENANT_OFFBOARDED", "TENANT", id.toString(),
                    Map.of("slug", r.slug, "usersSignedOut", users.size())));
            forgetActiveAfterCommit(id, r.slug);
        }
        return versioned(id);
    }

    /** Undoes {@link #offboard}: the tenant's users may sign in again (with new tokens). */
    @ConfigurationTransactional
    public Versioned<Tenant> reactivate(CurrentUser actor, UUID id) {
        TenantRecord r = record(id, LockModeType.PESSIMISTIC_WRITE);
        if (r.offboardedAt != null) {
            r.offboardedAt = null;
            r.updatedAt = Instant.now();
            em.flush();
            events.publishEvent(new AdminActionPerformed(id, actor, "TENANT_REACTIVATED", "TENANT", id.toString(),
                    Map.of("slug", r.slug)));
            forgetActiveAfterCommit(id, r.slug);
        }
        return versioned(id);
    }

    /**
     * Whether the tenant exists and is not offboarded: for identity providers, which refuse sign-in (and tokens)
     * of inactive tenants. Cached per broker for {@link #ACTIVE_CACHE}; this broker's own changes show at once.
     */
    public boolean isActive(UUID tenantId) {
        return cachedActive(tenantId, () -> jdbc.sql("select offboarded_at is null from tenant where id = ?")
                .param(tenantId).query(Boolean.class).optional().orElse(false));
    }

    /** {@link #isActive(UUID)} by the tenant's slug (the organization alias of its Keycloak organization). */
    public boolean isActive(String slug) {
        return cachedActive(slug, () -> jdbc.sql("select offboarded_at is null from tenant where slug = ?")
                .param(slug).query(Boolean.class).optional().orElse(false));
    }

    private boolean cachedActive(Object key, java.util.function.BooleanSupplier read) {
        long now = System.nanoTime();
        long[] known = active.get(key);
        if (known != null && known[1] - now > 0) {
            return known[0] == 1;
        }
        boolean is = read.getAsBoolean();
        if (active.size() > 100_000) {
            active.clear();
        }
        active.put(key, new long[] {is ? 1 : 0, now + ACTIVE_CACHE.toNanos()});
        return is;
    }

    private void forgetActiveAfterCommit(UUID id, String slug) {
        org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                new org.springframework.transaction.support.TransactionSynchronization() {
                    @Override
                    public void afterCompletion(int status) {
                        active.remove(id);
                        active.remove(slug);
                    }
                });
    }

    static Tenant map(ResultSet rs, int row) throws SQLException {
        return new Tenant(rs.getObject("id", UUID.class), rs.getString("slug"), rs.getString("name"),
                rs.getInt("max_concurrent_sessions"), rs.getInt("max_desktops"), rs.getInt("active_sessions"),
                rs.getInt("desktop_count"), rs.getString("time_zone"), rs.getTimestamp("created_at").toInstant(),
                rs.getTimestamp("updated_at").toInstant(),
                rs.getTimestamp("offboarded_at") == null ? null : rs.getTimestamp("offboarded_at").toInstant());
    }
}
