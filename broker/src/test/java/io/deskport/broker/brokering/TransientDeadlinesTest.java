package io.deskport.broker.brokering;

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
import io.deskport.broker.pools.ManagedDesktops;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every transient state has an owner and a deadline: a session that waits too long for its desktop, or
 * whose desktop fails, ends — giving back its desktop, host seat and quota seat — and says why; a desktop
 * registered by address is never put in a state only provisioning would move it out of. Time is moved by
 * back-dating rows, then one timer pass runs (the pass every broker runs every few seconds).
 */
@BrokerTest
class TransientDeadlinesTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SessionTimers timers;
    @Autowired
    ManagedDesktops managedDesktops;
    @Autowired
    PlatformTransactionManager txManager;

    TestTenant tenant;
    UUID pool;
    UUID desktop;
    Api alice;

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 10, 10);
        pool = tenant.pool("office", "POOLED", null);
        desktop = tenant.desktops(pool, 1, "READY").getFirst();
        tenant.entitle(pool, tenant.user("alice"));
        alice = tenant.login("alice");
    }

    private UUID connect() {
        return UUID.fromString(check(alice.post("/api/v1/pools/" + pool + "/connect"), 201)
                .body().get("session").get("id").asString());
    }

    /** The session as if its desktop had been starting for {@code seconds}: the state a stuck start leaves. */
    private void stuckPreparing(UUID session, int seconds) {
        jdbc.sql("update desktop set state = 'STARTING' where id = ?").param(desktop).update();
        jdbc.sql("update session set state = 'PREPARING', state_changed_at = now() - make_interval(secs => ?) where id = ?")
                .params(seconds, session).update();
    }

    private Api.Response session(UUID id) {
        return check(alice.get("/api/v1/sessions/" + id), 200);
    }

    private int seatsInUse() {
        return jdbc.sql("select coalesce(sum(used), 0) from tenant_session_seats where tenant_id = ?").param(tenant.id)
                .query(Integer.class).single();
    }

    @Test
    void aSessionPreparingLongerThanThePoolsPrepareTimeoutEndsAsProvisioningFailedAndGivesEverythingBack() {
        check(tenant.admin.edit("/api/v1/admin/pools/" + pool, json("prepareTimeoutSeconds", 60)), 200);
        UUID s = connect();
        assertThat(seatsInUse()).isEqualTo(1);

        stuckPreparing(s, 59);
        timers.enforceNow();
        assertThat(session(s).body().get("state").asString()).isEqualTo("PREPARING");

        stuckPreparing(s, 61);
        timers.enforceNow();
        Api.Response ended = session(s);
        assertThat(ended.body().get("state").asString()).isEqualTo("ENDED");
        assertThat(ended.body().get("endReason").asString()).isEqualTo("PROVISIONING_FAILED");
        assertThat(seatsInUse()).isZero();
        // a machine registered by address that was still starting is left switched off for an admin, and free
        Api.Response d = check(tenant.admin.get("/api/v1/admin/desktops/" + desktop), 200);
        assertThat(d.body().get("state").asString()).isEqualTo("STOPPED");
        assertThat(d.body().get("assignedUserId").isNull()).isTrue();
    }

    @Test
    void withoutAPoolTimeoutThePlatformDefaultApplies() {
        UUID s = connect();
        stuckPreparing(s, 9 * 60);
        timers.enforceNow();
        assertThat(session(s).body().get("state").asString()).isEqualTo("PREPARING");
        stuckPreparing(s, 10 * 60 + 1);
        timers.enforceNow();
        assertThat(session(s).body().get("endReason").asString()).isEqualTo("PROVISIONING_FAILED");
    }

    @Test
    void aDesktopThatFailsEndsItsLiveSessionAtOnceAndTheUserIsToldWhy() {
        UUID s = connect();
        new TransactionTemplate(txManager).executeWithoutResult(st ->
                managedDesktops.fail(desktop, "START failed — the hypervisor refused"));

        Api.Response ended = session(s);
        assertThat(ended.body().get("state").asString()).isEqualTo("ENDED");
        assertThat(ended.body().get("endReason").asString()).isEqualTo("PROVISIONING_FAILED");
        assertThat(seatsInUse()).isZero();
        assertThat(check(tenant.admin.get("/api/v1/admin/desktops/" + desktop), 200).body().get("state").asString())
                .isEqualTo("FAILED");
        // and she is not handed the failed desktop again
        assertThat(alice.post("/api/v1/pools/" + pool + "/connect").reason()).isEqualTo("POOL_EXHAUSTED");
    }

    @Test
    void aDesktopWhoseMachineIsFoundGoneEndsItsSessionAsHostLost() {
        UUID s = connect();
        new TransactionTemplate(txManager).executeWithoutResult(st ->
                managedDesktops.fail(desktop, "GHOST: its VM is gone from host h1", true));
        assertThat(session(s).body().get("endReason").asString()).isEqualTo("HOST_LOST");
        assertThat(seatsInUse()).isZero();
    }

    @Test
    void theTimersEndASessionLeftOnAFailedDesktop() {
        UUID s = connect();
        // as a crash between the two could have left it (or a change made straight in the database)
        jdbc.sql("update desktop set state = 'FAILED' where id = ?").param(desktop).update();
        timers.enforceNow();
        assertThat(session(s).body().get("endReason").asString()).isEqualTo("PROVISIONING_FAILED");
        assertThat(seatsInUse()).isZero();
    }

    @Test
    void aDesktopRegisteredByAddressCannotBePutInAStateOnlyProvisioningLeaves() {
        check(tenant.admin.post("/api/v1/admin/desktops/" + desktop + "/state", json("state", "STOPPED")), 200);
        Api.Response refused = tenant.admin.post("/api/v1/admin/desktops/" + desktop + "/state", json("state", "STARTING"));
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.reason()).isEqualTo("INVALID_STATE");
        assertThat(refused.body().get("requestedState").asString()).isEqualTo("STARTING");
        assertThat(check(tenant.admin.get("/api/v1/admin/desktops/" + desktop), 200).body().get("state").asString())
                .isEqualTo("STOPPED");
    }

    @Test
    void aPrepareTimeoutBelowTenSecondsIsRefusedWithTheFieldNamed() {
        Api.Response refused = tenant.admin.edit("/api/v1/admin/pools/" + pool, json("prepareTimeoutSeconds", 5));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(refused.body().get("errors").get(0).get("field").asString()).isEqualTo("prepareTimeoutSeconds");
        check(tenant.admin.edit("/api/v1/admin/pools/" + pool, json("prepareTimeoutSeconds", 0)), 200);
    }
}
