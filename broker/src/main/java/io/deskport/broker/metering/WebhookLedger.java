package io.deskport.broker.metering;

import java.net.URI;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.Listing;
import io.deskport.broker.shared.Page;
import io.deskport.broker.shared.PageParams;

/**
 * The webhook relay's rows, in SQL: each subscription's cursor in the event log and the lease on it
 * ({@code webhook_delivery}), its keys ({@code webhook_secret}), the events waiting for another attempt
 * ({@code webhook_retry}), replays ({@code webhook_replay}) and the attempts made ({@code webhook_attempt}).
 * A pass of deliveries ends in one transaction ({@link #finishPass}) that holds only if the broker still holds
 * the lease: cursor, retries, attempts and replay progress move together or not at all.
 */
@Component
class WebhookLedger {

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final WebhookSecrets secrets;

    WebhookLedger(JdbcClient jdbc, PlatformTransactionManager txManager, WebhookSecrets secrets) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(txManager);
        this.secrets = secrets;
    }

    // ---- for the subscriptions' service (inside its transaction)

    /** The delivery and secret rows of a new subscription, read from {@code cursor} on. */
    void start(UUID id, UsageCursor cursor, byte[] sealedKey) {
        jdbc.sql("insert into webhook_secret (subscription_id, secret) values (?, ?)").params(id, sealedKey).update();
        jdbc.sql("insert into webhook_delivery (subscription_id, cursor_tx, cursor_seq) values (?, ?::text::xid8, ?)")
                .params(id, Long.toString(cursor.tx()), cursor.seq()).update();
    }

    /** A subscription enabled again: its next pass now, its retries due now, its failure count afresh. */
    void resume(UUID id) {
        jdbc.sql("update webhook_delivery set next_pass_at = now(), failing_since = null, failed_passes = 0 "
                + "where subscription_id = ?").param(id).update();
        jdbc.sql("update webhook_retry set next_attempt_at = now() where subscription_id = ?").param(id).update();
    }

    /** @return until when the previous key signs (null: not at all) */
    Instant rotateSecret(UUID id, byte[] sealedKey, Duration keepPrevious) {
        boolean keep = !keepPrevious.isZero();
        return jdbc.sql("update webhook_secret set previous_secret = case when ? then secret end, "
                        + "previous_secret_until = case when ? then now() + ? * interval '1 millisecond' end, "
                        + "secret = ?, rotated_at = now() where subscription_id = ? returning previous_secret_until")
                .params(keep, keep, keepPrevious.toMillis(), sealedKey, id)
                .query((rs, n) -> java.util.Optional.ofNullable(WebhookSubscriptions.instant(rs.getTimestamp(1)))).single()
                .orElse(null);
    }

    /**
     * @return the positions just before the first and at the last event with a time in [from, to) inside
     *         (after, until], of the tenant (null: every tenant's); null when there is none
     */
    UsageCursor[] rangeOfTimes(UUID tenantId, Instant from, Instant to, UsageCursor after, UsageCursor until) {
        String where = "(tx, seq) > (?::text::xid8, ?) and (tx, seq) <= (?::text::xid8, ?)"
                + (from == null ? "" : " and time >= ?") + (to == null ? "" : " and time < ?")
                + (tenantId == null ? "" : " and tenant_id = ?");
        List<Object> params = new ArrayList<>(List.of(Long.toString(after.tx()), after.seq(), Long.toString(until.tx()),
                until.seq()));
        if (from != null) {
            params.add(from.atOffset(ZoneOffset.UTC));
        }
        if (to != null) {
            params.add(to.atOffset(ZoneOffset.UTC));
        }
        if (tenantId != null) {
            params.add(tenantId);
        }
        List<UsageCursor> first = jdbc.sql("select tx::text as tx_text, seq from usage_event where " + where + " order by tx, seq limit 1")
                .params(params).query(WebhookLedger::cursor).list();
        if (first.isEmpty()) {
            return null;
        }
        UsageCursor last = jdbc.sql("select tx::text as tx_text, seq from usage_event where " + where
                + " order by tx desc, seq desc limit 1").params(params).query(WebhookLedger::cursor).single();
        return new UsageCursor[] {new UsageCursor(first.getFirst().tx(), first.getFirst().seq() - 1), last};
    }

    WebhookSubscriptions.Replay addReplay(UUID subscriptionId, UsageCursor after, UsageCursor until, Instant from,
                                          Instant to, String requestedBy) {
        UUID id = Ids.newId();
        Instant at = jdbc.sql("insert into webhook_replay (id, subscription_id, after_tx, after_seq, until_tx, until_seq, "
                        + "from_time, to_time, position_tx, position_seq, requested_at, requested_by, done_at) values "
                        + "(?, ?, ?::text::xid8, ?, ?::text::xid8, ?, ?, ?, ?::text::xid8, ?, now(), ?, "
                        + "case when (?::text::xid8, ?::bigint) >= (?::text::xid8, ?::bigint) then now() end) returning requested_at")
                .params(id, subscriptionId, Long.toString(after.tx()), after.seq(), Long.toString(until.tx()), until.seq(),
                        from == null ? null : from.atOffset(ZoneOffset.UTC), to == null ? null : to.atOffset(ZoneOffset.UTC),
                        Long.toString(after.tx()), after.seq(), requestedBy, Long.toString(after.tx()), after.seq(),
                        Long.toString(until.tx()), until.seq())
                .query((rs, n) -> rs.getTimestamp(1).toInstant()).single();
        // the relay looks at once, not at its next poll
        jdbc.sql("update webhook_delivery set next_pass_at = least(next_pass_at, now()) where subscription_id = ? "
                + "and failing_since is null").param(subscriptionId).update();
        return new WebhookSubscriptions.Replay(id, subscriptionId, after.toString(), until.toString(), from, to, at);
    }

    private final Listing<WebhookAttempt> attemptListing = Listing.of(
                    "a.id, a.event_seq, a.event_type, a.attempt, a.replay, a.at, a.status, a.latency_ms, a.succeeded, a.error",
                    "webhook_attempt a", "a.id", Listing.Kind.NUMBER, WebhookLedger::attempt)
            .sort("at", "a.at", Listing.Kind.TIME).defaultSort("-at").build();

    Page<WebhookAttempt> attempts(UUID subscriptionId, WebhookSubscriptions.AttemptFilter f, PageParams page) {
        return attemptListing.page(jdbc, Listing.Where.of("a.subscription_id = ?", subscriptionId)
                .and("a.succeeded = ?", f.succeeded()).and("a.event_seq = ?", f.eventId()), page);
    }

    private static WebhookAttempt attempt(ResultSet rs, int n) throws SQLException {
        return new WebhookAttempt(rs.getLong("id"), Long.toString(rs.getLong("event_seq")),
                UsageEventType.PREFIX + rs.getString("event_type"), rs.getInt("attempt"), rs.getBoolean("replay"),
                rs.getTimestamp("at").toInstant(), (Integer) rs.getObject("status"), rs.getLong("latency_ms"),
                rs.getBoolean("succeeded"), rs.getString("error"));
    }

    // ---- for the relay (its own short transactions, never a request's)

    /** A subscription a broker holds the lease on, as its delivery row stood when it was claimed. */
    record Claim(UUID id, UsageCursor cursor, Instant failingSince, int failedPasses) {
    }

    /**
     * Claims up to {@code max} subscriptions whose next pass is due and whose lease is free or ran out: the rows
     * are locked with SKIP LOCKED, so brokers claiming at once take different ones.
     */
    List<Claim> claim(String owner, int max, Duration lease) {
        return jdbc.sql("with due as (select d.subscription_id from webhook_delivery d "
                        + "join webhook_subscription s on s.id = d.subscription_id "
                        + "where s.enabled and d.next_pass_at <= now() and (d.lease_until is null or d.lease_until < now()) "
                        + "order by d.next_pass_at limit ? for update of d skip locked) "
                        + "update webhook_delivery d set lease_owner = ?, lease_until = now() + ? * interval '1 millisecond' "
                        + "from due where d.subscription_id = due.subscription_id "
                        + "returning d.subscription_id, d.cursor_tx::text, d.cursor_seq, d.failing_since, d.failed_passes")
                .params(max, owner, lease.toMillis())
                .query((rs, n) -> new Claim(rs.getObject(1, UUID.class), new UsageCursor(Long.parseLong(rs.getString(2)),
                        rs.getLong(3)), WebhookSubscriptions.instant(rs.getTimestamp(4)), rs.getInt(5)))
                .list();
    }

    /** Gives the lease up; the next pass is due after {@code wait}. */
    void release(UUID id, String owner, Duration wait) {
        jdbc.sql("update webhook_delivery set lease_owner = null, lease_until = null, "
                        + "next_pass_at = now() + ? * interval '1 millisecond' where subscription_id = ? and lease_owner = ?")
                .params(wait.toMillis(), id, owner).update();
    }

    /** Where and how a subscription's events go now. */
    record Target(UUID id, UUID tenantId, URI url, Set<UsageEventType> types, boolean enabled, List<byte[]> keys) {
    }

    /** @return the subscription as the relay sends to it now (its keys decrypted), or null when it is gone */
    Target target(UUID id) {
        return jdbc.sql("select w.tenant_id, w.url, w.event_types, w.enabled, k.secret, "
                        + "case when k.previous_secret_until > now() then k.previous_secret end "
                        + "from webhook_subscription w join webhook_secret k on k.subscription_id = w.id where w.id = ?")
                .param(id).query((rs, n) -> {
                    Set<UsageEventType> types = EnumSet.noneOf(UsageEventType.class);
                    for (String code : (String[]) rs.getArray(3).getArray()) {
                        UsageEventType t = UsageEventType.ofCode(code);
                        if (t != null) {
                            types.add(t);
                        }
                    }
                    List<byte[]> keys = new ArrayList<>();
                    keys.add(secrets.open(rs.getBytes(5)));
                    if (rs.getBytes(6) != null) {
                        keys.add(secrets.open(rs.getBytes(6)));
                    }
                    return new Target(id, rs.getObject(1, UUID.class), URI.create(rs.getString(2)), types,
                            rs.getBoolean(4), keys);
                }).optional().orElse(null);
    }

    /** An event waiting for another attempt. */
    record Retry(UsageCursor position, int attempts, Instant firstFailedAt) {
    }

    /** @return the retries due now (all of them, due or not, when {@code anyTime}), oldest event first */
    List<Retry> retries(UUID id, int limit, boolean anyTime) {
        return jdbc.sql("select event_tx::text as event_tx_text, event_seq, attempts, first_failed_at from webhook_retry "
                        + "where subscription_id = ?" + (anyTime ? "" : " and next_attempt_at <= now()")
                        + " order by event_tx, event_seq limit ?")
                .params(id, limit).query((rs, n) -> new Retry(new UsageCursor(Long.parseLong(rs.getString(1)), rs.getLong(2)),
                        rs.getInt(3), rs.getTimestamp(4).toInstant())).list();
    }

    /** Drops retries of events no longer in the log (removed by retention): nothing is left to send. */
    void dropRetries(UUID id, List<UsageCursor> positions) {
        if (!positions.isEmpty()) {
            jdbc.sql("delete from webhook_retry r using unnest(?::text[]::xid8[], ?::bigint[]) as p(tx, seq) "
                            + "where r.subscription_id = ? and r.event_tx = p.tx and r.event_seq = p.seq")
                    .params(positions.stream().map(p -> Long.toString(p.tx())).toArray(String[]::new),
                            positions.stream().map(UsageCursor::seq).toArray(Long[]::new), id).update();
        }
    }

    /** A replay not done yet. */
    record OpenReplay(UUID id, UsageCursor position, UsageCursor until, Instant from, Instant to) {

        boolean inTime(Instant t) {
            return (from == null || !t.isBefore(from)) && (to == null || t.isBefore(to));
        }
    }

    /** @return the subscription's oldest open replay, or null */
    OpenReplay openReplay(UUID id) {
        return jdbc.sql("select id, position_tx::text, position_seq, until_tx::text, until_seq, from_time, to_time "
                        + "from webhook_replay where subscription_id = ? and done_at is null order by requested_at, id limit 1")
                .param(id).query((rs, n) -> new OpenReplay(rs.getObject(1, UUID.class),
                        new UsageCursor(Long.parseLong(rs.getString(2)), rs.getLong(3)),
                        new UsageCursor(Long.parseLong(rs.getString(4)), rs.getLong(5)),
                        WebhookSubscriptions.instant(rs.getTimestamp(6)), WebhookSubscriptions.instant(rs.getTimestamp(7))))
                .optional().orElse(null);
    }

    /** Where an attempted event came from: the cursor's new events, the retries, or a replay. */
    enum Source { NEW, RETRY, REPLAY }

    /**
     * One attempt's outcome.
     *
     * @param attempt   the how-many-th attempt of the event
     * @param retryDelay when it failed: how long until its next attempt
     * @param givenUp   when it failed: whether it is not tried again (failing longer than the give-up window)
     */
    record Outcome(UsageEvent event, Source source, int attempt, Instant at, Integer status, long latencyMs,
                   boolean succeeded, String error, Duration retryDelay, boolean givenUp) {
    }

    /**
     * What a pass did and where it leaves the subscription.
     *
     * @param cursor       the new cursor (every new event up to it was attempted), or null: unchanged
     * @param replay       the replay the pass worked on, or null
     * @param replayTo     how far that replay got
     * @param replayDone   whether it is finished
     * @param failedPasses the endpoint's failed passes in a row after this one (0: it took a delivery)
     * @param nextPass     when the next pass is due (zero: at once)
     */
    record PassEnd(List<Outcome> outcomes, UsageCursor cursor, UUID replay, UsageCursor replayTo, boolean replayDone,
                   int failedPasses, Duration nextPass, Duration lease) {
    }

    /**
     * Records a pass: attempts (one statement), retries added, moved on or removed, the cursor and the replay
     * moved, the endpoint's failure state and the lease renewed, in one transaction.
     *
     * @return false (and nothing recorded) when the broker no longer holds the lease: another one took the
     *         subscription over and sends these events again itself
     */
    boolean finishPass(UUID id, String owner, PassEnd end) {
        Boolean held = tx.execute(status -> {
            boolean anySuccess = end.outcomes().stream().anyMatch(Outcome::succeeded);
            int updated = jdbc.sql("update webhook_delivery set "
                            + "cursor_tx = coalesce(?::text::xid8, cursor_tx), cursor_seq = coalesce(?, cursor_seq), "
                            + "failing_since = case when ? then null else coalesce(failing_since, now()) end, "
                            + "failed_passes = ?, last_success_at = case when ? then now() else last_success_at end, "
                            + "next_pass_at = now() + ? * interval '1 millisecond', "
                            + "lease_until = now() + ? * interval '1 millisecond' "
                            + "where subscription_id = ? and lease_owner = ?")
                    .params(end.cursor() == null ? null : Long.toString(end.cursor().tx()),
                            end.cursor() == null ? null : end.cursor().seq(), end.failedPasses() == 0, end.failedPasses(),
                            anySuccess, end.nextPass().toMillis(), end.lease().toMillis(), id, owner)
                    .update();
            if (updated == 0) {
                status.setRollbackOnly();
                return false;
            }
            recordAttempts(id, end.outcomes());
            moveRetries(id, end.outcomes());
            if (end.replay() != null) {
                jdbc.sql("update webhook_replay set position_tx = ?::text::xid8, position_seq = ?, "
                                + "done_at = case when ? then now() end where id = ?")
                        .params(Long.toString(end.replayTo().tx()), end.replayTo().seq(), end.replayDone(), end.replay())
                        .update();
            }
            return true;
        });
        return Boolean.TRUE.equals(held);
    }

    /** The endpoint took a delivery after failing: its waiting events are due at once. */
    void retriesDueNow(UUID id) {
        jdbc.sql("update webhook_retry set next_attempt_at = now() where subscription_id = ? and next_attempt_at > now()")
                .param(id).update();
    }

    private void recordAttempts(UUID id, List<Outcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        int n = outcomes.size();
        Long[] seqs = new Long[n];
        String[] types = new String[n];
        Integer[] attempts = new Integer[n];
        Boolean[] replays = new Boolean[n];
        java.sql.Timestamp[] ats = new java.sql.Timestamp[n];
        Integer[] statuses = new Integer[n];
        Long[] latencies = new Long[n];
        Boolean[] succeeded = new Boolean[n];
        String[] errors = new String[n];
        for (int i = 0; i < n; i++) {
            Outcome o = outcomes.get(i);
            seqs[i] = o.event().seq();
            types[i] = o.event().type().code();
            attempts[i] = o.attempt();
            replays[i] = o.source() == Source.REPLAY;
            ats[i] = java.sql.Timestamp.from(o.at());
            statuses[i] = o.status();
            latencies[i] = o.latencyMs();
            succeeded[i] = o.succeeded();
            errors[i] = o.error();
        }
        jdbc.sql("insert into webhook_attempt (subscription_id, event_seq, event_type, attempt, replay, at, status, "
                        + "latency_ms, succeeded, error) select ?, * from unnest(?::bigint[], ?::text[], ?::int[], "
                        + "?::boolean[], ?::timestamptz[], ?::int[], ?::bigint[], ?::boolean[], ?::text[])")
                .params(id, seqs, types, attempts, replays, ats, statuses, latencies, succeeded, errors).update();
    }

    private void moveRetries(UUID id, List<Outcome> outcomes) {
        List<Outcome> done = new ArrayList<>();
        List<Outcome> again = new ArrayList<>();
        List<Outcome> fresh = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.succeeded() || o.givenUp()) {
                done.add(o);
            } else if (o.source() == Source.RETRY) {
                again.add(o);
            } else {
                fresh.add(o);
            }
        }
        if (!done.isEmpty()) {
            dropRetries(id, done.stream().map(o -> o.event().position()).toList());
        }
        if (!again.isEmpty()) {
            jdbc.sql("update webhook_retry r set attempts = p.attempts, next_attempt_at = now() + p.delay * interval '1 millisecond' "
                            + "from unnest(?::text[]::xid8[], ?::bigint[], ?::int[], ?::bigint[]) as p(tx, seq, attempts, delay) "
                            + "where r.subscription_id = ? and r.event_tx = p.tx and r.event_seq = p.seq")
                    .params(again.stream().map(o -> Long.toString(o.event().position().tx())).toArray(String[]::new),
                            again.stream().map(o -> o.event().seq()).toArray(Long[]::new),
                            again.stream().map(Outcome::attempt).toArray(Integer[]::new),
                            again.stream().map(o -> o.retryDelay().toMillis()).toArray(Long[]::new), id)
                    .update();
        }
        if (!fresh.isEmpty()) {
            // an event a replay sends that waits in the retries already keeps its place there
            jdbc.sql("insert into webhook_retry (subscription_id, event_tx, event_seq, attempts, first_failed_at, next_attempt_at) "
                            + "select ?, p.tx, p.seq, p.attempts, now(), now() + p.delay * interval '1 millisecond' "
                            + "from unnest(?::text[]::xid8[], ?::bigint[], ?::int[], ?::bigint[]) as p(tx, seq, attempts, delay) "
                            + "on conflict do nothing")
                    .params(id, fresh.stream().map(o -> Long.toString(o.event().position().tx())).toArray(String[]::new),
                            fresh.stream().map(o -> o.event().seq()).toArray(Long[]::new),
                            fresh.stream().map(Outcome::attempt).toArray(Integer[]::new),
                            fresh.stream().map(o -> o.retryDelay().toMillis()).toArray(Long[]::new))
                    .update();
        }
    }

    /**
     * Deletes the attempts older than the retention, oldest first (by id: the order they were recorded in, which
     * is their time's within a pass's length), 10,000 to a statement and at most {@code maxBatches} statements;
     * returns how many. Bounded work, and no index on the time that every delivery would have to write. (One
     * batch a sweep, as until 2026-12-07, forgot 10,000 attempts a minute: fewer than a relay records at 170
     * deliveries a second.)
     */
    int forgetAttempts(Duration retention, int maxBatches) {
        int forgotten = 0;
        for (int batch = 0; batch < maxBatches; batch++) {
            int n = jdbc.sql("delete from webhook_attempt where id in (select id from (select id, at from webhook_attempt "
                            + "order by id limit " + FORGET_BATCH + ") oldest where at < now() - ? * interval '1 millisecond')")
                    .param(retention.toMillis()).update();
            forgotten += n;
            if (n < FORGET_BATCH) {
                break;
            }
        }
        return forgotten;
    }

    /** Attempts one statement of {@link #forgetAttempts} deletes at most. */
    static final int FORGET_BATCH = 10_000;

    private static UsageCursor cursor(ResultSet rs, int n) throws SQLException {
        return new UsageCursor(Long.parseLong(rs.getString(1)), rs.getLong(2));
    }
}
