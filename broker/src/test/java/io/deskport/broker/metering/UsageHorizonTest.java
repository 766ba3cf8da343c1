package io.deskport.broker.metering;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.BrokerTest;

/**
 * Readers of the usage event log wait for a long write transaction still running (an event it writes would sort
 * before what it has yet to commit) unless it announced that it writes no event ({@link UsageHorizon}), as the
 * roll-ups do: then an event committed meanwhile is read at once. An announcement does not let a reader past an
 * event of the announced transaction's own (there is none by contract) nor past any other running transaction.
 */
@BrokerTest
class UsageHorizonTest {

    @Autowired
    UsageEventLog log;
    @Autowired
    UsageHorizon horizon;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TransactionTemplate tx;

    @Test
    void aLongTransactionHoldsReadersBackUnlessItSaysItWritesNoEvent() throws Exception {
        UUID tenant = UUID.randomUUID();
        UsageCursor start = log.end();

        // a transaction that writes (it has a transaction id) and runs on: the event committed after it waits
        try (Held plain = new Held(false)) {
            long seq = event(tenant);
            assertThat(read(tenant, start)).as("held back by a running write transaction").doesNotContain(seq);
            Thread.sleep(300);
            assertThat(read(tenant, start)).as("still held back").doesNotContain(seq);
            plain.end();
            await("read once it ended").until(() -> read(tenant, start).contains(seq));
        }

        // the same transaction, announced: the event is read while it still runs
        UsageCursor now = log.end();
        try (Held exempt = new Held(true)) {
            long seq = event(tenant);
            // (a background transaction of the broker may hold it for a moment: read until it passes)
            await("not held back by an announced transaction").until(() -> read(tenant, now).equals(List.of(seq)));

            // a second, unannounced transaction running beside it still holds readers back
            try (Held other = new Held(false)) {
                long later = event(tenant);
                assertThat(read(tenant, now)).containsExactly(seq);
                Thread.sleep(300);
                assertThat(read(tenant, now)).containsExactly(seq);
                other.end();
                await().until(() -> read(tenant, now).equals(List.of(seq, later)));
            }
            exempt.end();
        }
        assertThat(jdbc.sql("select count(*) from usage_horizon_exempt where xid < pg_snapshot_xmin(pg_current_snapshot())")
                .query(Integer.class).single()).as("announcements of ended transactions are not all kept")
                .isLessThanOrEqualTo(1);
    }

    private List<Long> read(UUID tenant, UsageCursor from) {
        return log.after(from, tenant, null, 100).stream().map(UsageEvent::seq).toList();
    }

    /** Commits one usage event of the tenant (in a transaction of its own) and returns its sequence number. */
    private long event(UUID tenant) {
        return tx.execute(s -> jdbc.sql("insert into usage_event (tenant_id, type, subject, data) values (?, "
                + "'tenant.quota_changed', 'tenants/' || ?, '{}') returning seq").params(tenant, tenant)
                .query(Long.class).single());
    }

    /** A write transaction on a thread of its own, running until ended (announced as writing no event, or not). */
    private final class Held implements AutoCloseable {
        private final CountDownLatch started = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final CompletableFuture<Void> done;

        Held(boolean exempt) throws InterruptedException {
            // a thread of its own: the common pool may have a single thread, and two of these run at once
            done = CompletableFuture.runAsync(() -> tx.executeWithoutResult(s -> {
                if (exempt) {
                    horizon.exemptCurrentTransaction();
                } else {
                    jdbc.sql("select pg_current_xact_id()").query(String.class).single();
                }
                started.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }), r -> Thread.ofPlatform().daemon().start(r));
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        }

        void end() throws Exception {
            release.countDown();
            done.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws Exception {
            end();
        }
    }
}
