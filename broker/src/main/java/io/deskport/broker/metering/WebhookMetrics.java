package io.deskport.broker.metering;

import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Each webhook subscription's delivery (tags {@code subscription} (id) and {@code tenant} (id, or {@code platform})),
 * enabled ones and those the relay gave up on, read every {@code deskport.metrics.reading-interval} in one query:
 * <ul>
 * <li>{@code deskport.webhook.backlog}: events waiting for it — after its cursor (counted up to 100,000) plus those
 *     waiting for a retry;</li>
 * <li>{@code deskport.webhook.lag} (seconds): how long the oldest of them has waited (0 when none does);</li>
 * <li>{@code deskport.webhook.failing} (seconds): since when every attempt failed (0 while the endpoint answers);</li>
 * <li>{@code deskport.webhook.disabled}: 1 when the relay switched it off for failing
 *     ({@code deskport.metering.webhooks.give-up-after}), else 0.</li>
 * </ul>
 */
@Component
class WebhookMetrics implements MeterBinder {

    private static final Logger log = LoggerFactory.getLogger(WebhookMetrics.class);
    static final String BACKLOG = "deskport.webhook.backlog";
    static final String LAG = "deskport.webhook.lag";
    static final String FAILING = "deskport.webhook.failing";
    static final String DISABLED = "deskport.webhook.disabled";

    record SubscriptionFigures(UUID id, UUID tenantId, boolean gaveUp, double failingSeconds, long backlog,
                               double lagSeconds) {
        Tags tags() {
            return Tags.of("subscription", id.toString(), "tenant", tenantId == null ? "platform" : tenantId.toString());
        }
    }

    private final JdbcClient jdbc;
    private MultiGauge backlog;
    private MultiGauge lag;
    private MultiGauge failing;
    private MultiGauge disabled;

    WebhookMetrics(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        backlog = MultiGauge.builder(BACKLOG).description("Usage events waiting for delivery to the subscription")
                .register(registry);
        lag = MultiGauge.builder(LAG).baseUnit("seconds").description("Age of the oldest event waiting for the subscription")
                .register(registry);
        failing = MultiGauge.builder(FAILING).baseUnit("seconds")
                .description("How long every delivery attempt to the subscription's endpoint has failed").register(registry);
        disabled = MultiGauge.builder(DISABLED).description("1 when the relay gave up on the subscription's endpoint")
                .register(registry);
        read();
    }

    @Scheduled(fixedDelayString = "${deskport.metrics.reading-interval:15s}",
            initialDelayString = "${deskport.metrics.reading-interval:15s}")
    void read() {
        if (backlog == null) {
            return;
        }
        try {
            List<SubscriptionFigures> subs = subscriptions();
            backlog.register(subs.stream().map(s -> MultiGauge.Row.of(s.tags(), s.backlog())).toList(), true);
            lag.register(subs.stream().map(s -> MultiGauge.Row.of(s.tags(), s.lagSeconds())).toList(), true);
            failing.register(subs.stream().map(s -> MultiGauge.Row.of(s.tags(), s.failingSeconds())).toList(), true);
            disabled.register(subs.stream().map(s -> MultiGauge.Row.of(s.tags(), s.gaveUp() ? 1 : 0)).toList(), true);
        } catch (RuntimeException e) {
            log.warn("Could not read the webhook deliveries for the metrics; keeping the last reading: {}", e.toString());
        }
    }

    List<SubscriptionFigures> subscriptions() {
        String after = "(e.tx, e.seq) > (d.cursor_tx, d.cursor_seq) and (s.tenant_id is null or e.tenant_id = s.tenant_id)";
        return jdbc.sql("select s.id, s.tenant_id, not s.enabled, "
                        + "coalesce(extract(epoch from now() - d.failing_since), 0), "
                        + "(select count(*) from (select 1 from usage_event e where " + after + " limit 100000) w) "
                        + "+ (select count(*) from webhook_retry r where r.subscription_id = s.id), "
                        + "coalesce(extract(epoch from now() - least("
                        + "(select e.time from usage_event e where " + after + " order by e.tx, e.seq limit 1), "
                        + "(select min(r.first_failed_at) from webhook_retry r where r.subscription_id = s.id))), 0) "
                        + "from webhook_subscription s join webhook_delivery d on d.subscription_id = s.id "
                        + "where s.enabled or s.disabled_reason = 'FAILING'")
                .query((rs, n) -> new SubscriptionFigures(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                        rs.getBoolean(3), rs.getDouble(4), rs.getLong(5), Math.max(0, rs.getDouble(6))))
                .list();
    }
}
