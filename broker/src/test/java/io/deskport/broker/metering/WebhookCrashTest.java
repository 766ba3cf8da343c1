package io.deskport.broker.metering;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.BrokerProcess;
import io.deskport.broker.support.TestTenant;
import io.deskport.broker.support.WebhookReceiver;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue #20, "must be shown": kill -9 of the delivering broker mid-batch loses nothing. A broker in a process of
 * its own delivers (the test's broker does not) to a receiver that takes 150 ms per delivery; it is killed while
 * the first batch is in flight, before that batch's pass could record anything. Restarted, it takes the
 * subscription over once the dead one's lease runs out and sends every event, the ones that had arrived before
 * the kill again, with the same {@code webhook-id} and body.
 */
@BrokerTest
@TestPropertySource(properties = {"deskport.provisioning.enabled=false",
        "deskport.metering.webhooks.enabled=false", "deskport.metering.webhooks.allowed-networks=127.0.0.0/8"})
class WebhookCrashTest {

    static final int EVENTS = 300;

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
    @Autowired
    Environment env;

    @Test
    void aDeliveringBrokerKilledMidBatchLosesNothingAfterItsRestart() throws Exception {
        TestTenant tenant = TestTenant.create(context, port, 10, 10);
        Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "webhook-crash");
        try (WebhookReceiver receiver = WebhookReceiver.up()) {
            receiver.pause(Duration.ofMillis(150));
            receiver.mode(WebhookReceiver.Mode.SLOW);
            check(tenant.admin.post("/api/v1/admin/webhooks", json("url", receiver.url())), 201);
            Set<String> ids = record(tenant.id, EVENTS);

            BrokerProcess broker = BrokerProcess.start("webhooks", dir, env.getProperty("spring.datasource.url"),
                    env.getProperty("spring.datasource.username"), env.getProperty("spring.datasource.password"), "",
                    List.of("--deskport.metering.webhooks.allowed-networks=127.0.0.0/8",
                            "--deskport.metering.webhooks.batch-size=100",
                            "--deskport.metering.webhooks.parallelism=4",
                            "--deskport.metering.webhooks.request-timeout=1s",
                            // a pass stops starting requests after half the lease less the timeout (5 s): the
                            // batch is not cut short before the kill
                            "--deskport.metering.webhooks.lease=12s",
                            "--deskport.metering.webhooks.poll-interval=50ms",
                            "--deskport.provisioning.enabled=false"));
            try {
                broker.awaitHealthy(Duration.ofSeconds(180));
                // a batch of 100 at 4 in flight and 150 ms each takes about 4 s: killed after 12 arrived, it is mid-batch
                await("the first deliveries").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(10))
                        .until(() -> receiver.arrivals() >= 12);
                broker.kill9();
                assertThat(anythingRecorded()).as("the batch in flight recorded nothing").isFalse();
                Set<String> beforeKill = receiver.deliveries().stream().map(WebhookReceiver.Delivery::id)
                        .collect(Collectors.toSet());
                int arrivedBeforeKill = receiver.deliveries().size();
                assertThat(beforeKill).hasSizeLessThan(EVENTS);

                receiver.mode(WebhookReceiver.Mode.OK);
                broker.restart();
                broker.awaitHealthy(Duration.ofSeconds(180));
                await("every event after the restart").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100))
                        .until(() -> receiver.accepted().containsAll(ids));
                Map<String, String> bodies = new HashMap<>();
                for (WebhookReceiver.Delivery d : receiver.deliveries()) {
                    String first = bodies.putIfAbsent(d.id(), d.body());
                    assertThat(first == null || first.equals(d.body())).as("a repeat of " + d.id() + " is the same body")
                            .isTrue();
                }
                assertThat(bodies.keySet()).as("only the tenant's events, each under its own id").isEqualTo(ids);
                Set<String> afterRestart = receiver.deliveries().subList(arrivedBeforeKill, receiver.deliveries().size())
                        .stream().map(WebhookReceiver.Delivery::id).collect(Collectors.toSet());
                assertThat(afterRestart).as("what arrived before the kill was sent again, under the same ids")
                        .containsAll(beforeKill);
                System.out.println("WebhookCrashTest: " + EVENTS + " events; " + arrivedBeforeKill
                        + " deliveries arrived before the kill; " + receiver.deliveries().size() + " in all");
            } finally {
                broker.close();
            }
        }
    }

    private boolean anythingRecorded() {
        return jdbc.sql("select count(*) from webhook_attempt").query(Long.class).single() > 0;
    }

    private Set<String> record(UUID tenant, int n) {
        TransactionTemplate tx = new TransactionTemplate(txManager);
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < n; i++) {
            UUID session = UUID.randomUUID();
            tx.executeWithoutResult(st -> recorder.record(tenant, UsageEventType.SESSION_CREATED, session,
                    UsageRecorder.data().put("sessionId", session.toString())));
            ids.add(String.valueOf(jdbc.sql("select seq from usage_event where subject = ?")
                    .param(UsageEventType.SESSION_CREATED.subject(session)).query(Long.class).single()));
        }
        return ids;
    }
}
