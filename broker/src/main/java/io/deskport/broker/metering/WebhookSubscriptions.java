package io.deskport.broker.metering;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

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
 * Webhook subscriptions: a tenant's (sent its own events) and the platform's (sent every tenant's), each with an
 * endpoint, a filter of event types and a signing secret that is shown once, when it is made. A new subscription
 * is sent the events committed from then on; older ones by {@link #replay}. Every change is an audit line.
 */
@Service
public class WebhookSubscriptions {

    /** The resource's name in problems ({@code objectType}). */
    static final String TYPE = "WebhookSubscription";
    private static final String AUDIT_TYPE = "WEBHOOK_SUBSCRIPTION";
    /** The longest a rotated-out secret may go on signing. */
    static final Duration MAX_OVERLAP = Duration.ofDays(7);

    private final JdbcClient jdbc;
    private final EntityManager em;
    private final ApplicationEventPublisher events;
    private final WebhookAddresses addresses;
    private final WebhookSecrets secrets;
    private final WebhookLedger ledger;
    private final UsageEventLog log;
    private final WebhookProperties settings;

    WebhookSubscriptions(JdbcClient jdbc, EntityManager em, ApplicationEventPublisher events, WebhookAddresses addresses,
                         WebhookSecrets secrets, WebhookLedger ledger, UsageEventLog log, WebhookProperties settings) {
        this.jdbc = jdbc;
        this.em = em;
        this.events = events;
        this.addresses = addresses;
        this.secrets = secrets;
        this.ledger = ledger;
        this.log = log;
        this.settings = settings;
    }

    /**
     * Whose subscriptions a request works on.
     *
     * @param tenantId the tenant's, or null for the platform's
     */
    public record Owner(UUID tenantId) {

        /** The platform's subscriptions. */
        public static final Owner PLATFORM = new Owner(null);

        boolean owns(UUID subscriptionTenant) {
            return tenantId == null ? subscriptionTenant == null : tenantId.equals(subscriptionTenant);
        }
    }

    /** A new subscription; {@code eventTypes} null or empty: every type; {@code enabled} null: true. */
    public record NewSubscription(String url, String description, List<String> eventTypes, Boolean enabled) {
    }

    /** A change; null members keep their values. */
    public record Change(String url, String description, List<String> eventTypes, Boolean enabled) {
    }

    /**
     * A subscription with a secret that is shown now and never again.
     *
     * @param secret {@code whsec_<base64>}: configure it at the receiver
     */
    public record WithSecret(Versioned<WebhookSubscription> subscription, String secret) {
    }

    /**
     * A replay to make: a cursor range ({@code after} exclusive, {@code until} inclusive, as the export API's cursors)
     * or a time range ({@code from} inclusive, {@code to} exclusive), or both; what is left out is open (until: the
     * events committed by now).
     */
    public record ReplayRequest(String after, String until, Instant from, Instant to) {
    }

    /** A replay as it was planned: the cursor range it covers, the time range it keeps to. */
    public record Replay(UUID id, UUID subscriptionId, String after, String until, Instant from, Instant to,
                         Instant requestedAt) {
    }

    /**
     * Creates a subscription, enabled unless asked otherwise; it is sent the events committed from now on.
     *
     * @throws ProblemException VALIDATION_FAILED for an endpoint not allowed or an unknown event type
     */
    @ConfigurationTransactional
    public WithSecret create(AdminContext ctx, Owner owner, NewSubscription n) {
        List<FieldError> errors = new ArrayList<>();
        String url = checkUrl(n.url(), errors);
        String[] types = types(n.eventTypes(), errors);
        refuse(errors);
        WebhookSubscriptionRecord s = new WebhookSubscriptionRecord();
        s.id = Ids.newId();
        s.tenantId = owner.tenantId();
        s.url = url;
        s.description = n.description() == null ? "" : n.description();
        s.eventTypes = types;
        s.enabled = n.enabled() == null || n.enabled();
        s.disabledReason = s.enabled ? null : WebhookSubscriptionRecord.DisabledReason.ADMIN.name();
        s.disabledAt = s.enabled ? null : Instant.now();
        s.createdAt = s.updatedAt = Instant.now();
        em.persist(s);
        em.flush();
        byte[] key = secrets.newKey();
        ledger.start(s.id, log.end(), secrets.seal(key));
        events.publishEvent(new AdminActionPerformed(owner.tenantId(), ctx.actor(), "WEBHOOK_CREATED", AUDIT_TYPE,
                s.id.toString(), describe(s)));
        return new WithSecret(view(s), WebhookSecrets.text(key));
    }

    private static final String COLUMNS = "w.id, w.tenant_id, w.url, w.description, w.event_types, w.enabled, "
            + "w.disabled_reason, w.disabled_at, w.created_at, w.updated_at, w.version, "
            + "k.previous_secret_until, k.rotated_at, d.cursor_tx::text as cursor_tx, d.cursor_seq, d.failing_since, "
            + "d.last_success_at, (select count(*) from webhook_retry r where r.subscription_id = w.id) as retries";
    private static final String FROM = "webhook_subscription w join webhook_secret k on k.subscription_id = w.id "
            + "join webhook_delivery d on d.subscription_id = w.id";

    private final Listing<Versioned<WebhookSubscription>> listing = Listing.of(COLUMNS, FROM, "w.id", Listing.Kind.UUID,
                    WebhookSubscriptions::row)
            .sort("createdAt", "w.created_at", Listing.Kind.TIME).sort("url", "w.url", Listing.Kind.TEXT).build();

    /**
     * Filters of the list; null members do not filter.
     *
     * @param q words in the URL or description
     */
    public record Filter(String q, Boolean enabled) {
    }

    /** A page of the owner's subscriptions (sort keys: {@code createdAt} (default), {@code url}). */
    @ConfigurationTransactional(readOnly = true)
    public Page<WebhookSubscription> page(Owner owner, Filter f, PageParams page) {
        Listing.Where where = owner.tenantId() == null ? Listing.Where.of("w.tenant_id is null")
                : Listing.Where.of("w.tenant_id = ?", owner.tenantId());
        Page<Versioned<WebhookSubscription>> rows = listing.page(jdbc, where.and("w.enabled = ?", f.enabled())
                .text(f.q(), "w.url", "w.description"), page);
        return rows.map(Versioned::body);
    }

    /** @throws ProblemException NOT_FOUND unless the subscription is the owner's */
    @ConfigurationTransactional(readOnly = true)
    public Versioned<WebhookSubscription> get(Owner owner, UUID id) {
        return view(record(owner, id, LockModeType.NONE));
    }

    /**
     * Changes a subscription, made from the version {@code ifMatch} names. Enabling one that was disabled
     * resumes its deliveries where they stopped (every event since is sent, its retries at once).
     *
     * @throws ProblemException PRECONDITION_REQUIRED, STALE_VERSION; VALIDATION_FAILED as for {@link #create}
     */
    @ConfigurationTransactional
    public Versioned<WebhookSubscription> update(AdminContext ctx, Owner owner, UUID id, IfMatch ifMatch, Change c) {
        WebhookSubscriptionRecord s = record(owner, id, LockModeType.PESSIMISTIC_WRITE);
        ifMatch.check(TYPE, id, s.version);
        List<FieldError> errors = new ArrayList<>();
        String url = c.url() == null ? null : checkUrl(c.url(), errors);
        String[] types = c.eventTypes() == null ? null : types(c.eventTypes(), errors);
        refuse(errors);
        Map<String, Object> before = describe(s);
        if (url != null) {
            s.url = url;
        }
        if (c.description() != null) {
            s.description = c.description();
        }
        if (types != null) {
            s.eventTypes = types;
        }
        if (c.enabled() != null && c.enabled() != s.enabled) {
            s.enabled = c.enabled();
            s.disabledReason = s.enabled ? null : WebhookSubscriptionRecord.DisabledReason.ADMIN.name();
            s.disabledAt = s.enabled ? null : Instant.now();
            if (s.enabled) {
                ledger.resume(id);
            }
        }
        s.updatedAt = Instant.now();
        em.flush();
        Map<String, Object> details = describe(s);
        details.put("before", before);
        events.publishEvent(new AdminActionPerformed(owner.tenantId(), ctx.actor(), "WEBHOOK_UPDATED", AUDIT_TYPE,
                id.toString(), details));
        return view(s);
    }

    /** Removes the subscription with its secrets, retries, replays and attempts. */
    @ConfigurationTransactional
    public void delete(AdminContext ctx, Owner owner, UUID id) {
        WebhookSubscriptionRecord s = record(owner, id, LockModeType.PESSIMISTIC_WRITE);
        events.publishEvent(new AdminActionPerformed(owner.tenantId(), ctx.actor(), "WEBHOOK_DELETED", AUDIT_TYPE,
                id.toString(), describe(s)));
        em.remove(s);
        em.flush();
    }

    /**
     * Gives the subscription a new secret, shown now and never again. The current one goes on signing beside it
     * (a second signature) for {@code overlap} (null: {@code deskport.metering.webhooks.secret-overlap}; zero: it
     * stops at once), so receivers can switch without losing a delivery. A secret rotated out earlier and still
     * counting stops now.
     *
     * @throws ProblemException VALIDATION_FAILED for an overlap below zero or above {@link #MAX_OVERLAP}
     */
    @ConfigurationTransactional
    public WithSecret rotate(AdminContext ctx, Owner owner, UUID id, Duration overlap) {
        Duration keep = overlap == null ? settings.secretOverlap() : overlap;
        if (keep.isNegative() || keep.compareTo(MAX_OVERLAP) > 0) {
            refuse(List.of(new FieldError("previousSecretValidFor", "must be between PT0S and " + MAX_OVERLAP,
                    keep.toString())));
        }
        WebhookSubscriptionRecord s = record(owner, id, LockModeType.PESSIMISTIC_WRITE);
        byte[] key = secrets.newKey();
        Instant until = ledger.rotateSecret(id, secrets.seal(key), keep);
        // the version moves with it (a dirty row): what an admin read before says nothing of the new secret
        s.updatedAt = Instant.now();
        em.flush();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("previousSecretValidUntil", until == null ? null : until.toString());
        events.publishEvent(new AdminActionPerformed(owner.tenantId(), ctx.actor(), "WEBHOOK_SECRET_ROTATED", AUDIT_TYPE,
                id.toString(), details));
        return new WithSecret(view(s), WebhookSecrets.text(key));
    }

    /**
     * Sends a range of events to the subscription again, with their own {@code webhook-id}s (receivers that saw
     * them drop them), after what it is being sent now. Only events the subscription's filter matches are sent.
     *
     * @throws ProblemException VALIDATION_FAILED for a cursor this API did not give out, an empty or backwards
     *         range, or no bound at all
     */
    @ConfigurationTransactional
    public Replay replay(AdminContext ctx, Owner owner, UUID id, ReplayRequest r) {
        WebhookSubscriptionRecord s = record(owner, id, LockModeType.PESSIMISTIC_WRITE);
        if (r.after() == null && r.until() == null && r.from() == null && r.to() == null) {
            refuse(List.of(new FieldError("after", "name a range: after/until (cursors) or from/to (times)", null)));
        }
        if (r.from() != null && r.to() != null && !r.from().isBefore(r.to())) {
            refuse(List.of(new FieldError("to", "must be after from", r.to().toString())));
        }
        UsageCursor after = UsageCursor.parse(r.after(), "after");
        UsageCursor end = log.end();
        UsageCursor until = r.until() == null || r.until().isBlank() ? end : UsageCursor.parse(r.until(), "until");
        if (until.compareTo(end) > 0) {
            until = end; // nothing later is visible yet: a replay sends what has been committed
        }
        if (r.from() != null || r.to() != null) {
            // the log is in commit order, not time order: the cursor range is narrowed to the events in the time
            // range, and the relay keeps to the times as well
            UsageCursor[] bounds = ledger.rangeOfTimes(s.tenantId, r.from(), r.to(), after, until);
            if (bounds == null) {
                until = after;
            } else {
                after = bounds[0].compareTo(after) > 0 ? bounds[0] : after;
                until = bounds[1].compareTo(until) < 0 ? bounds[1] : until;
            }
        }
        if (until.compareTo(after) < 0) {
            refuse(List.of(new FieldError("until", "must not be before after", r.until())));
        }
        Replay replay = ledger.addReplay(id, after, until, r.from(), r.to(), ctx.actor().username());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("after", replay.after());
        details.put("until", replay.until());
        details.put("from", r.from() == null ? null : r.from().toString());
        details.put("to", r.to() == null ? null : r.to().toString());
        events.publishEvent(new AdminActionPerformed(owner.tenantId(), ctx.actor(), "WEBHOOK_REPLAY_REQUESTED",
                AUDIT_TYPE, id.toString(), details));
        return replay;
    }

    /** Filters of the attempt list; null members do not filter. */
    public record AttemptFilter(Boolean succeeded, Long eventId) {
    }

    /** A page of the subscription's delivery attempts, newest first by default. */
    @ConfigurationTransactional(readOnly = true)
    public Page<WebhookAttempt> attempts(Owner owner, UUID id, AttemptFilter f, PageParams page) {
        record(owner, id, LockModeType.NONE);
        return ledger.attempts(id, f, page);
    }

    private WebhookSubscriptionRecord record(Owner owner, UUID id, LockModeType lock) {
        WebhookSubscriptionRecord s = em.find(WebhookSubscriptionRecord.class, id, lock);
        if (s == null || !owner.owns(s.tenantId)) {
            throw ProblemException.notFound(TYPE, id);
        }
        return s;
    }

    private Versioned<WebhookSubscription> view(WebhookSubscriptionRecord s) {
        return jdbc.sql("select " + COLUMNS + " from " + FROM + " where w.id = ?").param(s.id)
                .query(WebhookSubscriptions::row).single();
    }

    private static Versioned<WebhookSubscription> row(ResultSet rs, int n) throws SQLException {
        String[] codes = (String[]) rs.getArray("event_types").getArray();
        WebhookSubscription.Delivery delivery = new WebhookSubscription.Delivery(
                rs.getString("cursor_tx") + "." + rs.getLong("cursor_seq"), instant(rs.getTimestamp("failing_since")),
                instant(rs.getTimestamp("last_success_at")), rs.getLong("retries"));
        return new Versioned<>(new WebhookSubscription(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getString("url"), rs.getString("description"),
                Arrays.stream(codes).map(c -> UsageEventType.PREFIX + c).toList(), rs.getBoolean("enabled"),
                rs.getString("disabled_reason"), instant(rs.getTimestamp("disabled_at")),
                instant(rs.getTimestamp("previous_secret_until")), instant(rs.getTimestamp("rotated_at")), delivery,
                instant(rs.getTimestamp("created_at")), instant(rs.getTimestamp("updated_at"))), rs.getLong("version"));
    }

    private String checkUrl(String url, List<FieldError> errors) {
        String why = addresses.whyNot(url);
        if (why != null) {
            errors.add(new FieldError("url", why, url == null || url.length() > WebhookAddresses.MAX_URL ? null : url));
            return null;
        }
        return url.strip();
    }

    private static String[] types(List<String> names, List<FieldError> errors) {
        Set<String> codes = new LinkedHashSet<>();
        if (names == null) {
            return new String[0];
        }
        for (String name : names) {
            UsageEventType t = name == null ? null : UsageEventType.ofName(name.strip());
            if (t == null) {
                errors.add(new FieldError("eventTypes", "no usage event type is named '" + name + "' (known: "
                        + EnumSet.allOf(UsageEventType.class).stream().map(UsageEventType::cloudEventType).toList() + ")",
                        name));
            } else {
                codes.add(t.code());
            }
        }
        return codes.toArray(String[]::new);
    }

    private static void refuse(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw new ProblemException(Reason.VALIDATION_FAILED, errors.size() == 1
                    ? errors.getFirst().field() + ": " + errors.getFirst().message()
                    : errors.size() + " fields are invalid", Map.of("errors", errors));
        }
    }

    /** What an audit line says of a subscription: never its secret, the URL without its query (it may carry tokens). */
    static Map<String, Object> describe(WebhookSubscriptionRecord s) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("url", withoutQuery(s.url));
        d.put("description", s.description);
        d.put("eventTypes", List.of(s.eventTypes));
        d.put("enabled", s.enabled);
        d.put("disabledReason", s.disabledReason);
        return d;
    }

    static String withoutQuery(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q) + "?…";
    }

    static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
