package io.deskport.broker.metering;

import java.time.Instant;
import java.util.UUID;

import tools.jackson.databind.node.ObjectNode;

/**
 * One usage event as the log holds it.
 *
 * @param position where it is in the read order (a reader that has read it resumes after it)
 * @param seq      its sequence number, unique over the log (its CloudEvents {@code id})
 * @param type     what happened
 * @param subject  what it happened to ({@code sessions/<id>})
 * @param time     when (the changing transaction's time, or the seat's own time)
 * @param data     the event's figures (ids, states, reasons, size)
 */
public record UsageEvent(UsageCursor position, long seq, UUID tenantId, UsageEventType type, String subject,
                         Instant time, ObjectNode data) {
}
