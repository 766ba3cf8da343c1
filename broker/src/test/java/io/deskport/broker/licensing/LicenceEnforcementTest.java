package io.deskport.broker.licensing;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.event.ApplicationEvents;
import org.springframework.test.context.event.RecordApplicationEvents;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.LedgerChecks;
import io.deskport.broker.support.TestTenant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Licence seats in the connect transaction, one behaviour at a time: what each model takes, keeps and gives
 * back, the refusal and its figures, reconnects that take nothing, per-device ids, seats given back at
 * disconnect, desktops that need a seat, SOFT overuse with its alerts, the relay's events and the sweep's clock.
 */
@BrokerTest
@RecordApplicationEvents
class LicenceEnforcementTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    LicenceSweep sweep;
    @Autowired
    ApplicationEvents events;

    LicenceFixture licences;
    TestTenant t;

    @BeforeEach
    void tenant() {
        licences = new LicenceFixture(context);
        t = TestTenant.create(context, port, 100, 100);
    }

    private Api user(String name, UUID... pools) {
        UUID id = t.user(name);
        for (UUID p : pools) {
            t.entitle(p, id);
        }
        return t.login(name);
    }

    private static Api.Response connect(Api api, UUID pool) {
        return api.post("/api/v1/pools/" + pool + "/connect");
    }

    private static String session(Api.Response r) {
        assertThat(r.status()).as(r.raw()).isIn(200, 201);
        return r.body().get("session").get("id").asString();
    }

    private void assertLedger() throws Exception {
        assertThat(LedgerChecks.violations(LedgerChecks.withDefaults().run(jdbc.sql("select 1").query(Integer.class)
                .single() == 1 ? context.getBean(javax.sql.DataSource.class) : null))).isEmpty();
    }

    @Test
    void aConcurrentUserSeatIsHeldWhileTheUserHasASessionAndTheRefusalCarriesTheFigures() throws Exception {
        UUID pool = t.pool("office", "POOLED", null);
        UUID second = t.pool("office-2", "POOLED", null);
        t.desktops(pool, 5, "READY");
        t.desktops(second, 2, "READY");
        UUID product = licences.product(t.id, "VDA", LicenceModel.CONCURRENT_USER);
        licences.licence(product, 2, Enforcement.HARD, 0);
        licences.require(pool, product);
        licences.require(second, product);
        Api ann = user("ann", pool, second);
        Api ben = user("ben", pool);
        Api cid = user("cid", pool);

        String annSession = session(connect(ann, pool));
        String benSession = session(connect(ben, pool));
        assertThat(licences.held(product)).isEqualTo(2);

        Api.Response refused = connect(cid, pool);
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.reason()).isEqualTo("LICENCE_EXHAUSTED");
        assertThat(refused.body().get("product").asString()).isEqualTo("VDA");
        assertThat(refused.body().get("productId").asString()).isEqualTo(product.toString());
        assertThat(refused.body().get("model").asString()).isEqualTo("CONCURRENT_USER");
        assertThat(refused.body().get("seats").asInt()).isEqualTo(2);
        assertThat(refused.body().get("seatsInUse").asInt()).isEqualTo(2);
        assertThat(refused.body().get("enforcement").asString()).isEqualTo("HARD");
        // the refused connect took nothing: no session, its desktop still free
        assertThat(jdbc.sql("select count(*) from session where pool_id = ? and state <> 'ENDED'").param(pool)
                .query(Integer.class).single()).isEqualTo(2);
        assertThat(jdbc.sql("select count(*) from desktop where pool_id = ? and state = 'READY'").param(pool)
                .query(Integer.class).single()).isEqualTo(3);

        // a reconnect takes no second seat; a second session of the same user (another pool) joins the seat
        Api.Response again = connect(ann, pool);
        assertThat(again.status()).isEqualTo(200);
        assertThat(session(again)).isEqualTo(annSession);
        String annSecond = session(connect(ann, second));
        assertThat(licences.held(product)).isEqualTo(2);
        assertThat(jdbc.sql("select sessions from licence_seat where product_id = ? and holder = ? and released_at is null")
                .params(product, jdbc.sql("select id::text from app_user where tenant_id = ? and username = 'ann'")
                        .param(t.id).query(String.class).single()).query(Integer.class).single()).isEqualTo(2);
        assertLedger();

        // ann's seat stays until her last session ends; then cid gets it
        assertThat(ann.post("/api/v1/sessions/" + annSession + "/logoff").status()).isEqualTo(200);
        assertThat(licences.held(product)).isEqualTo(2);
        assertThat(connect(cid, pool).reason()).isEqualTo("LICENCE_EXHAUSTED");
        assertThat(ann.post("/api/v1/sessions/" + annSecond + "/logoff").status()).isEqualTo(200);
        assertThat(licences.held(product)).isEqualTo(1);
        String cidSession = session(connect(cid, pool));
        assertLedger();

        assertThat(ben.post("/api/v1/sessions/" + benSession + "/logoff").status()).isEqualTo(200);
        assertThat(cid.post("/api/v1/sessions/" + cidSession + "/logoff").status()).isEqualTo(200);
        assertThat(licences.held(product)).isZero();
        assertThat(licences.counted(product)).isZero();
        assertThat(jdbc.sql("select count(*) from licence_seat where product_id = ?").param(product).query(Integer.class)
                .single()).as("three holdings in the history").isEqualTo(3);
        assertLedger();
    }

    @Test
    void aNamedUserKeepsTheSeatAfterLogoffUntilItIsUnusedForTheProductsDays() throws Exception {
        UUID pool = t.pool("cad", "POOLED", null);
        t.desktops(pool, 3, "READY");
        UUID product = licences.product(t.id, "CAD seat", LicenceModel.NAMED_USER, false, 7);
        licences.licence(product, 1, Enforcement.HARD, 0);
        licences.require(pool, product);
        Api ann = user("ann", pool);
        Api ben = user("ben", pool);

        String s1 = session(connect(ann, pool));
        assertThat(ann.post("/api/v1/sessions/" + s1 + "/logoff").status()).isEqualTo(200);
        assertThat(licences.held(product)).as("a named seat stays with its user").isEqualTo(1);
        assertThat(connect(ben, pool).reason()).isEqualTo("LICENCE_EXHAUSTED");
        String s2 = session(connect(ann, pool));
        assertThat(jdbc.sql("select count(*) from licence_seat where product_id = ?").param(product).query(Integer.class)
                .single()).as("her second logon uses the same holding").isEqualTo(1);
        assertThat(ann.post("/api/v1/sessions/" + s2 + "/logoff").status()).isEqualTo(200);

        // unused for 8 days: the sweep gives it back
        jdbc.sql("update licence_seat set last_used_at = now() - interval '8 days' where product_id = ?").param(product).update();
        assertThat(sweep.sweepNow().unusedReleased()).isEqualTo(1);
        assertThat(jdbc.sql("select release_reason from licence_seat where product_id = ?").param(product)
                .query(String.class).single()).isEqualTo("UNUSED");
        session(connect(ben, pool));
        assertLedger();
    }

    @Test
    void aPerDeviceSeatBelongsToTheDeviceTheClientNames() throws Exception {
        UUID pool = t.pool("kiosk", "SHARED", "BREADTH_FIRST");
        t.host(pool, "rds-1", 10);
        UUID product = licences.product(t.id, "RDS device CAL", LicenceModel.PER_DEVICE);
        licences.licence(product, 1, Enforcement.HARD, 0);
        licences.require(pool, product);
        Api ann = user("ann", pool);
        Api ben = user("ben", pool);
        Api cid = user("cid", pool);

        Api.Response noDevice = connect(ann, pool);
        assertThat(noDevice.status()).isEqualTo(400);
        assertThat(noDevice.reason()).isEqualTo("DEVICE_ID_REQUIRED");
        Api.Response badDevice = connect(ann.withHeader(LicenceSeats.DEVICE_HEADER, "x y"), pool);
        assertThat(badDevice.status()).isEqualTo(400);
        assertThat(badDevice.reason()).isEqualTo("VALIDATION_FAILED");

        session(connect(ann.withHeader(LicenceSeats.DEVICE_HEADER, "kiosk-device-0001"), pool));
        // another user at the same device: the device's seat
        session(connect(ben.withHeader(LicenceSeats.DEVICE_HEADER, "kiosk-device-0001"), pool));
        assertThat(licences.held(product)).isEqualTo(1);
        Api.Response other = connect(cid.withHeader(LicenceSeats.DEVICE_HEADER, "laptop-device-0002"), pool);
        assertThat(other.reason()).isEqualTo("LICENCE_EXHAUSTED");
        assertThat(other.body().get("model").asString()).isEqualTo("PER_DEVICE");
        assertLedger();
    }

    @Test
    void aSeatReleasedOnDisconnectIsTakenAgainAtReconnectOrTheReconnectIsRefused() throws Exception {
        UUID pool = t.pool("office", "POOLED", null);
        t.desktops(pool, 3, "READY");
        UUID product = licences.product(t.id, "Office CAL", LicenceModel.CONCURRENT_USER, true, null);
        licences.licence(product, 1, Enforcement.HARD, 0);
        licences.require(pool, product);
        Api ann = user("ann", pool);
        Api ben = user("ben", pool);

        String annSession = session(connect(ann, pool));
        assertThat(ann.post("/api/v1/sessions/" + annSession + "/disconnect").status()).isEqualTo(200);
        assertThat(licences.held(product)).as("given back at disconnect").isZero();
        String benSession = session(connect(ben, pool));
        assertLedger();

        Api.Response back = connect(ann, pool);
        assertThat(back.status()).isEqualTo(503);
        assertThat(back.reason()).isEqualTo("LICENCE_EXHAUSTED");
        assertThat(jdbc.sql("select state from session where id = ?::uuid").param(annSession).query(String.class).single())
                .as("her session waits, disconnected").isEqualTo("DISCONNECTED");

        assertThat(ben.post("/api/v1/sessions/" + benSession + "/logoff").status()).isEqualTo(200);
        Api.Response reconnected = connect(ann, pool);
        assertThat(reconnected.status()).isEqualTo(200);
        assertThat(session(reconnected)).isEqualTo(annSession);
        assertThat(licences.held(product)).isEqualTo(1);
        assertThat(ann.post("/api/v1/sessions/" + annSession + "/logoff").status()).isEqualTo(200);
        assertThat(licences.held(product)).isZero();
        assertLedger();
    }

    @Test
    void aDesktopNeedsASeatOfAPerDesktopLicenceAndGivesItBackWhenRemoved() throws Exception {
        UUID pool = t.pool("vdi", "PERSISTENT", null);
        UUID product = licences.product(t.id, "VDI per machine", LicenceModel.PER_DESKTOP);
        licences.licence(product, 2, Enforcement.HARD, 0);
        licences.require(pool, product);
        var desktops = t.desktops(pool, 2, "READY");
        assertThat(licences.held(product)).isEqualTo(2);
        Api.Response third = t.admin.post("/api/v1/admin/pools/" + pool + "/desktops", Api.json("name", "d3",
                "consoleHost", "127.0.0.1", "consolePort", 5903, "consolePassword", "secret-3", "state", "READY"));
        assertThat(third.status()).isEqualTo(503);
        assertThat(third.reason()).isEqualTo("LICENCE_EXHAUSTED");
        assertThat(jdbc.sql("select count(*) from desktop where pool_id = ?").param(pool).query(Integer.class).single())
                .as("the refused desktop is not there").isEqualTo(2);
        assertThat(jdbc.sql("select desktop_count from tenant where id = ?").param(t.id).query(Integer.class).single())
                .as("nor counted against the tenant's quota").isEqualTo(2);

        assertThat(t.admin.delete("/api/v1/admin/desktops/" + desktops.get(0)).status()).isEqualTo(204);
        assertThat(licences.held(product)).isEqualTo(1);
        assertThat(jdbc.sql("select release_reason from licence_seat where holder = ?").param(desktops.get(0).toString())
                .query(String.class).single()).isEqualTo("DESKTOP_REMOVED");
        assertThat(t.admin.delete("/api/v1/admin/pools/" + pool).status()).isEqualTo(204);
        assertThat(licences.held(product)).isZero();
        assertThat(licences.counted(product)).isZero();
        assertLedger();
    }

    @Test
    void softEnforcementAllowsTheMarginRecordsTheOverusePeriodAndAlerts() throws Exception {
        UUID pool = t.pool("office", "POOLED", null);
        t.desktops(pool, 5, "READY");
        UUID product = licences.product(t.id, "Suite", LicenceModel.CONCURRENT_USER);
        licences.licence(product, 2, Enforcement.SOFT, 1);
        licences.require(pool, product);
        Api[] users = {user("u1", pool), user("u2", pool), user("u3", pool), user("u4", pool)};
        String[] sessions = new String[3];
        for (int i = 0; i < 3; i++) {
            sessions[i] = session(connect(users[i], pool));
        }
        Api.Response fourth = connect(users[3], pool);
        assertThat(fourth.reason()).isEqualTo("LICENCE_EXHAUSTED");
        assertThat(fourth.body().get("enforcement").asString()).isEqualTo("SOFT");
        assertThat(fourth.body().get("overuseMargin").asInt()).isEqualTo(1);
        assertThat(fourth.body().get("seatsInUse").asInt()).isEqualTo(3);

        Instant third = jdbc.sql("select max(taken_at) from licence_seat where product_id = ?").param(product)
                .query(java.sql.Timestamp.class).single().toInstant();
        sweep.sweepNow();
        Map<String, Object> open = jdbc.sql("select started_at, ended_at, seats, peak_excess from licence_overuse "
                + "where product_id = ?").param(product).query().singleRow();
        assertThat(((java.sql.Timestamp) open.get("started_at")).toInstant()).as("starts when the third seat was taken")
                .isEqualTo(third);
        assertThat(open.get("ended_at")).isNull();
        assertThat(open.get("seats")).isEqualTo(2);
        assertThat(open.get("peak_excess")).isEqualTo(1);
        assertThat(events.stream(LicenceOveruseStarted.class).filter(e -> e.productId().equals(product)).count()).isEqualTo(1);
        sweep.sweepNow();
        assertThat(events.stream(LicenceOveruseStarted.class).filter(e -> e.productId().equals(product)).count())
                .as("an open period is alerted once").isEqualTo(1);

        assertThat(users[0].post("/api/v1/sessions/" + sessions[0] + "/logoff").status()).isEqualTo(200);
        Instant back = jdbc.sql("select max(released_at) from licence_seat where product_id = ?").param(product)
                .query(java.sql.Timestamp.class).single().toInstant();
        sweep.sweepNow();
        Map<String, Object> closed = jdbc.sql("select ended_at, peak_excess from licence_overuse where product_id = ?")
                .param(product).query().singleRow();
        assertThat(((java.sql.Timestamp) closed.get("ended_at")).toInstant()).isEqualTo(back);
        assertThat(events.stream(LicenceOveruseEnded.class).filter(e -> e.productId().equals(product)).toList())
                .singleElement().satisfies(e -> assertThat(e.peakExcess()).isEqualTo(1));
        assertThat(jdbc.sql("select count(*) from audit_event where tenant_id = ? and action in "
                + "('LICENCE_OVERUSE_STARTED', 'LICENCE_OVERUSE_ENDED')").param(t.id).query(Integer.class).single()).isEqualTo(2);
        // and the usage log has both alerts, once each (through the event publication registry, after the sweep's commit)
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> jdbc.sql("select count(*) "
                + "from usage_event where subject = ? and type in ('licence.overuse_started', 'licence.overuse_ended')")
                .param("licence-products/" + product).query(Integer.class).single() == 2);
        assertLedger();
    }

    @Test
    void everySeatTakenAndReleasedIsOneUsageEventWrittenWithItAtTheSeatsOwnTimes() throws Exception {
        UUID pool = t.pool("office", "POOLED", null);
        t.desktops(pool, 2, "READY");
        UUID product = licences.product(t.id, "Metered CAL", LicenceModel.CONCURRENT_USER);
        licences.licence(product, 5, Enforcement.HARD, 0);
        licences.require(pool, product);
        Api ann = user("ann", pool);
        String s = session(connect(ann, pool));
        assertThat(ann.post("/api/v1/sessions/" + s + "/logoff").status()).isEqualTo(200);

        long seat = jdbc.sql("select id from licence_seat where product_id = ?").param(product).query(Long.class).single();
        var seatEvents = jdbc.sql("select type, time, data->>'model', data->>'reason', data->>'holder' from usage_event "
                        + "where subject = ? order by tx, seq").param("licence-seats/" + seat)
                .query((rs, n) -> java.util.List.of(rs.getString(1), rs.getTimestamp(2).toInstant().toString(),
                        rs.getString(3), String.valueOf(rs.getString(4)), rs.getString(5))).list();
        var times = jdbc.sql("select taken_at, released_at from licence_seat where id = ?").param(seat)
                .query((rs, n) -> java.util.List.of(rs.getTimestamp(1).toInstant().toString(),
                        rs.getTimestamp(2).toInstant().toString())).single();
        String annId = jdbc.sql("select id::text from app_user where tenant_id = ? and username = 'ann'").param(t.id)
                .query(String.class).single();
        assertThat(seatEvents).containsExactly(
                java.util.List.of("licence.seat_taken", times.get(0), "CONCURRENT_USER", "null", annId),
                java.util.List.of("licence.seat_released", times.get(1), "CONCURRENT_USER", "LOGOFF", annId));
    }

    @Test
    void licencesFollowTheirValidityAnnounceTheirEndAndGiveAssignedSeatsBackWhenNoneIsInForce() throws Exception {
        UUID pool = t.pool("office", "POOLED", null);
        t.desktops(pool, 2, "READY");
        UUID product = licences.product(t.id, "Expiring", LicenceModel.NAMED_USER);
        Instant now = licences.now();
        UUID licence = licences.licence(product, 3, Enforcement.HARD, 0, now.minus(300, ChronoUnit.DAYS),
                now.plus(5, ChronoUnit.DAYS), 2);
        licences.require(pool, product);
        Api ann = user("ann", pool);
        String s = session(connect(ann, pool));
        assertThat(ann.post("/api/v1/sessions/" + s + "/logoff").status()).isEqualTo(200);

        sweep.sweepNow();
        assertThat(events.stream(LicenceExpiring.class).filter(e -> e.licenceId().equals(licence)).toList())
                .singleElement().satisfies(e -> assertThat(e.notice()).isEqualTo(7));
        sweep.sweepNow();
        assertThat(events.stream(LicenceExpiring.class).filter(e -> e.licenceId().equals(licence)).count()).isEqualTo(1);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).until(() -> jdbc.sql("select count(*) "
                + "from usage_event where subject = ? and type = 'licence.expiring' and (data->>'noticeDays')::int = 7")
                .param("licences/" + licence).query(Integer.class).single() == 1);

        // it ended a day ago: still in its 2 days of grace
        jdbc.sql("update licence set valid_until = now() - interval '1 day' where id = ?").param(licence).update();
        sweep.sweepNow();
        assertThat(jdbc.sql("select sum(capacity) from licence_seat_shard where product_id = ?").param(product)
                .query(Integer.class).single()).isEqualTo(3);
        // and past its grace: no licence in force, no capacity, the unused named seat goes back
        jdbc.sql("update licence set valid_until = now() - interval '3 days' where id = ?").param(licence).update();
        LicenceSweep.Pass pass = sweep.sweepNow();
        assertThat(pass.capacitiesChanged()).isGreaterThanOrEqualTo(1);
        assertThat(licences.held(product)).isZero();
        assertThat(jdbc.sql("select release_reason from licence_seat where product_id = ?").param(product)
                .query(String.class).single()).isEqualTo("EXPIRED");
        Api.Response refused = connect(ann, pool);
        assertThat(refused.reason()).isEqualTo("LICENCE_EXHAUSTED");
        assertThat(refused.body().get("seats").asInt()).isZero();
        assertLedger();
    }
}
