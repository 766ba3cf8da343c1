package io.deskport.broker.support;

import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Removes the licence rows a test wrote by hand (seats held by nobody's session, a made-up history, a shard
 * count forced below its seats): the tests share one database, and the ledger checks that other tests run
 * after theirs (LedgerChecks) hold the whole database to the broker's own invariants.
 */
public final class FabricatedLicences {

    private FabricatedLicences() {
    }

    /** Every licence product of the tenants, with their licences, requirements, shards, seats and history. */
    public static void remove(JdbcClient jdbc, UUID... tenants) {
        for (UUID tenant : tenants) {
            jdbc.sql("delete from licence_session where tenant_id = ?").param(tenant).update();
            jdbc.sql("delete from pool_licence where tenant_id = ?").param(tenant).update();
            jdbc.sql("delete from licence_product where tenant_id = ?").param(tenant).update();
        }
    }
}
