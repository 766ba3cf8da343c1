package io.deskport.broker.metering;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import io.deskport.broker.support.WebhookReceiver;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Issue #20, webhooks: every event reaches a receiver that is down, then fails, then is too slow, then well;
 * a delivery is only ever repeated with its own {@code webhook-id}; signatures verify with the Standard Webhooks
 * reference library (and tampering, an old timestamp and a wrong secret do not), both secrets during a rotation;
 * a replay sends a range again with the same ids; a receiver that fails one event does not hold the others back.
 * Backoff and timeouts are shortened to milliseconds.
 */
@BrokerTest
@TestPropertySource(properties = {
        "deskport.provisioning.enabled=false",
        "deskport.metering.webhooks.allowed-networks=127.0.0.0/8",
        "deskport.metering.webhooks.poll-interval=50ms",
        "deskport.metering.webhooks.backoff-base=20ms",
        "deskport.metering.webhooks.backoff-cap=300ms",
        "deskport.metering.webhooks.connect-timeout=500ms",
        "deskport.metering.webhooks.request-timeout=500ms",
        "deskport.metering.webhooks.lease=3s",
        "deskport.metering.webhooks.batch-size=50",
        "deskport.metering.webhooks.parallelism=8"})
class WebhookDeliveryTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
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

    TestTenant tenant;

    @BeforeEach
    void aTenant() {
        tenant = TestTenant.create(context, port, 10, 10);
    }

    @Test
    void aReceiverDownThenFailingThenSlowThenBackGetsEveryEventRepeatedOnlyWithItsOwnId() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.down()) {
            Api.Response created = check(tenant.admin.post(HOOKS, json("url", receiver.url())), 201);
            String path = HOOKS + "/" + created.id();
            List<Long> events = new ArrayList<>();

            // down: connections refused
            events.addAll(record(20));
            awaitAttempt(path, "connection refused");

            // up, answering 500
            receiver.mode(WebhookReceiver.Mode.FAIL);
            receiver.start();
            events.addAll(record(20));
            awaitAttempt(path, "HTTP 500");

            // answering after the sender stopped waiting (the receiver takes them all the same)
            receiver.pause(Duration.ofMillis(900));
            receiver.mode(WebhookReceiver.Mode.SLOW);
            events.addAll(record(20));
            awaitAttempt(path, "no answer within");

            // well again
            receiver.mode(WebhookReceiver.Mode.OK);
            events.addAll(record(20));
            Set<String> expected = new HashSet<>(events.stream().map(String::valueOf).toList());
            await("every event accepted").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> receiver.accepted().containsAll(expected));

            // a delivery is repeated only with its own id: every body carries the id it was sent under, the same body
            Map<String, String> bodies = new HashMap<>();
            for (WebhookReceiver.Delivery d : receiver.deliveries()) {
                JsonNode event = JSON.readTree(d.body());
                assertThat(event.get("id").asString()).as("the webhook-id is the event's id").isEqualTo(d.id());
                String before = bodies.putIfAbsent(d.id(), d.body());
                assertThat(before == null || before.equals(d.body())).as("a repeat of " + d.id() + " is the same body")
                        .isTrue();
                assertThat(d.contentType()).isEqualTo("application/cloudevents+json");
            }
            assertThat(bodies.keySet()).as("nothing sent that was not an event of the tenant").isEqualTo(expected);
            long repeated = receiver.deliveries().size() - bodies.size();
            System.out.println("WebhookDeliveryTest: " + events.size() + " events, " + receiver.deliveries().size()
                    + " requests arrived (" + repeated + " repeats of an id)");

            // the attempts list says what happened, and the subscription is well
            List<JsonNode> attempts = tenant.admin.all(path + "/attempts?limit=500");
            assertThat(attempts).anySatisfy(a -> assertThat(a.get("error").asString()).contains("connection refused"));
            assertThat(attempts).anySatisfy(a -> assertThat(a.get("status").asInt()).isEqualTo(500));
            assertThat(attempts).anySatisfy(a -> assertThat(a.get("attempt").asInt()).isGreaterThan(1));
            assertThat(attempts).anySatisfy(a -> {
                assertThat(a.get("succeeded").asBoolean()).isTrue();
                assertThat(a.get("latencyMs").asLong()).isGreaterThanOrEqualTo(0);
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                JsonNode s = check(tenant.admin.get(path), 200).body();
                return s.get("delivery").get("failingSince").isNull() && s.get("delivery").get("retriesPending").asLong() == 0;
            });
        }
    }

    @Test
    void signaturesVerifyWithTheStandardWebhooksLibraryAndNothingElseDoes() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.up()) {
            Api.Response created = check(tenant.admin.post(HOOKS, json("url", receiver.url())), 201);
            String secret = created.body().get("secret").asString();
            assertThat(secret).startsWith("whsec_");
            long seq = record(1).getFirst();
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.accepted().contains(Long.toString(seq)));
            WebhookReceiver.Delivery d = receiver.deliveries().getFirst();

            Webhook webhook = new Webhook(secret);
            webhook.verify(d.body(), d.headers());

            assertThatThrownBy(() -> webhook.verify(d.body().replace("session.created", "session.ended"), d.headers()))
                    .as("a tampered body").isInstanceOf(WebhookVerificationException.class);
            Map<String, List<String>> old = new HashMap<>(d.headers());
            long past = Long.parseLong(d.timestamp()) - 3600;
            old.put("webhook-timestamp", List.of(Long.toString(past)));
            assertThatThrownBy(() -> webhook.verify(d.body(), old)).as("an old timestamp")
                    .isInstanceOf(WebhookVerificationException.class);
            Map<String, List<String>> otherId = new HashMap<>(d.headers());
            otherId.put("webhook-id", List.of("999999999"));
            assertThatThrownBy(() -> webhook.verify(d.body(), otherId)).as("another id")
                    .isInstanceOf(WebhookVerificationException.class);
            String wrong = "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32]);
            assertThatThrownBy(() -> new Webhook(wrong).verify(d.body(), d.headers())).as("a wrong secret")
                    .isInstanceOf(WebhookVerificationException.class);

            // a rotation: deliveries carry both signatures while the old secret counts; each secret verifies alone
            String path = HOOKS + "/" + created.id();
            Api.Response rotated = check(tenant.admin.post(path + "/rotate-secret", json("previousSecretValidFor", "PT1H")),
                    200);
            String newSecret = rotated.body().get("secret").asString();
            assertThat(newSecret).startsWith("whsec_").isNotEqualTo(secret);
            assertThat(rotated.body().get("previousSecretValidUntil").isNull()).isFalse();
            long during = record(1).getFirst();
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.accepted().contains(Long.toString(during)));
            WebhookReceiver.Delivery both = receiver.deliveries().stream().filter(x -> x.id().equals(Long.toString(during)))
                    .findFirst().orElseThrow();
            assertThat(both.signature().split(" ")).hasSize(2).allSatisfy(s -> assertThat(s).startsWith("v1,"));
            new Webhook(secret).verify(both.body(), both.headers());
            new Webhook(newSecret).verify(both.body(), both.headers());

            // rotated again with no overlap: only the newest verifies
            String newest = check(tenant.admin.post(path + "/rotate-secret", json("previousSecretValidFor", "PT0S")), 200)
                    .body().get("secret").asString();
            long after = record(1).getFirst();
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.accepted().contains(Long.toString(after)));
            WebhookReceiver.Delivery one = receiver.deliveries().stream().filter(x -> x.id().equals(Long.toString(after)))
                    .findFirst().orElseThrow();
            assertThat(one.signature().split(" ")).hasSize(1);
            new Webhook(newest).verify(one.body(), one.headers());
            assertThatThrownBy(() -> new Webhook(newSecret).verify(one.body(), one.headers()))
                    .isInstanceOf(WebhookVerificationException.class);
            assertThatThrownBy(() -> new Webhook(secret).verify(one.body(), one.headers()))
                    .isInstanceOf(WebhookVerificationException.class);
        }
    }

    @Test
    void aReplaySendsARangeAgainWithTheSameIdsAndOnlyTheTypesAskedFor() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.up()) {
            Api.Response created = check(tenant.admin.post(HOOKS, json("url", receiver.url(),
                    "eventTypes", new Api.RawJson("[\"io.deskport.session.created\"]"))), 201);
            String path = HOOKS + "/" + created.id();
            List<Long> sessions = record(10);
            recordOf(UsageEventType.SESSION_ENDED, 5);
            Set<String> ids = new HashSet<>(sessions.stream().map(String::valueOf).toList());
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.accepted().containsAll(ids));
            assertThat(receiver.accepted()).as("only the type asked for").isEqualTo(ids);
            int before = receiver.deliveries().size();

            // the range by time: everything recorded in this test, sent again
            Api.Response replay = check(tenant.admin.post(path + "/replay", json("from",
                    Instant.now().minusSeconds(600).toString())), 202);
            assertThat(replay.body().get("until").asString()).isNotBlank();
            await().atMost(Duration.ofSeconds(20)).until(() -> receiver.deliveries().size() >= before + ids.size());
            List<WebhookReceiver.Delivery> again = receiver.deliveries().subList(before, receiver.deliveries().size());
            assertThat(again).extracting(WebhookReceiver.Delivery::id).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(tenant.admin.all(path + "/attempts?limit=100")).filteredOn(a -> a.get("replay").asBoolean())
                    .hasSize(ids.size());
        }
    }

    @Test
    void theRequestsInFlightFollowTheEndpointsPace() throws Exception {
        try (WebhookReceiver receiver = WebhookReceiver.up()) {
            Api.Response created = check(tenant.admin.post(HOOKS, json("url", receiver.url())), 201);
            UUID id = created.id();
            WebhookRelay relay = context.getBean(WebhookRelay.class);
            assertThat(relay.lanesOf(id)).as("a subscription not delivered to yet").isEqualTo(DeliveryLanes.INITIAL);

            // an endpoint taking 150 ms an answer, 150 events waiting: as many in flight as allowed (parallelism=8)
            receiver.pause(Duration.ofMillis(150));
            receiver.mode(WebhookReceiver.Mode.SLOW);
            Set<String> backlog = new HashSet<>(record(150).stream().map(String::valueOf).toList());
            await("the backlog delivered").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> receiver.accepted().containsAll(backlog));
            assertThat(receiver.mostAtOnce()).as("requests the slow receiver held at once").isEqualTo(8);
            assertThat(relay.lanesOf(id)).isEqualTo(8);

            // the same endpoint answering at once, a few events at a time: only as many in flight as that needs
            receiver.mode(WebhookReceiver.Mode.OK);
            await("the lanes shrunk").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
                record(3);
                return relay.lanesOf(id) <= 2;
            });
        }
    }

    /** Records session-created events of the test's tenant, each in its own transaction; returns their ids. */
    private List<Long> record(int n) {
        return recordOf(UsageEventType.SESSION_CREATED, n);
    }

    private List<Long> recordOf(UsageEventType type, int n) {
        TransactionTemplate tx = new TransactionTemplate(txManager);
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            UUID session = UUID.randomUUID();
            tx.executeWithoutResult(s -> recorder.record(tenant.id, type, session, UsageRecorder.data()
                    .put("sessionId", session.toString())));
            ids.add(jdbc.sql("select seq from usage_event where subject = ?").param(type.subject(session))
                    .query(Long.class).single());
        }
        return ids;
    }

    private void awaitAttempt(String path, String error) {
        await("an attempt that failed with " + error).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> check(tenant.admin.get(path + "/attempts?succeeded=false&limit=20"), 200).raw().contains(error));
    }
}
