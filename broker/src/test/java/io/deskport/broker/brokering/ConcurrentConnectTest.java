package io.deskport.broker.brokering;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.SecondBroker;
import io.deskport.broker.support.StormEstate;
import io.deskport.broker.support.TestTenant;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Many clients connecting at once through TWO broker instances on ONE database: no desktop is handed
 * out twice, no host exceeds its max sessions, no tenant exceeds its quota, a user's simultaneous
 * connects all get the same session, and a refusal only happens when capacity is really used up.
 */
@BrokerTest
class ConcurrentConnectTest {

    static SecondBroker secondBroker;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void startSecondBroker(@Autowired Environment env) {
        secondBroker = SecondBroker.on(env);
    }

    @AfterAll
    static void stopSecondBroker() {
        if (secondBroker != null) {
            secondBroker.close();
        }
    }

    private int secondPort() {
        return secondBroker.port();
    }

    record Outcome(UUID user, UUID pool, int status, String sessionId, String reason) {
    }

    @Test
    void aLogonStormOnTwoBrokersKeepsEveryInvariant() throws Exception {
        TestTenant big = TestTenant.create(context, port, 1000, 1000);
        UUID pooled = big.pool("pooled", "POOLED", null);
        UUID persistent = big.pool("persistent", "PERSISTENT", null);
        UUID shared = big.pool("shared", "SHARED", "BREADTH_FIRST");
        big.desktops(pooled, 40, "READY");
        big.desktops(persistent, 30, "READY");
        for (int i = 0; i < 3; i++) {
            big.host(shared, "h" + i, 10);
        }
        TestTenant small = TestTenant.create(context, port, 25, 1000);
        UUID smallPool = small.pool("pooled", "POOLED", null);
        small.desktops(smallPool, 60, "READY");

        List<UUID> bigUsers = users(big, 100, List.of(pooled, persistent, shared));
        List<UUID> smallUsers = users(small, 50, List.of(smallPool));
        Map<UUID, Api[]> clients = new ConcurrentHashMap<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16)) {
            List<Future<?>> logins = new ArrayList<>();
            for (UUID u : bigUsers) {
                logins.add(pool.submit(() -> clients.put(u, login(big, u))));
            }
            for (UUID u : smallUsers) {
                logins.add(pool.submit(() -> clients.put(u, login(small, u))));
            }
            for (Future<?> f : logins) {
                f.get();
            }
        }

        // every user connects twice to each of their pools at the same time, once through each broker
        List<Runnable> work = new ArrayList<>();
        List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        for (UUID u : bigUsers) {
            for (UUID p : List.of(pooled, persistent, shared)) {
                for (int broker = 0; broker < 2; broker++) {
                    int b = broker;
                    work.add(() -> outcomes.add(connect(clients.get(u)[b], u, p)));
                }
            }
        }
        for (UUID u : smallUsers) {
            for (int broker = 0; broker < 2; broker++) {
                int b = broker;
                work.add(() -> outcomes.add(connect(clients.get(u)[b], u, smallPool)));
            }
        }
        Collections.shuffle(work);
        try (ExecutorService storm = Executors.newFixedThreadPool(48)) {
            List<Future<?>> fs = work.stream().map(storm::submit).<Future<?>>map(f -> f).toList();
            for (Future<?> f : fs) {
                f.get();
            }
        }

        assertThat(outcomes).hasSize(work.size());
        assertThat(outcomes).allSatisfy(o -> assertThat(o.status()).as(o.toString()).isIn(200, 201, 429, 503));
        // both connects of a user to a pool answer with the same session, or both are refused
        Map<String, Set<String>> sessionsPerUserPool = new ConcurrentHashMap<>();
        outcomes.stream().filter(o -> o.sessionId() != null).forEach(o -> sessionsPerUserPool
                .computeIfAbsent(o.user() + "/" + o.pool(), k -> ConcurrentHashMap.newKeySet()).add(o.sessionId()));
        assertThat(sessionsPerUserPool.values()).allSatisfy(s -> assertThat(s).hasSize(1));

        // refusals only when capacity is really used up: every seat is taken
        assertThat(liveSessions(pooled)).isEqualTo(40);
        assertThat(liveSessions(persistent)).isEqualTo(30);
        assertThat(liveSessions(shared)).isEqualTo(30);
        assertThat(liveSessions(smallPool)).isEqualTo(25);
        assertThat(sessionsPerUserPool).hasSize(40 + 30 + 30 + 25);
        assertThat(outcomes.stream().filter(o -> o.pool().equals(smallPool) && o.status() == 429)
                .allMatch(o -> "TENANT_QUOTA".equals(o.reason()))).isTrue();
        assertThat(outcomes.stream().filter(o -> o.pool().equals(pooled) && o.status() == 503)
                .allMatch(o -> "POOL_EXHAUSTED".equals(o.reason()))).isTrue();
        assertThat(outcomes.stream().filter(o -> o.pool().equals(shared) && o.status() == 503)
                .allMatch(o -> "HOST_CAPACITY".equals(o.reason()))).isTrue();

        assertInvariants();

        // and everyone logs off at once, through both brokers
        List<Runnable> logoffs = new ArrayList<>();
        int i = 0;
        for (Outcome o : outcomes) {
            if (o.sessionId() != null) {
                Api api = clients.get(o.user())[i++ % 2];
                logoffs.add(() -> api.post("/api/v1/sessions/" + o.sessionId() + "/logoff"));
            }
        }
        try (ExecutorService storm = Executors.newFixedThreadPool(32)) {
            logoffs.forEach(storm::submit);
        }
        assertInvariants();
        assertThat(jdbc.sql("select count(*) from session where tenant_id in (?, ?) and state <> 'ENDED'")
                .params(big.id, small.id).query(Integer.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from desktop where tenant_id = ? and pool_id = ? and state = 'READY' "
                + "and assigned_user_id is null").params(big.id, pooled).query(Integer.class).single()).isEqualTo(40);
        assertThat(jdbc.sql("select count(*) from desktop where pool_id = ? and assigned_user_id is not null "
                + "and state = 'READY'").param(persistent).query(Integer.class).single()).isEqualTo(30);
    }

    private void assertInvariants() {
        // a desktop carries at most one live session, and is IN_USE by that session's user exactly then
        assertThat(jdbc.sql("select count(*) from (select desktop_id from session where state <> 'ENDED' "
                + "and desktop_id is not null group by desktop_id having count(*) > 1) x").query(Integer.class).single())
                .isZero();
        assertThat(jdbc.sql("select count(*) from session s join desktop d on d.id = s.desktop_id "
                + "where s.state in ('READY', 'CONNECTED', 'DISCONNECTED') "
                + "and (d.state <> 'IN_USE' or d.assigned_user_id is distinct from s.user_id)")
                .query(Integer.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from desktop d where d.state = 'IN_USE' and not exists "
                + "(select 1 from session s where s.desktop_id = d.id and s.state <> 'ENDED')").query(Integer.class).single())
                .isZero();
        // no host above its max, and its counter equals its live sessions
        assertThat(jdbc.sql("select count(*) from session_host h where h.active_sessions > h.max_sessions "
                + "or h.active_sessions <> (select count(*) from session s where s.session_host_id = h.id "
                + "and s.state <> 'ENDED')").query(Integer.class).single()).isZero();
        // no tenant above its quota, and its counter equals its live sessions
        assertThat(jdbc.sql("select count(*) from tenant t where (select sum(s.used) from tenant_session_seats s "
                + "where s.tenant_id = t.id) > t.max_concurrent_sessions "
                + "or (select sum(s.used) from tenant_session_seats s where s.tenant_id = t.id) <> "
                + "(select count(*) from session s where s.tenant_id = t.id and s.state <> 'ENDED') "
                + "or exists (select 1 from tenant_session_seats s where s.tenant_id = t.id and s.used > s.capacity)")
                .query(Integer.class).single()).isZero();
        // one live session per user and pool
        assertThat(jdbc.sql("select count(*) from (select 1 from session where state <> 'ENDED' "
                + "group by pool_id, user_id having count(*) > 1) x").query(Integer.class).single()).isZero();
    }

    private int liveSessions(UUID pool) {
        return jdbc.sql("select count(*) from session where pool_id = ? and state <> 'ENDED'").param(pool)
                .query(Integer.class).single();
    }

    private static List<UUID> users(TestTenant t, int n, List<UUID> pools) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            UUID u = t.user("user" + i);
            pools.forEach(p -> t.entitle(p, u));
            ids.add(u);
        }
        return ids;
    }

    private Api[] login(TestTenant t, UUID user) {
        String name = t.admin.get("/api/v1/admin/users/" + user).body().get("username").asString();
        return new Api[] {new Api(port).login(t.slug, name, TestTenant.PASSWORD),
                new Api(secondPort()).login(t.slug, name, TestTenant.PASSWORD)};
    }

    /** One user's connect, as the portal makes it: turned away as OVERLOADED, it is sent again after Retry-After. */
    private static Outcome connect(Api api, UUID user, UUID pool) {
        Api.Response r = api.post("/api/v1/pools/" + pool + "/connect");
        for (int again = 0; again < 10; again++) {
            Duration wait = StormEstate.overloadedWait(r.status(), r.reason(), r.header("Retry-After"));
            if (wait.isZero()) {
                break;
            }
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            r = api.post("/api/v1/pools/" + pool + "/connect");
        }
        String session = r.status() < 300 ? r.body().get("session").get("id").asString() : null;
        return new Outcome(user, pool, r.status(), session, r.reason());
    }
}
