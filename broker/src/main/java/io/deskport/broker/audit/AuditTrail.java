package io.deskport.broker.audit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Reads a tenant's audit trail, newest first, with filters and keyset paging. */
@Service
class AuditTrail {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    AuditTrail(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Filters; null members do not filter. {@code beforeId} continues a previous page. */
    public record Query(String objectType, String objectId, String action, UUID actorId, Instant since,
                        Long beforeId, int limit) {
    }

    @Transactional(readOnly = true)
    public List<AuditEntry> search(UUID tenantId, Query q) {
        StringBuilder sql = new StringBuilder("select id, tenant_id, occurred_at, actor_id, actor_name, action, "
                + "object_type, object_id, details::text from audit_event where tenant_id = ? ");
        List<Object> params = new ArrayList<>(List.of(tenantId));
        if (q.objectType() != null) {
            sql.append("and object_type = ? ");
            params.add(q.objectType());
        }
        if (q.objectId() != null) {
            sql.append("and object_id = ? ");
            params.add(q.objectId());
        }
        if (q.action() != null) {
            sql.append("and action = ? ");
            params.add(q.action());
        }
        if (q.actorId() != null) {
            sql.append("and actor_id = ? ");
            params.add(q.actorId());
        }
        if (q.since() != null) {
            sql.append("and occurred_at >= ? ");
            params.add(java.sql.Timestamp.from(q.since()));
        }
        if (q.beforeId() != null) {
            sql.append("and id < ? ");
            params.add(q.beforeId());
        }
        sql.append("order by id desc limit ?");
        params.add(q.limit());
        return jdbc.sql(sql.toString()).params(params)
                .query((rs, n) -> new AuditEntry(rs.getLong(1), rs.getObject(2, UUID.class),
                        rs.getTimestamp(3).toInstant(), rs.getObject(4, UUID.class), rs.getString(5), rs.getString(6),
                        rs.getString(7), rs.getString(8), json.readValue(rs.getString(9),
                                new TypeReference<Map<String, Object>>() { })))
                .list();
    }
}
