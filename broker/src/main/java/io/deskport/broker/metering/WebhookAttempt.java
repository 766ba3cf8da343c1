package io.deskport.broker.metering;

import java.time.Instant;

/**
 * One delivery attempt of one event to a subscription's endpoint.
 *
 * @param eventId   the event's CloudEvents id, sent as {@code webhook-id}
 * @param eventType its CloudEvents type
 * @param attempt   the how-many-th attempt of this event (a replay starts again at 1)
 * @param replay    whether it was sent by a replay
 * @param status    the HTTP status answered, or null when none was (refused, timed out, address not allowed)
 * @param latencyMs from sending to the answer (or the failure)
 * @param error     why it failed, in words; null when it succeeded
 */
public record WebhookAttempt(long id, String eventId, String eventType, int attempt, boolean replay, Instant at,
                             Integer status, long latencyMs, boolean succeeded, String error) {
}
