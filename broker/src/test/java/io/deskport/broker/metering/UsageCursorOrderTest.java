package io.deskport.broker.metering;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

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
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The usage export's cursor never skips an event that commits late. Two brokers on one database: a connect on
 * the first is held inside its COMMIT message (after its usage event took its sequence number, before the commit;
 * the test holds the tenant's session-seat rows) while connects on the second commit events with higher sequence
 * numbers. A naive reader ({@code seq > cursor}) sees those and moves past the held event, which it then never
 * sees: that proves the commits really came out of order. The export API (read through the second broker) holds
 * them back until the held transaction ends, then returns every event exactly once. A storm of connects and
 * logoffs through both brokers with a reader polling all along ends the same way.
 */
@BrokerTest
class UsageCursorOrderTest {

    static SecondBroker second;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    DataSource dataSource;
    @Autowired
    UsageEventLog log;

    @BeforeAll
    static void startSecondBroker(@Autowired Environment env) {
        second = SecondBroker.on(env);
    }

    @AfterAll
    static void stopSecondBroker() {
        second.close();
    }

    /** Reads the export through an API until stopped, from a cursor, remembering every event id in order. */
    private static final class ExportReader implements Runnable {
        final Api api;
        final String query;
        final List<Long> seen = Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean stop = new AtomicBoolean();
        volatile String cursor;
        volatile Throwable failed;

        ExportReader(Api api, String query, UsageCursor from) {
            this.api = api;
            this.query = query;
            this.cursor = from.toString();
        }

        @Override
        public void run() {
            try {
                while (!stop.get()) {
                    Api.Response page = api.get("/api/v1/usage/events?limit=50&after=" + cursor + query);
                    assertThat(page.status()).as(page.raw()).isEqualTo(200);
                    for (JsonNode e : page.body()) {
                        seen.add(Long.parseLong(e.get("id").asString()));
                    }
                    cursor = page.header(UsageController.NEXT_CURSOR);
                    if (page.body().size() < 50) {
                        Thread.sleep(5);
                    }
                }
            } catch (Throwable e) {
                failed = e;
            }
        }
    }

    /** The events written since {@code from}, in the export's order (read after everything committed). */
    private List<Long> writtenSince(UsageCursor from) {
        return jdbc.sql("select seq from usage_event where (tx, seq) > (?::text::xid8, ?) order by tx, seq")
                .params(Long.toString(from.tx()), from.seq()).query(Long.class).list();
    }

    @Test
    void anEventThatCommitsAfterHigherNumberedOnesIsReadInItsPlaceAndNothingIsSkipped() throws Exception {
        TestTenant held = TestTenant.create(context, port, 10, 10);
        UUID heldPool = held.pool("held", "POOLED", null);
        held.desktops(heldPool, 1, "READY");
        UUID ann = held.user("ann");
        held.entitle(heldPool, ann);
        TestTenant busy = TestTenant.create(context, port, 50, 50);
        UUID busyPool = busy.pool("busy", "POOLED", null);
        busy.desktops(busyPool, 6, "READY");
        List<Api> busyUsers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            busy.entitle(busyPool, busy.user("u" + i));
            busyUsers.add(new Api(second.port()).login(busy.slug, "u" + i, TestTenant.PASSWORD));
        }
        held.platformAdmin(context, "operator");
        Api operator = new Api(second.port()).login(held.slug, "operator", TestTenant.PASSWORD);
        Api annApi = held.login("ann");

        UsageCursor start = log.end();
        ExportReader reader = new ExportReader(operator, "&allTenants=true", start);
        Thread readerThread = Thread.ofPlatform().daemon().start(reader);
        List<Long> naive = new ArrayList<>();
        long naiveCursor = jdbc.sql("select coalesce(max(seq), 0) from usage_event").query(Long.class).single();

        Future<Api.Response> annConnect;
        try (Connection lock = dataSource.getConnection()) {
            lock.setAutoCommit(false);
            try (var st = lock.prepareStatement("select * from tenant_session_seats where tenant_id = ? for update")) {
                st.setObject(1, held.id);
                st.executeQuery().close();
            }
            // ann's connect (first broker) writes its event, then waits for a seat row inside its COMMIT message
            annConnect = CompletableFuture.supplyAsync(() -> annApi.post("/api/v1/pools/" + heldPool + "/connect"));
            await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.sql("select count(*) from pg_stat_activity where "
                    + "wait_event_type = 'Lock' and query like '%take_session_seat%'").query(Integer.class).single() == 1);

            // the second broker's connects commit events numbered after ann's
            for (Api u : busyUsers) {
                assertThat(u.post("/api/v1/pools/" + busyPool + "/connect").status()).isEqualTo(201);
            }
            for (Long seq : jdbc.sql("select seq from usage_event where seq > ? order by seq").param(naiveCursor)
                    .query(Long.class).list()) {
                naive.add(seq);
                naiveCursor = seq;
            }
            assertThat(naive).as("the naive reader saw the second broker's events").hasSizeGreaterThanOrEqualTo(6);
            // the export holds them back while an older transaction may still commit before them
            Thread.sleep(300);
            assertThat(reader.seen).as("nothing is exported past a transaction still running").isEmpty();
            lock.commit();
        }
        assertThat(annConnect.get().status()).as(annConnect.get().raw()).isEqualTo(201);
        for (Long seq : jdbc.sql("select seq from usage_event where seq > ? order by seq").param(naiveCursor)
                .query(Long.class).list()) {
            naive.add(seq);
        }

        List<Long> written = writtenSince(start);
        await().atMost(Duration.ofSeconds(20)).until(() -> reader.seen.size() >= written.size());
        reader.stop.set(true);
        readerThread.join();
        assertThat(reader.failed).isNull();
        assertThat(reader.seen).containsExactlyElementsOf(written);

        long annEvent = jdbc.sql("select seq from usage_event where tenant_id = ? and type = 'session.created'")
                .param(held.id).query(Long.class).single();
        assertThat(naive).as("the naive reader's cursor passed ann's event before it committed, so it never read it")
                .doesNotContain(annEvent).contains(written.stream().filter(s -> s > annEvent).toList().getFirst());
        assertThat(reader.seen).contains(annEvent);
    }

    @Test
    void aStormThroughBothBrokersIsExportedExactlyOnceInTheOrderOfTheLog() throws Exception {
        TestTenant t = TestTenant.create(context, port, 500, 500);
        UUID pool = t.pool("storm", "POOLED", null);
        t.desktops(pool, 24, "READY");
        List<Api> users = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            t.entitle(pool, t.user("s" + i));
            users.add(new Api(i % 2 == 0 ? port : second.port()).login(t.slug, "s" + i, TestTenant.PASSWORD));
        }
        Api admin = new Api(second.port()).login(t.slug, "admin", TestTenant.PASSWORD);
        UsageCursor start = log.end();
        // the tenant admin's export: only this tenant's events
        ExportReader reader = new ExportReader(admin, "", start);
        Thread readerThread = Thread.ofPlatform().daemon().start(reader);

        ExecutorService pool8 = Executors.newFixedThreadPool(8);
        List<Future<?>> work = new ArrayList<>();
        for (Api u : users) {
            work.add(pool8.submit(() -> {
                for (int round = 0; round < 6; round++) {
                    Api.Response c = u.post("/api/v1/pools/" + pool + "/connect");
                    if (c.status() == 201 || c.status() == 200) {
                        String session = c.body().get("session").get("id").asString();
                        if (ThreadLocalRandom.current().nextBoolean()) {
                            u.post("/api/v1/sessions/" + session + "/disconnect");
                        }
                        u.post("/api/v1/sessions/" + session + "/logoff");
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : work) {
            f.get();
        }
        pool8.shutdown();

        List<Long> written = jdbc.sql("select seq from usage_event where tenant_id = ? and (tx, seq) > (?::text::xid8, ?) "
                + "order by tx, seq").params(t.id, Long.toString(start.tx()), start.seq()).query(Long.class).list();
        assertThat(written).as("the storm wrote events").hasSizeGreaterThan(100);
        await().atMost(Duration.ofSeconds(30)).until(() -> reader.seen.size() >= written.size());
        reader.stop.set(true);
        readerThread.join();
        assertThat(reader.failed).isNull();
        assertThat(reader.seen).containsExactlyElementsOf(written);
        assertThat(new HashSet<>(reader.seen)).hasSameSizeAs(reader.seen);
        Set<String> sessionsCreated = new HashSet<>(jdbc.sql("select subject from usage_event where tenant_id = ? "
                + "and type = 'session.created'").param(t.id).query(String.class).list());
        Set<String> sessionsEnded = new HashSet<>(jdbc.sql("select subject from usage_event where tenant_id = ? "
                + "and type = 'session.ended'").param(t.id).query(String.class).list());
        assertThat(sessionsEnded).as("every session's end is an event, and only once").isEqualTo(sessionsCreated);
        assertThat(jdbc.sql("select count(*) from session where tenant_id = ?").param(t.id).query(Integer.class).single())
                .isEqualTo(sessionsCreated.size());
    }
}
