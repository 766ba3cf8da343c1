package io.deskport.broker.metering;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.BrokerTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The log is read in the order of its transaction ids as numbers, also where their digits change (9, 10, 99,
 * 100: as text, "10" sorts before "9" and "100" before "99"): pages in order, a cursor that moves on, the end of
 * the log after every event. Rows written by hand with old transaction ids for a tenant of their own, removed
 * after.
 */
@BrokerTest
class UsageEventLogOrderTest {

    @Autowired
    UsageEventLog log;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    TransactionTemplate tx;

    @Test
    void transactionIdsOfMoreDigitsComeAfterFewer() {
        UUID tenant = UUID.randomUUID();
        List<Long> txs = List.of(9L, 10L, 99L, 100L, 999L, 1000L);
        for (long t : txs) {
            jdbc.sql("insert into usage_event (tx, tenant_id, type, subject, data) values (?::text::xid8, ?, "
                    + "'tenant.quota_changed', 'tenants/' || ?, '{}')").params(Long.toString(t), tenant, tenant).update();
        }
        try {
            UsageCursor cursor = UsageCursor.START;
            List<Long> read = new java.util.ArrayList<>();
            for (int page = 0; page < 10; page++) {
                List<UsageEvent> events = log.after(cursor, tenant, null, 2);
                if (events.isEmpty()) {
                    break;
                }
                events.forEach(e -> read.add(e.position().tx()));
                cursor = events.getLast().position();
            }
            assertThat(read).containsExactlyElementsOf(txs);

            UsageCursor end = log.end();
            UsageCursor last = jdbc.sql("select tx::text as t, seq from usage_event order by tx desc, seq desc limit 1")
                    .query((rs, n) -> new UsageCursor(Long.parseLong(rs.getString(1)), rs.getLong(2))).single();
            assertThat(end).as("the end of the log is after its last event").isEqualTo(last);
        } finally {
            tx.executeWithoutResult(s -> {
                jdbc.sql("set local deskport.usage_retention = 'on'").update();
                jdbc.sql("delete from usage_event where tenant_id = ?").param(tenant).update();
            });
        }
    }
}
