package io.deskport.broker.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.node.ObjectNode;

/**
 * An object's changes kept in time order when one batch of the roll-up pass holds some of its events in order and
 * some that arrive after a later change of it: the rows of {@code usage_interval} and the seconds rolled up are those
 * of what happened.
 */
@BrokerTest
class UsageIntervalsTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    UsageRecorder recorder;
    @Autowired
    UsageRollups rollups;
    @Autowired
    PlatformTransactionManager txManager;
    @Autowired
    JdbcClient jdbc;

    TestTenant tenant;
    /** The hour the events begin in: five hours ago, so that every one of them has ended. */
    Instant t0;
    UUID pool = UUID.randomUUID();
    /** The tenant's events written so far. */
    int recorded;

    @BeforeEach
    void tenant() {
        tenant = TestTenant.create(context, port, 10, 10);
        t0 = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(5));
        rollups.rollUpNow();
    }

    @Test
    void aBatchWithADesktopsInOrderAndLateChangesAfterItsStoredOnesKeepsThemInTimeOrder() {
        UUID desktop = UUID.randomUUID();
        // rolled up first: the desktop is stored as running since minute 70
        oneBatch(List.of(desktop(UsageEventType.DESKTOP_CREATED, desktop, 60), desktop(UsageEventType.DESKTOP_POWERED_ON, desktop, 70)));

        oneBatch(List.of(
                desktop(UsageEventType.DESKTOP_POWERED_OFF, desktop, 100),
                desktop(UsageEventType.DESKTOP_POWERED_OFF, desktop, 80), // late: before the power-off at 100
                desktop(UsageEventType.DESKTOP_POWERED_ON, desktop, 90), // late too
                desktop(UsageEventType.DESKTOP_POWERED_ON, desktop, 120),
                desktop(UsageEventType.DESKTOP_DELETED, desktop, 150),
                desktop(UsageEventType.DESKTOP_POWERED_ON, desktop, 160))); // after its deletion: not counted

        assertThat(intervals("desktops/" + desktop)).containsExactly(
                "STOPPED 60-70 null", "RUNNING 70-80 null", "STOPPED 80-90 null", "RUNNING 90-100 null",
                "STOPPED 100-120 null", "RUNNING 120-150 null", "DELETED 150- null");
        assertThat(hourlySeconds("DESKTOP_RUNNING_SECONDS")).isEqualByComparingTo("3000"); // 10 + 10 + 30 minutes
        assertThat(hourlySeconds("DESKTOP_STOPPED_SECONDS")).isEqualByComparingTo("2400"); // 10 + 10 + 20 minutes
    }

    @Test
    void aSessionWhoseEventsAllArriveInOneBatchSomeLateIsCountedAsItHappened() {
        UUID session = UUID.randomUUID();
        UUID user = UUID.randomUUID();
        oneBatch(List.of(
                session(UsageEventType.SESSION_CREATED, session, user, 0).put("deviceId", "laptop-7"),
                session(UsageEventType.SESSION_CONNECTED, session, user, 40),
                session(UsageEventType.SESSION_CONNECTED, session, user, 20), // late: before the connect at 40
                session(UsageEventType.SESSION_DISCONNECTED, session, user, 30), // late too
                session(UsageEventType.SESSION_ENDED, session, user, 60),
                session(UsageEventType.SESSION_CREATED, session, user, 65), // a creation after its changes: not counted
                session(UsageEventType.SESSION_CONNECTED, session, user, 70))); // after its end: not counted

        assertThat(intervals("sessions/" + session)).containsExactly(
                "OPEN 0-20 laptop-7", "CONNECTED 20-30 laptop-7", "OPEN 30-40 laptop-7", "CONNECTED 40-60 laptop-7",
                "ENDED 60- laptop-7");
        assertThat(hourlySeconds("SESSION_SECONDS")).isEqualByComparingTo("3600");
        assertThat(hourlySeconds("CONNECTED_SECONDS")).isEqualByComparingTo("1800"); // 10 + 20 minutes
    }

    // ---- helpers ----

    /** An event at {@code minute} minutes after {@link #t0}, with its data (to which a test may add). */
    private record Event(UsageEventType type, UUID subject, int minute, ObjectNode data) {
        Event put(String field, String value) {
            data.put(field, value);
            return this;
        }
    }

    private Event desktop(UsageEventType type, UUID desktop, int minute) {
        ObjectNode data = UsageRecorder.data().put("desktopId", desktop.toString()).put("poolId", pool.toString());
        data.putObject("size").put("vcpus", 2).put("memoryMiB", 4096).put("diskMiB", 40960);
        return new Event(type, desktop, minute, data);
    }

    private Event session(UsageEventType type, UUID session, UUID user, int minute) {
        return new Event(type, session, minute, UsageRecorder.data().put("sessionId", session.toString())
                .put("poolId", pool.toString()).put("userId", user.toString()));
    }

    /** Writes the events in one transaction, in this order, and rolls them up in one batch of one pass. */
    private void oneBatch(List<Event> events) {
        recorded += events.size();
        new TransactionTemplate(txManager).executeWithoutResult(status -> events.forEach(e -> recorder.recordAt(tenant.id,
                e.type(), e.subject(), t0.plus(Duration.ofMinutes(e.minute())), e.data())));
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql("select count(*) from usage_event where tenant_id = ? "
                + "and tx < pg_snapshot_xmin(pg_current_snapshot()) and type <> 'tenant.quota_changed'").param(tenant.id)
                .query(Integer.class).single() >= recorded);
        UsageRollups.Pass pass = rollups.rollUpNow();
        assertThat(pass.events()).as("the events read, all in one batch")
                .isBetween(events.size(), UsageRollups.EVENTS_PER_TRANSACTION - 1);
    }

    /** The object's rows: state, minutes after {@link #t0} it starts and ends, device. */
    private List<String> intervals(String subject) {
        return jdbc.sql("select state, start_at, end_at, device_id from usage_interval where tenant_id = ? and subject = ? "
                        + "order by start_at, tx, seq").params(tenant.id, subject)
                .query((rs, n) -> rs.getString(1) + " " + minute(rs.getObject(2, OffsetDateTime.class)) + "-"
                        + (rs.getObject(3) == null ? "" : minute(rs.getObject(3, OffsetDateTime.class))) + " " + rs.getString(4))
                .list();
    }

    private long minute(OffsetDateTime t) {
        return Duration.between(t0, t.toInstant()).toMinutes();
    }

    /** The tenant's hourly figures of the metric, summed. */
    private BigDecimal hourlySeconds(String metric) {
        return jdbc.sql("select coalesce(sum(value), 0) from usage_rollup where tenant_id = ? and granularity = 'HOUR' "
                + "and metric = ?").params(tenant.id, metric).query(BigDecimal.class).single();
    }
}
