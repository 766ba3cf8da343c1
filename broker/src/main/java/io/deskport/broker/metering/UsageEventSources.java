package io.deskport.broker.metering;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import io.deskport.broker.brokering.SessionStateChanged;
import io.deskport.broker.pools.DesktopAdded;
import io.deskport.broker.pools.DesktopRemoved;
import io.deskport.broker.pools.DesktopState;
import io.deskport.broker.pools.DesktopStateChanged;
import io.deskport.broker.provisioning.DesktopSnapshotKept;
import io.deskport.broker.provisioning.DesktopSnapshotRemoved;
import io.deskport.broker.tenancy.TenantQuotaChanged;
import tools.jackson.databind.node.ObjectNode;

/**
 * Turns the changes a bill is made from into usage events, inside the changes' own transactions (every event
 * here is published inside the transaction that made the change: the session's, the desktop's, the tenant's).
 * Licence seats are taken and given back in SQL (inside a connect's COMMIT, among others): their events are
 * written there, through {@code record_usage_event} and {@code record_usage_events}, the functions this module
 * publishes for changes made in SQL (by the functions that take seats, and a trigger on the seat rows that release
 * them).
 */
@Component
class UsageEventSources {

    private final UsageRecorder recorder;

    UsageEventSources(UsageRecorder recorder) {
        this.recorder = recorder;
    }

    @EventListener
    void on(SessionStateChanged e) {
        UsageEventType type;
        if (e.from() == null) {
            type = UsageEventType.SESSION_CREATED;
        } else {
            type = switch (e.to()) {
                case CONNECTED -> UsageEventType.SESSION_CONNECTED;
                case DISCONNECTED -> UsageEventType.SESSION_DISCONNECTED;
                case ENDED -> UsageEventType.SESSION_ENDED;
                // PREPARING → READY: the session exists since it was created; nothing a bill counts changes
                default -> null;
            };
        }
        if (type == null) {
            return;
        }
        ObjectNode data = UsageRecorder.data()
                .put("sessionId", e.sessionId().toString())
                .put("poolId", e.poolId().toString())
                .put("userId", e.userId().toString());
        if (e.desktopId() != null) {
            data.put("desktopId", e.desktopId().toString());
        }
        if (e.sessionHostId() != null) {
            data.put("sessionHostId", e.sessionHostId().toString());
        }
        if (e.from() != null) {
            data.put("from", e.from().name());
        }
        data.put("state", e.to().name());
        if (e.endReason() != null) {
            data.put("reason", e.endReason().name());
        }
        if (e.deviceId() != null) {
            data.put("deviceId", e.deviceId());
        }
        recorder.record(e.tenantId(), type, e.sessionId(), data);
    }

    /** Whether a desktop in this state is powered on (true), off (false), or not known from the state (null). */
    static Boolean poweredOn(DesktopState state) {
        return switch (state) {
            case STARTING, READY, IN_USE, REFRESHING, STOPPING -> true;
            case STOPPED, FAILED, PROVISIONING -> false;
            // maintenance keeps whatever the machine was doing; deleting ends with the desktop's deletion
            case MAINTENANCE, DELETING -> null;
        };
    }

    @EventListener
    void on(DesktopStateChanged e) {
        Boolean on = poweredOn(e.to());
        if (on == null || on.equals(e.from() == null ? null : poweredOn(e.from()))) {
            return;
        }
        ObjectNode data = UsageRecorder.data()
                .put("desktopId", e.desktopId().toString())
                .put("poolId", e.poolId().toString())
                .put("from", e.from() == null ? null : e.from().name())
                .put("state", e.to().name());
        if (e.machineGone()) {
            data.put("machineGone", true);
        }
        recorder.recordSized(e.tenantId(), on ? UsageEventType.DESKTOP_POWERED_ON : UsageEventType.DESKTOP_POWERED_OFF,
                e.desktopId(), e.poolId(), data);
    }

    @EventListener
    void on(DesktopAdded e) {
        recorder.recordSized(e.tenantId(), UsageEventType.DESKTOP_CREATED, e.desktopId(), e.poolId(), UsageRecorder.data()
                .put("desktopId", e.desktopId().toString())
                .put("poolId", e.poolId().toString())
                .put("managed", e.managed()));
    }

    @EventListener
    void on(DesktopRemoved e) {
        recorder.recordSized(e.tenantId(), UsageEventType.DESKTOP_DELETED, e.desktopId(), e.poolId(), UsageRecorder.data()
                .put("desktopId", e.desktopId().toString())
                .put("poolId", e.poolId().toString())
                .put("name", e.name()));
    }

    @EventListener
    void on(DesktopSnapshotKept e) {
        recorder.record(e.tenantId(), UsageEventType.SNAPSHOT_CREATED, e.snapshotId(), UsageRecorder.data()
                .put("snapshotId", e.snapshotId().toString())
                .put("desktopId", e.desktopId().toString())
                .put("poolId", e.poolId().toString())
                .put("kind", e.kind())
                .put("sizeMiB", e.sizeMiB()));
    }

    @EventListener
    void on(DesktopSnapshotRemoved e) {
        recorder.record(e.tenantId(), UsageEventType.SNAPSHOT_DELETED, e.snapshotId(), UsageRecorder.data()
                .put("snapshotId", e.snapshotId().toString())
                .put("desktopId", e.desktopId().toString())
                .put("poolId", e.poolId().toString())
                .put("why", e.why()));
    }

    @EventListener
    void on(TenantQuotaChanged e) {
        ObjectNode data = UsageRecorder.data()
                .put("maxConcurrentSessions", e.maxConcurrentSessions())
                .put("maxDesktops", e.maxDesktops());
        if (e.previousMaxConcurrentSessions() != null) {
            data.put("previousMaxConcurrentSessions", e.previousMaxConcurrentSessions())
                    .put("previousMaxDesktops", e.previousMaxDesktops());
        }
        recorder.record(e.tenantId(), UsageEventType.TENANT_QUOTA_CHANGED, e.tenantId(), data);
    }
}
