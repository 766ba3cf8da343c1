package io.deskport.bench.adminapi;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.deskport.broker.support.Api;

import static io.deskport.broker.support.Api.json;

/**
 * The estate of issue #18: one tenant with 10,000 desktops in 15 desktop pools (one of 5,200, the call centre) and
 * 5 SHARED pools with 200 session hosts, 2,000 users in 101 groups, 200 hypervisor hosts (platform-wide), 100,000
 * ENDED sessions over 30 days plus the live sessions of the IN_USE desktops and the hosts' seats, 30,000 finished
 * provisioning tasks over 7 days (the broker's task retention) and 1,000,000 audit lines.
 *
 * <p>The tenant, its admin and the pools are made through the admin API; everything else is inserted with SQL on
 * one connection ({@code generate_series}), after the broker's Flyway made the schema, keeping the schema's rules:
 * the composite (tenant_id, …) foreign keys, the state domains, one live session per user and pool and per desktop,
 * one desktop per user and pool, the tenant's seat rows and desktop count, the session hosts' seat counts.
 */
public final class Estate {

    /**
     * How big an estate is. {@link #ISSUE_18} is the estate of issue #18; {@link #divided} makes a smaller tenant of
     * the same shape (bench/console puts a few beside the big one, so that every list filters by tenant).
     *
     * @param hypervisorHosts the platform's hypervisor hosts the estate's desktops are placed on
     * @param ownHypervisorHosts whether this estate inserts them (the first one does; the others use them)
     */
    public record Scale(int desktops, int bigPoolDesktops, int users, int sessionHosts, int bigPoolSessionHosts,
                        int hypervisorHosts, boolean ownHypervisorHosts, int endedSessions, int tasks, int auditLines,
                        int adminAuditLines) {

        /** 10,000 desktops, 200 session hosts and 200 hypervisor hosts, 2,000 users, 100,000 ended sessions, … */
        public static final Scale ISSUE_18 = new Scale(10_000, 5_200, 2_000, 200, 120, 200, true, 100_000, 30_000,
                1_000_000, 20_000);

        /** @return the same shape divided by {@code d}, placed on this scale's hypervisor hosts (not inserting them) */
        public Scale divided(int d) {
            return new Scale(desktops / d, bigPoolDesktops / d, users / d, sessionHosts / d, bigPoolSessionHosts / d,
                    hypervisorHosts, false, endedSessions / d, tasks / d, auditLines / d, adminAuditLines / d);
        }
    }

    /** A pool as made through the API, with what the seed puts in it. */
    public record Pool(int idx, UUID id, String kind, String name, int size, boolean managed, int ended) {
    }

    public final UUID tenant;
    public final String slug;
    public final Scale scale;
    public final String adminToken;
    public final String operatorToken;
    public final List<Pool> pools;
    /** Ids the measured requests filter on (filled after seeding). */
    public final Map<String, String> ids = new LinkedHashMap<>();
    /** Where the seed writes its audit lines: {@code audit_event}, or a staging table {@link #seedAll} merges. */
    private String auditTable = "audit_event";

    private Estate(UUID tenant, String slug, Scale scale, String adminToken, String operatorToken, List<Pool> pools) {
        this.tenant = tenant;
        this.slug = slug;
        this.scale = scale;
        this.adminToken = adminToken;
        this.operatorToken = operatorToken;
        this.pools = pools;
    }

    public Pool pool(String name) {
        return pools.stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    /** The estate of issue #18 (tenant {@code estate}), through the API. */
    static Estate create(int brokerPort, String operatorPassword) {
        return create(brokerPort, operatorPassword, "estate", Scale.ISSUE_18);
    }

    /** The tenant, its admin and its 20 pools, through the API. */
    public static Estate create(int brokerPort, String operatorPassword, String slug, Scale scale) {
        Api operator = new Api(brokerPort).login("platform", "operator", operatorPassword);
        Api.Response t = operator.post("/api/v1/admin/tenants", json("slug", slug, "name",
                String.format("Estate of %,d desktops (%s)", scale.desktops(), slug),
                "maxConcurrentSessions", scale.desktops() / 2, "maxDesktops", scale.desktops() * 6 / 5));
        check(t, 201);
        UUID tenant = t.id();
        String adminPassword = "estate-pw-" + Long.toHexString(System.nanoTime());
        check(operator.inTenant(tenant).post("/api/v1/admin/users", json("username", "admin", "displayName",
                "Estate administrator", "password", adminPassword, "roles", new Api.RawJson("[\"TENANT_ADMIN\"]"))), 201);
        Api admin = new Api(brokerPort).login(slug, "admin", adminPassword);

        // 7 POOLED (the call centre and 6 more), 8 PERSISTENT, 5 SHARED; every POOLED pool and 4 PERSISTENT ones
        // provisioned (managed desktops), the other PERSISTENT ones registered by hand; one pool disabled
        List<String[]> plan = new ArrayList<>();
        plan.add(new String[] {"POOLED", "callcentre"});
        for (int i = 1; i <= 6; i++) {
            plan.add(new String[] {"POOLED", "pooled-" + i});
        }
        for (int i = 0; i < 8; i++) {
            plan.add(new String[] {"PERSISTENT", "persistent-" + i});
        }
        for (int i = 0; i < 5; i++) {
            plan.add(new String[] {"SHARED", "apps-" + i});
        }
        int small = plan.size() - 5 - 1;
        int rest = scale.desktops() - scale.bigPoolDesktops();
        List<Integer> sizes = new ArrayList<>();
        int desktopPoolIndex = 0;
        for (String[] p : plan) {
            if (p[0].equals("SHARED")) {
                sizes.add(p[1].equals("apps-0") ? scale.bigPoolSessionHosts()
                        : (scale.sessionHosts() - scale.bigPoolSessionHosts()) / 4);
            } else if (p[1].equals("callcentre")) {
                sizes.add(scale.bigPoolDesktops());
            } else {
                sizes.add(rest / small + (desktopPoolIndex++ < rest % small ? 1 : 0));
            }
        }
        List<Pool> pools = new ArrayList<>();
        int endedOnDesktops = scale.endedSessions() * 4 / 5;
        int endedOnHosts = scale.endedSessions() - endedOnDesktops;
        int endedLeftDesktops = endedOnDesktops;
        int endedLeftHosts = endedOnHosts;
        for (int i = 0; i < plan.size(); i++) {
            String kind = plan.get(i)[0];
            String name = plan.get(i)[1];
            boolean last = kind.equals("SHARED") ? i == plan.size() - 1 : i == plan.size() - 6;
            int ended;
            if (kind.equals("SHARED")) {
                ended = last ? endedLeftHosts : (int) ((long) endedOnHosts * sizes.get(i) / scale.sessionHosts());
                endedLeftHosts -= ended;
            } else {
                ended = last ? endedLeftDesktops : (int) ((long) endedOnDesktops * sizes.get(i) / scale.desktops());
                endedLeftDesktops -= ended;
            }
            boolean managed = kind.equals("POOLED") || kind.equals("PERSISTENT") && name.compareTo("persistent-4") < 0;
            Api.Response r = admin.post("/api/v1/admin/pools", json("name", name, "kind", kind,
                    "description", (managed ? "Provisioned " : "Registered ") + kind.toLowerCase() + " desktops of " + name,
                    "enabled", !name.equals("persistent-7"), "loadBalancing", i % 2 == 0 ? "BREADTH_FIRST" : "DEPTH_FIRST",
                    // 8 h: the seeded DISCONNECTED sessions (at most 6 h old) stay live while the bench runs
                    "disconnectTimeoutSeconds", 28_800));
            check(r, 201);
            pools.add(new Pool(i, r.id(), kind, name, sizes.get(i), managed, ended));
        }
        return new Estate(tenant, slug, scale, admin.token(), operator.token(), pools);
    }

    private static Api.Response check(Api.Response r, int status) {
        if (r.status() != status) {
            throw new IllegalStateException("expected " + status + ", got " + r.status() + ": " + r.raw());
        }
        return r;
    }

    /**
     * Seeds several estates as {@link #seed} does, their audit lines interleaved by time as a broker would have
     * written them (ids follow time across tenants): each estate's lines are staged, then inserted together in the
     * order of their time.
     */
    public static void seedAll(String jdbcUrl, String user, String password, List<Estate> estates) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement st = c.createStatement()) {
            st.execute("create unlogged table bench_audit_staging (tenant_id uuid, occurred_at timestamptz, actor_id uuid, "
                    + "actor_name text, action text, object_type text, object_id text, details jsonb)");
        }
        for (Estate e : estates) {
            System.out.printf("tenant %s:%n", e.slug);
            e.auditTable = "bench_audit_staging";
            e.seed(jdbcUrl, user, password);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password); Statement st = c.createStatement()) {
            long t0 = System.nanoTime();
            st.execute("set work_mem = '768MB'");
            st.execute("set synchronous_commit = off");
            int rows = st.executeUpdate("insert into audit_event (tenant_id, occurred_at, actor_id, actor_name, action, "
                    + "object_type, object_id, details) select tenant_id, occurred_at, actor_id, actor_name, action, object_type, "
                    + "object_id, details from bench_audit_staging order by occurred_at");
            st.execute("drop table bench_audit_staging");
            st.execute("vacuum (analyze) audit_event");
            System.out.printf("  seed %-42s %,10d rows %7.1f s%n", "audit lines of every tenant, by time", rows,
                    (System.nanoTime() - t0) / 1e9);
        }
        for (Estate e : estates) {
            e.auditTable = "audit_event";
        }
    }

    /** Everything else, with SQL on one connection; then VACUUM (ANALYZE) and a checkpoint. */
    public void seed(String jdbcUrl, String user, String password) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("set work_mem = '768MB'");
                st.execute("set maintenance_work_mem = '512MB'");
                st.execute("set synchronous_commit = off");
                st.execute("select setseed(0.18)");
                st.execute("create temp table bp (idx int primary key, id uuid not null, kind text not null, name text not null, "
                        + "size int not null, managed boolean not null, ended int not null)");
            }
            try (PreparedStatement ps = c.prepareStatement("insert into bp values (?, ?, ?, ?, ?, ?, ?)")) {
                for (Pool p : pools) {
                    ps.setInt(1, p.idx());
                    ps.setObject(2, p.id());
                    ps.setString(3, p.kind());
                    ps.setString(4, p.name());
                    ps.setInt(5, p.size());
                    ps.setBoolean(6, p.managed());
                    ps.setInt(7, p.ended());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.setAutoCommit(false);
            long all = System.nanoTime();
            for (String[] step : steps()) {
                long t0 = System.nanoTime();
                int rows = 0;
                for (String sql : step[1].split(";\n")) {
                    if (sql.isBlank()) {
                        continue;
                    }
                    try (PreparedStatement ps = c.prepareStatement(tokens(sql))) {
                        if (!ps.execute() && sql.strip().startsWith("insert")) {
                            rows += Math.max(0, ps.getUpdateCount());
                        }
                    }
                }
                c.commit();
                System.out.printf("  seed %-42s %,10d rows %7.1f s%n", step[0], rows, (System.nanoTime() - t0) / 1e9);
            }
            c.setAutoCommit(true);
            long t0 = System.nanoTime();
            try (Statement st = c.createStatement()) {
                st.execute("vacuum (analyze) app_user, user_group, group_member, desktop_pool, entitlement, desktop, "
                        + "session_host, hypervisor_host, pool_provisioning, provisioned_desktop, session, provisioning_task, "
                        + "audit_event, tenant, tenant_session_seats");
                st.execute("checkpoint");
            }
            System.out.printf("  seed %-42s %17.1f s (all: %.1f s)%n", "vacuum (analyze), checkpoint",
                    (System.nanoTime() - t0) / 1e9, (System.nanoTime() - all) / 1e9);
            verify(c);
            collectIds(c);
        }
    }

    /**
     * One ended session's random draws (a lateral subquery over {@code p.ended} rows of pool p), kept in a table
     * before they are joined: a volatile draw in a join condition may be drawn again for each row it is compared with.
     */
    private static final String ENDED_GENERATOR = """
                    select y.pick, y.who, y.c, least(y.c + y.dur, now() - interval '2 minutes') as e, y.addr,
                           case when y.why < 0.60 then 'LOGOFF' when y.why < 0.80 then 'DISCONNECT_TIMEOUT'
                                when y.why < 0.90 then 'IDLE_TIMEOUT' when y.why < 0.94 then 'ADMIN_LOGOFF'
                                when y.why < 0.97 then 'MAX_SESSION_LENGTH' when y.why < 0.98 then 'HOST_LOST'
                                when y.why < 0.99 then 'SESSION_EXITED' else 'DESKTOP_UNREACHABLE' end as end_reason
                    from (select i, floor(random() * 1000000)::int as pick, floor(random() * {USERS})::int as who,
                                 now() - interval '1 hour' - random() * interval '30 days' as c,
                                 (5 + random() * 535) * interval '1 minute' as dur, random() as why,
                                 '192.168.' || floor(random() * 256)::int || '.' || floor(random() * 254 + 1)::int as addr
                          from generate_series(1, p.ended) i) y
                    """;

    /** The seed's statements, step by step (statements of a step separated by ";\n"). */
    private String[][] steps() {
        return new String[][] {
            {"users", """
                insert into app_user (id, tenant_id, username, display_name, email, roles, enabled, created_at, updated_at)
                select gen_random_uuid(), :tenant, 'user' || lpad(g::text, 4, '0'),
                       (array['Ada','Ben','Chloé','Dev','Eva','Finn','Gita','Hugo','Ines','Jon'])[1 + g % 10] || ' '
                         || (array['Adams','Brown','Chen','Diaz','Evans','Fox','Garcia','Hill','Ito','Jones','King','Lopez'])[1 + (g / 10) % 12]
                         || ' ' || g,
                       'user' || g || '@estate.example',
                       case when g % 250 = 0 then array['TENANT_ADMIN'] when g % 50 = 0 then array['HELPDESK'] else array['USER'] end,
                       g % 40 <> 39,
                       now() - interval '700 days' + g * interval '8 hours', now() - interval '30 days' + g * interval '10 minutes'
                from generate_series(0, {USERS_MAX}) g;
                create temp table bu as select substr(username, 5)::int as n, id, username from app_user
                  where tenant_id = :tenant and username ~ '^user[0-9]{4}$';
                create unique index on bu (n);
                analyze bu
                """},
            {"groups and members", """
                insert into user_group (id, tenant_id, name, description, created_at)
                select gen_random_uuid(), :tenant, 'dept-' || lpad(g::text, 3, '0'), 'Department ' || g || ' (cost centre ' || (4000 + g) || ')',
                       now() - interval '600 days' + g * interval '2 days'
                from generate_series(0, 99) g
                union all
                select gen_random_uuid(), :tenant, 'everyone', 'Every user of the estate', now() - interval '650 days';
                create temp table bg as select case when name = 'everyone' then -1 else substr(name, 6)::int end as n, id
                  from user_group where tenant_id = :tenant and (name = 'everyone' or name ~ '^dept-[0-9]{3}$');
                insert into group_member (tenant_id, group_id, user_id)
                select :tenant, g.id, u.id from bu u join bg g on g.n = u.n % 100 or g.n = (u.n * 7 + 3) % 100 or g.n = -1
                """},
            {"hypervisor hosts (platform-wide)", """
                insert into hypervisor_host (id, name, driver_id, settings, reported_cpu_total, reported_memory_total_mib,
                    reported_storage_total_mib, inventory_at, simulated, maintenance, reachable, consecutive_failures,
                    last_error, last_error_at, source, created_at, updated_at)
                select gen_random_uuid(), 'hv-' || lpad(g::text, 3, '0'), case when g % 10 = 9 then 'simulated' else 'libvirt' end,
                       jsonb_build_object('uri', 'qemu+ssh://root@hv-' || lpad(g::text, 3, '0') || '.estate.example/system',
                                          'storagePool', 'default', 'vncListen', '10.200.' || (g / 250) || '.' || (g % 250 + 1)),
                       64, 524288, 8388608, now() - interval '20 seconds', g % 10 = 9, g % 25 = 24, g % 40 <> 17,
                       case when g % 40 = 17 then 3 else 0 end, case when g % 40 = 17 then 'connection refused' end,
                       case when g % 40 = 17 then now() - interval '5 minutes' end, 'API',
                       now() - interval '400 days' + g * interval '1 day', now() - interval '1 day'
                from generate_series(0, {HV_MAX}) g where {OWN_HV};
                create temp table bh as select (row_number() over (order by name) - 1)::int as n, id from hypervisor_host
                  where name ~ '^hv-[0-9]{3}$'
                """},
            {"desktops", """
                insert into desktop (id, tenant_id, pool_id, name, state, assigned_user_id, console_host, console_port,
                    console_password, managed, failure_reason, created_at, state_changed_at)
                select gen_random_uuid(), :tenant, p.id,
                       case when p.kind = 'POOLED' then 'vdi-' else 'pc-' end || p.idx || '-' || lpad(dn::text, 5, '0'),
                       s.state,
                       case when p.kind = 'PERSISTENT' and s.state <> 'PROVISIONING' then u.id end,
                       '10.' || (20 + p.idx) || '.' || (dn / 250) || '.' || (dn % 250 + 1), 5900,
                       case when not p.managed and dn % 2 = 0 then 'vnc-secret' end, p.managed,
                       case when s.state = 'FAILED' then (array['The console did not answer within 2m0s',
                            'libvirt: domain failed to start: not enough memory', 'Guest agent reported a disk error'])[1 + dn % 3] end,
                       now() - interval '90 days' + r.r * interval '1 hour',
                       case when s.state = 'IN_USE' then now() - (1 + (dn * 13 + p.idx) % 360) * interval '1 minute'
                            else now() - (1 + (dn * 37 + p.idx) % 40000) * interval '1 minute' end
                from bp p
                cross join lateral generate_series(0, p.size - 1) dn
                cross join lateral (select ((dn * 7919 + p.idx * 104729) % 1000)::int as r) r
                cross join lateral (select case when p.kind = 'POOLED' then
                        case when r.r < 550 then 'READY' when r.r < 700 then 'IN_USE' when r.r < 800 then 'STOPPED'
                             when r.r < 840 then 'REFRESHING' when r.r < 870 then 'FAILED' when r.r < 900 then 'PROVISIONING'
                             when r.r < 930 then 'MAINTENANCE' when r.r < 960 then 'STARTING' when r.r < 980 then 'STOPPING'
                             else 'DELETING' end
                    else
                        case when r.r < 400 then 'READY' when r.r < 550 then 'IN_USE' when r.r < 850 then 'STOPPED'
                             when r.r < 880 then 'FAILED' when r.r < 910 then 'MAINTENANCE' when r.r < 940 then 'STARTING'
                             when r.r < 970 then 'STOPPING' else 'PROVISIONING' end
                    end as state) s
                left join bu u on u.n = (dn + p.idx * 131) % {USERS}
                where p.kind <> 'SHARED'
                order by p.idx, dn;
                update desktop d set assigned_user_id = u.id
                from (select d2.id, p.idx, row_number() over (partition by d2.pool_id order by d2.name) - 1 as k
                      from desktop d2 join bp p on p.id = d2.pool_id where p.kind = 'POOLED' and d2.state = 'IN_USE') x
                join bu u on u.n = (x.k + x.idx * 131) % {USERS}
                where d.id = x.id;
                update tenant set desktop_count = (select count(*) from desktop where tenant_id = :tenant) where id = :tenant;
                create temp table bd as select d.pool_id, (row_number() over (partition by d.pool_id order by d.name) - 1)::int as n,
                  d.id, d.assigned_user_id, d.state from desktop d where d.tenant_id = :tenant;
                create index on bd (pool_id, n);
                analyze bd
                """},
            {"provisioning: pools and placements", """
                insert into pool_provisioning (pool_id, tenant_id, enabled, min_size, max_size, spare_target, vcpus, memory_mib,
                    disk_mib, video, stop_after_disconnected_s, created_at, updated_at)
                select p.id, :tenant, true, case when p.kind = 'POOLED' then p.size / 2 else 0 end, p.size + 200,
                       case when p.kind = 'POOLED' then 20 else 0 end, 2, 4096, 40960, 'virtio',
                       case when p.kind = 'PERSISTENT' then 7200 end, now() - interval '80 days', now() - interval '3 days'
                from bp p where p.managed;
                insert into provisioned_desktop (desktop_id, tenant_id, pool_id, host_id, console_checked_at, last_disconnected_at, created_at)
                select d.id, :tenant, d.pool_id, h.id,
                       case when d.state in ('READY', 'IN_USE') then d.state_changed_at end,
                       case when d.state <> 'IN_USE' then d.state_changed_at end, d.created_at
                from desktop d join bp p on p.id = d.pool_id and p.managed join bd on bd.id = d.id
                join bh h on h.n = (bd.n + p.idx * 17) % {HV}
                """},
            {"session hosts", """
                insert into session_host (id, tenant_id, pool_id, name, state, draining, max_sessions, active_sessions,
                    console_host, console_port, created_at, state_changed_at, agent_managed)
                select gen_random_uuid(), :tenant, p.id, 'rdsh-' || p.idx || '-' || lpad(n::text, 3, '0'),
                       case when x.r < 900 then 'AVAILABLE' when x.r < 950 then 'UNREACHABLE' else 'REGISTERED' end,
                       x.r < 900 and n % 20 = 7, 30,
                       case when x.r < 900 then (n * 13 + p.idx) % 11 else 0 end,
                       '10.' || (60 + p.idx) || '.0.' || (n + 1), 5900,
                       now() - interval '200 days' + n * interval '1 day', now() - (1 + (n * 53) % 5000) * interval '1 minute', false
                from bp p
                cross join lateral generate_series(0, p.size - 1) n
                cross join lateral (select ((n * 7919 + p.idx * 104729) % 1000)::int as r) x
                where p.kind = 'SHARED';
                create temp table bsh as select pool_id, (row_number() over (partition by pool_id order by name) - 1)::int as n, id,
                  name, state, active_sessions from session_host where tenant_id = :tenant;
                create index on bsh (pool_id, n);
                analyze bsh
                """},
            {"ended sessions (30 days)", """
                create temp table bgen as select p.id as pool_id, p.kind, p.size, y.*
                  from bp p cross join lateral ({ENDED_GENERATOR}) y;
                insert into session (id, tenant_id, pool_id, user_id, desktop_id, session_host_id, state, end_reason,
                    client_address, created_at, state_changed_at, connected_at, last_activity_at, ended_at)
                select gen_random_uuid(), :tenant, x.pool_id, x.user_id, x.desktop_id, x.host_id, 'ENDED', x.end_reason,
                       x.addr, x.c, x.e, x.c + interval '4 seconds', x.e - interval '1 minute', x.e
                from (
                    select g.pool_id, coalesce(case when g.kind = 'PERSISTENT' then d.assigned_user_id end, u.id) as user_id,
                           d.id as desktop_id, null::uuid as host_id, g.c, g.e, g.end_reason, g.addr
                    from bgen g
                    join bd d on d.pool_id = g.pool_id and d.n = g.pick % g.size
                    join bu u on u.n = g.who
                    where g.kind <> 'SHARED'
                    union all
                    select g.pool_id, u.id, null, h.id, g.c, g.e, g.end_reason, g.addr
                    from bgen g
                    join bsh h on h.pool_id = g.pool_id and h.n = g.pick % g.size
                    join bu u on u.n = g.who
                    where g.kind = 'SHARED'
                ) x
                order by x.c
                """.replace("{ENDED_GENERATOR}", ENDED_GENERATOR)},
            {"live sessions (IN_USE desktops, host seats)", """
                insert into session (id, tenant_id, pool_id, user_id, desktop_id, state, client_address, created_at,
                    state_changed_at, connected_at, last_activity_at, disconnected_by)
                select gen_random_uuid(), :tenant, d.pool_id, d.assigned_user_id, d.id,
                       case when k.r % 4 = 0 then 'DISCONNECTED' else 'CONNECTED' end,
                       '192.168.' || (k.r % 256) || '.' || (k.r % 254 + 1), d.state_changed_at,
                       case when k.r % 4 = 0 then d.state_changed_at + (now() - d.state_changed_at) / 2
                            else d.state_changed_at + interval '4 seconds' end,
                       d.state_changed_at + interval '4 seconds',
                       case when k.r % 4 = 0 then d.state_changed_at + (now() - d.state_changed_at) / 2
                            else now() - interval '1 minute' end,
                       case when k.r % 4 = 0 then 'USER' end
                from desktop d cross join lateral (select abs(hashtext(d.id::text)) as r) k
                where d.tenant_id = :tenant and d.state = 'IN_USE'
                order by d.state_changed_at;
                insert into session (id, tenant_id, pool_id, user_id, session_host_id, state, client_address, created_at,
                    state_changed_at, connected_at, last_activity_at, disconnected_by)
                select gen_random_uuid(), :tenant, x.pool_id, u.id, x.host_id,
                       case when x.k % 5 = 0 then 'DISCONNECTED' else 'CONNECTED' end, '172.16.' || (x.k % 256) || '.7',
                       x.c, x.c + case when x.k % 5 = 0 then interval '20 minutes' else interval '4 seconds' end,
                       x.c + interval '4 seconds',
                       case when x.k % 5 = 0 then x.c + interval '20 minutes' else now() - interval '1 minute' end,
                       case when x.k % 5 = 0 then 'USER' end
                from (select h.pool_id, h.id as host_id, p.idx,
                             (row_number() over (partition by h.pool_id order by h.name, i) - 1)::int as k,
                             now() - (30 + (h.n * 7 + i * 31) % 300) * interval '1 minute' as c
                      from bsh h join bp p on p.id = h.pool_id cross join lateral generate_series(1, h.active_sessions) i
                      where h.state = 'AVAILABLE') x
                join bu u on u.n = (x.k + x.idx * 37) % {USERS}
                order by x.c;
                with live as (select count(*) as n from session where tenant_id = :tenant and state <> 'ENDED')
                update tenant_session_seats s set used = (live.n / 64 + case when s.shard < live.n % 64 then 1 else 0 end)::int
                from live where s.tenant_id = :tenant
                """},
            {"entitlements", """
                insert into entitlement (id, tenant_id, pool_id, user_id, group_id, created_at)
                select gen_random_uuid(), :tenant, p.id, null, g.id, now() - interval '80 days' + p.idx * interval '1 hour' + g.n * interval '1 minute'
                from bp p join bg g on g.n between p.idx * 5 and p.idx * 5 + 4 or (g.n = -1 and p.kind = 'SHARED');
                insert into entitlement (id, tenant_id, pool_id, user_id, group_id, created_at)
                select gen_random_uuid(), :tenant, p.id, u.id, null, now() - interval '60 days' + u.n * interval '30 minutes'
                from bp p cross join bu u where p.name = 'callcentre'
                """},
            {"provisioning tasks (7 days)", """
                create temp table bpd as select (row_number() over (order by desktop_id) - 1)::int as n, desktop_id, pool_id, host_id
                  from provisioned_desktop where tenant_id = :tenant;
                create index on bpd (n);
                analyze bpd;
                create temp table btaskgen as select i, random() as r1, random() as r2, floor(random() * 1000000000)::int as pick,
                    now() - interval '10 minutes' - random() * interval '7 days' as c from generate_series(1, {TASKS}) i;
                insert into provisioning_task (id, tenant_id, pool_id, desktop_id, host_id, type, reason, start_after,
                    idempotency_key, state, attempts, max_attempts, next_attempt_at, error_reason, error_detail, created_at,
                    started_at, finished_at)
                select gen_random_uuid(), :tenant, pd.pool_id, pd.desktop_id, pd.host_id, t.type,
                       case t.type when 'REFRESH' then 'pooled desktop returned after its session'
                                   when 'START' then 'a connect needs a stopped desktop' when 'STOP' then 'disconnected for 2h (power policy)'
                                   when 'CREATE' then 'pool below its spare target' when 'REPLACE' then 'image update'
                                   else 'pool above its maximum' end,
                       t.type in ('REFRESH', 'REPLACE'), 'bench-{SLUG}-' || g.i, t.state,
                       case when t.state = 'FAILED' then 5 else 1 end, 5, g.c,
                       case when t.state = 'FAILED' then 'HYPERVISOR_ERROR' end,
                       case when t.state = 'FAILED' then 'libvirt: operation timed out after 120 s' end,
                       g.c, case when t.state <> 'CANCELLED' then g.c + interval '1 second' end,
                       g.c + (5 + g.r2 * 115) * interval '1 second'
                from btaskgen g
                join bpd pd on pd.n = g.pick % (select count(*) from bpd)
                cross join lateral (select
                    case when g.r1 < 0.45 then 'REFRESH' when g.r1 < 0.65 then 'START' when g.r1 < 0.85 then 'STOP'
                         when g.r1 < 0.90 then 'CREATE' when g.r1 < 0.95 then 'REPLACE' else 'DELETE' end as type,
                    case when g.r2 < 0.04 then 'FAILED' when g.r2 < 0.05 then 'CANCELLED' else 'SUCCEEDED' end as state) t
                order by g.c
                """},
            {"audit lines", auditSql()},
        };
    }

    /**
     * 1,000,000 lines in the order they would have been recorded (ids follow time): three per ended session
     * (READY, CONNECTED, ENDED) and two per live one, a sign-in before each ended session, 20,000 admin actions, and
     * desktop state changes for the rest.
     */
    private String auditSql() {
        return """
            create temp table bsess as select s.id, s.pool_id, s.user_id, s.desktop_id, s.session_host_id, s.state, s.end_reason,
              s.created_at, s.ended_at, u.username from session s join bu u on u.id = s.user_id where s.tenant_id = :tenant;
            create temp table badmin as select row_number() over (order by id) - 1 as n, id, username from app_user
              where tenant_id = :tenant and 'TENANT_ADMIN' = any(roles);
            insert into {AUDIT_TABLE} (tenant_id, occurred_at, actor_id, actor_name, action, object_type, object_id, details)
            select :tenant, a.at, a.actor_id, a.actor_name, a.action, a.object_type, a.object_id, a.details
            from (
                select s.created_at as at, s.user_id as actor_id, s.username as actor_name, 'SESSION_READY' as action,
                       'SESSION' as object_type, s.id::text as object_id,
                       jsonb_strip_nulls(jsonb_build_object('from', null, 'to', 'READY', 'poolId', s.pool_id, 'userId', s.user_id,
                           'desktopId', s.desktop_id, 'sessionHostId', s.session_host_id)) as details
                from bsess s
                union all
                select s.created_at + interval '4 seconds', s.user_id, s.username, 'SESSION_CONNECTED', 'SESSION', s.id::text,
                       jsonb_strip_nulls(jsonb_build_object('from', 'READY', 'to', 'CONNECTED', 'poolId', s.pool_id, 'userId', s.user_id,
                           'desktopId', s.desktop_id, 'sessionHostId', s.session_host_id))
                from bsess s
                union all
                select s.ended_at, case when s.end_reason = 'LOGOFF' then s.user_id end,
                       case when s.end_reason = 'LOGOFF' then s.username when s.end_reason = 'ADMIN_LOGOFF' then 'admin' else 'system' end,
                       'SESSION_ENDED', 'SESSION', s.id::text,
                       jsonb_strip_nulls(jsonb_build_object('from', 'CONNECTED', 'to', 'ENDED', 'endReason', s.end_reason,
                           'poolId', s.pool_id, 'userId', s.user_id, 'desktopId', s.desktop_id, 'sessionHostId', s.session_host_id))
                from bsess s where s.state = 'ENDED'
                union all
                select s.created_at - interval '20 seconds', s.user_id, s.username, 'SIGNED_IN', 'USER', s.user_id::text,
                       jsonb_build_object('tenant', '{SLUG}', 'username', s.username, 'clientAddress', '192.168.1.20')
                from bsess s where s.state = 'ENDED'
                union all
                select now() - interval '30 days' + g * (interval '30 days' / {ADMIN_LINES}), ad.id, ad.username,
                       (array['USER_UPDATED','GROUP_MEMBER_ADDED','DESKTOP_ASSIGNED','POOL_UPDATED','DESKTOP_STATE_CHANGED',
                              'ENTITLEMENT_GRANTED','GROUP_MEMBER_REMOVED','USER_CREATED'])[1 + g % 8],
                       (array['USER','GROUP','DESKTOP','DESKTOP_POOL','DESKTOP','DESKTOP_POOL','GROUP','USER'])[1 + g % 8],
                       case g % 8 when 0 then u.id::text when 7 then u.id::text when 2 then d.id::text when 4 then d.id::text
                                   when 1 then gr.id::text when 6 then gr.id::text else p.id::text end,
                       jsonb_build_object('bench', true, 'change', g)
                from generate_series(1, {ADMIN_LINES}) g
                join badmin ad on ad.n = g % (select count(*) from badmin)
                join bu u on u.n = (g * 7) % {USERS}
                join bg gr on gr.n = g % 100
                join bp p on p.idx = g % 20
                join bd d on d.pool_id = (select id from bp where idx = (g % 15)) and d.n = g % {SMALL}
                union all
                select now() - interval '30 days' + random() * interval '30 days', null, 'system', 'DESKTOP_STATE_CHANGED',
                       'DESKTOP', d.id::text, jsonb_build_object('from', 'IN_USE', 'to', 'REFRESHING', 'poolId', d.pool_id)
                from generate_series(1, {AUDIT_LINES} - (select 3 * count(*) filter (where state = 'ENDED') + 2 * count(*) filter (where state <> 'ENDED')
                                                         + count(*) filter (where state = 'ENDED') from bsess) - {ADMIN_LINES}) g
                join bd d on d.pool_id = (select id from bp where idx = g % 15) and d.n = (g * 31) % {SMALL}
            ) a
            order by a.at
            """;
    }

    /** The SQL with the estate's figures and the tenant in place of {@code {NAME}} and {@code :tenant}. */
    private String tokens(String sql) {
        // the audit lines about desktops name one of the first 300 desktops of each pool (fewer in a smaller pool)
        int small = Math.min(300, pools.stream().filter(p -> !p.kind().equals("SHARED")).mapToInt(Pool::size).min().orElse(1));
        return sql.replace("{USERS_MAX}", Integer.toString(scale.users() - 1)).replace("{USERS}", Integer.toString(scale.users()))
                .replace("{HV_MAX}", Integer.toString(scale.hypervisorHosts() - 1))
                .replace("{HV}", Integer.toString(scale.hypervisorHosts()))
                .replace("{TASKS}", Integer.toString(scale.tasks())).replace("{ADMIN_LINES}", Integer.toString(scale.adminAuditLines()))
                .replace("{AUDIT_LINES}", Integer.toString(scale.auditLines())).replace("{SLUG}", slug)
                .replace("{SMALL}", Integer.toString(small))
                .replace("{OWN_HV}", Boolean.toString(scale.ownHypervisorHosts())).replace("{AUDIT_TABLE}", auditTable)
                .replace(":tenant", "'" + tenant + "'::uuid");
    }

    /** Counts what was seeded and checks the rules the schema cannot (seats, host counts). */
    private void verify(Connection c) throws SQLException {
        String sql = """
            select (select count(*) from desktop where tenant_id = :tenant),
                   (select count(*) from session_host where tenant_id = :tenant),
                   (select count(*) from hypervisor_host),
                   (select count(*) from app_user where tenant_id = :tenant),
                   (select count(*) from user_group where tenant_id = :tenant),
                   (select count(*) from session where tenant_id = :tenant and state = 'ENDED'),
                   (select count(*) from session where tenant_id = :tenant and state <> 'ENDED'),
                   (select coalesce(sum(used), 0) from tenant_session_seats where tenant_id = :tenant),
                   (select count(*) from tenant_session_seats where tenant_id = :tenant and used > capacity),
                   (select count(*) from session_host h left join (select session_host_id, count(*) as n from session
                       where tenant_id = :tenant and state <> 'ENDED' and session_host_id is not null group by 1) s
                       on s.session_host_id = h.id where h.tenant_id = :tenant and h.active_sessions <> coalesce(s.n, 0)),
                   (select count(*) from {AUDIT_TABLE} where tenant_id = :tenant),
                   (select count(*) from provisioning_task where tenant_id = :tenant),
                   (select count(*) from entitlement where tenant_id = :tenant),
                   (select desktop_count from tenant where id = :tenant),
                   (select count(*) from desktop where tenant_id = :tenant and managed)
            """.replace(":tenant", "'" + tenant + "'::uuid").replace("{AUDIT_TABLE}", auditTable);
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            System.out.printf("  estate: %,d desktops (%,d managed; tenant desktop_count %,d), %,d session hosts, %,d hypervisor "
                            + "hosts, %,d users, %,d groups, %,d ended + %,d live sessions (seats used %,d), %,d audit lines, "
                            + "%,d provisioning tasks, %,d entitlements%n",
                    rs.getLong(1), rs.getLong(15), rs.getLong(14), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getLong(5),
                    rs.getLong(6), rs.getLong(7), rs.getLong(8), rs.getLong(11), rs.getLong(12), rs.getLong(13));
            if (rs.getLong(7) != rs.getLong(8) || rs.getLong(9) != 0 || rs.getLong(10) != 0 || rs.getLong(1) != rs.getLong(14)) {
                throw new IllegalStateException("the seeded estate breaks a ledger rule: live " + rs.getLong(7) + " vs seats "
                        + rs.getLong(8) + ", over-full seat rows " + rs.getLong(9) + ", hosts with a wrong count " + rs.getLong(10));
            }
        }
    }

    /** The ids the filtered requests name. */
    private void collectIds(Connection c) throws SQLException {
        String t = "'" + tenant + "'::uuid";
        Map<String, String> queries = new LinkedHashMap<>();
        queries.put("user", "select id from app_user where tenant_id = " + t + " and username = 'user0042'");
        queries.put("group", "select id from user_group where tenant_id = " + t + " and name = 'dept-002'");
        queries.put("bigPool", "select id from desktop_pool where tenant_id = " + t + " and name = 'callcentre'");
        queries.put("sharedPool", "select id from desktop_pool where tenant_id = " + t + " and name = 'apps-0'");
        queries.put("smallSharedPool", "select id from desktop_pool where tenant_id = " + t + " and name = 'apps-1'");
        queries.put("desktop", "select desktop_id from session where tenant_id = " + t + " and desktop_id is not null "
                + "group by desktop_id order by count(*) desc, desktop_id limit 1");
        queries.put("assignedUser", "select assigned_user_id from desktop d join desktop_pool p on p.id = d.pool_id "
                + "where d.tenant_id = " + t + " and p.name = 'persistent-5' and assigned_user_id is not null order by d.name limit 1");
        queries.put("sessionHost", "select session_host_id from session where tenant_id = " + t + " and session_host_id is not null "
                + "group by session_host_id order by count(*) desc, session_host_id limit 1");
        queries.put("hypervisorHost", "select host_id from provisioned_desktop where tenant_id = " + t
                + " group by host_id order by count(*) desc, host_id limit 1");
        queries.put("taskDesktop", "select desktop_id from provisioning_task where tenant_id = " + t
                + " group by desktop_id order by count(*) desc, desktop_id limit 1");
        queries.put("session", "select id from session where tenant_id = " + t + " and state = 'ENDED' order by created_at desc "
                + "offset 5000 limit 1");
        try (Statement st = c.createStatement()) {
            for (var q : queries.entrySet()) {
                try (ResultSet rs = st.executeQuery(q.getValue())) {
                    if (!rs.next()) {
                        throw new IllegalStateException("no " + q.getKey() + " in the estate");
                    }
                    ids.put(q.getKey(), rs.getString(1));
                }
            }
        }
    }
}
