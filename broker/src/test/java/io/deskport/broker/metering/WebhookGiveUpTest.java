package io.deskport.broker.metering;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import io.deskport.broker.support.WebhookReceiver;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An endpoint failing every attempt for the give-up window (shortened to two seconds) is disabled: the subscription
 * says FAILING, the audit trail has the system's line, and the tenant's other subscription receives a
 * {@code webhook.disabled} event. Nothing is lost: enabled again, it is sent every event, those recorded while it
 * was disabled included.
 */
@BrokerTest
@TestPropertySource(properties = {
        "deskport.provisioning.enabled=false",
        "deskport.metering.webhooks.allowed-networks=127.0.0.0/8",
        "deskport.metering.webhooks.poll-interval=50ms",
        "deskport.metering.webhooks.backoff-base=20ms",
        "deskport.metering.webhooks.backoff-cap=200ms",
        "deskport.metering.webhooks.request-timeout=500ms",
        "deskport.metering.webhooks.lease=3s",
        "deskport.metering.webhooks.give-up-after=2s"})
class WebhookGiveUpTest {

    private static final String HOOKS = "/api/v1/admin/webhooks";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    UsageRecorder recorder;
    @Autowired
    PlatformTransactionManager txManager;

    @Test
    void anEndpointFailingForTheGiveUpWindowIsDisabledWithAnAuditLineAndAnEventAndResumesWhenEnabled() throws Exception {
        TestTenant tenant = TestTenant.create(context, port, 10, 10);
        try (WebhookReceiver dead = WebhookReceiver.down(); WebhookReceiver watcher = WebhookReceiver.up()) {
            UUID failing = check(tenant.admin.post(HOOKS, json("url", dead.url(), "description", "billing")), 201).id();
            check(tenant.admin.post(HOOKS, json("url", watcher.url(), "eventTypes",
                    new Api.RawJson("[\"io.deskport.webhook.disabled\"]"))), 201);
            String path = HOOKS + "/" + failing;
            Set<String> ids = new HashSet<>(record(tenant.id, 5));

            await("disabled").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !check(tenant.admin.get(path), 200).body().get("enabled").asBoolean());
            JsonNode s = check(tenant.admin.get(path), 200).body();
            assertThat(s.get("disabledReason").asString()).isEqualTo("FAILING");
            assertThat(s.get("disabledAt").isNull()).isFalse();
            // the events wait: those attempted in the retries, any later ones in the log behind the cursor (a failing
            // endpoint is probed with one event at a time, so new events are not read meanwhile)
            assertThat(s.get("delivery").get("retriesPending").asLong()).as("the events wait").isBetween(1L, 5L);

            List<String> audit = jdbc.sql("select actor_name || ' ' || details::text from audit_event where action = "
                    + "'WEBHOOK_DISABLED' and object_id = ?").param(failing.toString()).query(String.class).list();
            assertThat(audit).singleElement().satisfies(line -> {
                assertThat(line).startsWith("system ");
                assertThat(line).contains("failingSince").contains("eventsWaiting");
            });
            await("the disabled event at the tenant's other endpoint").atMost(Duration.ofSeconds(20))
                    .until(() -> !watcher.deliveries().isEmpty());
            JsonNode event = tools.jackson.databind.json.JsonMapper.builder().build().readTree(watcher.deliveries().getFirst().body());
            assertThat(event.get("type").asString()).isEqualTo("io.deskport.webhook.disabled");
            assertThat(event.get("subject").asString()).isEqualTo("webhook-subscriptions/" + failing);
            assertThat(event.get("data").get("reason").asString()).isEqualTo("FAILING");

            // recorded while disabled: kept for it, sent when it is enabled again
            ids.addAll(record(tenant.id, 3));
            dead.start();
            check(tenant.admin.edit(path, json("enabled", true)), 200);
            // and its own webhook.disabled event, which it asked for (every type)
            ids.add(watcher.deliveries().getFirst().id());
            await("every event after enabling").atMost(Duration.ofSeconds(30))
                    .until(() -> dead.accepted().containsAll(ids));
            assertThat(dead.accepted()).isEqualTo(ids);
        }
    }

    private List<String> record(UUID tenant, int n) {
        TransactionTemplate tx = new TransactionTemplate(txManager);
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> {
            UUID session = UUID.randomUUID();
            tx.executeWithoutResult(st -> recorder.record(tenant, UsageEventType.SESSION_CREATED, session,
                    UsageRecorder.data()));
            return String.valueOf(jdbc.sql("select seq from usage_event where subject = ?")
                    .param(UsageEventType.SESSION_CREATED.subject(session)).query(Long.class).single());
        }).toList();
    }
}
