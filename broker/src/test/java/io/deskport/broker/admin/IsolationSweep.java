package io.deskport.broker.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.deskport.broker.provisioning.ProvisioningProperties;
import io.deskport.broker.shared.Role;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.EventStream;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;

/**
 * The tenant-isolation sweep of {@link TenantIsolationTest} (local callers) and {@link KeycloakTenantIsolationTest}
 * (callers with Keycloak's tokens, service accounts among them): every operation of the API as the OpenAPI document
 * lists it, called with tenant B's objects in its path and body references (and, where it names more than one
 * object, with each one of B's among tenant A's own) by each caller of A. None of them gets B's data — the answer is
 * a refusal, and no id or name of B's appears in any answer — and each is refused what its role (and a service
 * account's scopes: 403 {@code SCOPE_INSUFFICIENT}) may not do, and a service account is never refused for its
 * scopes what they allow.
 *
 * <p>An operation the sweep does not know how to call (a new path, a path parameter it cannot fill, a request body
 * it has no example of) is reported: a new endpoint must be taught here, and so gets checked.
 */
final class IsolationSweep {

    private IsolationSweep() {
    }

    static final Pattern PARAM = Pattern.compile("\\{([A-Za-z]+)}");
    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");

    /** Every path this test knows; a path of the OpenAPI document that is not here fails the test. */
    private static final Set<String> KNOWN_PATHS = Set.of("/api/v1/auth/login", "/api/v1/auth/logout", "/api/v1/me",
            "/api/v1/me/password",
            "/api/v1/pools", "/api/v1/pools/{poolId}/connect", "/api/v1/sessions", "/api/v1/sessions/{id}",
            "/api/v1/sessions/{id}/tunnel", "/api/v1/sessions/{id}/disconnect", "/api/v1/sessions/{id}/logoff",
            "/api/v1/admin/users", "/api/v1/admin/users/{id}", "/api/v1/admin/groups", "/api/v1/admin/groups/{id}",
            "/api/v1/admin/groups/{id}/members/{userId}", "/api/v1/admin/tenants", "/api/v1/admin/tenants/{id}",
            "/api/v1/admin/tenants/onboard", "/api/v1/admin/tenants/{id}/offboard", "/api/v1/admin/tenants/{id}/reactivate",
            "/api/v1/admin/audit", "/api/v1/admin/sessions", "/api/v1/admin/sessions/{id}",
            "/api/v1/admin/sessions/{id}/disconnect", "/api/v1/admin/sessions/{id}/logoff",
            "/api/v1/admin/sessions/{id}/shadow", "/api/v1/admin/sessions/{sessionId}/recordings",
            "/api/v1/admin/sessions/{sessionId}/recordings/{name}",
            "/api/v1/admin/pools", "/api/v1/admin/pools/{id}", "/api/v1/admin/pools/{id}/entitlements",
            // a whole pool's setup names B's objects in its body (refused: and no pool of A's is left half-made,
            // PoolSetupTest); what disabling or removing one of B's would do
            "/api/v1/admin/pools/setup", "/api/v1/admin/pools/{id}/impact", "/api/v1/admin/images",
            "/api/v1/admin/pools/{id}/entitlements/{entitlementId}", "/api/v1/admin/pools/{id}/desktops",
            "/api/v1/admin/desktops", "/api/v1/admin/session-hosts", "/api/v1/admin/users/import",
            "/api/v1/admin/sessions/bulk", "/api/v1/admin/session-hosts/bulk", "/api/v1/admin/desktops/bulk",
            "/api/v1/admin/groups/{id}/members", "/api/v1/admin/users/{id}/pools", "/api/v1/admin/groups/{id}/pools",
            "/api/v1/admin/desktops/{id}", "/api/v1/admin/desktops/{id}/state", "/api/v1/admin/desktops/{id}/assignment",
            "/api/v1/admin/pools/{poolId}/session-hosts", "/api/v1/admin/pools/{poolId}/session-hosts/enrolments",
            "/api/v1/admin/session-hosts/{id}/enrolment-token", "/api/v1/admin/session-hosts/{id}/revoke",
            "/api/v1/admin/pools/{poolId}/session-settings", "/api/v1/admin/session-hosts/{id}",
            "/api/v1/admin/session-hosts/{id}/drain", "/api/v1/admin/session-hosts/{id}/resume",
            // powering a host off and waking it (B's: 404), and the agent's word before it powers off (its own host)
            "/api/v1/admin/session-hosts/{id}/power", "/api/v1/admin/session-hosts/{id}/power-off",
            "/api/v1/admin/session-hosts/{id}/wake", "/api/v1/agent/power",
            "/api/v1/agent/enrol", "/api/v1/agent/heartbeat", "/api/v1/agent/commands", "/api/v1/agent/commands/{id}/ack",
            "/api/v1/agent/sessions/{sessionId}/report", "/api/v1/admin/pools/{poolId}/provisioning",
            "/api/v1/admin/pools/{poolId}/images", "/api/v1/admin/pools/{poolId}/images/{imageId}/current",
            "/api/v1/admin/pools/{poolId}/provisioning/rollback",
            "/api/v1/admin/pools/{poolId}/provisioning/update-persistent-desktops",
            "/api/v1/admin/pools/{poolId}/provisioning/tasks", "/api/v1/admin/provisioning/tasks",
            "/api/v1/admin/provisioning/discrepancies", "/api/v1/admin/desktops/{id}/provisioning",
            "/api/v1/admin/hypervisor-hosts", "/api/v1/admin/hypervisor-hosts/{id}",
            // snapshots of persistent desktops: a user's own (by pool), an admin's (by desktop), a pool's policy
            "/api/v1/pools/{poolId}/snapshots", "/api/v1/pools/{poolId}/snapshots/{snapshotId}",
            "/api/v1/pools/{poolId}/snapshots/{snapshotId}/restore", "/api/v1/admin/desktops/{id}/snapshots",
            "/api/v1/admin/desktops/{id}/snapshots/{snapshotId}", "/api/v1/admin/desktops/{id}/snapshots/{snapshotId}/restore",
            "/api/v1/admin/pools/{poolId}/snapshot-policy",
            "/api/v1/admin/hypervisor-hosts/{id}/maintenance", "/api/v1/admin/hypervisor-hosts/{id}/quarantine",
            // a host's drain names every tenant's desktops: platform admins only
            "/api/v1/admin/hypervisor-hosts/{id}/drain",
            "/api/v1/admin/licence-products", "/api/v1/admin/licence-products/{id}",
            "/api/v1/admin/licence-products/{id}/licences", "/api/v1/admin/licence-products/{id}/licences/{licenceId}",
            "/api/v1/admin/licence-products/{id}/seats", "/api/v1/admin/licence-products/{id}/seats/{seatId}",
            "/api/v1/admin/licence-products/{id}/pools",
            "/api/v1/admin/pools/{poolId}/licence-products", "/api/v1/admin/pools/{poolId}/licence-products/{productId}",
            // the licence reports name a product in the query (another tenant's: 404, LicenceReportsTest)
            "/api/v1/admin/licence-reports/usage", "/api/v1/admin/licence-reports/peaks",
            "/api/v1/admin/licence-reports/holders", "/api/v1/admin/licence-reports/overuse",
            "/api/v1/admin/licence-reports/expiring",
            // the usage export: the caller's tenant only (B's admin's rows are rolled up before the sweep)
            "/api/v1/usage/events", "/api/v1/usage/rollups",
            "/api/v1/admin/webhooks", "/api/v1/admin/webhooks/{id}", "/api/v1/admin/webhooks/{id}/rotate-secret",
            "/api/v1/admin/webhooks/{id}/attempts", "/api/v1/admin/webhooks/{id}/replay",
            "/api/v1/admin/platform-webhooks", "/api/v1/admin/platform-webhooks/{id}",
            "/api/v1/admin/platform-webhooks/{id}/rotate-secret", "/api/v1/admin/platform-webhooks/{id}/attempts",
            "/api/v1/admin/platform-webhooks/{id}/replay",
            // service accounts (B's: 404; the scopes of service accounts never allow these) and the open token,
            // and back-channel logout endpoints (bad credentials, a logout token that is none: refused)
            "/api/v1/admin/service-accounts", "/api/v1/admin/service-accounts/{id}",
            "/api/v1/admin/service-accounts/{id}/rotate-secret", "/api/v1/auth/token",
            "/api/v1/auth/oidc/backchannel-logout", "/api/v1/auth/providers",
            // the dashboard and its event stream: the caller's tenant only (the stream is read up to its first event)
            "/api/v1/admin/dashboard", "/api/v1/admin/dashboard/stream",
            // published applications: the admin API, the users' list and launch (B's: 404)
            "/api/v1/admin/pools/{poolId}/applications", "/api/v1/admin/applications/{id}", "/api/v1/applications",
            "/api/v1/applications/{applicationId}/launch",
            // capacity: a pool's demand settings (B's pool: 404), the tenant's holidays (a date names the caller's own
            // holiday: B's on the same date stays), the cost report (the caller's tenant only)
            "/api/v1/admin/pools/{poolId}/provisioning/capacity", "/api/v1/admin/capacity/holidays",
            "/api/v1/admin/capacity/holidays/{day}", "/api/v1/usage/cost",
            "/error");

    /** The date both tenants name a holiday (each its own). */
    private static final String HOLIDAY = "2031-12-25";

    /** One tenant's objects, by the kind of id an operation names. */
    record Objects(Map<String, String> ids) {

        String id(String kind) {
            return ids.get(kind);
        }
    }

    /**
     * Who calls: a person of a role, an agent, anonymous (no role), or a service account ({@code scopes} not null:
     * what its token may use; its role that of its account, a tenant's admin).
     */
    record Caller(String name, Api api, Role role, boolean agent, boolean namesOtherTenant, Set<String> scopes) {

        Caller(String name, Api api, Role role, boolean agent, boolean namesOtherTenant) {
            this(name, api, role, agent, namesOtherTenant, null);
        }

        static Caller serviceAccount(String name, Api api, Set<String> scopes, boolean namesOtherTenant) {
            return new Caller(name, api, Role.TENANT_ADMIN, false, namesOtherTenant, Set.copyOf(scopes));
        }

        boolean serviceAccount() {
            return scopes != null;
        }
    }

    /** What a sweep found. */
    record Result(int pairs, int operations, List<String> unknown, List<String> failures) {
    }

    /** What one call refers to: each kind of object from tenant A or B. */
    private record Variant(Map<String, Boolean> fromB) {

        /** Kinds that are nobody's (platform objects, made-up names): the same in A's and B's calls. */
        static final Set<String> NEUTRAL = Set.of("hypervisorHost", "command", "recording", "platformWebhook", "day");

        boolean any() {
            return fromB.entrySet().stream().anyMatch(e -> e.getValue() && !NEUTRAL.contains(e.getKey()));
        }

        boolean onlyImageFile() {
            return fromB.entrySet().stream().filter(e -> e.getValue() && !NEUTRAL.contains(e.getKey()))
                    .allMatch(e -> e.getKey().equals("imageFile"));
        }
    }

    /**
     * Every operation of the API document, with B's objects in its path and body (and each one of B's among A's own),
     * by every caller; each answer checked for B's data and against the refusal the caller must get.
     *
     * @param a the objects of the callers' tenant
     * @param b the objects of another tenant
     */
    static Result run(Api anonymous, List<Caller> callers, Objects a, Objects b, Set<String> secretsOfB) {
        JsonNode paths = check(anonymous.get("/v3/api-docs"), 200).body().get("paths");
        List<String> unknown = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String[]> operations = new ArrayList<>();
        for (Map.Entry<String, JsonNode> path : paths.properties()) {
            for (Map.Entry<String, JsonNode> op : path.getValue().properties()) {
                if (METHODS.contains(op.getKey())) {
                    operations.add(new String[] {op.getKey().toUpperCase(), path.getKey()});
                }
            }
        }
        // signing out last: it may end the caller's token
        operations.sort((x, y) -> Boolean.compare(x[1].endsWith("/auth/logout"), y[1].endsWith("/auth/logout")));
        int pairs = 0;
        for (String[] op : operations) {
            String method = op[0];
            String template = op[1];
            if (!KNOWN_PATHS.contains(template)) {
                unknown.add(method + " " + template + ": a path this test does not know");
                continue;
            }
            List<String> kinds = kindsOf(method, template);
            if (kinds == null) {
                unknown.add(method + " " + template + ": a path parameter this test cannot fill");
                continue;
            }
            String bodyTemplate = bodyOf(method, template);
            if (bodyTemplate == null && needsBody(paths.get(template).get(op[0].toLowerCase()))) {
                unknown.add(method + " " + template + ": a request body this test has no example of");
                continue;
            }
            List<String> allKinds = new ArrayList<>(kinds);
            if (bodyTemplate != null) {
                Matcher m = PARAM.matcher(bodyTemplate);
                while (m.find()) {
                    if (!allKinds.contains(m.group(1))) {
                        allKinds.add(m.group(1));
                    }
                }
            }
            for (Variant v : variants(allKinds)) {
                for (Caller c : callers) {
                    pairs++;
                    String uri = fillPath(method, template, v, a, b) + query(method, template);
                    String body = bodyTemplate == null ? null : fillBody(bodyTemplate, v, a, b);
                    Api.Response r = call(c.api(), method, template, uri, body);
                    String what = c.name() + " " + method + " " + uri + (body == null ? "" : " " + body) + " → "
                            + r.status() + " " + r.raw();
                    String sent = uri + " " + body;
                    for (String secret : secretsOfB) {
                        // what the caller sent may be echoed (the problem's instance, "User … does not exist")
                        if (r.raw() != null && !sent.contains(secret) && r.raw().contains(secret)) {
                            failures.add("B's data (" + secret + ") in the answer to " + what);
                        }
                    }
                    String refusal = expectedRefusal(c, method, template, v.any());
                    if (!SCOPE_REFUSAL.equals(refusal) && v.any() && v.onlyImageFile() && c.role() == Role.TENANT_ADMIN
                            && !c.namesOtherTenant()) {
                        refusal = "400"; // a file in B's image directory: refused as outside A's (VALIDATION_FAILED)
                    }
                    if (refusal != null && !refusal.contains(String.valueOf(r.status()))) {
                        failures.add("expected " + refusal + ": " + what);
                    } else if (refusal != null && refusal.equals(SCOPE_REFUSAL) && !"SCOPE_INSUFFICIENT".equals(r.reason())) {
                        failures.add("expected " + refusal + ": " + what);
                    } else if (c.serviceAccount() && !SCOPE_REFUSAL.equals(refusal) && "SCOPE_INSUFFICIENT".equals(r.reason())) {
                        failures.add("refused for its scopes " + c.scopes() + " an operation they allow: " + what);
                    }
                }
            }
        }
        return new Result(pairs, operations.size(), unknown, failures);
    }

    /**
     * The statuses a caller must get, or null when the call may succeed (nothing of B's is named and the
     * role may do it; the answer is still checked for B's data).
     */
    private static String expectedRefusal(Caller c, String method, String template, boolean namesB) {
        boolean agentApi = template.startsWith("/api/v1/agent/");
        if (c.serviceAccount()) {
            if (agentApi) {
                return "401"; // agents' credentials only
            }
            String needed = scopeNeeded(method, template);
            if (needed == null || !c.scopes().contains(needed)) {
                return SCOPE_REFUSAL;
            }
            // within its scopes, the rules of its role: a tenant's admin
        }
        if (template.equals("/api/v1/auth/token") || template.equals("/api/v1/auth/oidc/backchannel-logout")) {
            // B's client with a wrong secret (throttled after a few); a logout token that is not one
            return "400 401 429";
        }
        boolean open = template.equals("/api/v1/auth/login") || template.equals("/api/v1/auth/logout")
                || template.equals("/api/v1/auth/providers")
                || template.equals("/api/v1/agent/enrol") || template.startsWith("/v3/api-docs") || template.equals("/error");
        if (template.equals("/api/v1/auth/login")) {
            // B's tenant and username with a wrong password; after a few, the account is locked for a moment
            return "401 429";
        }
        if (template.equals("/api/v1/me/password")) {
            // the caller's own account only, with a wrong current password (a right one would end the caller's
            // token): refused in words, or throttled after a few; no user token, no change at all
            // a Keycloak user's password is Keycloak's: 409 INVALID_STATE in words
            return c.role() == null || c.agent() ? "401" : c.name().contains("(Keycloak)") || c.name().contains("(its own realm)") ? "409"
                    : "400 429";
        }
        if (template.equals("/api/v1/agent/enrol")) {
            return "400 401 403 404"; // an enrolment token that is not one
        }
        if (open) {
            return null;
        }
        if (c.role() == null && !c.agent()) {
            return "401";
        }
        if (c.agent() != agentApi) {
            return "401"; // agents' credentials only on the agent API, users' tokens never there
        }
        if (c.agent()) {
            return namesB ? "200 204 403 404" : null; // about a session the host does not have: known=false
        }
        boolean admin = template.startsWith("/api/v1/admin/") || template.startsWith("/api/v1/usage/");
        if (admin && c.namesOtherTenant()) {
            return "403";
        }
        if (admin && !roleMayCall(c.role(), method, template)) {
            return "403";
        }
        if (namesB && (template.endsWith("/bulk") || template.endsWith("/members"))) {
            // a result per object: B's are NOT_FOUND among them (a group of B's in the path: 404); B's state is
            // checked unchanged at the end
            return "200 404";
        }
        if (namesB && template.equals("/api/v1/admin/users/import")) {
            // rows name usernames, which are looked up in the caller's own tenant only (B's "user" is A's "user")
            return "200";
        }
        return namesB ? "403 404" : null;
    }

    /** A refusal for the service account's scopes: 403 with the reason SCOPE_INSUFFICIENT. */
    static final String SCOPE_REFUSAL = "403 SCOPE_INSUFFICIENT";

    /**
     * The scope a service account needs for an operation, as the README states it: {@code usage:read} reads usage,
     * {@code admin:read} reads the admin API, {@code admin:write} changes it, {@code sessions:write} disconnects and
     * logs off sessions; null when no scope allows it (its own kind's accounts, tenants, watching a session's screen,
     * everything outside the usage and admin APIs).
     */
    static String scopeNeeded(String method, String template) {
        boolean read = method.equals("GET");
        if (template.startsWith("/api/v1/usage/")) {
            return read ? "usage:read" : null;
        }
        if (template.startsWith("/api/v1/admin/service-accounts") || template.startsWith("/api/v1/admin/tenants") && !read
                || template.endsWith("/shadow")) {
            return null;
        }
        if (template.startsWith("/api/v1/admin/sessions") && method.equals("POST")) {
            return "sessions:write";
        }
        if (template.startsWith("/api/v1/admin/")) {
            return read ? "admin:read" : "admin:write";
        }
        return null;
    }

    /** The HTTP role rules, as the README states them. */
    private static boolean roleMayCall(Role role, String method, String template) {
        if (template.startsWith("/api/v1/admin/tenants") || template.startsWith("/api/v1/admin/platform-webhooks")) {
            return role == Role.PLATFORM_ADMIN;
        }
        if (role == Role.TENANT_ADMIN) {
            return !template.startsWith("/api/v1/admin/hypervisor-hosts")
                    || (method.equals("GET") && !template.endsWith("/drain"));
        }
        if (role == Role.HELPDESK) {
            if (method.equals("POST") && template.matches("/api/v1/admin/sessions/(\\{[a-zA-Z]+}/(disconnect|logoff|shadow)|bulk)")) {
                return true;
            }
            return method.equals("GET") && template.matches(
                    "/api/v1/admin/(sessions|audit|users|groups|pools|desktops|session-hosts|dashboard)(/.*)?");
        }
        return false;
    }

    /** The kinds of object the path names, in order; null when a parameter is not known to this test. */
    private static List<String> kindsOf(String method, String template) {
        List<String> kinds = new ArrayList<>();
        Matcher m = PARAM.matcher(template);
        while (m.find()) {
            String before = template.substring(0, m.start());
            String segment = before.substring(before.lastIndexOf('/', before.length() - 2) + 1, before.length() - 1);
            String kind = switch (segment + "/" + m.group(1)) {
                case "users/id", "members/userId" -> "user";
                case "groups/id" -> "group";
                case "pools/id", "pools/poolId" -> template.contains("/desktops") && method.equals("POST")
                        || template.contains("/snapshot") ? "persistentPool"
                        : template.contains("session-") || template.contains("/applications") ? "sharedPool" : "pool";
                case "applications/id", "applications/applicationId" -> "application";
                case "entitlements/entitlementId" -> "entitlement";
                case "desktops/id" -> "desktop";
                case "snapshots/snapshotId" -> "snapshot";
                case "images/imageId" -> "image";
                case "session-hosts/id" -> template.contains("enrolment-token") || template.contains("revoke")
                        ? "agentHost" : "sessionHost";
                case "sessions/id", "sessions/sessionId" -> "session";
                case "recordings/name" -> "recording";
                case "tenants/id" -> "tenant";
                case "hypervisor-hosts/id" -> "hypervisorHost";
                case "commands/id" -> "command";
                case "licence-products/id", "licence-products/productId" -> "licenceProduct";
                case "licences/licenceId" -> "licence";
                case "seats/seatId" -> "seat";
                case "webhooks/id" -> "webhook";
                case "platform-webhooks/id" -> "platformWebhook";
                case "service-accounts/id" -> "serviceAccount";
                case "holidays/day" -> "day";
                default -> null;
            };
            if (kind == null) {
                return null;
            }
            kinds.add(kind);
        }
        return kinds;
    }

    /** A valid body for each operation that takes one, naming objects by {kind}. */
    private static String bodyOf(String method, String template) {
        return switch (method + " " + template) {
            case "POST /api/v1/auth/login" -> "{\"tenant\":\"{tenantSlug}\",\"username\":\"{username}\","
                    + "\"password\":\"not-the-password\"}";
            // a wrong current password: refused (400) for every signed-in caller, and nobody's password changes
            case "POST /api/v1/me/password" -> json("currentPassword", "not-the-password", "newPassword", "another-password-1");
            case "POST /api/v1/admin/users" -> json("username", "new-" + UUID.randomUUID(), "password", TestTenant.PASSWORD,
                    "roles", new Api.RawJson("[\"USER\"]"));
            case "PATCH /api/v1/admin/users/{id}" -> json("displayName", "Renamed");
            case "POST /api/v1/admin/groups" -> json("name", "group-" + UUID.randomUUID());
            case "POST /api/v1/admin/groups/{id}/members" -> "{\"userIds\":[\"{user}\"]}";
            case "POST /api/v1/admin/users/import" -> "[{\"username\":\"{username}\",\"displayName\":\"Imported\"}]";
            case "POST /api/v1/admin/sessions/bulk" -> "{\"action\":\"DISCONNECT\",\"ids\":[\"{session}\"]}";
            case "POST /api/v1/admin/session-hosts/bulk" -> "{\"action\":\"DRAIN\",\"ids\":[\"{sessionHost}\"]}";
            case "POST /api/v1/admin/desktops/bulk" -> "{\"action\":\"REFRESH\",\"ids\":[\"{desktop}\"]}";
            case "PATCH /api/v1/admin/groups/{id}" -> json("description", "changed");
            case "POST /api/v1/admin/tenants" -> json("slug", "t" + Long.toHexString(System.nanoTime()), "name", "New",
                    "maxConcurrentSessions", 1, "maxDesktops", 1);
            case "PATCH /api/v1/admin/tenants/{id}" -> json("maxDesktops", 0);
            case "POST /api/v1/admin/pools" -> json("name", "pool-" + UUID.randomUUID(), "kind", "POOLED");
            case "PATCH /api/v1/admin/pools/{id}" -> json("enabled", false);
            case "POST /api/v1/admin/pools/setup" -> "{\"pool\":{\"name\":\"setup-" + UUID.randomUUID()
                    + "\",\"kind\":\"POOLED\"},\"provisioning\":{\"minSize\":0,\"maxSize\":1},"
                    + "\"image\":{\"copyOf\":\"{image}\"},\"licenceProductIds\":[\"{licenceProduct}\"],"
                    + "\"entitlements\":{\"userIds\":[\"{user}\"],\"groupIds\":[\"{group}\"]}}";
            case "POST /api/v1/admin/pools/{id}/entitlements" -> "{\"userId\":\"{user}\"}";
            case "POST /api/v1/admin/pools/{id}/desktops" -> "{\"name\":\"new\",\"consoleHost\":\"10.9.9.9\","
                    + "\"consolePort\":5900,\"assignedUserId\":\"{user}\"}";
            case "POST /api/v1/admin/desktops/{id}/state" -> json("state", "MAINTENANCE");
            case "PUT /api/v1/admin/desktops/{id}/assignment" -> "{\"userId\":\"{user}\"}";
            case "POST /api/v1/admin/pools/{poolId}/session-hosts" -> json("name", "new-host", "maxSessions", 2,
                    "consoleHost", "10.9.9.8", "consolePort", 5999);
            case "POST /api/v1/admin/pools/{poolId}/session-hosts/enrolments" -> json("name", "new-agent-host");
            case "PUT /api/v1/admin/pools/{poolId}/session-settings" -> json("desktopCommand", "xterm");
            case "POST /api/v1/admin/pools/{poolId}/applications" -> json("name", "app-" + UUID.randomUUID(), "command", "xterm");
            case "PUT /api/v1/admin/applications/{id}" -> json("name", "Renamed", "command", "xterm");
            case "PATCH /api/v1/admin/session-hosts/{id}" -> json("maxSessions", 1);
            case "PUT /api/v1/admin/session-hosts/{id}/power" -> json("managed", true, "wakeMac", "52:54:00:aa:bb:cc");
            case "PUT /api/v1/admin/pools/{poolId}/provisioning" -> json("maxSize", 1);
            case "PUT /api/v1/admin/pools/{poolId}/provisioning/capacity" -> json("mode", "DEMAND", "floor", 1, "cap", 2);
            case "PUT /api/v1/admin/capacity/holidays/{day}" -> json("label", "Renamed holiday");
            case "POST /api/v1/admin/pools/{poolId}/images" -> "{\"label\":\"v9\",\"goldenDiskPath\":\"{imageFile}\","
                    + "\"makeCurrent\":false}";
            case "POST /api/v1/admin/hypervisor-hosts" -> json("name", "hv-" + Long.toHexString(System.nanoTime()),
                    "driverId", "simulated");
            case "PATCH /api/v1/admin/hypervisor-hosts/{id}" -> json("cpuTotal", 1);
            case "POST /api/v1/pools/{poolId}/snapshots", "POST /api/v1/admin/desktops/{id}/snapshots" -> json("label", "sweep");
            // confirmed: B's snapshot must be not found, never restored (A's own desktop is not a provisioned one: refused)
            case "POST /api/v1/pools/{poolId}/snapshots/{snapshotId}/restore",
                 "POST /api/v1/admin/desktops/{id}/snapshots/{snapshotId}/restore" -> json("confirm", true);
            case "PUT /api/v1/admin/pools/{poolId}/snapshot-policy" -> json("keep", 3);
            case "POST /api/v1/admin/licence-products" -> json("name", "licence-" + UUID.randomUUID(), "model", "NAMED_USER");
            case "PATCH /api/v1/admin/licence-products/{id}" -> json("vendor", "changed");
            case "POST /api/v1/admin/licence-products/{id}/licences" -> json("seats", 1, "enforcement", "HARD",
                    "validFrom", "2001-01-01T00:00:00Z", "validUntil", "2001-02-01T00:00:00Z");
            case "PATCH /api/v1/admin/licence-products/{id}/licences/{licenceId}" -> json("reference", "changed");
            case "POST /api/v1/admin/webhooks", "POST /api/v1/admin/platform-webhooks" -> json("url",
                    "https://203.0.113.10/hook", "enabled", false);
            case "PATCH /api/v1/admin/webhooks/{id}", "PATCH /api/v1/admin/platform-webhooks/{id}" -> json("description",
                    "changed");
            case "POST /api/v1/admin/webhooks/{id}/rotate-secret", "POST /api/v1/admin/platform-webhooks/{id}/rotate-secret" ->
                    json("previousSecretValidFor", "PT0S");
            case "POST /api/v1/admin/webhooks/{id}/replay", "POST /api/v1/admin/platform-webhooks/{id}/replay" ->
                    json("from", "2001-01-01T00:00:00Z");
            case "POST /api/v1/admin/tenants/onboard" -> json("slug", "t" + Long.toHexString(System.nanoTime()), "name",
                    "New", "maxConcurrentSessions", 1, "maxDesktops", 1, "firstAdmin",
                    new Api.RawJson(json("username", "first")));
            case "POST /api/v1/agent/enrol" -> json("token", "not-an-enrolment-token");
            case "POST /api/v1/admin/service-accounts" -> json("name", "service-" + UUID.randomUUID(), "scopes",
                    new Api.RawJson("[\"usage:read\"]"));
            case "PATCH /api/v1/admin/service-accounts/{id}" -> json("name", "Renamed");
            // form bodies (call() sends them as such): B's client with a wrong secret; a logout token that is none
            case "POST /api/v1/auth/token" -> "grant_type=client_credentials&client_id={serviceAccountClient}"
                    + "&client_secret=not-the-secret";
            case "POST /api/v1/auth/oidc/backchannel-logout" -> "logout_token=not-a-logout-token";
            case "POST /api/v1/agent/heartbeat" -> json("sessionCount", 0, "sessions", new Api.RawJson("[]"));
            case "POST /api/v1/agent/sessions/{sessionId}/report" -> json("state", "ENDED", "detail", "gone");
            case "POST /api/v1/agent/power" -> json("state", "REFUSED", "detail", "the sweep asks");
            default -> null;
        };
    }

    private static boolean needsBody(JsonNode operation) {
        return operation.has("requestBody");
    }

    private static String query(String method, String template) {
        return template.equals("/api/v1/agent/commands") ? "?waitMillis=0" : "";
    }

    /** Every reference from B, and — where there are several — each one from B among A's own. */
    private static List<Variant> variants(List<String> kinds) {
        List<Variant> list = new ArrayList<>();
        Map<String, Boolean> allB = new LinkedHashMap<>();
        kinds.forEach(k -> allB.put(k, true));
        list.add(new Variant(allB));
        if (kinds.size() > 1) {
            for (String k : kinds) {
                Map<String, Boolean> one = new LinkedHashMap<>();
                kinds.forEach(x -> one.put(x, x.equals(k)));
                list.add(new Variant(one));
            }
        }
        return list;
    }

    private static String fillPath(String method, String template, Variant v, Objects a, Objects b) {
        List<String> kinds = kindsOf(method, template);
        Matcher m = PARAM.matcher(template);
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (m.find()) {
            String kind = kinds.get(i++);
            m.appendReplacement(sb, Matcher.quoteReplacement((v.fromB().get(kind) ? b : a).id(kind)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String fillBody(String body, Variant v, Objects a, Objects b) {
        Matcher m = PARAM.matcher(body);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String kind = m.group(1);
            m.appendReplacement(sb, Matcher.quoteReplacement((v.fromB().get(kind) ? b : a).id(kind)));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static Api.Response call(Api api, String method, String template, String uri, String body) {
        if (template.equals("/api/v1/admin/dashboard/stream")) {
            // server-sent events: the answer is the stream's first event (or the refusal), then the stream is closed
            try (EventStream s = EventStream.open(api.port(), uri, api.token(), api.tenantHeader())) {
                if (s.status() != 200) {
                    JsonNode problem = s.problem();
                    return new Api.Response(s.status(), s.contentType(), problem, problem == null ? "" : problem.toString(),
                            null);
                }
                EventStream.Event first = s.next(java.time.Duration.ofSeconds(30));
                return new Api.Response(200, s.contentType(), first.json(), first.data(), null);
            }
        }
        if (template.equals("/api/v1/auth/token") || template.equals("/api/v1/auth/oidc/backchannel-logout")) {
            return api.postRaw(uri, "application/x-www-form-urlencoded", body);
        }
        return switch (method) {
            case "GET" -> api.get(uri);
            case "POST" -> api.post(uri, body);
            case "PUT" -> api.put(uri, body);
            case "PATCH" -> api.patch(uri, body == null ? "{}" : body);
            case "DELETE" -> api.delete(uri);
            default -> throw new IllegalArgumentException(method);
        };
    }

    /** A tenant with one object of every kind, named after the tenant. */
    static Objects objectsOf(ApplicationContext context, JdbcClient jdbc, TestTenant t, UUID hypervisor,
                             UUID platformWebhook) {
        Map<String, String> ids = new LinkedHashMap<>();
        ids.put("tenant", t.id.toString());
        ids.put("tenantSlug", t.slug);
        t.user("helpdesk", Role.HELPDESK);
        ids.put("username", "user");
        ids.put("user", t.user("user").toString());
        ids.put("group", check(t.admin.post("/api/v1/admin/groups", json("name", "group-" + t.slug)), 201).id().toString());
        UUID pool = t.pool("pooled-" + t.slug, "POOLED", null);
        UUID persistent = t.pool("persistent-" + t.slug, "PERSISTENT", null);
        UUID shared = t.pool("shared-" + t.slug, "SHARED", "BREADTH_FIRST");
        ids.put("pool", pool.toString());
        ids.put("persistentPool", persistent.toString());
        ids.put("sharedPool", shared.toString());
        ids.put("entitlement", check(t.admin.post("/api/v1/admin/pools/" + pool + "/entitlements",
                json("userId", ids.get("user"))), 201).id().toString());
        t.entitle(persistent, UUID.fromString(ids.get("user")));
        List<UUID> desktops = t.desktops(pool, 2, "READY");
        ids.put("desktop", t.desktops(persistent, 1, "READY").getFirst().toString());
        // a snapshot of that desktop (as the snapshot task records one)
        UUID snapshot = UUID.randomUUID();
        jdbc.sql("insert into desktop_snapshot (id, tenant_id, pool_id, desktop_id, kind, state, requested_by, label, "
                        + "size_mib, taken_at) values (?, ?, ?, ?, 'ON_DEMAND', 'READY', 'user', ?, 1, now())")
                .params(snapshot, t.id, persistent, UUID.fromString(ids.get("desktop")), "snapshot-" + t.slug).update();
        ids.put("snapshot", snapshot.toString());
        ids.put("sessionHost", t.host(shared, "host-" + t.slug, 5).toString());
        Api.Response agentHost = check(t.admin.post("/api/v1/admin/pools/" + shared + "/session-hosts/enrolments",
                json("name", "agent-host-" + t.slug)), 201);
        ids.put("agentHost", agentHost.body().get("host").get("id").asString());
        ids.put("agentCredential", check(t.anonymous.post("/api/v1/agent/enrol", json("token",
                agentHost.body().get("enrolmentToken").asString(), "maxSessions", 5)), 200).body().get("credential").asString());
        ids.put("application", check(t.admin.post("/api/v1/admin/pools/" + shared + "/applications",
                json("name", "app-" + t.slug, "command", "xterm")), 201).id().toString());
        Api user = t.login("user");
        ids.put("session", check(user.post("/api/v1/pools/" + pool + "/connect"), 201).body().get("session").get("id")
                .asString());
        ids.put("recording", "recording-" + t.slug + ".guac");
        ids.put("day", HOLIDAY);
        check(t.admin.put("/api/v1/admin/capacity/holidays/" + HOLIDAY, json("label", "holiday-" + t.slug)), 200);
        ids.put("command", "1");
        check(t.admin.replace("/api/v1/admin/pools/" + pool + "/provisioning",
                "{\"minSize\":0,\"maxSize\":2,\"spareTarget\":0}"), 200);
        String imageFile = imageFile(context, t, "golden-" + t.slug + ".qcow2");
        ids.put("imageFile", imageFile);
        ids.put("image", check(t.admin.post("/api/v1/admin/pools/" + pool + "/images", json("label", "v-" + t.slug,
                "goldenDiskPath", imageFile, "makeCurrent", false)), 201).id().toString());
        ids.put("hypervisorHost", hypervisor.toString());
        for (UUID d : desktops) { // the tenant's desktops on a hypervisor host every tenant sees
            jdbc.sql("insert into provisioned_desktop (desktop_id, tenant_id, pool_id, host_id) values (?, ?, ?, ?)")
                    .params(d, t.id, pool, hypervisor).update();
        }
        desktops.forEach(d -> ids.putIfAbsent("pooledDesktop", d.toString()));
        UUID product = check(t.admin.post("/api/v1/admin/licence-products", json("name", "licence-" + t.slug,
                "model", "CONCURRENT_USER")), 201).id();
        ids.put("licenceProduct", product.toString());
        ids.put("licence", check(t.admin.post("/api/v1/admin/licence-products/" + product + "/licences",
                json("seats", 5, "enforcement", "HARD")), 201).id().toString());
        check(t.admin.put("/api/v1/admin/pools/" + pool + "/licence-products/" + product, null), 204);
        // a seat held as the connect takes one (the function it sends with its COMMIT)
        ids.put("seat", String.valueOf(jdbc.sql("select hold_licence_seat(?, ?, ?, ?, 1)").params(t.id, product,
                ids.get("user"), UUID.fromString(ids.get("user"))).query(Long.class).single()));
        // disabled: nothing delivers to it, so its delivery state stays as it is
        ids.put("webhook", check(t.admin.post("/api/v1/admin/webhooks", json("url", "https://203.0.113.10/webhook-" + t.slug,
                "description", "webhook-" + t.slug, "enabled", false)), 201).id().toString());
        ids.put("platformWebhook", platformWebhook.toString());
        Api.Response account = check(t.admin.post("/api/v1/admin/service-accounts", json("name", "service-" + t.slug,
                "scopes", new Api.RawJson("[\"usage:read\"]"))), 201);
        ids.put("serviceAccount", account.body().get("account").get("id").asString());
        ids.put("serviceAccountClient", account.body().get("account").get("clientId").asString());
        return new Objects(ids);
    }

    private static String imageFile(ApplicationContext context, TestTenant t, String name) {
        try {
            java.nio.file.Path dir = context.getBean(ProvisioningProperties.class).imageRoot().toAbsolutePath()
                    .resolve(t.id.toString());
            java.nio.file.Files.createDirectories(dir);
            return java.nio.file.Files.createFile(dir.resolve(name)).toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** What must never reach tenant A: B's ids and distinctive names. */
    static Set<String> secretsOf(TestTenant t, Objects o) {
        Set<String> s = new LinkedHashSet<>();
        o.ids().forEach((kind, id) -> {
            // a seat's id is a small number, found in any answer: its holder (the user's id) is a secret already
            if (!Variant.NEUTRAL.contains(kind) && !kind.equals("username") && !kind.equals("imageFile")
                    && !kind.equals("tenantSlug") && !kind.equals("seat") && !kind.equals("serviceAccountClient")) {
                s.add(id);
            }
        });
        s.add("pooled-" + t.slug);
        s.add("persistent-" + t.slug);
        s.add("shared-" + t.slug);
        s.add("group-" + t.slug);
        s.add("host-" + t.slug);
        s.add("v-" + t.slug);
        s.add("licence-" + t.slug);
        s.add("webhook-" + t.slug);
        s.add("service-" + t.slug);
        s.add("app-" + t.slug);
        s.add("holiday-" + t.slug);
        return s;
    }

    /** Everything of B's that a call could change, as B's admin and user see it. */
    static String stateOf(TestTenant t, Objects o) {
        StringBuilder sb = new StringBuilder();
        for (String path : List.of("/api/v1/admin/users", "/api/v1/admin/groups", "/api/v1/admin/pools",
                "/api/v1/admin/groups/" + o.id("group"), "/api/v1/admin/pools/" + o.id("pool") + "/entitlements",
                "/api/v1/admin/pools/" + o.id("pool") + "/desktops",
                "/api/v1/admin/pools/" + o.id("persistentPool") + "/desktops",
                "/api/v1/admin/pools/" + o.id("sharedPool") + "/session-hosts",
                "/api/v1/admin/pools/" + o.id("sharedPool") + "/session-settings",
                "/api/v1/admin/pools/" + o.id("sharedPool") + "/applications",
                "/api/v1/admin/pools/" + o.id("pool") + "/images", "/api/v1/admin/sessions/" + o.id("session"),
                "/api/v1/admin/licence-products", "/api/v1/admin/licence-products/" + o.id("licenceProduct") + "/licences",
                "/api/v1/admin/licence-products/" + o.id("licenceProduct") + "/seats",
                "/api/v1/admin/licence-products/" + o.id("licenceProduct") + "/pools",
                "/api/v1/admin/pools/" + o.id("pool") + "/licence-products", "/api/v1/admin/webhooks",
                "/api/v1/admin/pools/" + o.id("pool") + "/provisioning/capacity",
                "/api/v1/admin/capacity/holidays?from=" + HOLIDAY + "&to=" + HOLIDAY,
                "/api/v1/admin/webhooks/" + o.id("webhook") + "/attempts", "/api/v1/admin/service-accounts")) {
            sb.append(path).append(" → ").append(check(t.admin.get(path), 200).raw()).append('\n');
        }
        return sb.toString();
    }
}
