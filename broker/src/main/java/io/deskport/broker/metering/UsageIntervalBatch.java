package io.deskport.broker.metering;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.deskport.broker.metering.UsageIntervals.Affected;
import io.deskport.broker.metering.UsageIntervals.Change;
import io.deskport.broker.metering.UsageIntervals.Point;
import io.deskport.broker.metering.UsageIntervals.Row;
import io.deskport.broker.metering.UsageIntervals.State;

/**
 * What a batch of events, in the order the log gives them, does to their objects' intervals, decided in memory from
 * each object's latest stored change ({@link UsageIntervals} documents the rules). Most events come after their
 * object's latest change: they become new rows, the change before each one ends where it begins, and the batch ends
 * with {@link #rows()} to insert and {@link #ends()} of stored rows to set. An event before its object's latest change
 * ({@link #late()}) is placed among the stored changes afterwards, one by one; it changes neither the object's latest
 * change nor what the batch decides about the events after it, so deciding it here and placing it after the new rows
 * are written gives what placing it in its turn would.
 */
final class UsageIntervalBatch {

    private static final Logger log = LoggerFactory.getLogger(UsageIntervalBatch.class);

    /** An object: the key of its changes. */
    record Subject(UUID tenantId, String subject) {
    }

    /** A stored change that a new one follows: it now ends at {@code end}. */
    record End(Subject subject, Point point, Instant end) {
    }

    /** An event whose change is before its object's latest one, at {@code at}. */
    record Late(UsageEvent event, Instant at, Change change) {
    }

    private final Map<Subject, Point> stored;
    /** The new rows of the objects that have one, by the index of their latest in {@link #rows}. */
    private final Map<Subject, Integer> latestNew = new HashMap<>();
    private final List<Row> rows = new ArrayList<>();
    private final List<End> ends = new ArrayList<>();
    private final List<Late> late = new ArrayList<>();
    private final List<Affected> affected = new ArrayList<>();

    /** @param stored the latest stored change of each object the batch is about (none for an object new to the log) */
    UsageIntervalBatch(Map<Subject, Point> stored) {
        this.stored = stored;
    }

    /** Decides what the event's change does, after the events of the batch before it. */
    void add(UsageEvent e) {
        Change c = UsageIntervals.change(e);
        if (c == null) {
            return;
        }
        Subject subject = new Subject(e.tenantId(), e.subject());
        Point last = latest(subject);
        if (last != null && last.state().isFinal()) {
            log.debug("Usage event {} ({}) after the end of {}: not counted", e.seq(), e.type().code(), e.subject());
            return;
        }
        if (c.creates() && last != null) {
            return; // created after a change of it was seen: the changes say more
        }
        Instant at = e.time();
        if (c.state().isFinal() && last != null && at.isBefore(last.start())) {
            at = last.start();
        }
        if (last != null && at.isBefore(last.start())) {
            late.add(new Late(e, at, c));
            return;
        }
        if (last == null && c.state() == State.RELEASED) {
            Instant takenAt = UsageIntervals.instant(e.data(), "takenAt");
            if (takenAt != null && takenAt.isBefore(at)) {
                last = follow(subject, null, Row.of(e, takenAt, new Change(State.HELD, true, c.poolId(), c.userId(), null,
                        c.productId(), null, null, null), null));
            }
        }
        follow(subject, last, Row.of(e, at, c, last == null ? null : last.deviceId()));
    }

    /** @return the new rows, each ending at its object's next change (or never) */
    List<Row> rows() {
        return rows;
    }

    /** @return the stored changes that new ones follow, each once */
    List<End> ends() {
        return ends;
    }

    /** @return the events to place among their objects' stored changes, in the log's order */
    List<Late> late() {
        return late;
    }

    /** @return the stretches of time whose figures the new rows change (the late events' are the placing's) */
    List<Affected> affected() {
        return affected;
    }

    private Point latest(Subject subject) {
        Integer i = latestNew.get(subject);
        return i != null ? rows.get(i).point() : stored.get(subject);
    }

    /** Adds a change after the object's latest one, which now ends where it begins. */
    private Point follow(Subject subject, Point last, Row row) {
        Integer previous = latestNew.put(subject, rows.size());
        if (previous != null) {
            rows.set(previous, rows.get(previous).endingAt(row.start()));
        } else if (last != null) {
            ends.add(new End(subject, last, row.start()));
        }
        rows.add(row);
        affected.add(new Affected(row.tenantId(), row.start(), null));
        return row.point();
    }
}
