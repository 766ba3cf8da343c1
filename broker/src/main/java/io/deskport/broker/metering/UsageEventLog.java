package io.deskport.broker.metering;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the usage event log in its one stable order, after a cursor, and only as far as it can never change
 * again: events of transactions older than the oldest one still running, leaving out those that write no event
 * ({@link UsageHorizon}; see the module's documentation).
 * An event committed late with a lower sequence number still lands after every cursor handed out before its
 * commit, because it sorts by its transaction first. The same read serves the export API, the roll-ups and
 * the webhook relay.
 */
@Component
public class UsageEventLog {

    /** The most events one read returns. */
    public static final int MAX_BATCH = 10_000;

    /** The transaction id as text ({@code tx_text}: an output column named {@code tx} would make {@code order by tx} sort text). */
    private static final String COLUMNS = "tx::text as tx_text, seq, tenant_id, type, subject, time, data::text";
    private static final String VISIBLE = UsageHorizon.VISIBLE;

    private final JdbcClient jdbc;

    UsageEventLog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Events after the cursor, oldest first.
     *
     * @param tenantId only this tenant's, or null for every tenant's
     * @param types    only these types, or null/empty for all
     * @param limit    at most this many (1 to {@value #MAX_BATCH})
     */
    public List<UsageEvent> after(UsageCursor cursor, UUID tenantId, Collection<UsageEventType> types, int limit) {
        if (limit < 1 || limit > MAX_BATCH) {
            throw new IllegalArgumentException("limit " + limit);
        }
        StringBuilder sql = new StringBuilder("select ").append(COLUMNS).append(" from usage_event where (tx, seq) > (?::text::xid8, ?) and ")
                .append(VISIBLE);
        List<Object> params = new ArrayList<>(List.of(Long.toString(cursor.tx()), cursor.seq()));
        if (tenantId != null) {
            sql.append(" and tenant_id = ?");
            params.add(tenantId);
        }
        if (types != null && !types.isEmpty()) {
            sql.append(" and type = any(?)");
            params.add(types.stream().map(UsageEventType::code).toArray(String[]::new));
        }
        sql.append(" order by tx, seq limit ").append(limit);
        return jdbc.sql(sql.toString()).params(params).query(UsageEventLog::map).list();
    }

    /**
     * The end of what readers may see now: a cursor after every visible event (for a reader that wants only
     * what comes from now on), or {@link UsageCursor#START} for an empty log.
     */
    public UsageCursor end() {
        return jdbc.sql("select tx::text as tx_text, seq from usage_event where " + VISIBLE + " order by tx desc, seq desc limit 1")
                .query((rs, n) -> new UsageCursor(Long.parseLong(rs.getString(1)), rs.getLong(2))).optional()
                .orElse(UsageCursor.START);
    }

    /**
     * The events at these positions (those still in the log), in log order: what the webhook relay retries.
     */
    List<UsageEvent> at(Collection<UsageCursor> positions) {
        if (positions.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select " + COLUMNS.replace("tx::text", "e.tx::text").replace(", seq,", ", e.seq,")
                        + " from usage_event e join unnest(?::text[]::xid8[], ?::bigint[]) as p(tx, seq) "
                        + "on e.tx = p.tx and e.seq = p.seq order by e.tx, e.seq")
                .params(positions.stream().map(p -> Long.toString(p.tx())).toArray(String[]::new),
                        positions.stream().map(UsageCursor::seq).toArray(Long[]::new))
                .query(UsageEventLog::map).list();
    }

    static UsageEvent map(ResultSet rs, int n) throws SQLException {
        return new UsageEvent(new UsageCursor(Long.parseLong(rs.getString(1)), rs.getLong(2)), rs.getLong(2),
                rs.getObject(3, UUID.class), UsageEventType.ofCode(rs.getString(4)), rs.getString(5),
                rs.getTimestamp(6).toInstant(), (ObjectNode) UsageRecorder.JSON.readTree(rs.getString(7)));
    }
}
