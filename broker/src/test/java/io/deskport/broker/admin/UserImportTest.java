package io.deskport.broker.admin;

import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

/** Bulk onboarding: ten thousand users and their groups in one request, a result per row. */
@BrokerTest
class UserImportTest {

    private static final String IMPORT = "/api/v1/admin/users/import";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    TestTenant tenant;

    @BeforeEach
    void newTenant() {
        tenant = TestTenant.create(context, port, 10, 10);
    }

    @Test
    void tenThousandRowsOfCsvInOneRequestWithBadRowsReportedAndTheRestImported() {
        StringBuilder csv = new StringBuilder("username,displayName,email,roles,groups\n");
        for (int i = 0; i < 10_000; i++) {
            String email = i == 4321 ? "not-an-address" : "user" + i + "@example.org";
            csv.append("user").append(i).append(",\"Doe, No. ").append(i).append("\",").append(email).append(',')
                    .append(i % 100 == 0 ? "USER;HELPDESK" : "").append(',').append(i % 2 == 0 ? "staff;even" : "staff")
                    .append('\n');
        }
        csv.append("user17,Again,again@example.org,,\n");

        long started = System.nanoTime();
        Api.Response r = check(tenant.admin.postRaw(IMPORT, "text/csv", csv.toString()), 200);
        System.out.printf("UserImportTest: 10,001 rows imported in %d ms%n", (System.nanoTime() - started) / 1_000_000);

        JsonNode body = r.body();
        assertThat(body.get("rows").asInt()).isEqualTo(10_001);
        assertThat(body.get("created").asInt()).isEqualTo(9_999);
        assertThat(body.get("failed").asInt()).isEqualTo(2);
        List<String> created = new ArrayList<>();
        body.get("groupsCreated").forEach(g -> created.add(g.asString()));
        assertThat(created).containsExactlyInAnyOrder("staff", "even");
        JsonNode bad = body.get("results").get(4321);
        assertThat(bad.get("row").asInt()).isEqualTo(4322);
        assertThat(bad.get("status").asString()).isEqualTo("FAILED");
        assertThat(bad.get("errors").findValuesAsString("field")).containsExactly("email");
        JsonNode twice = body.get("results").get(10_000);
        assertThat(twice.get("reason").asString()).isEqualTo("CONFLICT");
        assertThat(twice.get("errors").get(0).get("message").asString()).contains("rows 18 and 10001");

        assertThat(count("select count(*) from app_user where tenant_id = ?")).isEqualTo(9_999 + 1); // + the admin
        assertThat(count("select count(*) from group_member m join user_group g on g.id = m.group_id "
                + "where g.tenant_id = ? and g.name = 'staff'")).isEqualTo(9_999);
        assertThat(count("select count(*) from group_member m join user_group g on g.id = m.group_id "
                + "where g.tenant_id = ? and g.name = 'even'")).isEqualTo(5_000);
        assertThat(count("select count(*) from app_user where tenant_id = ? and 'HELPDESK' = any(roles)")).isEqualTo(100);
        assertThat(check(tenant.admin.get("/api/v1/admin/users?q=user100&limit=1"), 200).body().get(0)
                .get("displayName").asString()).isEqualTo("Doe, No. 100");
        assertThat(count("select count(*) from audit_event where tenant_id = ? and action = 'USER_CREATED' "
                + "and details->>'via' = 'import'")).isEqualTo(9_999);

        // the same file again changes nothing; one changed row is an update
        String again = csv.toString().replace("user5,\"Doe, No. 5\"", "user5,\"Renamed\"");
        JsonNode second = check(tenant.admin.postRaw(IMPORT, "text/csv", again), 200).body();
        assertThat(second.get("created").asInt()).isZero();
        assertThat(second.get("updated").asInt()).isEqualTo(1);
        assertThat(second.get("unchanged").asInt()).isEqualTo(9_998);
    }

    @Test
    void jsonRowsUpdateExistingAccountsAndDisablingVoidsTheirTokens() {
        check(tenant.admin.postRaw(IMPORT, "application/json", "[{\"username\": \"alice\", \"password\": "
                + "\"kettle-passphrase-1\", \"groups\": [\"staff\"]}]"), 200);
        Api alice = tenant.anonymous.login(tenant.slug, "alice", "kettle-passphrase-1");
        check(alice.get("/api/v1/pools"), 200);

        JsonNode r = check(tenant.admin.postRaw(IMPORT, "application/json", "[{\"username\": \"alice\", "
                + "\"enabled\": false}, {\"username\": \"bob\", \"colour\": \"blue\"}, {\"username\": \"carol\", "
                + "\"roles\": [\"USER\", \"NOBODY\"]}]"), 200).body();

        assertThat(r.get("results").get(0).get("status").asString()).isEqualTo("UPDATED");
        assertThat(r.get("results").get(1).get("errors").findValuesAsString("field")).containsExactly("colour");
        assertThat(r.get("results").get(2).get("errors").findValuesAsString("field")).containsExactly("roles");
        assertThat(alice.get("/api/v1/pools").status()).as("disabled by the import").isEqualTo(401);
        assertThat(count("select count(*) from app_user where tenant_id = ? and username in ('bob', 'carol')")).isZero();
    }

    @Test
    void aMalformedFileImportsNothing() {
        String csv = "username,email\nann,ann@example.org\nben,\"ben@example.org\nbad";
        Api.Response unclosed = tenant.admin.postRaw(IMPORT, "text/csv", csv);
        Api.Response unknownColumn = tenant.admin.postRaw(IMPORT, "text/csv", "username,shoeSize\nann,42\n");
        Api.Response notAnArray = tenant.admin.postRaw(IMPORT, "application/json", "{\"username\": \"ann\"}");
        for (Api.Response r : List.of(unclosed, unknownColumn, notAnArray)) {
            assertThat(r.status()).as(r.raw()).isEqualTo(400);
            assertThat(r.reason()).isEqualTo("MALFORMED_REQUEST");
            assertThat(r.body().get("detail").asString()).contains("nothing was imported");
        }
        assertThat(unknownColumn.body().get("detail").asString()).contains("shoeSize");
        assertThat(count("select count(*) from app_user where tenant_id = ?")).isEqualTo(1);
    }

    @Test
    void aTenantAdminCannotImportAPlatformAdmin() {
        JsonNode r = check(tenant.admin.postRaw(IMPORT, "text/csv", "username,roles\nmallory,PLATFORM_ADMIN\neve,USER\n"),
                200).body();
        assertThat(r.get("results").get(0).get("reason").asString()).isEqualTo("FORBIDDEN");
        assertThat(r.get("results").get(1).get("status").asString()).isEqualTo("CREATED");
        assertThat(count("select count(*) from app_user where tenant_id = ? and username = 'mallory'")).isZero();
    }

    private long count(String sql) {
        return jdbc.sql(sql).param(tenant.id).query(Long.class).single();
    }
}
