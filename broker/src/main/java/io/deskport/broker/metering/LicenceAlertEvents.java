package io.deskport.broker.metering;

import java.time.Instant;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;

import io.deskport.broker.licensing.LicenceExpiring;
import io.deskport.broker.licensing.LicenceOveruseEnded;
import io.deskport.broker.licensing.LicenceOveruseStarted;
import tools.jackson.databind.node.ObjectNode;

/**
 * Licensing's alerts — overuse started and ended, a licence expiring — as events of the usage log, so that billing
 * integrations and the tenant's webhooks hear of them ({@code io.deskport.licence.overuse_started}, …).
 *
 * <p>Unlike the usage events of changes (written in the change's transaction, {@link UsageEventSources}), these arrive
 * through Spring Modulith's event publication registry: the licensing sweep publishes them in its transaction, which
 * writes a registry row per alert; this listener runs after that commit, asynchronously, in a transaction of its own,
 * and the row is completed when that transaction commits. A failure (the database away, a broker killed) leaves the row,
 * and the alert is handed here again (io.deskport.broker.shared.EventPublications) — at least once, so the listener
 * records each alert once ({@code metering_alert_recorded}, keyed by the alert). Why not in the sweep's transaction:
 * the sweep's transaction serves every tenant's licences and must not fail or grow with metering's work; an alert
 * delivered a moment later costs nothing, a lost one would.
 */
@Component
class LicenceAlertEvents {

    private static final Logger log = LoggerFactory.getLogger(LicenceAlertEvents.class);

    private final UsageRecorder recorder;
    private final JdbcClient jdbc;

    LicenceAlertEvents(UsageRecorder recorder, JdbcClient jdbc) {
        this.recorder = recorder;
        this.jdbc = jdbc;
    }

    @ApplicationModuleListener
    void on(LicenceOveruseStarted e) {
        record("overuse-started:" + e.productId() + ":" + e.startedAt(), e.tenantId(),
                UsageEventType.LICENCE_OVERUSE_STARTED, e.productId(), UsageRecorder.data()
                        .put("productId", e.productId().toString())
                        .put("product", e.product())
                        .put("seats", e.seats())
                        .put("excess", e.excess())
                        .put("startedAt", e.startedAt().toString()));
    }

    @ApplicationModuleListener
    void on(LicenceOveruseEnded e) {
        record("overuse-ended:" + e.productId() + ":" + e.startedAt(), e.tenantId(),
                UsageEventType.LICENCE_OVERUSE_ENDED, e.productId(), UsageRecorder.data()
                        .put("productId", e.productId().toString())
                        .put("product", e.product())
                        .put("seats", e.seats())
                        .put("peakExcess", e.peakExcess())
                        .put("startedAt", e.startedAt().toString())
                        .put("endedAt", e.endedAt().toString()));
    }

    @ApplicationModuleListener
    void on(LicenceExpiring e) {
        record("expiring:" + e.licenceId() + ":" + e.notice(), e.tenantId(), UsageEventType.LICENCE_EXPIRING,
                e.licenceId(), UsageRecorder.data()
                        .put("licenceId", e.licenceId().toString())
                        .put("productId", e.productId().toString())
                        .put("product", e.product())
                        .put("seats", e.seats())
                        .put("noticeDays", e.notice())
                        .put("validUntil", text(e.validUntil()))
                        .put("graceEnd", text(e.graceEnd()))
                        .put("renewed", e.renewed()));
    }

    /** Records the alert's event unless it was recorded before (a publication handed out again). */
    private void record(String key, UUID tenantId, UsageEventType type, UUID subject, ObjectNode data) {
        int fresh = jdbc.sql("insert into metering_alert_recorded (alert_key) values (?) on conflict do nothing")
                .param(key).update();
        if (fresh == 0) {
            log.debug("Licence alert {} was recorded before", key);
            return;
        }
        recorder.record(tenantId, type, subject, data);
    }

    private static String text(Instant t) {
        return t == null ? null : t.toString();
    }
}
