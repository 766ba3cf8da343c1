package io.deskport.broker.metering;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.CurrentUser;

/**
 * Disables a subscription whose endpoint failed every attempt for {@code deskport.metering.webhooks.give-up-after}:
 * in one transaction the subscription is switched off ({@code disabled_reason = FAILING}, its version moved, so an
 * admin's edit made from before is told), an audit line is written by the system, and a tenant's subscription
 * gets a {@code webhook.disabled} usage event, which the tenant's other webhooks and the export API carry (the
 * platform's subscriptions have no tenant: the audit line only). Nothing is lost: the cursor and the waiting
 * events stay, and enabling it again resumes where it stopped.
 */
@Component
class FailingEndpoints {

    private static final Logger log = LoggerFactory.getLogger(FailingEndpoints.class);

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final UsageRecorder recorder;
    private final WebhookProperties settings;

    FailingEndpoints(JdbcClient jdbc, PlatformTransactionManager txManager, ApplicationEventPublisher events,
                     UsageRecorder recorder, WebhookProperties settings) {
        this.jdbc = jdbc;
        this.tx = new TransactionTemplate(txManager);
        this.events = events;
        this.recorder = recorder;
        this.settings = settings;
    }

    /** Disables it, unless an admin disabled (or removed) it meanwhile. */
    void disable(WebhookLedger.Target target, Instant failingSince, int failedPasses) {
        Boolean disabled = tx.execute(status -> {
            int n = jdbc.sql("update webhook_subscription set enabled = false, disabled_reason = 'FAILING', "
                            + "disabled_at = now(), updated_at = now(), version = version + 1 where id = ? and enabled")
                    .param(target.id()).update();
            if (n == 0) {
                return false;
            }
            long waiting = jdbc.sql("select count(*) from webhook_retry where subscription_id = ?").param(target.id())
                    .query(Long.class).single();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("url", WebhookSubscriptions.withoutQuery(target.url().toString()));
            details.put("failingSince", failingSince.toString());
            details.put("giveUpAfter", settings.giveUpAfter().toString());
            details.put("failedPasses", failedPasses);
            details.put("eventsWaiting", waiting);
            events.publishEvent(new AdminActionPerformed(target.tenantId(), CurrentUser.SYSTEM, "WEBHOOK_DISABLED",
                    "WEBHOOK_SUBSCRIPTION", target.id().toString(), details));
            if (target.tenantId() != null) {
                recorder.record(target.tenantId(), UsageEventType.WEBHOOK_DISABLED, target.id(), UsageRecorder.data()
                        .put("subscriptionId", target.id().toString())
                        .put("url", WebhookSubscriptions.withoutQuery(target.url().toString()))
                        .put("reason", "FAILING")
                        .put("failingSince", failingSince.toString())
                        .put("eventsWaiting", waiting));
            }
            return true;
        });
        if (Boolean.TRUE.equals(disabled)) {
            log.warn("Webhook subscription {} disabled: every delivery to its endpoint failed since {} (longer than {}); "
                    + "enable it to resume where it stopped", target.id(), failingSince, settings.giveUpAfter());
        }
    }
}
