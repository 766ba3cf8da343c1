package io.deskport.bench.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.deskport.bench.adminapi.Estate;

/**
 * The console's pages (web-portal/src/console) and the admin API calls each makes, with the query parameters the
 * portal builds ({@code paging.ts listUrl}: the filters in alphabetical order, then {@code sort}, then {@code limit},
 * 50 rows unless the page asks for more): on opening (the list and every call beside it: the pools, hosts, groups or
 * products a filter or form offers, the name of a user a filter names), then one view per filter, sort, next page
 * ({@code Link rel="next"}, followed as the portal does), deep page (the page reached by pressing "next" N times;
 * every list pages by keyset, none by offset) and the dialogs that read at scale (a pool's impact, a user's or a
 * group's pools). A view lists the calls it makes. (Until V28 the pool's page also
 * looked up the name of each desktop's user and each entitlement's user or group, one GET per id: runs 1–3 of
 * bench/README.md measured those look-ups; the lists now carry the names.)
 */
final class ConsolePages {

    static final String API = "/api/v1/admin";

    /**
     * One call of a view.
     *
     * @param list the path of a list (or object) to GET
     * @param operator sent with the platform operator's token (the tenant list), else the tenant admin's
     * @param walk for a next or deep page: how many times {@code Link rel="next"} is followed from {@code list}
     * @param status the answer the page expects
     */
    record Call(String label, String list, boolean operator, int walk, int status) {

        static Call get(String label, String path) {
            return new Call(label, path, false, 0, 200);
        }

        /** A call the broker refuses as the page expects (e.g. the provisioning of a pool that has none: 409). */
        static Call refused(String label, String path, int status) {
            return new Call(label, path, false, 0, status);
        }

        static Call operatorGet(String label, String path) {
            return new Call(label, path, true, 0, 200);
        }

        /** The page reached by following next {@code walk} times from {@code first}. */
        static Call page(String label, String first, int walk) {
            return new Call(label, first, false, walk, 200);
        }
    }

    /** One view of a page: opening it, a filter, a sort, a next or deep page. */
    record View(String page, String kind, String label, List<Call> calls) {
    }

    /** A call made concrete: the path it GETs, with its token and the answer expected. */
    record Resolved(String label, String path, boolean operator, int status) {
    }

    private static String q(String name, String value) {
        return name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Every page's views, for the estate and its licences. */
    static List<View> views(Estate e, LicenceEstate licences) {
        Map<String, String> id = e.ids;
        UUID big = e.pool("callcentre").id();
        UUID persistent = e.pool("persistent-5").id();
        UUID apps1 = e.pool("apps-1").id();
        String user = id.get("user");
        UUID vdi = licences.products.get("vdi").id();
        UUID office = licences.products.get("office").id();
        UUID vda = licences.products.get("vda").id();
        List<View> v = new ArrayList<>();

        // Pools (PoolsPage): one page of 20 pools
        String pools = API + "/pools";
        v.add(new View("pools", "first", "", List.of(Call.get("pools", pools + "?sort=name&limit=50"))));
        v.add(new View("pools", "filter", "kind=POOLED", List.of(Call.get("pools", pools + "?kind=POOLED&sort=name&limit=50"))));
        v.add(new View("pools", "filter", "q=persistent", List.of(Call.get("pools", pools + "?q=persistent&sort=name&limit=50"))));
        v.add(new View("pools", "sort", "-updatedAt", List.of(Call.get("pools", pools + "?sort=-updatedAt&limit=50"))));

        // A pool's page (PoolPage): the call centre's 5,200 desktops, its products and its 2,005 entitlements; a
        // persistent pool, every desktop of which has its owner
        for (UUID pool : List.of(big, persistent)) {
            String p = API + "/pools/" + pool;
            String desktops = p + "/desktops";
            String ents = p + "/entitlements";
            String page = "pool";
            String of = pool.equals(big) ? "" : "persistent-5: ";
            v.add(new View(page, "first", of, List.of(
                    Call.get("pool", p),
                    pool.equals(big) ? Call.get("provisioning", p + "/provisioning")
                            // registered desktops: the page shows the broker's "not provisioned" answer
                            : Call.refused("provisioning (409: none)", p + "/provisioning", 409),
                    Call.get("desktops", desktops + "?sort=name&limit=50"),
                    Call.get("pool's licence products", p + "/licence-products?sort=name&limit=50"),
                    Call.get("licence products (choices)", API + "/licence-products?sort=name&limit=1000"),
                    Call.get("entitlements", ents + "?limit=50"),
                    Call.get("groups (choices)", API + "/groups?sort=name&limit=1000"))));
            if (pool.equals(big)) {
                v.add(new View(page, "filter", "desktops state=FAILED", List.of(
                        Call.get("desktops", desktops + "?state=FAILED&sort=name&limit=50"))));
                v.add(new View(page, "filter", "desktops q=vdi-0-0042", List.of(
                        Call.get("desktops", desktops + "?" + q("q", "vdi-0-0042") + "&sort=name&limit=50"))));
                v.add(new View(page, "sort", "desktops -stateChangedAt", List.of(
                        Call.get("desktops", desktops + "?sort=-stateChangedAt&limit=50"))));
                v.add(new View(page, "next", "desktops page 2", List.of(Call.page("desktops", desktops + "?sort=name&limit=50", 1))));
                v.add(new View(page, "deep", "desktops page 60", List.of(Call.page("desktops", desktops + "?sort=name&limit=50", 59))));
                v.add(new View(page, "next", "entitlements page 2", List.of(Call.page("entitlements", ents + "?limit=50", 1))));
                // disable or delete (PoolActions): what it would do, counted before the admin confirms
                v.add(new View(page, "action", "disable or delete: its impact", List.of(Call.get("impact", p + "/impact"))));
            } else {
                v.add(new View(page, "sort", of + "desktops -createdAt", List.of(
                        Call.get("desktops", desktops + "?sort=-createdAt&limit=50"))));
                v.add(new View(page, "next", of + "desktops page 2", List.of(Call.page("desktops", desktops + "?sort=name&limit=50", 1))));
            }
        }

        // Sessions (SessionsPage): live by default; "All, ended ones too" is liveOnly=false
        String s = API + "/sessions";
        v.add(new View("sessions", "first", "live", List.of(
                Call.get("sessions", s + "?sort=-createdAt&limit=50"),
                Call.get("pools (filter)", API + "/pools?sort=name&limit=1000"),
                Call.get("session hosts (filter)", API + "/session-hosts?sort=name&limit=1000"))));
        v.add(new View("sessions", "filter", "state=ALL", List.of(Call.get("sessions", s + "?liveOnly=false&sort=-createdAt&limit=50"))));
        v.add(new View("sessions", "filter", "state=DISCONNECTED", List.of(Call.get("sessions", s + "?state=DISCONNECTED&sort=-createdAt&limit=50"))));
        v.add(new View("sessions", "filter", "poolId (call centre)", List.of(Call.get("sessions", s + "?" + q("poolId", big.toString()) + "&sort=-createdAt&limit=50"))));
        v.add(new View("sessions", "filter", "state=ALL, poolId (apps-1)", List.of(
                Call.get("sessions", s + "?liveOnly=false&" + q("poolId", apps1.toString()) + "&sort=-createdAt&limit=50"))));
        v.add(new View("sessions", "filter", "userId (a user's sessions)", List.of(
                Call.get("sessions", s + "?" + q("userId", user) + "&sort=-createdAt&limit=50"),
                Call.get("user's name", API + "/users/" + user))));
        v.add(new View("sessions", "filter", "state=ALL, userId (from the audit trail)", List.of(
                Call.get("sessions", s + "?liveOnly=false&" + q("userId", user) + "&sort=-createdAt&limit=50"),
                Call.get("user's name", API + "/users/" + user))));
        v.add(new View("sessions", "filter", "state=ALL, hostId", List.of(
                Call.get("sessions", s + "?" + q("hostId", id.get("sessionHost")) + "&liveOnly=false&sort=-createdAt&limit=50"))));
        v.add(new View("sessions", "filter", "q=user0042", List.of(Call.get("sessions", s + "?" + q("q", "user0042") + "&sort=-createdAt&limit=50"))));
        v.add(new View("sessions", "filter", "state=ALL, q=user0042", List.of(
                Call.get("sessions", s + "?liveOnly=false&" + q("q", "user0042") + "&sort=-createdAt&limit=50"))));
        v.add(new View("sessions", "sort", "-stateChangedAt", List.of(Call.get("sessions", s + "?sort=-stateChangedAt&limit=50"))));
        v.add(new View("sessions", "sort", "state=ALL, -stateChangedAt", List.of(Call.get("sessions", s + "?liveOnly=false&sort=-stateChangedAt&limit=50"))));
        v.add(new View("sessions", "sort", "state=ALL, createdAt", List.of(Call.get("sessions", s + "?liveOnly=false&sort=createdAt&limit=50"))));
        v.add(new View("sessions", "next", "page 2", List.of(Call.page("sessions", s + "?sort=-createdAt&limit=50", 1))));
        v.add(new View("sessions", "next", "state=ALL, page 2", List.of(Call.page("sessions", s + "?liveOnly=false&sort=-createdAt&limit=50", 1))));
        v.add(new View("sessions", "deep", "state=ALL, page 60", List.of(Call.page("sessions", s + "?liveOnly=false&sort=-createdAt&limit=50", 59))));

        // A session's page (SessionPage): an ended session from the history, and its recordings
        String one = s + "/" + id.get("session");
        v.add(new View("session", "first", "an ended session", List.of(
                Call.get("session", one), Call.get("recordings", one + "/recordings"))));

        // Hosts, session hosts tab (SessionHostsTab)
        String sh = API + "/session-hosts";
        v.add(new View("session-hosts", "first", "", List.of(
                Call.get("session hosts", sh + "?sort=name&limit=50"),
                Call.get("shared pools (filter)", API + "/pools?kind=SHARED&sort=name&limit=1000"))));
        v.add(new View("session-hosts", "filter", "state=UNREACHABLE", List.of(Call.get("session hosts", sh + "?state=UNREACHABLE&sort=name&limit=50"))));
        v.add(new View("session-hosts", "filter", "poolId (apps-1)", List.of(Call.get("session hosts", sh + "?" + q("poolId", apps1.toString()) + "&sort=name&limit=50"))));
        v.add(new View("session-hosts", "filter", "draining=true", List.of(Call.get("session hosts", sh + "?draining=true&sort=name&limit=50"))));
        v.add(new View("session-hosts", "filter", "q=rdsh-1", List.of(Call.get("session hosts", sh + "?" + q("q", "rdsh-1") + "&sort=name&limit=50"))));
        v.add(new View("session-hosts", "sort", "-activeSessions", List.of(Call.get("session hosts", sh + "?sort=-activeSessions&limit=50"))));
        v.add(new View("session-hosts", "next", "page 2", List.of(Call.page("session hosts", sh + "?sort=name&limit=50", 1))));
        v.add(new View("session-hosts", "deep", "page 4", List.of(Call.page("session hosts", sh + "?sort=name&limit=50", 3))));

        // Hosts, hypervisor hosts tab (HypervisorHostsTab): platform-wide hosts, this tenant's desktops counted
        String hv = API + "/hypervisor-hosts";
        v.add(new View("hypervisor-hosts", "first", "", List.of(Call.get("hypervisor hosts", hv + "?sort=name&limit=50"))));
        v.add(new View("hypervisor-hosts", "filter", "reachable=false", List.of(Call.get("hypervisor hosts", hv + "?reachable=false&sort=name&limit=50"))));
        v.add(new View("hypervisor-hosts", "filter", "maintenance=true", List.of(Call.get("hypervisor hosts", hv + "?maintenance=true&sort=name&limit=50"))));
        v.add(new View("hypervisor-hosts", "filter", "q=hv-1", List.of(Call.get("hypervisor hosts", hv + "?" + q("q", "hv-1") + "&sort=name&limit=50"))));
        v.add(new View("hypervisor-hosts", "sort", "-name", List.of(Call.get("hypervisor hosts", hv + "?sort=-name&limit=50"))));
        v.add(new View("hypervisor-hosts", "next", "page 2", List.of(Call.page("hypervisor hosts", hv + "?sort=name&limit=50", 1))));
        v.add(new View("hypervisor-hosts", "deep", "page 4", List.of(Call.page("hypervisor hosts", hv + "?sort=name&limit=50", 3))));

        // Licences (LicencesPage): products tab, reports tab
        String lp = API + "/licence-products";
        v.add(new View("licences", "first", "products", List.of(Call.get("licence products", lp + "?sort=name&limit=50"))));
        v.add(new View("licences", "filter", "model=NAMED_USER", List.of(Call.get("licence products", lp + "?model=NAMED_USER&sort=name&limit=50"))));
        v.add(new View("licences", "filter", "q=microsoft", List.of(Call.get("licence products", lp + "?q=microsoft&sort=name&limit=50"))));
        v.add(new View("licences", "sort", "-createdAt", List.of(Call.get("licence products", lp + "?sort=-createdAt&limit=50"))));
        v.add(new View("licences", "first", "reports tab", List.of(
                Call.get("usage now", API + "/licence-reports/usage"),
                Call.get("expiring", API + "/licence-reports/expiring?withinDays=90"))));
        v.add(new View("licences", "filter", "reports: expiring within 365 days", List.of(
                Call.get("expiring", API + "/licence-reports/expiring?withinDays=365"))));

        // A licence product's page (LicenceProductPage): its licences, seats (held / given back) and reports
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        String dayFrom = today.minusDays(29).toString();
        String monthFrom = today.withDayOfMonth(1).minusMonths(11).toString();
        for (UUID product : List.of(vdi, office, vda)) {
            String page = "licence-product";
            String of = product.equals(vdi) ? "" : product.equals(office) ? "named-user product: " : "per-desktop product: ";
            String p = lp + "/" + product;
            String seats = p + "/seats";
            v.add(new View(page, "first", of, List.of(
                    Call.get("product", p),
                    Call.get("pools (choices)", API + "/pools?sort=name&limit=1000"),
                    Call.get("licences", p + "/licences?sort=validFrom&limit=50"),
                    Call.get("seats held", seats + "?sort=-takenAt&limit=50"),
                    Call.get("peaks per day", API + "/licence-reports/peaks?productId=" + product + "&period=DAY&from=" + dayFrom + "&to=" + today),
                    Call.get("overuse", API + "/licence-reports/overuse?productId=" + product + "&from=" + dayFrom + "&to=" + today))));
            if (!product.equals(vdi)) {
                v.add(new View(page, "next", of + "seats page 2", List.of(Call.page("seats", seats + "?sort=-takenAt&limit=50", 1))));
                continue;
            }
            v.add(new View(page, "filter", "seats released=true", List.of(Call.get("seats", seats + "?released=true&sort=-takenAt&limit=50"))));
            v.add(new View(page, "filter", "seats q=user0042", List.of(Call.get("seats", seats + "?" + q("q", "user0042") + "&sort=-takenAt&limit=50"))));
            v.add(new View(page, "filter", "seats released=true, q=user0042", List.of(
                    Call.get("seats", seats + "?" + q("q", "user0042") + "&released=true&sort=-takenAt&limit=50"))));
            v.add(new View(page, "filter", "peaks per month", List.of(
                    Call.get("peaks per month", API + "/licence-reports/peaks?productId=" + product + "&period=MONTH&from=" + monthFrom + "&to=" + today))));
            v.add(new View(page, "sort", "seats holder", List.of(Call.get("seats", seats + "?sort=holder&limit=50"))));
            v.add(new View(page, "sort", "seats -lastUsedAt", List.of(Call.get("seats", seats + "?sort=-lastUsedAt&limit=50"))));
            v.add(new View(page, "next", "seats page 2", List.of(Call.page("seats", seats + "?sort=-takenAt&limit=50", 1))));
            v.add(new View(page, "next", "seats released=true, page 2", List.of(Call.page("seats", seats + "?released=true&sort=-takenAt&limit=50", 1))));
            v.add(new View(page, "deep", "seats released=true, page 60", List.of(Call.page("seats", seats + "?released=true&sort=-takenAt&limit=50", 59))));
        }

        // Users and groups (UsersPage, two tabs)
        String u = API + "/users";
        v.add(new View("users", "first", "", List.of(Call.get("users", u + "?sort=username&limit=50"))));
        v.add(new View("users", "filter", "q=user12", List.of(Call.get("users", u + "?" + q("q", "user12") + "&sort=username&limit=50"))));
        v.add(new View("users", "filter", "role=HELPDESK", List.of(Call.get("users", u + "?role=HELPDESK&sort=username&limit=50"))));
        v.add(new View("users", "filter", "enabled=false", List.of(Call.get("users", u + "?enabled=false&sort=username&limit=50"))));
        v.add(new View("users", "sort", "-createdAt", List.of(Call.get("users", u + "?sort=-createdAt&limit=50"))));
        v.add(new View("users", "sort", "displayName", List.of(Call.get("users", u + "?sort=displayName&limit=50"))));
        v.add(new View("users", "next", "page 2", List.of(Call.page("users", u + "?sort=username&limit=50", 1))));
        v.add(new View("users", "deep", "page 41 (the last)", List.of(Call.page("users", u + "?sort=username&limit=50", 40))));
        // a user's dialog (UserForms, SubjectPools): the user and the pools they may use
        v.add(new View("users", "action", "a user's dialog", List.of(
                Call.get("user", u + "/" + user), Call.get("the user's pools", u + "/" + user + "/pools?sort=poolName&limit=50"))));
        String g = API + "/groups";
        v.add(new View("groups", "first", "", List.of(Call.get("groups", g + "?sort=name&limit=50"))));
        v.add(new View("groups", "filter", "q=dept-01", List.of(Call.get("groups", g + "?" + q("q", "dept-01") + "&sort=name&limit=50"))));
        v.add(new View("groups", "sort", "-createdAt", List.of(Call.get("groups", g + "?sort=-createdAt&limit=50"))));
        v.add(new View("groups", "next", "page 2", List.of(Call.page("groups", g + "?sort=name&limit=50", 1))));
        v.add(new View("groups", "deep", "page 3 (the last)", List.of(Call.page("groups", g + "?sort=name&limit=50", 2))));
        v.add(new View("groups", "action", "a group's dialog", List.of(
                Call.get("group", g + "/" + id.get("group")), Call.get("the group's pools", g + "/" + id.get("group") + "/pools?sort=poolName&limit=50"))));

        // Audit trail (AuditPage): newest first; the actor is found by exact username first
        String a = API + "/audit";
        String dayAgo = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MINUTES) + "";
        String weekAgo = Instant.now().minus(7, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MINUTES) + "";
        String sixDaysAgo = Instant.now().minus(6, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MINUTES) + "";
        v.add(new View("audit", "first", "", List.of(Call.get("audit", a + "?sort=-occurredAt&limit=50"))));
        v.add(new View("audit", "filter", "actor user0042", List.of(
                Call.get("user by name", u + "?" + q("q", "user0042") + "&limit=50"),
                Call.get("audit", a + "?" + q("actorId", user) + "&sort=-occurredAt&limit=50"),
                Call.get("actor's name", API + "/users/" + user))));
        v.add(new View("audit", "filter", "actor admin (a tenant admin)", List.of(
                Call.get("user by name", u + "?" + q("q", "user0250") + "&limit=50"),
                Call.get("audit", a + "?" + q("actorId", id.get("tenantAdmin")) + "&sort=-occurredAt&limit=50"),
                Call.get("actor's name", API + "/users/" + id.get("tenantAdmin")))));
        v.add(new View("audit", "filter", "action=USER_CREATED", List.of(Call.get("audit", a + "?action=USER_CREATED&sort=-occurredAt&limit=50"))));
        v.add(new View("audit", "filter", "action=SESSION_ENDED", List.of(Call.get("audit", a + "?action=SESSION_ENDED&sort=-occurredAt&limit=50"))));
        v.add(new View("audit", "filter", "objectType=DESKTOP", List.of(Call.get("audit", a + "?objectType=DESKTOP&sort=-occurredAt&limit=50"))));
        v.add(new View("audit", "filter", "object: the call centre (from its page)", List.of(
                Call.get("audit", a + "?" + q("objectId", big.toString()) + "&objectType=DESKTOP_POOL&sort=-occurredAt&limit=50"))));
        v.add(new View("audit", "filter", "object: a session", List.of(
                Call.get("audit", a + "?" + q("objectId", id.get("session")) + "&objectType=SESSION&sort=-occurredAt&limit=50"))));
        v.add(new View("audit", "filter", "since a day ago", List.of(Call.get("audit", a + "?" + q("since", dayAgo) + "&sort=-occurredAt&limit=50"))));
        v.add(new View("audit", "filter", "since 7 until 6 days ago", List.of(
                Call.get("audit", a + "?" + q("since", weekAgo) + "&" + q("until", sixDaysAgo) + "&sort=-occurredAt&limit=50"))));
        v.add(new View("audit", "sort", "occurredAt (oldest first)", List.of(Call.get("audit", a + "?sort=occurredAt&limit=50"))));
        v.add(new View("audit", "next", "page 2", List.of(Call.page("audit", a + "?sort=-occurredAt&limit=50", 1))));
        v.add(new View("audit", "deep", "page 60", List.of(Call.page("audit", a + "?sort=-occurredAt&limit=50", 59))));
        v.add(new View("audit", "next", "action=SESSION_ENDED, page 2", List.of(Call.page("audit", a + "?action=SESSION_ENDED&sort=-occurredAt&limit=50", 1))));

        // Tenants (TenantsPage, platform operator); the operator's tenant switch reads them on every console page
        String t = API + "/tenants";
        v.add(new View("tenants", "first", "", List.of(
                Call.operatorGet("tenants", t + "?sort=slug&limit=50"),
                Call.operatorGet("tenant switch", t + "?sort=name&limit=1000"))));
        v.add(new View("tenants", "filter", "q=estate", List.of(Call.operatorGet("tenants", t + "?q=estate&sort=slug&limit=50"))));
        v.add(new View("tenants", "sort", "-createdAt", List.of(Call.operatorGet("tenants", t + "?sort=-createdAt&limit=50"))));
        return v;
    }
}
