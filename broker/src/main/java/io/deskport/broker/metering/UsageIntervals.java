package io.deskport.broker.metering;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Each object's states over time ({@code usage_interval}), from its usage events: a session is OPEN from
 * session.created (and after each disconnect), CONNECTED from each connect, ENDED from session.ended; a desktop is
 * STOPPED from desktop.created and each power-off, RUNNING from each power-on, DELETED from desktop.deleted; a
 * licence seat is HELD from seat_taken, RELEASED from seat_released. An object is in a state from its change until
 * its next one, so a repeated power-on changes nothing.
 *
 * <p>Changes are kept in time order whatever order their events are read in: one that arrives after a later one
 * is put in its place. The ends are final: after a session's end, a desktop's deletion or a seat's release, the
 * object's later events are ignored, and an end whose time is before the object's latest change (a transaction that
 * began before another committed) is taken at that change's time. A creation (session.created, desktop.created,
 * seat_taken) counts only as an object's first change. A seat released that was never seen taken (taken before the
 * log began) is held from the {@code takenAt} its release carries.
 *
 * <p>Called inside the roll-up pass's transaction only.
 */
@Component
class UsageIntervals {

    private static final Logger log = LoggerFactory.getLogger(UsageIntervals.class);

    /** The states an object is in; an object is counted in the states that are not final. */
    enum State {
        OPEN, CONNECTED, ENDED, STOPPED, RUNNING, DELETED, HELD, RELEASED;

        boolean isFinal() {
            return this == ENDED || this == DELETED || this == RELEASED;
        }
    }

    /**
     * A stretch of time whose roll-ups an event changed.
     *
     * @param to exclusive; null: up to now (the object's latest change)
     */
    record Affected(UUID tenantId, Instant from, Instant to) {
    }

    /** What an event says about its object. */
    private record Change(State state, boolean creates, UUID poolId, UUID userId, String deviceId, UUID productId,
                          Integer vcpus, Integer memoryMiB, Integer diskMiB) {
    }

    /** One stored change of an object. */
    private record Point(Instant start, String tx, long seq, Instant end, State state, String deviceId) {
    }

    private static final String POINT = "select start_at, tx::text, seq, end_at, state, device_id from usage_interval ";
    private static final String KEY = "tenant_id = ? and subject = ? and start_at = ? and tx = ?::text::xid8 and seq = ?";

    private final JdbcClient jdbc;

    UsageIntervals(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records the change an event makes to its object.
     *
     * @return the stretches of time whose figures it changes (none when it changes nothing the roll-ups count)
     */
    List<Affected> apply(UsageEvent e) {
        Change c = change(e);
        if (c == null) {
            return List.of();
        }
        Point last = jdbc.sql(POINT + "where tenant_id = ? and subject = ? order by start_at desc, tx desc, seq desc limit 1")
                .params(e.tenantId(), e.subject()).query(UsageIntervals::point).optional().orElse(null);
        if (last != null && last.state().isFinal()) {
            log.debug("Usage event {} ({}) after the end of {}: not counted", e.seq(), e.type().code(), e.subject());
            return List.of();
        }
        if (c.creates() && last != null) {
            return List.of(); // created after a change of it was seen: the changes say more
        }
        List<Affected> affected = new ArrayList<>();
        Instant at = e.time();
        if (c.state().isFinal() && last != null && at.isBefore(last.start())) {
            at = last.start();
        }
        if (last == null && c.state() == State.RELEASED) {
            Instant takenAt = instant(e.data(), "takenAt");
            if (takenAt != null && takenAt.isBefore(at)) {
                affected.add(insert(e, takenAt, new Change(State.HELD, true, c.poolId(), c.userId(), null, c.productId(),
                        null, null, null), null));
                last = new Point(takenAt, Long.toString(e.position().tx()), e.seq(), null, State.HELD, null);
            }
        }
        affected.add(insert(e, at, c, last));
        return affected;
    }

    /**
     * Puts the change in its place among the object's changes: the one before it now ends at it, and it ends where
     * that one ended (at the next change, or never).
     */
    private Affected insert(UsageEvent e, Instant at, Change c, Point last) {
        String tx = Long.toString(e.position().tx());
        Point before;
        Point after;
        if (last != null && !at.isBefore(last.start())) {
            before = last; // the usual case: the latest change so far
            after = null;
        } else {
            before = jdbc.sql(POINT + "where tenant_id = ? and subject = ? and (start_at, tx, seq) < (?, ?::text::xid8, ?) "
                            + "order by start_at desc, tx desc, seq desc limit 1")
                    .params(e.tenantId(), e.subject(), utc(at), tx, e.seq()).query(UsageIntervals::point).optional().orElse(null);
            after = jdbc.sql(POINT + "where tenant_id = ? and subject = ? and (start_at, tx, seq) > (?, ?::text::xid8, ?) "
                            + "order by start_at, tx, seq limit 1")
                    .params(e.tenantId(), e.subject(), utc(at), tx, e.seq()).query(UsageIntervals::point).optional().orElse(null);
        }
        if (before != null) {
            jdbc.sql("update usage_interval set end_at = ? where " + KEY)
                    .params(utc(at), e.tenantId(), e.subject(), utc(before.start()), before.tx(), before.seq()).update();
        }
        // a session's device is named by its creation; its later changes carry it on
        String device = c.deviceId() != null ? c.deviceId() : before == null ? null : before.deviceId();
        Instant end = after == null ? null : after.start();
        jdbc.sql("insert into usage_interval (tenant_id, subject, start_at, tx, seq, end_at, state, pool_id, user_id, "
                        + "device_id, product_id, vcpus, memory_mib, disk_mib) "
                        + "values (?, ?, ?, ?::text::xid8, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict do nothing")
                .params(e.tenantId(), e.subject(), utc(at), tx, e.seq(), end == null ? null : utc(end), c.state().name(),
                        c.poolId(), c.userId(), device, c.productId(), c.vcpus(), c.memoryMiB(), c.diskMiB())
                .update();
        return new Affected(e.tenantId(), at, end);
    }

    /** @return the change the event makes, or null for an event the roll-ups do not count (a quota change) */
    private static Change change(UsageEvent e) {
        ObjectNode d = e.data();
        return switch (e.type()) {
            case SESSION_CREATED -> session(State.OPEN, true, d);
            case SESSION_CONNECTED -> session(State.CONNECTED, false, d);
            case SESSION_DISCONNECTED -> session(State.OPEN, false, d);
            case SESSION_ENDED -> session(State.ENDED, false, d);
            case DESKTOP_CREATED -> desktop(State.STOPPED, true, d);
            case DESKTOP_POWERED_ON -> desktop(State.RUNNING, false, d);
            case DESKTOP_POWERED_OFF -> desktop(State.STOPPED, false, d);
            case DESKTOP_DELETED -> desktop(State.DELETED, false, d);
            case LICENCE_SEAT_TAKEN -> seat(State.HELD, true, d);
            case LICENCE_SEAT_RELEASED -> seat(State.RELEASED, false, d);
            case TENANT_QUOTA_CHANGED, WEBHOOK_DISABLED -> null;
        };
    }

    private static Change session(State state, boolean creates, ObjectNode d) {
        return new Change(state, creates, uuid(d, "poolId"), uuid(d, "userId"), text(d, "deviceId"), null, null, null, null);
    }

    private static Change desktop(State state, boolean creates, ObjectNode d) {
        JsonNode size = d.get("size");
        boolean sized = size != null && size.isObject();
        return new Change(state, creates, uuid(d, "poolId"), null, null, null, sized ? integer(size, "vcpus") : null,
                sized ? integer(size, "memoryMiB") : null, sized ? integer(size, "diskMiB") : null);
    }

    private static Change seat(State state, boolean creates, ObjectNode d) {
        return new Change(state, creates, null, uuid(d, "userId"), null, uuid(d, "productId"), null, null, null);
    }

    private static String text(JsonNode d, String field) {
        JsonNode v = d.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }

    /** An id the event carries; null when it carries none, or something that is not one. */
    private static UUID uuid(JsonNode d, String field) {
        String v = text(d, field);
        try {
            return v == null ? null : UUID.fromString(v);
        } catch (IllegalArgumentException ex) {
            return null;
        }
    }

    private static Integer integer(JsonNode d, String field) {
        JsonNode v = d.get(field);
        return v == null || !v.canConvertToInt() ? null : v.asInt();
    }

    private static Instant instant(JsonNode d, String field) {
        String v = text(d, field);
        try {
            return v == null ? null : OffsetDateTime.parse(v).toInstant();
        } catch (java.time.format.DateTimeParseException ex) {
            try {
                return Instant.parse(v);
            } catch (java.time.format.DateTimeParseException again) {
                return null;
            }
        }
    }

    private static Point point(ResultSet rs, int n) throws SQLException {
        OffsetDateTime end = rs.getObject(4, OffsetDateTime.class);
        return new Point(rs.getObject(1, OffsetDateTime.class).toInstant(), rs.getString(2), rs.getLong(3),
                end == null ? null : end.toInstant(), State.valueOf(rs.getString(5)), rs.getString(6));
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
