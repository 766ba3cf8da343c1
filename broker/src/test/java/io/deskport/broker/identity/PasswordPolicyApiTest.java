package io.deskport.broker.identity;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/** The local password policy wherever the API sets a password: a new user, an admin's reset, one's own change, an import. */
@BrokerTest
class PasswordPolicyApiTest {

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    private TestTenant tenant;

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 10, 10);
    }

    private static String messages(Api.Response r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(400);
        assertThat(r.body().get("reason").asString()).isEqualTo("VALIDATION_FAILED");
        return r.body().get("errors").toString();
    }

    @Test
    void aNewUsersWeakPasswordIsRefusedWithAFieldErrorPerRule() {
        String errors = messages(tenant.admin.post("/api/v1/admin/users", json("username", "marvin",
                "password", "Marvin123")));
        assertThat(errors).contains("\"field\":\"password\"").contains("at least 12 characters")
                .contains("must not contain the username").doesNotContain("Marvin123");
        messages(tenant.admin.post("/api/v1/admin/users", json("username", "marvin", "password", "Password2026!")));
        check(tenant.admin.post("/api/v1/admin/users", json("username", "marvin", "password", "blue-kettle-orbit")), 201);
    }

    @Test
    void anAdminsResetAndOnesOwnChangeFollowThePolicy() {
        java.util.UUID bob = tenant.user("bob");
        assertThat(messages(tenant.admin.edit("/api/v1/admin/users/" + bob, json("password", "qwertyuiop12"))))
                .contains("run along the keyboard");
        Api bobApi = tenant.login("bob");
        assertThat(messages(bobApi.post("/api/v1/me/password", json("currentPassword", TestTenant.PASSWORD,
                "newPassword", "bbbbbbbbbbbbbbbb")))).contains("\"field\":\"newPassword\"").contains("one character repeated");
        check(bobApi.post("/api/v1/me/password", json("currentPassword", TestTenant.PASSWORD,
                "newPassword", "violet-harbour-lamp")), 200);
    }

    @Test
    void anImportRowWithAWeakPasswordFailsAloneAndTheOthersGoOn() {
        JsonNode result = check(tenant.admin.post("/api/v1/admin/users/import", "[{\"username\":\"weak\","
                + "\"password\":\"123456789012\"},{\"username\":\"strong\",\"password\":\"copper-meadow-violin\"}]"), 200)
                .body();
        assertThat(result.get("failed").asInt()).isEqualTo(1);
        assertThat(result.get("created").asInt()).isEqualTo(1);
        assertThat(result.get("results").get(0).get("errors").get(0).get("field").asString()).isEqualTo("password");
    }
}
