package io.deskport.broker.admin;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

/**
 * Every list of the admin API pages the same way: a JSON array, {@code Link rel="next"} while rows follow,
 * {@code X-Total-Count} on the first page, {@code limit}, {@code cursor} and {@code sort} with the same names
 * everywhere, and keyset pages that neither skip nor repeat a row while rows are added between them.
 */
@BrokerTest
class AdminListsTest {

    private static final Pattern NEXT = Pattern.compile("<([^>]+)>;\\s*rel=\"next\"");

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    UUID pool;

    @BeforeEach
    void tenantWithPool() {
        tenant = TestTenant.create(context, port, 100, 1000);
        pool = tenant.pool("Office", "POOLED", "BREADTH_FIRST");
    }

    @Test
    void pagesNeitherSkipNorRepeatWhileRowsAreAddedBetweenThem() {
        List<String> before = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            before.add(desktop(String.format("m%02d", i * 2)));
        }
        List<String> seen = new ArrayList<>();
        String next = "/api/v1/admin/desktops?poolId=" + pool + "&limit=10&sort=name";
        int page = 0;
        while (next != null) {
            Api.Response r = check(tenant.admin.get(next), 200);
            if (page == 0) {
                assertThat(r.header("X-Total-Count")).isEqualTo("25");
            } else {
                assertThat(r.header("X-Total-Count")).as("the total is counted on the first page").isNull();
            }
            r.body().forEach(d -> seen.add(d.get("name").asString()));
            // between pages: one row that sorts before every row seen so far, one after every row there is
            desktop("a-new-" + page);
            desktop("z-new-" + page);
            next = next(r);
            page++;
        }
        assertThat(seen).as("in order, each once").isSorted().doesNotHaveDuplicates();
        assertThat(seen).containsAll(before);
        assertThat(seen).noneMatch(n -> n.startsWith("a-new-"));
        // each added before a later page was read (the last one came after the last page)
        assertThat(seen.stream().filter(n -> n.startsWith("z-new-")).count()).as("rows added ahead are reached")
                .isEqualTo(page - 1);
    }

    @Test
    void descendingTimeSortAndDeepPagesFollowTheirLinks() {
        for (int i = 0; i < 7; i++) {
            desktop("d" + i);
        }
        List<String> names = new ArrayList<>();
        for (JsonNode d : all("/api/v1/admin/pools/" + pool + "/desktops?limit=2&sort=-createdAt")) {
            names.add(d.get("name").asString());
        }
        assertThat(names).containsExactly("d6", "d5", "d4", "d3", "d2", "d1", "d0");
    }

    @Test
    void aListSortedByItsIdPagesThroughEveryRowInBothDirections() {
        // the audit trail is sorted by its id: its next pages continue from the last id alone
        for (int i = 0; i < 7; i++) {
            desktop("audited-" + i);
        }
        TestTenant other = TestTenant.create(context, port, 10, 10);
        other.pool("Interleaved", "POOLED", "BREADTH_FIRST");
        desktop("audited-last");
        List<Long> newestFirst = new ArrayList<>();
        check(tenant.admin.get("/api/v1/admin/audit?limit=1000&sort=-id"), 200).body()
                .forEach(e -> newestFirst.add(e.get("id").asLong()));
        assertThat(newestFirst).hasSizeGreaterThan(8).isSortedAccordingTo(java.util.Comparator.reverseOrder());

        List<Long> pagedDown = new ArrayList<>();
        all("/api/v1/admin/audit?limit=3&sort=-id").forEach(e -> pagedDown.add(e.get("id").asLong()));
        List<Long> pagedUp = new ArrayList<>();
        all("/api/v1/admin/audit?limit=3&sort=id").forEach(e -> pagedUp.add(e.get("id").asLong()));
        assertThat(pagedDown).containsExactlyElementsOf(newestFirst);
        assertThat(pagedUp).containsExactlyElementsOf(newestFirst.reversed());
    }

    @Test
    void filtersNarrowEveryList() {
        UUID other = tenant.pool("Lab", "PERSISTENT", "BREADTH_FIRST");
        String ready = desktop("ready-1");
        check(tenant.admin.post("/api/v1/admin/pools/" + other + "/desktops", json("name", "lab-stopped",
                "consoleHost", "127.0.0.1", "consolePort", 5901, "state", "STOPPED")), 201);
        assertThat(names("/api/v1/admin/desktops?state=STOPPED")).containsExactly("lab-stopped");
        assertThat(names("/api/v1/admin/desktops?poolId=" + pool)).containsExactly(ready);
        assertThat(names("/api/v1/admin/desktops?q=LAB")).containsExactly("lab-stopped");
        assertThat(names("/api/v1/admin/pools?kind=PERSISTENT")).containsExactly("Lab");
        assertThat(names("/api/v1/admin/pools?q=off")).containsExactly("Office");
        assertThat(names("/api/v1/admin/pools?sort=-name")).containsExactly("Office", "Lab");
    }

    @Test
    void aFilterNamingAnotherTenantsObjectFindsNothingOfIt() {
        desktop("mine");
        TestTenant other = TestTenant.create(context, port, 10, 10);
        UUID theirs = other.pool("Theirs", "POOLED", "BREADTH_FIRST");
        check(other.admin.post("/api/v1/admin/pools/" + theirs + "/desktops", json("name", "their-desktop",
                "consoleHost", "127.0.0.1", "consolePort", 5900, "state", "READY")), 201);
        for (String list : List.of("/api/v1/admin/desktops", "/api/v1/admin/sessions", "/api/v1/admin/session-hosts",
                "/api/v1/admin/provisioning/tasks")) {
            Api.Response r = check(tenant.admin.get(list + "?poolId=" + theirs), 200);
            assertThat(r.body().size()).as(list).isZero();
            assertThat(r.header("X-Total-Count")).as(list).isEqualTo("0");
        }
        assertThat(tenant.admin.get("/api/v1/admin/pools/" + theirs + "/desktops").status()).isEqualTo(404);
    }

    @Test
    void aSortOrCursorTheListDoesNotKnowIsA400NamingIt() {
        Api.Response badSort = tenant.admin.get("/api/v1/admin/desktops?sort=colour");
        Api.Response badCursor = tenant.admin.get("/api/v1/admin/desktops?cursor=bm90LWEtY3Vyc29y");
        Api.Response badLimit = tenant.admin.get("/api/v1/admin/desktops?limit=0");
        for (Api.Response r : List.of(badSort, badCursor, badLimit)) {
            assertThat(r.status()).as(r.raw()).isEqualTo(400);
            assertThat(r.reason()).isEqualTo("VALIDATION_FAILED");
        }
        assertThat(badSort.body().get("errors").findValuesAsString("field")).containsExactly("sort");
        assertThat(badCursor.body().get("errors").findValuesAsString("field")).containsExactly("cursor");
        assertThat(badLimit.body().get("errors").findValuesAsString("field")).containsExactly("limit");

        for (int i = 0; i < 3; i++) {
            desktop("c" + i);
        }
        String link = next(check(tenant.admin.get("/api/v1/admin/desktops?limit=1&sort=name"), 200));
        String cursor = link.substring(link.indexOf("cursor=") + 7).replaceAll("&.*", "");
        Api.Response otherSort = tenant.admin.get("/api/v1/admin/desktops?limit=1&sort=-createdAt&cursor=" + cursor);
        assertThat(otherSort.status()).isEqualTo(400);
        assertThat(otherSort.body().get("errors").findValuesAsString("field")).containsExactly("cursor");
    }

    private String desktop(String name) {
        check(tenant.admin.post("/api/v1/admin/pools/" + pool + "/desktops", json("name", name, "consoleHost",
                "127.0.0.1", "consolePort", 5900, "state", "READY")), 201);
        return name;
    }

    private List<String> names(String path) {
        List<String> names = new ArrayList<>();
        all(path).forEach(n -> names.add(n.get("name").asString()));
        return names;
    }

    private List<JsonNode> all(String path) {
        return tenant.admin.all(path);
    }

    private static String next(Api.Response r) {
        String link = r.header("Link");
        if (link == null) {
            return null;
        }
        Matcher m = NEXT.matcher(link);
        return m.find() ? m.group(1) : null;
    }
}
