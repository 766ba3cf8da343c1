package io.deskport.broker.metering;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.licensing.LicenceExpiring;
import io.deskport.broker.licensing.LicenceOveruseStarted;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.support.TestTenant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Licensing's alerts reach the usage log (and so the webhooks) through Spring Modulith's JDBC event publication
 * registry on a real PostgreSQL: a registry row is written with the publishing transaction, and gone once the
 * listener's own transaction committed; a listener that fails (here: the database refuses its write, a constraint
 * the test adds) leaves the row, and the alert is handed to it again once the database takes it; an alert handed
 * out twice is recorded once; an alert whose publishing transaction rolled back is never recorded.
 */
@BrokerTest
@TestPropertySource(properties = {"deskport.events.resubmit-after=1s", "deskport.events.interval=500ms"})
class LicenceAlertRegistryTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    ApplicationEventPublisher events;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    PlatformTransactionManager transactions;

    @AfterEach
    void dropTheRefusal() {
        jdbc.sql("alter table metering_alert_recorded drop constraint if exists test_refuses_alerts").update();
    }

    @Test
    void anAlertIsRecordedOnceAfterItsTransactionAndItsRegistryRowIsGone() {
        TestTenant tenant = TestTenant.create(context, port, 10, 10);
        LicenceExpiring expiring = expiring(tenant.id);

        publishCommitted(expiring);

        await().atMost(Duration.ofSeconds(20)).until(() -> usageEvents("licence.expiring", expiring.licenceId()) == 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> incomplete(LicenceExpiring.class) == 0);
        String data = jdbc.sql("select data::text from usage_event where type = 'licence.expiring' and subject = ?")
                .param("licences/" + expiring.licenceId()).query(String.class).single();
        assertThat(data).contains("\"noticeDays\": 7").contains("\"product\": \"Office suite\"");

        // the same alert again (a publication handed out twice): still one event
        publishCommitted(expiring);
        await().atMost(Duration.ofSeconds(20)).until(() -> incomplete(LicenceExpiring.class) == 0);
        assertThat(usageEvents("licence.expiring", expiring.licenceId())).isEqualTo(1);
    }

    @Test
    void anAlertWhoseListenerFailedIsHandedToItAgainOnceTheDatabaseTakesIt() {
        TestTenant tenant = TestTenant.create(context, port, 10, 10);
        UUID product = Ids.newId();
        LicenceOveruseStarted overuse = new LicenceOveruseStarted(tenant.id, product, "Office suite", 5, 2,
                Instant.parse("2026-12-01T09:00:00Z"));
        jdbc.sql("alter table metering_alert_recorded add constraint test_refuses_alerts check (alert_key not like "
                + "'overuse-started:" + product + "%') not valid").update();

        publishCommitted(overuse);

        // the listener ran and failed: no event, the registry keeps the publication
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql("select count(*) from event_publication where "
                        + "event_type like '%LicenceOveruseStarted' and completion_date is null and status = 'FAILED'")
                .query(Integer.class).single() == 1);
        assertThat(usageEvents("licence.overuse_started", product)).isZero();

        jdbc.sql("alter table metering_alert_recorded drop constraint test_refuses_alerts").update();

        await().atMost(Duration.ofSeconds(30)).until(() -> usageEvents("licence.overuse_started", product) == 1);
        await().atMost(Duration.ofSeconds(20)).until(() -> incomplete(LicenceOveruseStarted.class) == 0);
        assertThat(usageEvents("licence.overuse_started", product)).isEqualTo(1);
    }

    @Test
    void anAlertWhosePublishingTransactionRolledBackIsNeverRecorded() {
        TestTenant tenant = TestTenant.create(context, port, 10, 10);
        LicenceExpiring expiring = expiring(tenant.id);

        new TransactionTemplate(transactions).executeWithoutResult(status -> {
            events.publishEvent(expiring);
            status.setRollbackOnly();
        });

        assertThat(jdbc.sql("select count(*) from event_publication where serialized_event like ?")
                .param("%" + expiring.licenceId() + "%").query(Integer.class).single()).isZero();
        // a later alert of the same tenant is recorded: the listener had nothing of the first to record
        LicenceExpiring later = expiring(tenant.id);
        publishCommitted(later);
        await().atMost(Duration.ofSeconds(20)).until(() -> usageEvents("licence.expiring", later.licenceId()) == 1);
        assertThat(usageEvents("licence.expiring", expiring.licenceId())).isZero();
    }

    private static LicenceExpiring expiring(UUID tenantId) {
        Instant until = Instant.parse("2027-01-01T00:00:00Z");
        return new LicenceExpiring(tenantId, Ids.newId(), "Office suite", Ids.newId(), 25, 7, until,
                until.plus(Duration.ofDays(3)), false);
    }

    private void publishCommitted(Object event) {
        new TransactionTemplate(transactions).executeWithoutResult(status -> events.publishEvent(event));
    }

    private int usageEvents(String type, UUID subjectId) {
        return jdbc.sql("select count(*) from usage_event where type = ? and subject like ?")
                .params(type, "%/" + subjectId).query(Integer.class).single();
    }

    private int incomplete(Class<?> type) {
        return jdbc.sql("select count(*) from event_publication where event_type = ? and completion_date is null")
                .param(type.getName()).query(Integer.class).single();
    }
}
