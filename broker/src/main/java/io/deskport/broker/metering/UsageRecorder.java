package io.deskport.broker.metering;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import org.springframework.stereotype.Component;

import io.deskport.broker.shared.CallerTransaction;
import io.deskport.broker.shared.WritesWithCommit;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes usage events into the transaction of the change they describe. The row is held for that transaction's
 * COMMIT ({@link WritesWithCommit#append}): nothing reads it before, a connect stays three round trips, and a
 * rolled-back change leaves no event. Called only inside a transaction ({@link CallerTransaction}); with
 * metering off ({@code deskport.metering.enabled=false}) it writes nothing.
 */
@Component
class UsageRecorder {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String INSERT = "insert into usage_event (tenant_id, type, subject, data) values (?, ?, ?, ?::jsonb)";
    private static final String INSERT_AT = "insert into usage_event (tenant_id, type, subject, time, data) "
            + "values (?, ?, ?, ?, ?::jsonb)";
    /** A desktop's event with its pool's hardware as {@code size} (null for a pool provisioning does not manage). */
    private static final String INSERT_SIZED = "insert into usage_event (tenant_id, type, subject, data) "
            + "select ?, ?, ?, ?::jsonb || jsonb_build_object('size', (select jsonb_build_object('vcpus', h.vcpus, "
            + "'memoryMiB', h.memory_mib, 'diskMiB', h.disk_mib) from provisioning_pool_hardware h where h.pool_id = ?))";

    private final WritesWithCommit writes;
    private final boolean enabled;

    UsageRecorder(WritesWithCommit writes, MeteringProperties properties) {
        this.writes = writes;
        this.enabled = properties.enabled();
    }

    /** A new, empty {@code data} object. */
    static ObjectNode data() {
        return JSON.createObjectNode();
    }

    /** Records an event at the transaction's time (the time the change records). */
    void record(UUID tenantId, UsageEventType type, Object subjectId, ObjectNode data) {
        if (!enabled) {
            return;
        }
        CallerTransaction.require();
        writes.append(INSERT, tenantId, type.code(), type.subject(subjectId), JSON.writeValueAsString(data));
    }

    /** Records an event that happened at {@code time} (a change whose own row says when: a licence seat's). */
    void recordAt(UUID tenantId, UsageEventType type, Object subjectId, Instant time, ObjectNode data) {
        if (!enabled) {
            return;
        }
        CallerTransaction.require();
        writes.append(INSERT_AT, tenantId, type.code(), type.subject(subjectId), OffsetDateTime.ofInstant(time, ZoneOffset.UTC),
                JSON.writeValueAsString(data));
    }

    /** Records an event about a desktop of the pool, with the pool's hardware as {@code size}. */
    void recordSized(UUID tenantId, UsageEventType type, UUID desktopId, UUID poolId, ObjectNode data) {
        if (!enabled) {
            return;
        }
        CallerTransaction.require();
        writes.append(INSERT_SIZED, tenantId, type.code(), type.subject(desktopId), JSON.writeValueAsString(data), poolId);
    }
}
