package io.deskport.broker.dashboard;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.brokering.SessionActivity;
import io.deskport.broker.hosts.SessionHostLoad;
import io.deskport.broker.licensing.LicenceSeatsInUse;
import io.deskport.broker.pools.DesktopCensus;
import io.deskport.broker.provisioning.ProvisioningFigures;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;

/**
 * Not a test of behaviour (its name keeps it out of the normal run; run it with
 * {@code -Dtest=DashboardSnapshotMeasurement}): how long the dashboard takes to read over the estate of issue 22's
 * targets — one tenant with 10,000 desktops in 15 pools (8,600 of them placed on 200 hypervisor hosts), 200 session
 * hosts in 5 shared pools, 2,000 users, 100,000 sessions ended over 30 days and the live ones, 30,000 provisioning
 * tasks over 7 days, a licence with 500 seats held, an hour of connect tallies, and 1,000,000 audit lines. Seeded with
 * SQL (generate_series), analysed, then {@link Dashboards#read} is timed in process (tenant admin's view and platform
 * admin's), each module's part on its own, and {@code GET /api/v1/admin/dashboard} over HTTP. Prints
 * {@code MEASUREMENT} lines; the target is 300 ms.
 */
@BrokerTest
@TestPropertySource(properties = {"deskport.provisioning.enabled=false", "deskport.sessions.timer-interval=1h",
        "deskport.hosts.heartbeat-timeout=1h", "deskport.hosts.lost-session-grace=1h"})
class DashboardSnapshotMeasurement {

    private static final int WARMUP = 15;
    private static final int ROUNDS = 40;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    Dashboards dashboards;
    @Autowired
    DesktopCensus census;
    @Autowired
    SessionActivity sessions;
    @Autowired
    SessionHostLoad sessionHosts;
    @Autowired
    ProvisioningFigures provisioning;
    @Autowired
    LicenceSeatsInUse licences;

    @Test
    void readTheDashboardOfALargeTenant() {
        TestTenant t = TestTenant.create(context, port, 100_000, 100_000);
        long seedStart = System.nanoTime();
        seed(t);
        System.out.printf("MEASUREMENT seed: %.1f s%n", (System.nanoTime() - seedStart) / 1e9);
        jdbc.sql("select count(*) from desktop where tenant_id = ?").param(t.id).query(Long.class).single();
        System.out.println("MEASUREMENT estate: " + jdbc.sql("select (select count(*) from desktop where tenant_id = ?) "
                        + "|| ' desktops, ' || (select count(*) from session_host where tenant_id = ?) || ' session hosts, ' "
                        + "|| (select count(*) from hypervisor_host) || ' hypervisor hosts, ' "
                        + "|| (select count(*) from session where tenant_id = ? and state = 'ENDED') || ' ended sessions, ' "
                        + "|| (select count(*) from session where tenant_id = ? and state <> 'ENDED') || ' live sessions, ' "
                        + "|| (select count(*) from provisioning_task where tenant_id = ?) || ' tasks, ' "
                        + "|| (select count(*) from audit_event) || ' audit lines'")
                .params(t.id, t.id, t.id, t.id, t.id).query(String.class).single());

        Map<String, Supplier<Object>> parts = new LinkedHashMap<>();
        parts.put("dashboard (tenant admin)", () -> dashboards.read(t.id, false));
        parts.put("dashboard (platform admin)", () -> dashboards.read(t.id, true));
        parts.put("pools: desktops per state", () -> census.of(t.id));
        parts.put("brokering: live sessions", () -> sessions.live(t.id));
        parts.put("brokering: last day's peaks", () -> sessions.hourlyPeaks(t.id));
        parts.put("brokering: last hour's connects", () -> sessions.lastHour(t.id));
        parts.put("hosts: session host load", () -> sessionHosts.of(t.id, Integer.MAX_VALUE));
        parts.put("provisioning: pool targets", () -> provisioning.poolTargets(t.id));
        parts.put("provisioning: hypervisor hosts (tenant)", () -> provisioning.hypervisorHosts(t.id, 8));
        parts.put("provisioning: hypervisor hosts (platform)", () -> provisioning.hypervisorHosts(null, 8));
        parts.put("provisioning: tasks", () -> provisioning.tasks(t.id, 8));
        parts.put("licensing: seats", () -> licences.of(t.id));
        Api admin = t.admin;
        parts.put("GET /api/v1/admin/dashboard (HTTP)", () -> check(admin.get("/api/v1/admin/dashboard"), 200));

        for (Map.Entry<String, Supplier<Object>> p : parts.entrySet()) {
            for (int i = 0; i < WARMUP; i++) {
                p.getValue().get();
            }
            double[] ms = new double[ROUNDS];
            for (int i = 0; i < ROUNDS; i++) {
                long start = System.nanoTime();
                p.getValue().get();
                ms[i] = (System.nanoTime() - start) / 1e6;
            }
            Arrays.sort(ms);
            System.out.printf("MEASUREMENT %-45s median %7.1f ms  p95 %7.1f ms  max %7.1f ms%n", p.getKey(),
                    ms[ROUNDS / 2], ms[(int) Math.ceil(ROUNDS * 0.95) - 1], ms[ROUNDS - 1]);
        }
        explain(t.id);
        System.out.println("MEASUREMENT answer size: " + check(admin.get("/api/v1/admin/dashboard"), 200).raw().length()
                + " bytes");
        System.out.println("MEASUREMENT load average: " + String.join(" ",
                new String(readLoad()).trim().split(" ")).substring(0, 14));
    }

    /** EXPLAIN ANALYZE of the dashboard's heaviest statements (SessionActivity's own; the others copied from DesktopPlacements and the pools module). */
    private void explain(UUID tenant) {
        Map<String, String> statements = new LinkedHashMap<>();
        statements.put("last day's peaks: the 23 hours that ended", SWEEP.replaceFirst("\\?", "date_trunc('hour', now()) - interval '23 hours'")
                .replaceFirst("\\?", "date_trunc('hour', now())"));
        statements.put("last day's peaks: the current hour", SWEEP.replaceFirst("\\?", "date_trunc('hour', now())")
                .replaceFirst("\\?", "now()"));
        statements.put("hypervisor host usage", "select p.host_id, count(*) as desktops, "
                + "coalesce(sum(s.vcpus) filter (where d.id is not null and s.pool_id is not null and d.state not in "
                + "('STOPPED', 'FAILED')), 0) from provisioned_desktop p left join pools_desktops d on d.id = p.desktop_id "
                + "left join pool_provisioning s on s.pool_id = p.pool_id and s.enabled "
                + "where p.host_id = any(array(select id from hypervisor_host)) and (cast('" + tenant + "' as uuid) is null "
                + "or p.tenant_id = '" + tenant + "') group by p.host_id");
        statements.put("desktops per state", "select p.id, p.name, p.kind, p.enabled, d.state, count(d.id), "
                + "count(d.id) filter (where d.state = 'READY' and d.assigned_user_id is null) "
                + "from desktop_pool p left join desktop d on d.pool_id = p.id and d.tenant_id = p.tenant_id "
                + "where p.tenant_id = '" + tenant + "' group by p.id, p.name, p.kind, p.enabled, d.state order by p.name, p.id");
        statements.forEach((name, sql) -> {
            String plan = String.join("\n", jdbc.sql("explain (analyze, buffers) " + sql.replace("?", "'" + tenant + "'"))
                    .query(String.class).list());
            System.out.println("MEASUREMENT plan of " + name + ":\n" + plan);
        });
    }

    /** SessionActivity's sweep of the last day's peaks, explained over the 23 hours that ended and the current hour. */
    private static final String SWEEP = SessionActivity.HOURLY_PEAKS_SQL;

    private static byte[] readLoad() {
        try {
            return java.nio.file.Files.readAllBytes(java.nio.file.Path.of("/proc/loadavg"));
        } catch (java.io.IOException e) {
            return "unknown        ".getBytes();
        }
    }

    /** The estate, in the order a broker would have written it, keeping the schema's rules. */
    private void seed(TestTenant t) {
        UUID tenant = t.id;
        step("users", () -> jdbc.sql("insert into app_user (id, tenant_id, username, display_name, roles) "
                + "select gen_random_uuid(), ?, 'user' || g, 'User ' || g, '{USER}' from generate_series(1, 2000) g")
                .param(tenant).update());
        // 15 desktop pools (7 pooled, 8 persistent) and 5 shared ones
        List<UUID> desktopPools = new ArrayList<>();
        List<UUID> sharedPools = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            UUID id = UUID.randomUUID();
            String kind = i < 7 ? "POOLED" : i < 15 ? "PERSISTENT" : "SHARED";
            jdbc.sql("insert into desktop_pool (id, tenant_id, name, kind) values (?, ?, ?, ?)")
                    .params(id, tenant, "pool-" + i, kind).update();
            (kind.equals("SHARED") ? sharedPools : desktopPools).add(id);
        }
        jdbc.sql("create table seed_pool (n int, id uuid)").update();
        for (int i = 0; i < desktopPools.size(); i++) {
            jdbc.sql("insert into seed_pool values (?, ?)").params(i, desktopPools.get(i)).update();
        }
        jdbc.sql("create table seed_user as select row_number() over (order by id) - 1 as n, id from app_user "
                + "where tenant_id = ? and username like 'user%'").param(tenant).update();
        step("desktops", () -> jdbc.sql("insert into desktop (id, tenant_id, pool_id, name, state, managed, console_host, "
                + "console_port, created_at, state_changed_at) "
                + "select gen_random_uuid(), ?, p.id, 'd' || g, "
                + "case when g % 100 < 40 then 'IN_USE' when g % 100 < 70 then 'READY' when g % 100 < 85 then 'STOPPED' "
                + "when g % 100 < 88 then 'FAILED' when g % 100 < 93 then 'REFRESHING' when g % 100 < 97 then 'MAINTENANCE' "
                + "else 'PROVISIONING' end, g % 100 < 86, '10.0.' || (g / 250) || '.' || (g % 250), 5900, "
                + "now() - interval '40 days', now() - make_interval(mins => g % 600) "
                + "from generate_series(0, 9999) g join seed_pool p on p.n = g % 15").param(tenant).update());
        step("live sessions on desktops", () -> jdbc.sql("insert into session (id, tenant_id, pool_id, user_id, desktop_id, "
                + "state, created_at, state_changed_at, connected_at) "
                + "select gen_random_uuid(), d.tenant_id, d.pool_id, u.id, d.id, "
                + "case when d.r % 10 < 7 then 'CONNECTED' when d.r % 10 < 9 then 'DISCONNECTED' else 'READY' end, "
                + "now() - make_interval(mins => (d.r % 500)::int), now() - make_interval(mins => (d.r % 300)::int), now() "
                + "from (select id, tenant_id, pool_id, row_number() over (partition by pool_id order by id) as r "
                + "from desktop where tenant_id = ? and state = 'IN_USE') d join seed_user u on u.n = d.r % 2000")
                .param(tenant).update());
        step("session hosts", () -> {
            for (int i = 0; i < sharedPools.size(); i++) {
                jdbc.sql("insert into session_host (id, tenant_id, pool_id, name, state, draining, max_sessions, "
                                + "active_sessions, agent_managed, last_heartbeat_at, load_cpu_percent) "
                                + "select gen_random_uuid(), ?, ?, 'sh-' || ? || '-' || g, "
                                + "case when g % 20 = 0 then 'UNREACHABLE' when g % 20 = 1 then 'REGISTERED' else 'AVAILABLE' end, "
                                + "g % 10 = 5, 20, g % 21, true, now() - make_interval(secs => g % 5), g % 100 "
                                + "from generate_series(0, 39) g")
                        .params(tenant, sharedPools.get(i), i).update();
            }
            return 0;
        });
        step("live sessions on hosts", () -> jdbc.sql("insert into session (id, tenant_id, pool_id, user_id, session_host_id, "
                + "state, created_at, state_changed_at) "
                + "select gen_random_uuid(), h.tenant_id, h.pool_id, u.id, h.id, 'CONNECTED', now() - interval '2 hours', now() "
                + "from (select h.id, h.tenant_id, h.pool_id, row_number() over (partition by h.pool_id order by h.id, g) as r "
                + "from session_host h, generate_series(1, 10) g where h.tenant_id = ?) h join seed_user u on u.n = h.r % 2000")
                .param(tenant).update());
        step("ended sessions", () -> jdbc.sql("insert into session (id, tenant_id, pool_id, user_id, state, end_reason, "
                + "created_at, state_changed_at, ended_at) "
                + "select gen_random_uuid(), ?, p.id, u.id, 'ENDED', 'LOGOFF', s.a, least(s.a + s.len, now()), "
                + "least(s.a + s.len, now()) "
                + "from (select g, now() - make_interval(secs => (g * 25.92)::int) as a, "
                + "make_interval(mins => 30 + (g * 7919) % 450) as len from generate_series(1, 100000) g) s "
                + "join seed_pool p on p.n = s.g % 15 join seed_user u on u.n = (s.g * 31) % 2000")
                .param(tenant).update());
        step("hypervisor hosts and placements", () -> {
            jdbc.sql("insert into hypervisor_host (id, name, driver_id, cpu_total, memory_total_mib, storage_total_mib, "
                    + "simulated, maintenance, reachable) select gen_random_uuid(), 'hv-' || g, 'libvirt', 64, 262144, "
                    + "4194304, false, g % 25 = 0, g % 40 <> 7 from generate_series(1, 200) g").update();
            jdbc.sql("insert into pool_provisioning (pool_id, tenant_id, min_size, max_size, spare_target, vcpus, memory_mib, "
                    + "disk_mib) select id, ?, 100, 800, 20, 2, 4096, 40960 from seed_pool").param(tenant).update();
            jdbc.sql("insert into provisioned_desktop (desktop_id, tenant_id, pool_id, host_id) "
                    + "select d.id, d.tenant_id, d.pool_id, h.id from (select id, tenant_id, pool_id, "
                    + "row_number() over (order by id) as r from desktop where tenant_id = ? and managed) d "
                    + "join (select id, row_number() over (order by id) - 1 as n from hypervisor_host) h on h.n = d.r % 200")
                    .param(tenant).update();
            return 0;
        });
        step("provisioning tasks", () -> jdbc.sql("insert into provisioning_task (id, tenant_id, pool_id, desktop_id, type, "
                + "reason, idempotency_key, state, attempts, max_attempts, error_reason, error_detail, created_at, "
                + "started_at, finished_at, lease_owner, lease_until) "
                + "select gen_random_uuid(), ?, p.id, gen_random_uuid(), "
                + "(array['CREATE','START','STOP','REFRESH','DELETE'])[1 + g % 5], 'seed', 'seed-' || g, "
                + "case when g <= 20 then 'RUNNING' when g <= 70 then 'PENDING' when g % 20 = 3 then 'FAILED' else 'SUCCEEDED' end, "
                + "1, 3, case when g % 20 = 3 then 'HOST_UNREACHABLE' end, case when g % 20 = 3 then 'no answer' end, "
                + "now() - make_interval(secs => (g * 20.16)::int), now() - make_interval(secs => (g * 20.16)::int), "
                + "case when g > 70 then now() - make_interval(secs => (g * 20.16)::int) + interval '30 seconds' end, "
                + "case when g <= 20 then 'seed' end, case when g <= 20 then now() + interval '1 minute' end "
                + "from generate_series(1, 30000) g join seed_pool p on p.n = g % 15").param(tenant).update());
        UUID product = check(t.admin.post("/api/v1/admin/licence-products", json("name", "Office suite",
                "model", "NAMED_USER")), 201).id();
        check(t.admin.post("/api/v1/admin/licence-products/" + product + "/licences", json("seats", 1000,
                "enforcement", "HARD")), 201);
        step("licence seats", () -> jdbc.sql("select count(hold_licence_seat(?, ?, u.id::text, u.id, 1)) from seed_user u "
                + "where u.n < 500").params(tenant, product).query(Long.class).single());
        step("connect tally", () -> jdbc.sql("insert into connect_tally (tenant_id, minute, outcome, pool_id, count) "
                + "select ?, date_trunc('minute', now()) - make_interval(mins => m), o, p.id, 1 + (m * 7) % 13 "
                + "from generate_series(0, 59) m, unnest(array['CREATED','RECONNECTED','POOL_EXHAUSTED']) o, seed_pool p")
                .param(tenant).update());
        step("audit lines", () -> jdbc.sql("insert into audit_event (tenant_id, occurred_at, actor_name, action, "
                + "object_type, object_id, details) select ?, now() - make_interval(secs => (g * 2.592)::int), 'user' || (g % 2000), "
                + "(array['SESSION_READY','SESSION_CONNECTED','SESSION_ENDED','SIGNED_IN','DESKTOP_STATE_CHANGED'])[1 + g % 5], "
                + "'SESSION', gen_random_uuid()::text, '{}' from generate_series(1, 1000000) g").param(tenant).update());
        jdbc.sql("drop table seed_pool").update();
        jdbc.sql("drop table seed_user").update();
        step("analyze", () -> {
            jdbc.sql("analyze").update();
            return 0;
        });
    }

    private static void step(String what, Supplier<Object> s) {
        long start = System.nanoTime();
        Object n = s.get();
        System.out.printf("MEASUREMENT seeded %-35s %s in %.1f s%n", what, n, (System.nanoTime() - start) / 1e9);
    }
}
