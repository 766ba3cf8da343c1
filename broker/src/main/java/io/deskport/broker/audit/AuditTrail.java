package io.deskport.broker.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import io.deskport.broker.shared.Listing;
import io.deskport.broker.shared.Page;
import io.deskport.broker.shared.PageParams;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Reads a tenant's audit trail, newest first, with filters and keyset paging. */
@Service
class AuditTrail {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    private final Listing<AuditEntry> listing;

    AuditTrail(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
        this.listing = listing();
    }

    /**
     * Filters; null members do not filter.
     *
     * @param since recorded at or after; {@code until}: before
     */
    public record Query(String objectType, String objectId, String action, UUID actorId, Instant since, Instant until) {
    }

    private Listing<AuditEntry> listing() {
        return Listing.of("id, tenant_id, occurred_at, actor_id, actor_name, action, object_type, object_id, "
                                + "details::text as details", "audit_event", "id", Listing.Kind.NUMBER,
                        (rs, n) -> new AuditEntry(rs.getLong("id"), rs.getObject("tenant_id", UUID.class),
                                rs.getTimestamp("occurred_at").toInstant(), rs.getObject("actor_id", UUID.class),
                                rs.getString("actor_name"), rs.getString("action"), rs.getString("object_type"),
                                rs.getString("object_id"), json.readValue(rs.getString("details"),
                                        new TypeReference<Map<String, Object>>() { })))
                .sort("id", "id", Listing.Kind.NUMBER)
                // the console's order: a time range, an actor or an action is then one range of an index (V28)
                .sort("occurredAt", "occurred_at", Listing.Kind.TIME).defaultSort("-id").build();
    }

    /**
     * A page of the tenant's trail, newest first (sort keys: {@code id}, the order lines were recorded in, the
     * default; {@code occurredAt}, their time).
     */
    @Transactional(readOnly = true)
    public Page<AuditEntry> page(UUID tenantId, Query q, PageParams page) {
        return listing.page(jdbc, Listing.Where.of("tenant_id = ?", tenantId).and("object_type = ?", q.objectType())
                .and("object_id = ?", q.objectId()).and("action = ?", q.action()).and("actor_id = ?", q.actorId())
                .between("occurred_at", q.since(), q.until()), page);
    }
}
