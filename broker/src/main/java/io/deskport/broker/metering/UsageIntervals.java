package io.deskport.broker.metering;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Each object's states over time ({@code usage_interval}), from its usage events: a session is OPEN from
 * session.created (and after each disconnect), CONNECTED from each connect, ENDED from session.ended; a desktop is
 * STOPPED from desktop.created and each power-off, RUNNING from each power-on, DELETED from desktop.deleted; a
 * licence seat is HELD from seat_taken, RELEASED from seat_released; a snapshot is KEPT from snapshot.created,
 * DELETED from snapshot.deleted. An object is in a state from its change until
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

    /** The states an object is in; an object is counted in the states that are not final. */
    enum State {
        OPEN, CONNECTED, ENDED, STOPPED, RUNNING, DELETED, HELD, RELEASED, KEPT;

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
    record Change(State state, boolean creates, UUID poolId, UUID userId, String deviceId, UUID productId,
                  Integer vcpus, Integer memoryMiB, Integer diskMiB) {
    }

    /** One stored change of an object. */
    record Point(Instant start, String tx, long seq, Instant end, State state, String deviceId) {
    }

    /**
     * One row of {@code usage_interval}: an object's change at its place.
     *
     * @param end its next change's start; null while it is the object's latest
     */
    record Row(UUID tenantId, String subject, Instant start, long tx, long seq, Instant end, State state, UUID poolId,
               UUID userId, String deviceId, UUID productId, Integer vcpus, Integer memoryMiB, Integer diskMiB) {

        /** The event's change at {@code at}, the object's latest; a session's device carried on from its change before. */
        static Row of(UsageEvent e, Instant at, Change c, String deviceBefore) {
            return new Row(e.tenantId(), e.subject(), at, e.position().tx(), e.seq(), null, c.state(), c.poolId(), c.userId(),
                    c.deviceId() != null ? c.deviceId() : deviceBefore, c.productId(), c.vcpus(), c.memoryMiB(), c.diskMiB());
        }

        Row endingAt(Instant next) {
            return new Row(tenantId, subject, start, tx, seq, next, state, poolId, userId, deviceId, productId, vcpus,
                    memoryMiB, diskMiB);
        }

        Point point() {
            return new Point(start, Long.toString(tx), seq, end, state, deviceId);
        }
    }

    private static final String POINT = "select start_at, tx::text as tx_text, seq, end_at, state, device_id from usage_interval ";
    /** The latest change of each object named by two arrays (tenants, subjects): one backward index scan each. */
    private static final String LATEST = "select k.tenant_id, k.subject, p.start_at, p.tx::text, p.seq, p.end_at, p.state, "
            + "p.device_id from unnest(?::text[]::uuid[], ?::text[]) as k(tenant_id, subject) cross join lateral ("
            + "select start_at, tx, seq, end_at, state, device_id from usage_interval i where i.tenant_id = k.tenant_id "
            + "and i.subject = k.subject order by start_at desc, tx desc, seq desc limit 1) as p";
    private static final String INSERT = "insert into usage_interval (tenant_id, subject, start_at, tx, seq, end_at, state, "
            + "pool_id, user_id, device_id, product_id, vcpus, memory_mib, disk_mib) "
            + "select * from unnest(?::text[]::uuid[], ?::text[], ?::text[]::timestamptz[], ?::text[]::xid8[], "
            + "?::text[]::bigint[], ?::text[]::timestamptz[], ?::text[], ?::text[]::uuid[], ?::text[]::uuid[], ?::text[], "
            + "?::text[]::uuid[], ?::text[]::integer[], ?::text[]::integer[], ?::text[]::integer[]) on conflict do nothing";
    private static final String SET_ENDS = "update usage_interval i set end_at = v.end_at "
            + "from unnest(?::text[]::uuid[], ?::text[], ?::text[]::timestamptz[], ?::text[]::xid8[], ?::text[]::bigint[], "
            + "?::text[]::timestamptz[]) as v(tenant_id, subject, start_at, tx, seq, end_at) "
            + "where i.tenant_id = v.tenant_id and i.subject = v.subject and i.start_at = v.start_at and i.tx = v.tx "
            + "and i.seq = v.seq";

    private final JdbcClient jdbc;

    UsageIntervals(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records the changes a batch of events, in the log's order, makes to their objects: in three statements (the
     * objects' latest changes read, the new rows inserted, the ends of the stored rows they follow set), plus four
     * for each event that arrives before its object's latest change.
     *
     * @return the stretches of time whose figures they change (none for events that change nothing the roll-ups count)
     */
    List<Affected> apply(List<UsageEvent> events) {
        if (events.isEmpty()) {
            return List.of();
        }
        UsageIntervalBatch batch = new UsageIntervalBatch(latest(events));
        events.forEach(batch::add);
        setEnds(batch.ends());
        insert(batch.rows());
        List<Affected> affected = new ArrayList<>(batch.affected());
        for (UsageIntervalBatch.Late late : batch.late()) {
            affected.add(place(late));
        }
        return affected;
    }

    /** The latest stored change of each event's object, in one statement. */
    private Map<UsageIntervalBatch.Subject, Point> latest(Collection<UsageEvent> events) {
        Set<UsageIntervalBatch.Subject> subjects = new LinkedHashSet<>();
        events.forEach(e -> subjects.add(new UsageIntervalBatch.Subject(e.tenantId(), e.subject())));
        Map<UsageIntervalBatch.Subject, Point> latest = new HashMap<>();
        jdbc.sql(LATEST).params(texts(subjects, s -> s.tenantId()), texts(subjects, UsageIntervalBatch.Subject::subject))
                .query(rs -> {
                    latest.put(new UsageIntervalBatch.Subject(rs.getObject(1, UUID.class), rs.getString(2)), point(rs, 2));
                });
        return latest;
    }

    /** The rows, in one statement. */
    private void insert(List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        jdbc.sql(INSERT).params(List.of(texts(rows, Row::tenantId), texts(rows, Row::subject), texts(rows, Row::start),
                texts(rows, Row::tx), texts(rows, Row::seq), texts(rows, Row::end), texts(rows, Row::state),
                texts(rows, Row::poolId), texts(rows, Row::userId), texts(rows, Row::deviceId), texts(rows, Row::productId),
                texts(rows, Row::vcpus), texts(rows, Row::memoryMiB), texts(rows, Row::diskMiB))).update();
    }

    /** The stored rows' new ends, in one statement. */
    private void setEnds(List<UsageIntervalBatch.End> ends) {
        if (ends.isEmpty()) {
            return;
        }
        jdbc.sql(SET_ENDS).params(List.of(texts(ends, e -> e.subject().tenantId()), texts(ends, e -> e.subject().subject()),
                texts(ends, e -> e.point().start()), texts(ends, e -> e.point().tx()), texts(ends, e -> e.point().seq()),
                texts(ends, UsageIntervalBatch.End::end))).update();
    }

    /**
     * Puts a change that is before its object's latest one in its place among the object's stored changes: the one
     * before it now ends at it, and it ends where that one ended (at the next change).
     */
    private Affected place(UsageIntervalBatch.Late late) {
        UsageEvent e = late.event();
        Instant at = late.at();
        String tx = Long.toString(e.position().tx());
        Point before = jdbc.sql(POINT + "where tenant_id = ? and subject = ? and (start_at, tx, seq) < (?, ?::text::xid8, ?) "
                        + "order by start_at desc, tx desc, seq desc limit 1")
                .params(e.tenantId(), e.subject(), utc(at), tx, e.seq()).query((rs, n) -> point(rs, 0)).optional().orElse(null);
        Point after = jdbc.sql(POINT + "where tenant_id = ? and subject = ? and (start_at, tx, seq) > (?, ?::text::xid8, ?) "
                        + "order by start_at, tx, seq limit 1")
                .params(e.tenantId(), e.subject(), utc(at), tx, e.seq()).query((rs, n) -> point(rs, 0)).optional().orElse(null);
        if (before != null) {
            setEnds(List.of(new UsageIntervalBatch.End(new UsageIntervalBatch.Subject(e.tenantId(), e.subject()), before, at)));
        }
        Row row = Row.of(e, at, late.change(), before == null ? null : before.deviceId());
        insert(List.of(after == null ? row : row.endingAt(after.start())));
        return new Affected(e.tenantId(), at, after == null ? null : after.start());
    }

    /** @return the change the event makes, or null for an event the roll-ups do not count (a quota change) */
    static Change change(UsageEvent e) {
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
            case SNAPSHOT_CREATED -> snapshot(State.KEPT, true, d);
            case SNAPSHOT_DELETED -> snapshot(State.DELETED, false, d);
            case TENANT_QUOTA_CHANGED, WEBHOOK_DISABLED, LICENCE_OVERUSE_STARTED, LICENCE_OVERUSE_ENDED, LICENCE_EXPIRING -> null;
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

    /** A snapshot's size travels as {@code disk_mib}: the roll-ups count its seconds per size. */
    private static Change snapshot(State state, boolean creates, ObjectNode d) {
        return new Change(state, creates, uuid(d, "poolId"), null, null, null, null, null, integer(d, "sizeMiB"));
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

    static Instant instant(JsonNode d, String field) {
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

    /** The stored change in the six columns after the first {@code skip} of the row. */
    private static Point point(ResultSet rs, int skip) throws SQLException {
        OffsetDateTime end = rs.getObject(skip + 4, OffsetDateTime.class);
        return new Point(rs.getObject(skip + 1, OffsetDateTime.class).toInstant(), rs.getString(skip + 2),
                rs.getLong(skip + 3), end == null ? null : end.toInstant(), State.valueOf(rs.getString(skip + 5)),
                rs.getString(skip + 6));
    }

    /** One column of a multi-row statement, as a text array PostgreSQL casts to the column's type (nulls kept). */
    private static <T> String[] texts(Collection<T> items, Function<T, Object> column) {
        return items.stream().map(column).map(v -> v == null ? null : v.toString()).toArray(String[]::new);
    }

    static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }
}
