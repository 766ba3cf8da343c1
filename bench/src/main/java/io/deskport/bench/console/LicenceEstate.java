package io.deskport.bench.console;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.deskport.bench.adminapi.Estate;
import io.deskport.broker.support.Api;

import static io.deskport.broker.support.Api.json;

/**
 * The licences of the console's estate: eight products with their licences, made through the admin API (so the
 * shards' capacities are the broker's), the pools that consume four of them (the PER_DESKTOP product's seats of
 * the 10,000 desktops taken by the broker when its pools are added), then, with SQL on one connection, the seat
 * history the seeded sessions would have left: one seat per user and stretch of overlapping sessions of the pools
 * that consume a concurrent-user product (held while a live session is in it), one named-user seat per user of
 * the persistent pools, the live sessions' {@code licence_session} rows, and the shards' {@code used} counts (as
 * {@code LicenceCapacity.refresh} spreads them). The seat rows are written with {@code deskport.metering = 'off'}:
 * the seeded sessions have no usage events either, and 100,000 seat events would keep the roll-up pass busy while
 * the bench measures.
 */
final class LicenceEstate {

    /** A product as made through the API. */
    record Product(String key, UUID id, String model, List<String> pools) {
    }

    final Map<String, Product> products = new LinkedHashMap<>();

    /** The products, licences and pool requirements, through the API (the tenant admin's). */
    void create(int brokerPort, String adminToken, Estate estate) {
        Api admin = new Api(brokerPort).withToken(adminToken);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<String> pooled = estate.pools.stream().filter(p -> p.kind().equals("POOLED")).map(Estate.Pool::name).toList();
        List<String> persistent = estate.pools.stream().filter(p -> p.kind().equals("PERSISTENT")).map(Estate.Pool::name).toList();
        List<String> shared = estate.pools.stream().filter(p -> p.kind().equals("SHARED")).map(Estate.Pool::name).toList();
        List<String> desktops = estate.pools.stream().filter(p -> !p.kind().equals("SHARED")).map(Estate.Pool::name).toList();

        product(admin, "vdi", "Deskport VDI access", "Deskport", "VDI-CCU", "CONCURRENT_USER", null, pooled,
                licence(1_500, now.minus(400, ChronoUnit.DAYS), now.plus(200, ChronoUnit.DAYS), "HARD", 0, 30, "PO-2025-118"));
        product(admin, "office", "Office 365 E3", "Microsoft", "O365-E3", "NAMED_USER", 90, persistent,
                licence(1_500, now.minus(395, ChronoUnit.DAYS), now.minus(30, ChronoUnit.DAYS), "HARD", 0, 0, "EA-2024"),
                licence(2_500, now.minus(30, ChronoUnit.DAYS), now.plus(335, ChronoUnit.DAYS), "SOFT", 100, 14, "EA-2025"));
        product(admin, "vda", "Windows VDA", "Microsoft", "VDA-DEV", "PER_DESKTOP", null, desktops,
                licence(12_000, now.minus(500, ChronoUnit.DAYS), null, "HARD", 0, 0, "VDA perpetual"));
        product(admin, "rds", "RDS CAL", "Microsoft", "RDS-CAL-USER", "CONCURRENT_USER", null, shared,
                licence(1_500, now.minus(200, ChronoUnit.DAYS), now.plus(165, ChronoUnit.DAYS), "HARD", 0, 30, "RDS-77"));
        product(admin, "cad", "AutoCAD LT", "Autodesk", "ACAD-LT", "NAMED_USER", 60, List.of(),
                licence(50, now.minus(345, ChronoUnit.DAYS), now.plus(20, ChronoUnit.DAYS), "HARD", 0, 7, "ADSK-9"));
        product(admin, "erp", "Legacy ERP client", "Contoso", "ERP-CL", "CONCURRENT_USER", null, List.of(),
                licence(30, now.minus(370, ChronoUnit.DAYS), now.minus(5, ChronoUnit.DAYS), "HARD", 0, 30, "ERP-2024"));
        product(admin, "acrobat", "Acrobat Pro", "Adobe", "ACRO-PRO", "PER_DEVICE", null, List.of(),
                licence(300, now.minus(100, ChronoUnit.DAYS), now.plus(265, ChronoUnit.DAYS), "SOFT", 20, 0, "ADB-3"));
        product(admin, "visio", "Visio Plan 2", "Microsoft", "VISIO-P2", "NAMED_USER", null, List.of(),
                licence(100, now.minus(60, ChronoUnit.DAYS), null, "HARD", 0, 0, "EA-2025-V"));

        for (Product p : products.values()) {
            for (String pool : p.pools()) {
                check(admin.put("/api/v1/admin/pools/" + estate.pool(pool).id() + "/licence-products/" + p.id(), null), 200, 201, 204);
            }
        }
    }

    private static String licence(int seats, Instant from, Instant until, String enforcement, int margin, int grace,
                                  String reference) {
        return json("seats", seats, "validFrom", from.toString(), "validUntil", until == null ? null : until.toString(),
                "enforcement", enforcement, "overuseMargin", margin, "graceDays", grace, "reference", reference);
    }

    private void product(Api admin, String key, String name, String vendor, String sku, String model, Integer unusedDays,
                         List<String> pools, String... licences) {
        Api.Response r = check(admin.post("/api/v1/admin/licence-products", json("name", name, "vendor", vendor, "sku", sku,
                "model", model, "unusedDays", unusedDays)), 201);
        for (String licence : licences) {
            check(admin.post("/api/v1/admin/licence-products/" + r.id() + "/licences", licence), 201);
        }
        products.put(key, new Product(key, r.id(), model, pools));
    }

    private static Api.Response check(Api.Response r, int... statuses) {
        for (int s : statuses) {
            if (r.status() == s) {
                return r;
            }
        }
        throw new IllegalStateException("expected " + java.util.Arrays.toString(statuses) + ", got " + r.status() + ": " + r.raw());
    }

    /** The seat history and live holdings of the seeded sessions, with SQL; the ledger checked after. */
    void seed(String jdbcUrl, String user, String password, Estate estate) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password)) {
            try (Statement st = c.createStatement()) {
                st.execute("set work_mem = '256MB'");
                st.execute("set deskport.metering = 'off'");
            }
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            for (Product p : products.values()) {
                if (p.pools().isEmpty() || p.model().equals("PER_DESKTOP")) {
                    continue;
                }
                UUID[] pools = p.pools().stream().map(n -> estate.pool(n).id()).toArray(UUID[]::new);
                int rows = p.model().equals("CONCURRENT_USER") ? concurrentSeats(c, estate.tenant, p.id(), pools)
                        : namedSeats(c, estate.tenant, p.id(), pools);
                c.commit();
                System.out.printf("  seed %-42s %,10d rows %7.1f s%n", "licence seats of " + p.key() + " (" + p.model() + ")",
                        rows, (System.nanoTime() - t0) / 1e9);
                t0 = System.nanoTime();
            }
            int sessions = liveSessionSeats(c, estate.tenant);
            for (Product p : products.values()) {
                spreadUsed(c, p.id());
            }
            c.commit();
            System.out.printf("  seed %-42s %,10d rows %7.1f s%n", "licence_session rows, shard counts", sessions,
                    (System.nanoTime() - t0) / 1e9);
            c.setAutoCommit(true);
            try (Statement st = c.createStatement()) {
                st.execute("vacuum (analyze) licence_seat, licence_session, licence_seat_shard, licence, licence_product, pool_licence");
            }
            verify(c, estate.tenant);
        }
    }

    /**
     * A concurrent-user product: per user, each stretch of overlapping sessions of the consuming pools is one seat
     * (taken at the first session's start, given back at the last one's end with its end reason); a stretch with a
     * live session holds its seat, counting its live sessions.
     */
    private static int concurrentSeats(Connection c, UUID tenant, UUID product, UUID[] pools) throws SQLException {
        String sql = """
            insert into licence_seat (tenant_id, product_id, holder, user_id, taken_at, last_used_at, released_at,
                                      release_reason, sessions)
            select ?, ?, i.user_id::text, i.user_id, i.taken, i.last_used,
                   case when i.live > 0 then null else i.released end,
                   case when i.live > 0 then null else i.reason end, i.live
            from (
                select user_id, island, min(a) as taken, max(b) filter (where not live) as released,
                       greatest(max(a), coalesce(max(b) filter (where not live), max(a))) as last_used,
                       count(*) filter (where live) as live,
                       (array_agg(end_reason order by b desc nulls last))[1] as reason
                from (
                    select *, sum(case when prev_end is null or a > prev_end then 1 else 0 end)
                                  over (partition by user_id order by a, id) as island
                    from (
                        select id, user_id, created_at as a, ended_at as b, state <> 'ENDED' as live, end_reason,
                               max(coalesce(ended_at, 'infinity'::timestamptz)) over (partition by user_id order by created_at, id
                                   rows between unbounded preceding and 1 preceding) as prev_end
                        from session where tenant_id = ? and pool_id = any(?)
                    ) s
                ) g
                group by user_id, island
            ) i
            order by i.taken
            """;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenant);
            ps.setObject(2, product);
            ps.setObject(3, tenant);
            ps.setArray(4, c.createArrayOf("uuid", pools));
            return ps.executeUpdate();
        }
    }

    /** A named-user product: one seat per user of the consuming pools, taken at their first session, held. */
    private static int namedSeats(Connection c, UUID tenant, UUID product, UUID[] pools) throws SQLException {
        String sql = """
            insert into licence_seat (tenant_id, product_id, holder, user_id, taken_at, last_used_at, sessions)
            select ?, ?, user_id::text, user_id, min(created_at),
                   greatest(max(created_at), coalesce(max(ended_at), max(created_at))), count(*) filter (where state <> 'ENDED')
            from session where tenant_id = ? and pool_id = any(?)
            group by user_id
            order by min(created_at)
            """;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenant);
            ps.setObject(2, product);
            ps.setObject(3, tenant);
            ps.setArray(4, c.createArrayOf("uuid", pools));
            return ps.executeUpdate();
        }
    }

    /** Each live session of a licensed pool holds the seats of its user for the products its pool consumes. */
    private static int liveSessionSeats(Connection c, UUID tenant) throws SQLException {
        String sql = """
            insert into licence_session (session_id, tenant_id, user_id, device_id, seat_ids)
            select s.id, s.tenant_id, s.user_id, null, array_agg(ls.id order by ls.product_id)
            from session s
            join pool_licence pl on pl.pool_id = s.pool_id
            join licence_product p on p.id = pl.product_id and p.model <> 'PER_DESKTOP'
            join licence_seat ls on ls.product_id = p.id and ls.holder = s.user_id::text and ls.released_at is null
            where s.tenant_id = ? and s.state <> 'ENDED'
            group by s.id, s.tenant_id, s.user_id
            """;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenant);
            return ps.executeUpdate();
        }
    }

    /** The shards' {@code used}: the held seats, spread as {@code LicenceCapacity.refresh} spreads them. */
    private static void spreadUsed(Connection c, UUID product) throws SQLException {
        int held;
        try (PreparedStatement ps = c.prepareStatement("select count(*) from licence_seat where product_id = ? and released_at is null")) {
            ps.setObject(1, product);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                held = rs.getInt(1);
            }
        }
        List<Integer> capacities = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("select capacity from licence_seat_shard where product_id = ? order by shard")) {
            ps.setObject(1, product);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    capacities.add(rs.getInt(1));
                }
            }
        }
        int left = held;
        try (PreparedStatement ps = c.prepareStatement("update licence_seat_shard set used = ? where product_id = ? and shard = ?")) {
            for (int shard = 0; shard < capacities.size(); shard++) {
                int here = shard == capacities.size() - 1 ? left : Math.min(capacities.get(shard), left);
                left -= here;
                ps.setInt(1, here);
                ps.setObject(2, product);
                ps.setInt(3, shard);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** The ledger: every product's shards count its held seats, within capacity; every seat's sessions are live. */
    private void verify(Connection c, UUID tenant) throws SQLException {
        String sql = """
            select p.name, p.model,
                   (select coalesce(sum(used), 0) from licence_seat_shard where product_id = p.id) as used,
                   (select coalesce(sum(capacity), 0) from licence_seat_shard where product_id = p.id) as capacity,
                   (select count(*) from licence_seat where product_id = p.id and released_at is null) as held,
                   (select count(*) from licence_seat where product_id = p.id and released_at is not null) as released,
                   (select count(*) from licence_seat_shard where product_id = p.id and used > capacity) as over
            from licence_product p where p.tenant_id = ? order by p.name
            """;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    System.out.printf("  licences: %-20s %-16s %,6d held (shards %,d of %,d), %,7d given back%n", rs.getString(1),
                            rs.getString(2), rs.getLong(5), rs.getLong(3), rs.getLong(4), rs.getLong(6));
                    if (rs.getLong(3) != rs.getLong(5) || rs.getLong(7) != 0) {
                        throw new IllegalStateException("the seeded seats of " + rs.getString(1) + " break the ledger: shards count "
                                + rs.getLong(3) + ", held " + rs.getLong(5) + ", shards over capacity " + rs.getLong(7));
                    }
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement("""
                select count(*) from licence_session ls join session s on s.id = ls.session_id
                where ls.tenant_id = ? and s.state = 'ENDED'""")) {
            ps.setObject(1, tenant);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                if (rs.getLong(1) != 0) {
                    throw new IllegalStateException(rs.getLong(1) + " ended sessions hold licence seats");
                }
            }
        }
    }
}
