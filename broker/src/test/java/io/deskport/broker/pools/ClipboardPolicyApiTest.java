package io.deskport.broker.pools;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/** A pool's clipboard policy through the pool API: its default, at creation, in a change and a merge patch, audited. */
@BrokerTest
class ClipboardPolicyApiTest {

    private static final String MERGE = "application/merge-patch+json";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    TestTenant tenant;

    @BeforeEach
    void setUp() {
        tenant = TestTenant.create(context, port, 10, 10);
    }

    @Test
    void aPoolCopiesBothWaysUnlessItsAdminSaysOtherwise() {
        Api.Response plain = check(tenant.admin.post("/api/v1/admin/pools", json("name", "office", "kind", "POOLED")), 201);
        Api.Response locked = check(tenant.admin.post("/api/v1/admin/pools", json("name", "finance", "kind", "POOLED",
                "clipboardPolicy", "NONE", "disconnectTimeoutSeconds", 0)), 201);

        assertThat(plain.body().get("clipboardPolicy").asString()).isEqualTo("BOTH");
        assertThat(locked.body().get("clipboardPolicy").asString()).isEqualTo("NONE");
        assertThat(locked.body().get("disconnectTimeoutSeconds").isNull()).as("0: disconnected sessions never time out").isTrue();
        assertThat(check(tenant.admin.get("/api/v1/admin/audit?objectId=" + locked.id()), 200).body().get(0)
                .get("details").get("clipboardPolicy").asString()).isEqualTo("NONE");
    }

    @Test
    void theClipboardPolicyIsChangedByAPatchOrAMergePatchAndCannotBeRemoved() {
        String path = "/api/v1/admin/pools/" + tenant.pool("office", "POOLED", null);

        Api.Response changed = check(tenant.admin.edit(path, json("clipboardPolicy", "FROM_DESKTOP")), 200);
        Api.Response merged = check(tenant.admin.patch(path, MERGE, changed.header("ETag"),
                json("clipboardPolicy", "TO_DESKTOP")), 200);
        Api.Response removed = tenant.admin.patch(path, MERGE, merged.header("ETag"), "{\"clipboardPolicy\": null}");
        Api.Response unknown = tenant.admin.patch(path, MERGE, merged.header("ETag"), json("clipboardPolicy", "SOMETIMES"));

        assertThat(changed.body().get("clipboardPolicy").asString()).isEqualTo("FROM_DESKTOP");
        assertThat(merged.body().get("clipboardPolicy").asString()).isEqualTo("TO_DESKTOP");
        assertThat(removed.status()).isEqualTo(400);
        assertThat(removed.body().get("errors").findValuesAsString("field")).containsExactly("clipboardPolicy");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.body().get("errors").findValuesAsString("field")).containsExactly("clipboardPolicy");
        assertThat(check(tenant.admin.get(path), 200).body().get("clipboardPolicy").asString()).isEqualTo("TO_DESKTOP");
    }
}
