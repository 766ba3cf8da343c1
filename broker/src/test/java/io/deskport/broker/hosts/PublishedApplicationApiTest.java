package io.deskport.broker.hosts;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.Applications;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/** The published applications' admin API and the users' list: checks, versions, tenants kept apart. */
@BrokerTest
class PublishedApplicationApiTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;
    UUID pool;

    @BeforeEach
    void newTenant() {
        tenant = TestTenant.create(context, port, 100, 100);
        pool = tenant.pool("apps", "SHARED", "BREADTH_FIRST");
    }

    static String pngIcon(int width, int height) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
    }

    static String svgIcon(String svg) {
        return "data:image/svg+xml;base64," + Base64.getEncoder().encodeToString(svg.getBytes(StandardCharsets.UTF_8));
    }

    static String app(String name, String command, String icon, String... arguments) {
        return Applications.app(name, command, icon, arguments);
    }

    private Api.Response publish(String body) {
        return tenant.admin.post("/api/v1/admin/pools/" + pool + "/applications", body);
    }

    @Test
    void anAdminPublishesListsChangesAndUnpublishesAnApplication() throws IOException {
        String icon = pngIcon(32, 32);

        Api.Response created = check(publish(app("Terminal", "xterm", icon, "-T", "work")), 201);
        UUID id = created.id();
        assertThat(created.header("ETag")).isEqualTo("\"1\"");
        assertThat(created.body().get("poolId").asString()).isEqualTo(pool.toString());
        assertThat(created.body().get("command").asString()).isEqualTo("xterm");
        assertThat(created.body().get("arguments").toString()).isEqualTo("[\"-T\",\"work\"]");
        assertThat(created.body().get("icon").asString()).isEqualTo(icon);
        check(publish(app("Calculator", "/usr/bin/xcalc", null)), 201);

        List<String> names = check(tenant.admin.get("/api/v1/admin/pools/" + pool + "/applications"), 200).body()
                .valueStream().map(a -> a.get("name").asString()).toList();
        assertThat(names).containsExactly("Calculator", "Terminal");

        Api.Response withoutIfMatch = tenant.admin.put("/api/v1/admin/applications/" + id, app("Terminal", "xterm", null));
        assertThat(withoutIfMatch.status()).isEqualTo(428);
        assertThat(withoutIfMatch.reason()).isEqualTo("PRECONDITION_REQUIRED");
        Api.Response changed = check(tenant.admin.replace("/api/v1/admin/applications/" + id,
                json("name", "Terminal", "command", "xterm", "workingDirectory", "/tmp")), 200);
        assertThat(changed.header("ETag")).isEqualTo("\"2\"");
        assertThat(changed.body().get("workingDirectory").asString()).isEqualTo("/tmp");
        assertThat(changed.body().get("icon").isNull()).isTrue();
        assertThat(changed.body().get("arguments").size()).isZero();

        Api.Response stale = tenant.admin.withHeader("If-Match", "\"1\"").put("/api/v1/admin/applications/" + id,
                app("Terminal", "xterm", null));
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.reason()).isEqualTo("STALE_VERSION");
        assertThat(stale.body().get("currentVersion").asLong()).isEqualTo(2);

        check(tenant.admin.delete("/api/v1/admin/applications/" + id), 204);
        assertThat(tenant.admin.get("/api/v1/admin/applications/" + id).status()).isEqualTo(404);
        tenant.entitle(pool, tenant.user("ann"));
        Api.Response gone = tenant.login("ann").post("/api/v1/applications/" + id + "/launch");
        assertThat(gone.status()).as("an unpublished application cannot be launched").isEqualTo(404);
        JsonNode audit = check(tenant.admin.get("/api/v1/admin/audit?limit=50"), 200).body();
        assertThat(audit.valueStream().map(a -> a.get("action").asString()).toList())
                .contains("APPLICATION_PUBLISHED", "APPLICATION_UPDATED", "APPLICATION_UNPUBLISHED");
    }

    @Test
    void applicationsArePublishedOnSharedPoolsOnly() {
        UUID pooled = tenant.pool("vdi", "POOLED", null);

        Api.Response refused = tenant.admin.post("/api/v1/admin/pools/" + pooled + "/applications", app("Terminal", "xterm", null));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.reason()).isEqualTo("INVALID_STATE");
        assertThat(refused.body().get("poolKind").asString()).isEqualTo("POOLED");
        assertThat(refused.body().get("requiredPoolKind").asString()).isEqualTo("SHARED");
        assertThat(check(tenant.admin.get("/api/v1/admin/pools/" + pooled + "/applications"), 200).body().size()).isZero();
    }

    @Test
    void badApplicationsAreRefusedNamingTheField() throws IOException {
        record Case(String body, String field) {
        }
        String big = pngIcon(600, 600);
        List<Case> cases = List.of(
                new Case(json("command", "xterm"), "name"),
                new Case(json("name", "T", "command", " "), "command"),
                new Case(json("name", "T", "command", "xterm", "workingDirectory", "tmp/x"), "workingDirectory"),
                new Case(json("name", "T", "command", "xterm", "workingDirectory", "/home/../etc"), "workingDirectory"),
                new Case(json("name", "T", "command", "xterm", "icon", "https://example.com/t.png"), "icon"),
                new Case(json("name", "T", "command", "xterm", "icon", "data:image/gif;base64,R0lGODlhAQABAAAAACw="), "icon"),
                new Case(json("name", "T", "command", "xterm", "icon", "data:image/png;base64,"
                        + Base64.getEncoder().encodeToString("not a png at all, just text".getBytes())), "icon"),
                new Case(json("name", "T", "command", "xterm", "icon", big), "icon"),
                new Case(json("name", "T", "command", "xterm", "icon", svgIcon(
                        "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>")), "icon"),
                new Case(json("name", "T", "command", "xterm", "icon", svgIcon(
                        "<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>")), "icon"),
                new Case(json("name", "T", "command", "xterm", "icon", svgIcon(
                        "<!DOCTYPE svg [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><svg xmlns='http://www.w3.org/2000/svg'>&x;</svg>")), "icon"),
                new Case(json("name", "T", "command", "xterm", "icon", svgIcon(
                        "<svg xmlns='http://www.w3.org/2000/svg'><image href='https://example.com/x.png'/></svg>")), "icon"),
                new Case(json("name", "T", "command", "xterm", "icon", svgIcon("<html/>")), "icon"),
                new Case(json("name", "T", "command", "xterm", "size", 3), "size"));
        for (Case c : cases) {
            Api.Response r = publish(c.body());
            assertThat(r.status()).as(c.body()).isEqualTo(400);
            assertThat(r.reason()).as(c.body()).isEqualTo("VALIDATION_FAILED");
            assertThat(r.body().get("errors").toString()).as(c.body()).contains("\"" + c.field());
        }
        assertThat(check(tenant.admin.get("/api/v1/admin/pools/" + pool + "/applications"), 200).body().size()).isZero();
        // a clean SVG passes
        check(publish(json("name", "Clock", "command", "xclock", "icon", svgIcon(
                "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 8 8'><circle cx='4' cy='4' r='3' fill='#06c'/></svg>"))), 201);
    }

    @Test
    void twoApplicationsOfAPoolCannotShareAName() {
        check(publish(app("Terminal", "xterm", null)), 201);

        Api.Response taken = publish(app("terminal", "/usr/bin/xterm", null));

        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.reason()).isEqualTo("CONFLICT");
    }

    @Test
    void anotherTenantsApplicationsAndPoolsAreNotFound() {
        UUID id = check(publish(app("Terminal", "xterm", null)), 201).id();
        TestTenant other = TestTenant.create(context, port, 100, 100);
        UUID otherUser = other.user("mallory");
        Api mallory = other.login("mallory");

        assertThat(other.admin.get("/api/v1/admin/applications/" + id).status()).isEqualTo(404);
        assertThat(other.admin.replace("/api/v1/admin/applications/" + id, app("Mine", "sh", null)).status()).isEqualTo(404);
        assertThat(other.admin.put("/api/v1/admin/applications/" + id, app("Mine", "sh", null)).status()).isEqualTo(404);
        assertThat(other.admin.delete("/api/v1/admin/applications/" + id).status()).isEqualTo(404);
        assertThat(other.admin.get("/api/v1/admin/pools/" + pool + "/applications").status()).isEqualTo(404);
        Api.Response publishThere = other.admin.post("/api/v1/admin/pools/" + pool + "/applications", app("X", "sh", null));
        assertThat(publishThere.status()).isEqualTo(404);
        assertThat(publishThere.reason()).isEqualTo("NOT_FOUND");
        Api.Response launch = mallory.post("/api/v1/applications/" + id + "/launch");
        assertThat(launch.status()).isEqualTo(404);
        assertThat(launch.reason()).isEqualTo("NOT_FOUND");
        assertThat(check(mallory.get("/api/v1/applications"), 200).body().size()).isZero();
        assertThat(otherUser).isNotNull();
        // still there for its own tenant
        check(tenant.admin.get("/api/v1/admin/applications/" + id), 200);
    }

    @Test
    void usersSeeTheApplicationsOfThePoolsTheyAreEntitledToAndOnlyAdminsPublish() {
        UUID second = tenant.pool("design", "SHARED", "BREADTH_FIRST");
        check(publish(app("Terminal", "xterm", null)), 201);
        UUID cad = check(tenant.admin.post("/api/v1/admin/pools/" + second + "/applications", app("CAD", "cad", null)), 201).id();
        tenant.entitle(pool, tenant.user("ann"));
        Api ann = tenant.login("ann");

        JsonNode mine = check(ann.get("/api/v1/applications"), 200).body();

        assertThat(mine.size()).isEqualTo(1);
        assertThat(mine.get(0).get("name").asString()).isEqualTo("Terminal");
        assertThat(mine.get(0).get("poolName").asString()).isEqualTo("apps");
        assertThat(mine.get(0).has("command")).isFalse();
        Api.Response notEntitled = ann.post("/api/v1/applications/" + cad + "/launch");
        assertThat(notEntitled.status()).isEqualTo(403);
        assertThat(notEntitled.reason()).isEqualTo("NOT_ENTITLED");
        assertThat(ann.post("/api/v1/admin/pools/" + pool + "/applications", app("Mine", "sh", null)).status()).isEqualTo(403);
    }
}
