package io.deskport.broker.tenancy;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import io.deskport.broker.shared.AdminActionPerformed;
import io.deskport.broker.shared.AdminContext;
import io.deskport.broker.shared.Ids;
import io.deskport.broker.shared.ProblemException;
import io.deskport.broker.shared.Reason;
import io.deskport.broker.shared.Role;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Bulk onboarding: creates or updates a tenant's users, and adds them to groups, from CSV or a JSON array — ten
 * thousand rows in one request instead of one call per user (and one per membership).
 *
 * <p>The body is read a record at a time; a body that is not CSV or JSON of the expected shape (an unclosed
 * quote, an unknown column, more than {@value #MAX_ROWS} rows) is refused whole and nothing is changed. Every
 * row is then checked by itself (a username, an e-mail address, known roles, a password that
 * {@link PasswordPolicy} accepts); a row that fails is reported with its errors and the others go on. Rows are applied
 * {@value #CHUNK} at a time, each chunk in one transaction of set-based SQL (this is bulk work, not the
 * configuration model's one-at-a-time edits), so ten thousand rows take seconds; should a chunk fail as a whole,
 * its rows are tried one by one so that only the rows at fault are reported failed.
 *
 * <p>A username that exists is updated with the members the row gives (an empty cell or a missing member
 * keeps what is there); a new one is created (roles USER unless given; no password: the account signs in
 * through an identity provider, or after an admin sets one). Groups are named; those that do not exist are
 * created. Memberships are added, never removed. Each created or updated account has its audit line, and
 * disabling, a change of roles or a new password voids the account's earlier tokens, as a single change does.
 * The platform-admin rule holds per row: only platform admins may grant PLATFORM_ADMIN or touch an account that
 * has it.
 */
@Service
class UserImport {

    private static final Logger log = LoggerFactory.getLogger(UserImport.class);

    /** Rows per request at most. */
    static final int MAX_ROWS = 50_000;
    /** Rows per transaction. */
    static final int CHUNK = 500;

    static final List<String> COLUMNS = List.of("username", "displayName", "email", "password", "roles", "enabled",
            "groups");

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,128}");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private final JdbcClient jdbc;
    private final JdbcTemplate batch;
    private final PasswordEncoder passwords;
    private final ApplicationEventPublisher events;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final PasswordPolicy policy;

    UserImport(JdbcClient jdbc, JdbcTemplate batch, PasswordEncoder passwords, ApplicationEventPublisher events,
               PlatformTransactionManager txManager, JsonMapper json, PasswordPolicy policy) {
        this.policy = policy;
        this.jdbc = jdbc;
        this.batch = batch;
        this.passwords = passwords;
        this.events = events;
        this.tx = new TransactionTemplate(txManager);
        this.json = json;
    }

    /**
     * One row as given. Null members were not given (an update keeps them; a new account gets the default).
     *
     * @param number the row's place in the input (1 = the first row of data)
     */
    record Row(int number, String username, String displayName, String email, String password, Set<Role> roles,
               Boolean enabled, List<String> groups, List<Map<String, String>> errors) {
    }

    /** What became of one row. */
    enum Outcome { CREATED, UPDATED, UNCHANGED, FAILED }

    /**
     * @param reason for FAILED rows
     * @param errors for rows that were not valid: each names a field
     */
    record RowResult(int row, String username, Outcome status, UUID id, String reason, String detail,
                     List<Map<String, String>> errors) {
    }

    /** The answer: counts, the groups that were created, and a result per row in the order given. */
    record Result(int rows, int created, int updated, int unchanged, int failed, List<String> groupsCreated,
                  List<RowResult> results) {
    }

    // ---- reading -------------------------------------------------------------------------------------------

    /** Reads CSV with a header line naming {@link #COLUMNS} (any order, any subset that includes username). */
    List<Row> readCsv(InputStream body) {
        CsvRows csv = new CsvRows(new InputStreamReader(body, StandardCharsets.UTF_8));
        try {
            List<String> header = csv.next();
            if (header == null) {
                throw malformed("The CSV has no header line (username,displayName,email,password,roles,enabled,groups)");
            }
            if (!header.isEmpty() && header.getFirst().startsWith("\uFEFF")) {
                header.set(0, header.getFirst().substring(1));
            }
            Map<String, Integer> at = new HashMap<>();
            for (int i = 0; i < header.size(); i++) {
                String name = header.get(i).strip();
                if (!COLUMNS.contains(name)) {
                    throw malformed("The CSV header names an unknown column '" + name + "'; the columns are " + COLUMNS);
                }
                if (at.put(name, i) != null) {
                    throw malformed("The CSV header names '" + name + "' twice");
                }
            }
            if (!at.containsKey("username")) {
                throw malformed("The CSV header must name the username column");
            }
            List<Row> rows = new ArrayList<>();
            for (List<String> next = csv.next(); next != null; next = csv.next()) {
                List<String> record = next;
                if (record.size() != header.size()) {
                    throw malformed("Line " + (csv.line() - 1) + " has " + record.size() + " fields; the header has "
                            + header.size());
                }
                tooMany(rows.size());
                Map<String, String> cells = new HashMap<>();
                at.forEach((name, i) -> {
                    String v = record.get(i).strip();
                    cells.put(name, v.isEmpty() ? null : v);
                });
                rows.add(row(rows.size() + 1, cells.get("username"), cells.get("displayName"), cells.get("email"),
                        cells.get("password"), split(cells.get("roles")), cells.get("enabled"), split(cells.get("groups"))));
            }
            return rows;
        } catch (CsvRows.Malformed e) {
            throw malformed("The CSV is malformed at " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a JSON array of objects with the members of {@link #COLUMNS} (roles and groups as arrays). */
    List<Row> readJson(InputStream body) {
        try (JsonParser p = json.createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                throw malformed("The body must be a JSON array of users");
            }
            List<Row> rows = new ArrayList<>();
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t != JsonToken.START_OBJECT) {
                    throw malformed("Element " + (rows.size() + 1) + " of the array is not an object");
                }
                tooMany(rows.size());
                JsonNode o = p.readValueAsTree();
                List<Map<String, String>> unknown = new ArrayList<>();
                for (String name : o.propertyNames()) {
                    if (!COLUMNS.contains(name)) {
                        unknown.add(error(name, "is not a member of a user row; the members are " + COLUMNS));
                    }
                }
                Row r = row(rows.size() + 1, text(o, "username"), text(o, "displayName"), text(o, "email"),
                        text(o, "password"), list(o, "roles"), text(o, "enabled"), list(o, "groups"));
                if (!unknown.isEmpty()) {
                    List<Map<String, String>> errors = new ArrayList<>(r.errors());
                    errors.addAll(unknown);
                    r = new Row(r.number(), r.username(), r.displayName(), r.email(), r.password(), r.roles(),
                            r.enabled(), r.groups(), errors);
                }
                rows.add(r);
            }
            return rows;
        } catch (JacksonException e) {
            if (e.getCause() instanceof IOException failedRead) {
                throw new UncheckedIOException(failedRead); // the body could not be read (e.g. it grew too large)
            }
            throw malformed("The body is not valid JSON" + (e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"));
        }
    }

    private static String text(JsonNode o, String name) {
        JsonNode v = o.get(name);
        return v == null || v.isNull() ? null : v.isValueNode() ? v.asString().strip() : v.toString();
    }

    private static List<String> list(JsonNode o, String name) {
        JsonNode v = o.get(name);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            return split(v.asString());
        }
        List<String> items = new ArrayList<>();
        v.forEach(x -> items.add(x.asString().strip()));
        return items;
    }

    /** Cells with several values separate them with {@code ;} (a comma would end the CSV field). */
    private static List<String> split(String cell) {
        if (cell == null) {
            return null;
        }
        List<String> items = new ArrayList<>();
        for (String s : cell.split(";")) {
            if (!s.isBlank()) {
                items.add(s.strip());
            }
        }
        return items;
    }

    private static void tooMany(int rows) {
        if (rows >= MAX_ROWS) {
            throw malformed("More than " + MAX_ROWS + " rows; split the import");
        }
    }

    /** A row with its own checks made; errors name the field at fault. */
    private Row row(int number, String username, String displayName, String email, String password,
                           List<String> roleNames, String enabled, List<String> groups) {
        List<Map<String, String>> errors = new ArrayList<>();
        if (username == null) {
            errors.add(error("username", "is required"));
        } else if (!USERNAME.matcher(username).matches()) {
            errors.add(error("username", "letters, digits and . _ @ -, up to 128"));
        }
        if (displayName != null && displayName.length() > 200) {
            errors.add(error("displayName", "size must be between 1 and 200"));
        }
        if (email != null && (email.length() > 320 || !EMAIL.matcher(email).matches())) {
            errors.add(error("email", "must be a well-formed email address"));
        }
        if (password != null) {
            policy.violations(username == null ? "" : username, password).forEach(v -> errors.add(error("password", v)));
        }
        Set<Role> roles = null;
        if (roleNames != null) {
            roles = EnumSet.noneOf(Role.class);
            for (String name : roleNames) {
                try {
                    roles.add(Role.valueOf(name.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    errors.add(error("roles", "'" + name + "' is not a role; roles are " + List.of(Role.values())));
                }
            }
        }
        Boolean on = null;
        if (enabled != null) {
            if (enabled.equalsIgnoreCase("true") || enabled.equalsIgnoreCase("false")) {
                on = Boolean.parseBoolean(enabled);
            } else {
                errors.add(error("enabled", "must be true or false"));
            }
        }
        if (groups != null) {
            if (groups.size() > 50) {
                errors.add(error("groups", "at most 50 groups per row"));
            }
            groups.stream().filter(g -> g.length() > 200).findFirst()
                    .ifPresent(g -> errors.add(error("groups", "a group name is at most 200 characters")));
        }
        return new Row(number, username, displayName, email, password, roles, on, groups, errors);
    }

    private static Map<String, String> error(String field, String message) {
        return Map.of("field", field, "message", message);
    }

    private static ProblemException malformed(String detail) {
        return new ProblemException(Reason.MALFORMED_REQUEST, detail + "; nothing was imported");
    }

    // ---- applying ------------------------------------------------------------------------------------------

    /** Applies the rows; see the class comment. */
    Result apply(AdminContext ctx, List<Row> rows) {
        RowResult[] results = new RowResult[rows.size()];
        Map<String, Integer> firstRowOf = new HashMap<>();
        List<Row> valid = new ArrayList<>();
        for (Row r : rows) {
            if (!r.errors().isEmpty()) {
                results[r.number() - 1] = failed(r, Reason.VALIDATION_FAILED, "The row is not valid", r.errors());
                continue;
            }
            Integer first = firstRowOf.putIfAbsent(r.username(), r.number());
            if (first != null) {
                results[r.number() - 1] = failed(r, Reason.CONFLICT, "The username is on row " + first + " already",
                        List.of(error("username", "appears twice (rows " + first + " and " + r.number() + ")")));
                continue;
            }
            valid.add(r);
        }
        Set<String> groupsCreated = new LinkedHashSet<>();
        for (int from = 0; from < valid.size(); from += CHUNK) {
            List<Row> chunk = valid.subList(from, Math.min(valid.size(), from + CHUNK));
            Map<Row, String> hashes = new HashMap<>();
            chunk.stream().filter(r -> r.password() != null).forEach(r -> hashes.put(r, passwords.encode(r.password())));
            try {
                for (RowResult done : tx.execute(s -> applyChunk(ctx, chunk, hashes, groupsCreated))) {
                    results[done.row() - 1] = done;
                }
            } catch (RuntimeException chunkFailed) {
                log.info("Import of rows {}-{} failed as a whole ({}); trying them one by one", chunk.getFirst().number(),
                        chunk.getLast().number(), chunkFailed.toString());
                for (Row r : chunk) {
                    try {
                        results[r.number() - 1] = tx.execute(s -> applyChunk(ctx, List.of(r), hashes, groupsCreated))
                                .getFirst();
                    } catch (ProblemException e) {
                        results[r.number() - 1] = failed(r, e.reason(), e.getMessage(), List.of());
                    } catch (RuntimeException e) {
                        log.warn("Import of row {} ({}) failed", r.number(), r.username(), e);
                        results[r.number() - 1] = failed(r, Reason.CONFLICT, "The row could not be applied", List.of());
                    }
                }
            }
        }
        int created = 0;
        int updated = 0;
        int unchanged = 0;
        int failed = 0;
        for (RowResult r : results) {
            switch (r.status()) {
                case CREATED -> created++;
                case UPDATED -> updated++;
                case UNCHANGED -> unchanged++;
                case FAILED -> failed++;
            }
        }
        Map<String, Object> summary = Map.of("rows", rows.size(), "created", created, "updated", updated,
                "unchanged", unchanged, "failed", failed, "groupsCreated", List.copyOf(groupsCreated));
        tx.executeWithoutResult(s -> events.publishEvent(new AdminActionPerformed(ctx.tenantId(), ctx.actor(),
                "USERS_IMPORTED", "TENANT", ctx.tenantId().toString(), summary)));
        return new Result(rows.size(), created, updated, unchanged, failed, List.copyOf(groupsCreated), List.of(results));
    }

    private static RowResult failed(Row r, Reason reason, String detail, List<Map<String, String>> errors) {
        return new RowResult(r.number(), r.username(), Outcome.FAILED, null, reason.name(), detail, errors);
    }

    /** An account as it is before the import. */
    private record Existing(UUID id, String displayName, String email, Set<Role> roles, boolean enabled) {
    }

    private List<RowResult> applyChunk(AdminContext ctx, List<Row> chunk, Map<Row, String> hashes,
                                       Set<String> groupsCreated) {
        UUID tenant = ctx.tenantId();
        String[] names = chunk.stream().map(Row::username).toArray(String[]::new);
        Map<String, Existing> existing = new HashMap<>();
        jdbc.sql("select id, username, display_name, email, roles, enabled from app_user "
                        + "where tenant_id = ? and username = any(?) for update")
                .params(tenant, names)
                .query(rs -> {
                    existing.put(rs.getString("username"), new Existing(rs.getObject("id", UUID.class),
                            rs.getString("display_name"), rs.getString("email"),
                            UserDirectory.roles((String[]) rs.getArray("roles").getArray()), rs.getBoolean("enabled")));
                });
        List<RowResult> results = new ArrayList<>();
        List<Object[]> inserts = new ArrayList<>();
        List<Object[]> updates = new ArrayList<>();
        Map<String, List<UUID>> joining = new LinkedHashMap<>();
        boolean platformAdmin = ctx.actor().isPlatformAdmin();
        for (Row r : chunk) {
            Existing e = existing.get(r.username());
            if (!platformAdmin && ((e != null && e.roles().contains(Role.PLATFORM_ADMIN))
                    || (r.roles() != null && r.roles().contains(Role.PLATFORM_ADMIN)))) {
                results.add(failed(r, Reason.FORBIDDEN, "Only platform admins can grant PLATFORM_ADMIN or change an "
                        + "account that has it", List.of()));
                continue;
            }
            String hash = hashes.get(r);
            UUID id;
            Outcome outcome;
            if (e == null) {
                id = Ids.newId();
                Set<Role> roles = r.roles() == null || r.roles().isEmpty() ? Set.of(Role.USER) : r.roles();
                inserts.add(new Object[] {id, tenant, r.username(), r.displayName() == null ? r.username() : r.displayName(),
                        r.email(), hash, roleArray(roles), r.enabled() == null || r.enabled()});
                outcome = Outcome.CREATED;
                events.publishEvent(new AdminActionPerformed(tenant, ctx.actor(), "USER_CREATED", "USER", id.toString(),
                        Map.of("username", r.username(), "roles", roleNames(roles), "via", "import")));
            } else {
                id = e.id();
                String displayName = r.displayName() == null ? e.displayName() : r.displayName();
                String email = r.email() == null ? e.email() : r.email();
                Set<Role> roles = r.roles() == null || r.roles().isEmpty() ? e.roles() : r.roles();
                boolean enabled = r.enabled() == null ? e.enabled() : r.enabled();
                boolean changed = !displayName.equals(e.displayName()) || !java.util.Objects.equals(email, e.email())
                        || !roles.equals(e.roles()) || enabled != e.enabled() || hash != null;
                if (changed) {
                    updates.add(new Object[] {displayName, email, hash, roleArray(roles), enabled, id});
                    Map<String, Object> details = new LinkedHashMap<>();
                    details.put("displayName", displayName);
                    details.put("email", email);
                    details.put("passwordChanged", hash != null);
                    details.put("roles", roleNames(roles));
                    details.put("enabled", enabled);
                    details.put("via", "import");
                    events.publishEvent(new AdminActionPerformed(tenant, ctx.actor(), "USER_UPDATED", "USER",
                            id.toString(), details));
                    boolean disabled = e.enabled() && !enabled;
                    boolean rolesChanged = !roles.equals(e.roles());
                    if (disabled || rolesChanged || hash != null) {
                        events.publishEvent(new UserAccessChanged(tenant, id, disabled ? "DISABLED"
                                : rolesChanged ? "ROLES_CHANGED" : "PASSWORD_RESET", disabled));
                    }
                }
                outcome = changed ? Outcome.UPDATED : Outcome.UNCHANGED;
            }
            if (r.groups() != null) {
                r.groups().forEach(g -> joining.computeIfAbsent(g, k -> new ArrayList<>()).add(id));
            }
            results.add(new RowResult(r.number(), r.username(), outcome, id, null, null, List.of()));
        }
        batch.batchUpdate("insert into app_user (id, tenant_id, username, display_name, email, password_hash, roles, "
                + "enabled) values (?, ?, ?, ?, ?, ?, ?, ?)", inserts);
        batch.batchUpdate("update app_user set display_name = ?, email = ?, password_hash = coalesce(?, password_hash), "
                + "roles = ?, enabled = ?, updated_at = now(), version = version + 1 where id = ?", updates);
        if (!joining.isEmpty()) {
            addMemberships(ctx, joining, groupsCreated);
        }
        return results;
    }

    private void addMemberships(AdminContext ctx, Map<String, List<UUID>> joining, Set<String> groupsCreated) {
        UUID tenant = ctx.tenantId();
        String[] names = joining.keySet().toArray(String[]::new);
        Map<String, UUID> groupIds = new HashMap<>();
        jdbc.sql("select id, name from user_group where tenant_id = ? and name = any(?)").params(tenant, names)
                .query(rs -> {
                    groupIds.put(rs.getString("name"), rs.getObject("id", UUID.class));
                });
        for (String name : names) {
            if (!groupIds.containsKey(name)) {
                UUID id = Ids.newId();
                jdbc.sql("insert into user_group (id, tenant_id, name, description) values (?, ?, ?, '')")
                        .params(id, tenant, name).update();
                groupIds.put(name, id);
                groupsCreated.add(name);
                events.publishEvent(new AdminActionPerformed(tenant, ctx.actor(), "GROUP_CREATED", "GROUP",
                        id.toString(), Map.of("name", name, "via", "import")));
            }
        }
        List<Object[]> members = new ArrayList<>();
        joining.forEach((name, users) -> users.forEach(u -> members.add(new Object[] {tenant, groupIds.get(name), u})));
        int[][] added = batch.batchUpdate("insert into group_member (tenant_id, group_id, user_id) values (?, ?, ?) "
                + "on conflict do nothing", members, members.size(), (ps, m) -> {
                    ps.setObject(1, m[0]);
                    ps.setObject(2, m[1]);
                    ps.setObject(3, m[2]);
                });
        Set<UUID> grown = new HashSet<>();
        int i = 0;
        for (int[] counts : added) {
            for (int n : counts) {
                Object[] m = members.get(i++);
                if (n > 0) {
                    grown.add((UUID) m[1]);
                    events.publishEvent(new AdminActionPerformed(tenant, ctx.actor(), "GROUP_MEMBER_ADDED", "GROUP",
                            m[1].toString(), Map.of("userId", m[2].toString(), "via", "import")));
                }
            }
        }
        if (!grown.isEmpty()) {
            // a membership change moves the group's version, as a single change does
            jdbc.sql("update user_group set version = version + 1 where id = any(?)").param(grown.toArray(UUID[]::new))
                    .update();
        }
    }

    private static String[] roleArray(Set<Role> roles) {
        return roles.stream().map(Enum::name).sorted().toArray(String[]::new);
    }

    private static List<String> roleNames(Set<Role> roles) {
        return roles.stream().map(Enum::name).sorted().toList();
    }
}
