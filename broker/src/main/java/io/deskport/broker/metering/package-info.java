/**
 * Metering: the usage events a bill is made from, read by billing integrations (the export API, signed
 * webhooks) and rolled up per hour, day and month in each tenant's time zone.
 *
 * <p><b>Events.</b> Every change a bill is made from writes one immutable row of {@code usage_event} in the
 * transaction that makes it ({@link UsageRecorder}, listening to the changes' events inside their
 * transactions): a session created, connected, disconnected or ended; a desktop created, powered on or off (with
 * its size), deleted; a snapshot of a desktop kept (with its size) or deleted; a licence seat taken or released; a tenant's quota changed. On the connect path the row
 * travels with the COMMIT (no extra round trip). Licence seats are taken inside a database function at a
 * connect's COMMIT; their events are written there too, through the functions this module publishes for changes
 * made in SQL ({@code record_usage_event}, {@code record_usage_events}), with the seat's own times.
 * Each event reads as a CloudEvents 1.0 JSON event ({@link CloudEvents}).
 *
 * <p><b>A cursor that never skips.</b> Readers see the log in the order of (writing transaction id, sequence
 * number), and only the part written by transactions older than the oldest one still running
 * ({@code pg_snapshot_xmin(pg_current_snapshot())}): every row there is committed and final, and every
 * transaction still to commit can only add rows after it. So a reader's cursor, the last (tx, seq) it read,
 * is never passed by an event committed later: the visible log is a prefix that only grows. No relay assigns
 * positions after commit and no event is written twice; a long write transaction delays readers (never
 * skips them) until it ends ({@link UsageEventLog}) — unless it writes no usage event and says so
 * ({@link UsageHorizon}: the roll-ups' transactions, which run for seconds, are left out of the wait).
 *
 * <p><b>Roll-ups.</b> {@link UsageRollups} reads the log after a cursor of its own, keeps each session's, desktop's
 * and licence seat's states over time ({@link UsageIntervals}, in time order whatever order the events arrive in),
 * marks the UTC hours each change affects dirty and moves its cursor in the same transaction, then recomputes each
 * dirty hour, and the tenant's local days and months that overlap it, from those intervals by delete and insert
 * ({@link UsageRollupFigures}): re-running a period gives the same rows, and a late event (a seat released with its
 * own, older time) re-opens the hours it falls in. The export reads them per hour, day or month
 * ({@link UsageRollupController}).
 *
 * <p><b>Webhooks.</b> Subscriptions ({@link WebhookSubscriptions}: a tenant's, or the platform's for every tenant)
 * each read the same log with a cursor of their own; the relay ({@link WebhookRelay}) runs on every broker,
 * claims subscriptions by lease, sends each event as CloudEvents JSON signed per Standard Webhooks
 * ({@code webhook-id} = the event's id, so receivers de-duplicate) and records a pass (attempts, retries, cursor)
 * in one transaction: at least once, never on a request's thread, a failed event retried on its own backoff
 * without holding the others back, an endpoint failing for the give-up window disabled.
 */
@ApplicationModule(displayName = "Metering",
        allowedDependencies = {"shared", "tenancy", "pools", "brokering", "licensing", "provisioning"})
@Tables(owns = {"usage_event", "usage_rollup_state", "usage_interval", "usage_rollup_dirty", "usage_rollup",
        "webhook_subscription", "webhook_secret", "webhook_delivery", "webhook_retry", "webhook_replay", "webhook_attempt",
        "metering_alert_recorded", "usage_horizon_exempt"},
        publishes = {})
package io.deskport.broker.metering;

import org.springframework.modulith.ApplicationModule;

import io.deskport.broker.shared.Tables;
