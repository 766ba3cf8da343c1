package io.deskport.bench.adminapi;

import io.deskport.broker.shared.Listing.Where;
import java.lang.reflect.Field;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The admin API's list endpoints and, for each, the SQL its listing runs — reconstructed from the broker's
 * {@code shared/Listing.java} and each module's listing (select, from, tie-breaking id, sort keys) and filters
 * (the {@code Listing.Where} its controller builds), so that a slow request's statement can be EXPLAINed with the
 * same WHERE, ORDER BY and LIMIT and the same bound values. {@link #checkAgainstBroker()} compares the
 * reconstruction with the broker's static listings (by reflection) so that a change there is noticed.
 */
final class Lists {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** How a sort value travels in a cursor (as {@code Listing.Kind}). */
    enum Kind { TEXT, TIME, NUMBER, UUID }

    record Sort(String expression, Kind kind) {
    }

    /** What a request names: the tenant it acts in, the pool of its path (or null), its query parameters. */
    record Request(UUID tenant, UUID pathPool, Map<String, String> query) {

        String s(String name) {
            String v = query.get(name);
            return v == null || v.isEmpty() ? null : v;
        }

        UUID uuid(String name) {
            return s(name) == null ? null : UUID.fromString(s(name));
        }

        Boolean bool(String name) {
            return s(name) == null ? null : Boolean.valueOf(s(name));
        }

        Instant instant(String name) {
            return s(name) == null ? null : Instant.parse(s(name));
        }
    }

    /** A further statement a list request runs beside its page (e.g. the hypervisor hosts' usage). */
    record Extra(String label, String sql) {
    }

    /**
     * One list endpoint.
     *
     * @param name how the bench names it (its path below {@code /api/v1/admin}, {@code {id}} for the pool)
     * @param platform true when only a platform operator may call it (the operator's token is used)
     * @param perPool true when its path names a pool
     */
    record Endpoint(String name, String path, boolean platform, boolean perPool, String select, String from, String id,
                    Kind idKind, Map<String, Sort> sorts, String defaultSort,
                    java.util.function.Function<Request, Where> where, List<Extra> extras, String brokerClass,
                    String brokerField) {

        String path(UUID pool) {
            return "/api/v1/admin" + path.replace("{id}", Objects.toString(pool));
        }
    }

    /** A statement to EXPLAIN: its SQL with {@code ?} placeholders and the values the broker binds. */
    record Statement(String label, String sql, List<Object> params) {
    }

    // --- the broker's column lists (copied; checkAgainstBroker compares those it can reach)

    private static final String USER_COLUMNS = "id, tenant_id, username, display_name, email, roles, enabled, created_at";
    private static final String GROUP_COLUMNS = "g.id, g.tenant_id, g.name, g.description, g.created_at, "
            + "coalesce(array(select m.user_id from group_member m where m.group_id = g.id order by m.user_id), "
            + "'{}') as members";
    private static final String TENANT_COLUMNS = "id, slug, name, max_concurrent_sessions, max_desktops, "
            + "coalesce((select sum(s.used) from tenant_session_seats s where s.tenant_id = tenant.id), 0) as active_sessions, "
            + "desktop_count, created_at, updated_at, version";
    private static final String POOL_COLUMNS = "id, tenant_id, name, description, kind, enabled, load_balancing, idle_timeout_s, "
            + "idle_action, disconnect_timeout_s, max_session_s, record_sessions, prepare_timeout_s, created_at, updated_at";
    static final String DESKTOP_COLUMNS = "id, tenant_id, pool_id, name, state, assigned_user_id, console_host, console_port, "
            + "console_password is not null as has_password, managed, failure_reason, created_at, state_changed_at";
    private static final String LISTED_DESKTOP_COLUMNS = DESKTOP_COLUMNS
            + ", (select u.username from tenancy_users u where u.id = desktop.assigned_user_id "
            + "and u.tenant_id = desktop.tenant_id) as assigned_username"
            + ", (select u.display_name from tenancy_users u where u.id = desktop.assigned_user_id "
            + "and u.tenant_id = desktop.tenant_id) as assigned_display_name";
    private static final String ENTITLEMENT_COLUMNS = "id, pool_id, user_id, group_id, created_at"
            + ", (select u.username from tenancy_users u where u.id = entitlement.user_id "
            + "and u.tenant_id = entitlement.tenant_id) as username"
            + ", (select u.display_name from tenancy_users u where u.id = entitlement.user_id "
            + "and u.tenant_id = entitlement.tenant_id) as user_display_name"
            + ", (select g.name from tenancy_groups g where g.id = entitlement.group_id "
            + "and g.tenant_id = entitlement.tenant_id) as group_name";
    private static final String HOST_COLUMNS = "id, tenant_id, pool_id, name, state, draining, max_sessions, active_sessions, "
            + "console_host, console_port, console_password is not null as has_password, created_at, state_changed_at, "
            + "agent_managed, credential_hash is not null as enrolled, revoked_at, agent_address, agent_os, agent_version, "
            + "cpu_count, memory_mb, last_heartbeat_at, load_cpu_percent, load_memory_used_mb, reported_sessions, "
            + "logged_on_user";
    private static final String HYPERVISOR_COLUMNS = "id, name, driver_id, settings::text as settings, cpu_total, memory_total_mib, "
            + "storage_total_mib, reported_cpu_total, reported_memory_total_mib, reported_storage_total_mib, "
            + "inventory_at, simulated, maintenance, reachable, consecutive_failures, quarantined_until, last_error, "
            + "last_error_at, source, created_at";
    private static final String SESSION_COLUMNS = "s.id, s.tenant_id, s.pool_id, p.name as pool_name, p.kind as pool_kind, "
            + "s.user_id, u.username, s.state, s.end_reason, s.desktop_id, s.session_host_id, "
            + "coalesce(d.name, h.name) as machine_name, s.created_at, s.state_changed_at, s.connected_at, "
            + "s.last_activity_at, s.ended_at, d.state as desktop_state, d.state_changed_at as desktop_since, "
            + "s.disconnected_by, s.console_failure, s.console_failures, s.console_failure_at, "
            + "a.display_name as changed_by_name";
    private static final String SESSION_FROM = "session s "
            + "join pools_pools p on p.id = s.pool_id join tenancy_users u on u.id = s.user_id "
            + "left join pools_desktops d on d.id = s.desktop_id left join hosts_session_hosts h on h.id = s.session_host_id "
            + "left join tenancy_users a on a.id = s.changed_by_admin";
    private static final String AUDIT_COLUMNS = "id, tenant_id, occurred_at, actor_id, actor_name, action, object_type, object_id, "
            + "details::text as details";
    private static final String TASK_COLUMNS = "id, tenant_id, pool_id, desktop_id, host_id, type, reason, image_version_id, "
            + "start_after, idempotency_key, state, attempts, max_attempts, next_attempt_at, lease_owner, lease_until, "
            + "error_reason, error_detail, created_at, started_at, finished_at";
    private static final String POOL_PROVISIONING_COLUMNS = "pool_id, tenant_id, enabled, min_size, max_size, spare_target, vcpus, "
            + "memory_mib, disk_mib, video, stop_after_disconnected_s, current_image_id, previous_image_id, rolled_back, "
            + "update_persistent, last_exhausted_at, exhausted_refusals, updated_at";

    private static Map<String, Sort> sorts(Object... nameExprKind) {
        Map<String, Sort> m = new LinkedHashMap<>();
        for (int i = 0; i < nameExprKind.length; i += 3) {
            m.put((String) nameExprKind[i], new Sort((String) nameExprKind[i + 1], (Kind) nameExprKind[i + 2]));
        }
        return m;
    }

    private static java.util.function.Function<Request, Where> desktops() {
        return r -> Where.of("tenant_id = ?", r.tenant()).and("pool_id = ?", r.pathPool() != null ? r.pathPool() : r.uuid("poolId"))
                .and("state = ?", r.s("state")).and("assigned_user_id = ?", r.uuid("userId")).and("managed = ?", r.bool("managed"))
                .text(r.s("q"), "name", "console_host");
    }

    private static java.util.function.Function<Request, Where> sessionHosts() {
        return r -> Where.of("tenant_id = ?", r.tenant()).and("pool_id = ?", r.pathPool() != null ? r.pathPool() : r.uuid("poolId"))
                .and("state = ?", r.s("state")).and("draining = ?", r.bool("draining")).text(r.s("q"), "name", "console_host");
    }

    private static java.util.function.Function<Request, Where> tasks() {
        return r -> Where.of("tenant_id = ?", r.tenant()).and("pool_id = ?", r.pathPool() != null ? r.pathPool() : r.uuid("poolId"))
                .and("desktop_id = ?", r.uuid("desktopId")).and("host_id = ?", r.uuid("hostId")).and("state = ?", r.s("state"))
                .and("type = ?", r.s("type")).between("created_at", r.instant("since"), r.instant("until"));
    }

    static final Endpoint USERS = new Endpoint("users", "/users", false, false, USER_COLUMNS, "app_user", "id", Kind.UUID,
            sorts("username", "username", Kind.TEXT, "displayName", "display_name", Kind.TEXT, "createdAt", "created_at", Kind.TIME),
            "username", r -> Where.of("tenant_id = ?", r.tenant()).and("? = any(roles)", r.s("role"))
            .and("enabled = ?", r.bool("enabled")).text(r.s("q"), "username", "display_name", "email"), List.of(),
            "io.deskport.broker.tenancy.Users", "LISTING");

    static final Endpoint GROUPS = new Endpoint("groups", "/groups", false, false, GROUP_COLUMNS, "user_group g", "g.id", Kind.UUID,
            sorts("name", "g.name", Kind.TEXT, "createdAt", "g.created_at", Kind.TIME), "name",
            r -> Where.of("g.tenant_id = ?", r.tenant())
                    .and("exists (select 1 from group_member m where m.group_id = g.id and m.user_id = ?)", r.uuid("memberId"))
                    .text(r.s("q"), "g.name", "g.description"), List.of(), null, null);

    static final Endpoint TENANTS = new Endpoint("tenants", "/tenants", true, false, TENANT_COLUMNS, "tenant", "id", Kind.UUID,
            sorts("slug", "slug", Kind.TEXT, "name", "name", Kind.TEXT, "createdAt", "created_at", Kind.TIME), "slug",
            r -> Where.of("true").text(r.s("q"), "slug", "name"), List.of(), "io.deskport.broker.tenancy.Tenants", "LISTING");

    static final Endpoint POOLS = new Endpoint("pools", "/pools", false, false, POOL_COLUMNS, "desktop_pool", "id", Kind.UUID,
            sorts("name", "name", Kind.TEXT, "createdAt", "created_at", Kind.TIME, "updatedAt", "updated_at", Kind.TIME), "name",
            r -> Where.of("tenant_id = ?", r.tenant()).and("kind = ?", r.s("kind")).and("enabled = ?", r.bool("enabled"))
                    .text(r.s("q"), "name", "description"), List.of(), "io.deskport.broker.pools.DesktopPools", "LISTING");

    private static final Map<String, Sort> DESKTOP_SORTS = sorts("name", "name", Kind.TEXT, "createdAt", "created_at", Kind.TIME,
            "stateChangedAt", "state_changed_at", Kind.TIME);

    static final Endpoint DESKTOPS = new Endpoint("desktops", "/desktops", false, false, LISTED_DESKTOP_COLUMNS, "desktop", "id",
            Kind.UUID, DESKTOP_SORTS, "name", desktops(), List.of(), "io.deskport.broker.pools.Desktops", "LISTING");

    static final Endpoint POOL_DESKTOPS = new Endpoint("pools/{id}/desktops", "/pools/{id}/desktops", false, true,
            LISTED_DESKTOP_COLUMNS, "desktop", "id", Kind.UUID, DESKTOP_SORTS, "name", desktops(), List.of(), null, null);

    private static final Map<String, Sort> HOST_SORTS = sorts("name", "name", Kind.TEXT, "createdAt", "created_at", Kind.TIME,
            "activeSessions", "active_sessions", Kind.NUMBER);

    static final Endpoint SESSION_HOSTS = new Endpoint("session-hosts", "/session-hosts", false, false, HOST_COLUMNS,
            "session_host", "id", Kind.UUID, HOST_SORTS, "name", sessionHosts(), List.of(),
            "io.deskport.broker.hosts.SessionHosts", "LISTING");

    static final Endpoint POOL_SESSION_HOSTS = new Endpoint("pools/{id}/session-hosts", "/pools/{id}/session-hosts", false,
            true, HOST_COLUMNS, "session_host", "id", Kind.UUID, HOST_SORTS, "name", sessionHosts(), List.of(), null, null);

    static final Endpoint HYPERVISOR_HOSTS = new Endpoint("hypervisor-hosts", "/hypervisor-hosts", false, false,
            HYPERVISOR_COLUMNS, "hypervisor_host", "id", Kind.UUID,
            sorts("name", "name", Kind.TEXT, "createdAt", "created_at", Kind.TIME), "name",
            r -> Where.of("true").and("driver_id = ?", r.s("driverId")).and("maintenance = ?", r.bool("maintenance"))
                    .and("reachable = ?", r.bool("reachable")).text(r.s("q"), "name"),
            // HypervisorHostAdminController.usage(): every request reads every managed desktop, every placement and
            // every enabled pool's provisioning settings, whatever the page
            List.of(new Extra("usage: ManagedDesktops.listAll()", "select " + DESKTOP_COLUMNS + " from desktop where managed"),
                    new Extra("usage: DesktopPlacements.all()", "select desktop_id, tenant_id, pool_id, host_id, "
                            + "image_version_id, last_disconnected_at, console_checked_at from provisioned_desktop"),
                    new Extra("usage: PoolProvisioning.allEnabled()", "select " + POOL_PROVISIONING_COLUMNS
                            + " from pool_provisioning where enabled")), null, null);

    static final Endpoint SESSIONS = new Endpoint("sessions", "/sessions", false, false, SESSION_COLUMNS, SESSION_FROM, "s.id",
            Kind.UUID, sorts("createdAt", "s.created_at", Kind.TIME, "stateChangedAt", "s.state_changed_at", Kind.TIME),
            "-createdAt", r -> {
                String state = r.s("state");
                boolean liveOnly = r.s("liveOnly") == null || Boolean.parseBoolean(r.s("liveOnly"));
                Where w = Where.of("s.tenant_id = ?", r.tenant()).and("s.state = ?", state)
                        .andIf(state == null && liveOnly, "s.state <> 'ENDED'")
                        .and("s.user_id = ?", r.uuid("userId"))
                        .and("s.desktop_id = ?", r.uuid("desktopId")).between("s.created_at", r.instant("since"), r.instant("until"))
                        // (the broker finds the users, desktops and hosts the words name first, then sessions by their ids)
                        .text(r.s("q"), "u.username", "d.name", "h.name");
                // SessionQueries.ofPoolOrHost: a history asks for its ended and its live sessions as two ranges
                for (String[] f : new String[][] {{"s.pool_id", "poolId"}, {"s.session_host_id", "hostId"}}) {
                    UUID value = r.uuid(f[1]);
                    if (value != null && state == null && !liveOnly) {
                        w.andAll("(s.state = 'ENDED' and " + f[0] + " = ?) or (s.state <> 'ENDED' and " + f[0] + " = ?)", value, value);
                    } else {
                        w.and(f[0] + " = ?", value);
                    }
                }
                return w;
            }, List.of(), "io.deskport.broker.brokering.SessionQueries", "LISTING");

    static final Endpoint AUDIT = new Endpoint("audit", "/audit", false, false, AUDIT_COLUMNS, "audit_event", "id", Kind.NUMBER,
            sorts("id", "id", Kind.NUMBER, "occurredAt", "occurred_at", Kind.TIME), "-id",
            r -> Where.of("tenant_id = ?", r.tenant()).and("object_type = ?", r.s("objectType")).and("object_id = ?", r.s("objectId"))
                    .and("action = ?", r.s("action")).and("actor_id = ?", r.uuid("actorId"))
                    .between("occurred_at", r.instant("since"), r.instant("until")), List.of(), null, null);

    static final Endpoint TASKS = new Endpoint("provisioning/tasks", "/provisioning/tasks", false, false, TASK_COLUMNS,
            "provisioning_task", "id", Kind.UUID, sorts("createdAt", "created_at", Kind.TIME), "-createdAt", tasks(), List.of(),
            "io.deskport.broker.provisioning.TaskJournal", "LISTING");

    static final Endpoint POOL_TASKS = new Endpoint("pools/{id}/provisioning/tasks", "/pools/{id}/provisioning/tasks", false,
            true, TASK_COLUMNS, "provisioning_task", "id", Kind.UUID, sorts("createdAt", "created_at", Kind.TIME), "-createdAt",
            tasks(), List.of(), null, null);

    static final Endpoint ENTITLEMENTS = new Endpoint("pools/{id}/entitlements", "/pools/{id}/entitlements", false, true,
            ENTITLEMENT_COLUMNS, "entitlement", "id", Kind.UUID,
            sorts("createdAt", "created_at", Kind.TIME), "createdAt",
            r -> Where.of("tenant_id = ? and pool_id = ?", r.tenant(), r.pathPool()).and("user_id = ?", r.uuid("userId"))
                    .and("group_id = ?", r.uuid("groupId")), List.of(), "io.deskport.broker.pools.Entitlements", "LISTING");

    static final List<Endpoint> ALL = List.of(USERS, GROUPS, TENANTS, POOLS, DESKTOPS, POOL_DESKTOPS, SESSION_HOSTS,
            POOL_SESSION_HOSTS, HYPERVISOR_HOSTS, SESSIONS, AUDIT, TASKS, POOL_TASKS, ENTITLEMENTS);

    private Lists() {
    }

    /** The query parameters of a path ({@code ?a=b&c=d}, URL-decoded). */
    static Map<String, String> query(String pathAndQuery) {
        Map<String, String> q = new LinkedHashMap<>();
        int at = pathAndQuery.indexOf('?');
        if (at < 0) {
            return q;
        }
        for (String pair : pathAndQuery.substring(at + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    /**
     * The statements the broker runs for this request, as {@code Listing.page} builds them: the page (with the
     * keyset condition when a cursor is given), the capped count (first pages only), then the endpoint's extras.
     */
    static List<Statement> statements(Endpoint e, UUID tenant, UUID pathPool, String pathAndQuery) {
        Map<String, String> q = query(pathAndQuery);
        Where where = e.where().apply(new Request(tenant, pathPool, q));
        String sortName = q.get("sort") == null || q.get("sort").isBlank() ? e.defaultSort() : q.get("sort").strip();
        boolean descending = sortName.startsWith("-");
        Sort key = e.sorts().get(descending ? sortName.substring(1) : sortName);
        if (key == null) {
            throw new IllegalArgumentException("no sort " + sortName + " on " + e.name());
        }
        int limit = q.get("limit") == null ? 100 : Integer.parseInt(q.get("limit"));
        StringBuilder sql = new StringBuilder("select ").append(e.select()).append(", ").append(key.expression())
                .append(" as keyset_sort_value from ").append(e.from()).append(" where ").append(where.sql());
        List<Object> args = new ArrayList<>(where.params());
        String cursor = q.get("cursor");
        if (cursor != null && !cursor.isBlank()) {
            Object[] after = decode(cursor, key.kind(), e.idKind());
            if (key.expression().equals(e.id())) {
                sql.append(" and ").append(e.id()).append(descending ? " < ?" : " > ?");
                args.add(after[1]);
            } else {
                sql.append(" and (").append(key.expression()).append(", ").append(e.id()).append(descending ? ") < (?, ?)" : ") > (?, ?)");
                args.add(after[0]);
                args.add(after[1]);
            }
        }
        String direction = descending ? " desc" : " asc";
        sql.append(" order by ").append(key.expression()).append(direction).append(", ").append(e.id()).append(direction)
                .append(" limit ?");
        args.add(limit + 1);
        List<Statement> out = new ArrayList<>();
        out.add(new Statement("page", sql.toString(), args));
        if (cursor == null || cursor.isBlank()) {
            out.add(new Statement("count (first page: X-Total-Count)", "select count(*) from (select 1 from " + e.from()
                    + " where " + where.sql() + " limit 10001) counted", where.params()));
        }
        for (Extra x : e.extras()) {
            out.add(new Statement(x.label(), x.sql(), List.of()));
        }
        return out;
    }

    private static Object[] decode(String cursor, Kind kind, Kind idKind) {
        JsonNode a = JSON.readTree(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
        return new Object[] {arrive(kind, a.get(1).asString()), arrive(idKind, a.get(2).asString())};
    }

    private static Object arrive(Kind kind, String value) {
        return switch (kind) {
            case TEXT -> value;
            case TIME -> Instant.parse(value).atOffset(ZoneOffset.UTC);
            case NUMBER -> Long.parseLong(value);
            case UUID -> UUID.fromString(value);
        };
    }

    /**
     * Compares the select, from, id and sort keys reconstructed here with the broker's static listings (by
     * reflection on {@code Listing}'s fields); a difference is printed, as the EXPLAINs would then show a statement
     * the broker no longer runs.
     *
     * @return the differences found (empty when all agree or nothing could be read)
     */
    static List<String> checkAgainstBroker() {
        List<String> differences = new ArrayList<>();
        for (Endpoint e : ALL) {
            if (e.brokerClass() == null) {
                continue;
            }
            try {
                Field f = Class.forName(e.brokerClass()).getDeclaredField(e.brokerField());
                f.setAccessible(true);
                Object listing = f.get(null);
                String select = (String) field(listing, "select");
                String from = (String) field(listing, "from");
                String id = (String) field(listing, "id");
                String defaultSort = (String) field(listing, "defaultSort");
                Map<?, ?> sorts = (Map<?, ?>) field(listing, "sorts");
                if (!select.equals(e.select())) {
                    differences.add(e.name() + ": select is now `" + select + "`");
                }
                if (!from.equals(e.from())) {
                    differences.add(e.name() + ": from is now `" + from + "`");
                }
                if (!id.equals(e.id())) {
                    differences.add(e.name() + ": id is now `" + id + "`");
                }
                if (!defaultSort.equals(e.defaultSort())) {
                    differences.add(e.name() + ": default sort is now " + defaultSort);
                }
                for (var entry : sorts.entrySet()) {
                    Object key = entry.getValue();
                    String expression = (String) key.getClass().getMethod("expression").invoke(key);
                    Sort mine = e.sorts().get((String) entry.getKey());
                    if (mine == null || !mine.expression().equals(expression)) {
                        differences.add(e.name() + ": sort " + entry.getKey() + " is now `" + expression + "`");
                    }
                }
                if (sorts.size() != e.sorts().size()) {
                    differences.add(e.name() + ": sort keys are now " + sorts.keySet());
                }
            } catch (ReflectiveOperationException | RuntimeException ex) {
                differences.add(e.name() + ": could not read " + e.brokerClass() + "." + e.brokerField() + " (" + ex + ")");
            }
        }
        return differences;
    }

    private static Object field(Object o, String name) throws ReflectiveOperationException {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    /** A cursor's values rendered for a report. */
    static String describe(Object v) {
        return v instanceof OffsetDateTime o ? o.toInstant().toString() : String.valueOf(v);
    }
}
