package io.deskport.broker.metering;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.shared.CallerTransaction;

/**
 * Where readers of the usage event log must stop, and the transactions they need not wait for.
 *
 * <p>The log is read only up to the oldest write transaction still running ({@link UsageEventLog}): an event it
 * writes would sort before everything it has yet to commit. A transaction that writes no usage event cannot do
 * that, so {@link #exemptCurrentTransaction()} lets readers pass it: the roll-ups, whose transactions recompute
 * days and months and run for seconds, announce theirs, and the webhook relay and the export no longer wait for
 * them. The announcement commits in a transaction of its own before the caller's long work; a reader that does
 * not see it yet waits for the caller, as it would without it (never skips).
 *
 * <p>Only for transactions that write no usage event, nor call anything that does.
 */
@Component
class UsageHorizon {

    /** The visible part of the log, as a condition on its {@code tx} column. */
    static final String VISIBLE = "tx < (select usage_visible_before())";

    private final JdbcClient jdbc;
    private final TransactionTemplate apart;

    UsageHorizon(JdbcClient jdbc, PlatformTransactionManager txManager) {
        this.jdbc = jdbc;
        this.apart = new TransactionTemplate(txManager);
        this.apart.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /**
     * Readers of the log stop waiting for the caller's transaction (which gets its transaction id now). The
     * announcements of transactions that have ended go at the same time.
     */
    void exemptCurrentTransaction() {
        CallerTransaction.require();
        String xid = jdbc.sql("select pg_current_xact_id()::text").query(String.class).single();
        apart.executeWithoutResult(status -> {
            jdbc.sql("delete from usage_horizon_exempt where xid < pg_snapshot_xmin(pg_current_snapshot())").update();
            jdbc.sql("insert into usage_horizon_exempt (xid) values (?::xid8) on conflict do nothing").param(xid).update();
        });
    }
}
