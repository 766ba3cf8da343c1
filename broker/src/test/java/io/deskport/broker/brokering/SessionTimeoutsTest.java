package io.deskport.broker.brokering;

import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.shared.CurrentUser;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pool timeouts. Time is moved by back-dating the session's timestamps in the database, then one timer
 * pass runs — the same pass every broker runs every few seconds.
 */
@BrokerTest
class SessionTimeoutsTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    SessionTimers timers;
    @Autowired
    SessionLifecycle lifecycle;

    TestTenant tenant;
    UUID pool;
    Api alice;

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 10, 10);
        pool = tenant.pool("office", "POOLED", null);
        tenant.desktops(pool, 1, "READY");
        UUID user = tenant.user("alice");
        tenant.entitle(pool, user);
        alice = tenant.login("alice");
    }

    private UUID connect() {
        return UUID.fromString(check(alice.post("/api/v1/pools/" + pool + "/connect"), 201)
                .body().get("session").get("id").asString());
    }

    private void ageSession(UUID session, int seconds) {
        jdbc.sql("update session set state_changed_at = state_changed_at - make_interval(secs => ?), "
                        + "created_at = created_at - make_interval(secs => ?), "
                        + "last_activity_at = last_activity_at - make_interval(secs => ?) where id = ?")
                .params(seconds, seconds, seconds, session).update();
    }

    private Api.Response session(UUID id) {
        return check(alice.get("/api/v1/sessions/" + id), 200);
    }

    @Test
    void aSessionDisconnectedLongerThanTheTimeoutIsLoggedOff() {
        check(tenant.admin.edit("/api/v1/admin/pools/" + pool, json("disconnectTimeoutSeconds", 60)), 200);
        UUID s = connect();
        check(alice.post("/api/v1/sessions/" + s + "/disconnect"), 200);

        ageSession(s, 30);
        timers.enforceNow();
        assertThat(session(s).body().get("state").asString()).isEqualTo("DISCONNECTED");

        ageSession(s, 31);
        timers.enforceNow();
        assertThat(session(s).body().get("state").asString()).isEqualTo("ENDED");
        assertThat(session(s).body().get("endReason").asString()).isEqualTo("DISCONNECT_TIMEOUT");
        assertThat(tenant.admin.get("/api/v1/admin/pools/" + pool + "/desktops").body().get(0).get("state").asString())
                .isEqualTo("READY");
    }

    @Test
    void anIdleConnectedSessionIsDisconnectedByDefaultPolicy() {
        check(tenant.admin.edit("/api/v1/admin/pools/" + pool, json("idleTimeoutSeconds", 600)), 200);
        UUID s = connect();
        assertThat(lifecycle.markConnected(s, CurrentUser.SYSTEM)).isTrue();

        ageSession(s, 601);
        timers.enforceNow();

        assertThat(session(s).body().get("state").asString()).isEqualTo("DISCONNECTED");
        // the trail (and the tunnel's close code, 522) say why: the idle timeout, not the user
        Api.Response trail = check(tenant.admin.get("/api/v1/admin/audit?objectType=SESSION&objectId=" + s), 200);
        assertThat(trail.body().get(0).get("action").asString()).isEqualTo("SESSION_DISCONNECTED");
        assertThat(trail.body().get(0).get("details").get("endReason").asString()).isEqualTo("IDLE_TIMEOUT");
    }

    @Test
    void anIdleSessionIsLoggedOffWhenThePoolSaysSo() {
        check(tenant.admin.edit("/api/v1/admin/pools/" + pool, json("idleTimeoutSeconds", 600, "idleAction", "LOGOFF")), 200);
        UUID s = connect();
        lifecycle.markConnected(s, CurrentUser.SYSTEM);
        ageSession(s, 300);
        lifecycle.recordActivity(s);
        timers.enforceNow();
        assertThat(session(s).body().get("state").asString()).isEqualTo("CONNECTED");

        ageSession(s, 601);
        timers.enforceNow();

        assertThat(session(s).body().get("endReason").asString()).isEqualTo("IDLE_TIMEOUT");
    }

    @Test
    void aSessionOlderThanTheMaximumLengthIsLoggedOff() {
        check(tenant.admin.edit("/api/v1/admin/pools/" + pool, json("maxSessionSeconds", 3600)), 200);
        UUID s = connect();
        lifecycle.markConnected(s, CurrentUser.SYSTEM);

        ageSession(s, 3601);
        timers.enforceNow();

        assertThat(session(s).body().get("endReason").asString()).isEqualTo("MAX_SESSION_LENGTH");
        assertThat(jdbc.sql("select coalesce(sum(used), 0)::int from tenant_session_seats where tenant_id = ?").param(tenant.id).query(Integer.class)
                .single()).isZero();
    }

    @Test
    void aTimeoutSwitchedOffNeverFires() {
        check(tenant.admin.edit("/api/v1/admin/pools/" + pool, json("disconnectTimeoutSeconds", 0)), 200);
        UUID s = connect();
        check(alice.post("/api/v1/sessions/" + s + "/disconnect"), 200);

        ageSession(s, 30 * 86_400);
        timers.enforceNow();

        assertThat(session(s).body().get("state").asString()).isEqualTo("DISCONNECTED");
    }
}
