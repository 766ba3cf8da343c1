package io.deskport.broker.metering;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;

import static io.deskport.broker.support.Api.json;
import static io.deskport.broker.support.TestTenant.check;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The webhook subscriptions' API as an admin uses it: endpoints confined to public https addresses (a private,
 * loopback, link-local or metadata address refused unless the operator allows its network; plain http only
 * there), event types checked by name, changes made from the version read, the secret shown once and never in
 * a list, a read, the audit trail or the logs, the platform's subscriptions for platform admins only.
 */
@BrokerTest
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = {"deskport.provisioning.enabled=false",
        // one loopback address allowed (the others refused as any private address is), and no delivery: the
        // endpoints here do not exist
        "deskport.metering.webhooks.allowed-networks=127.0.0.2/32",
        "deskport.metering.webhooks.enabled=false"})
class WebhookApiTest {

    private static final String HOOKS = "/api/v1/admin/webhooks";
    private static final String PLATFORM = "/api/v1/admin/platform-webhooks";
    private static final String PUBLIC = "https://203.0.113.10/hooks/deskport";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    WebhookLedger ledger;

    TestTenant tenant;

    @BeforeEach
    void aTenant() {
        tenant = TestTenant.create(context, port, 10, 10);
    }

    @Test
    void endpointsMustBePublicHttpsUnlessTheOperatorAllowsTheirNetworkAndTypesMustExist() {
        for (String url : List.of("http://203.0.113.10/hook", "ftp://203.0.113.10/hook", "not a url", "https:///nohost",
                "https://127.0.0.1/hook", "https://[::1]/hook", "https://169.254.169.254/latest/meta-data",
                "https://10.1.2.3/hook", "https://192.168.1.1/hook", "https://172.16.0.1/", "https://100.64.0.1/",
                "https://[fd00::1]/hook", "https://0.0.0.0/", "https://user:pw@203.0.113.10/hook",
                "https://[::ffff:169.254.169.254]/", "https://no-such-host.invalid/hook")) {
            Api.Response r = tenant.admin.post(HOOKS, json("url", url));
            assertThat(r.status()).as(url).isEqualTo(400);
            assertThat(r.reason()).as(url).isEqualTo("VALIDATION_FAILED");
            assertThat(r.body().get("errors").get(0).get("field").asString()).as(url).isEqualTo("url");
        }
        assertThat(tenant.admin.post(HOOKS, json("url", "https://127.0.0.1/hook")).body().get("detail").asString())
                .contains("allowed-networks");
        assertThat(tenant.admin.post(HOOKS, json("description", "no url")).status()).isEqualTo(400);
        // the allowed network, even over plain http
        check(tenant.admin.post(HOOKS, json("url", "http://127.0.0.2:9/hook")), 201);
        check(tenant.admin.post(HOOKS, json("url", PUBLIC)), 201);

        Api.Response unknown = tenant.admin.post(HOOKS, json("url", PUBLIC, "eventTypes",
                new Api.RawJson("[\"io.deskport.session.ended\",\"io.deskport.session.exploded\"]")));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(unknown.body().get("errors").get(0).get("field").asString()).isEqualTo("eventTypes");
        assertThat(unknown.body().get("errors").get(0).get("rejectedValue").asString()).isEqualTo("io.deskport.session.exploded");
        JsonNode typed = check(tenant.admin.post(HOOKS, json("url", PUBLIC, "eventTypes",
                new Api.RawJson("[\"session.ended\",\"io.deskport.licence.seat_taken\"]"))), 201).body();
        assertThat(typed.get("eventTypes").toString()).isEqualTo("[\"io.deskport.session.ended\",\"io.deskport.licence.seat_taken\"]");
    }

    @Test
    void changesAreMadeFromTheVersionReadAndAuditedAndNeverShowTheSecret(CapturedOutput output) {
        Api.Response created = check(tenant.admin.post(HOOKS, json("url", PUBLIC, "description", "billing")), 201);
        String secret = created.body().get("secret").asString();
        String key = secret.substring("whsec_".length());
        assertThat(java.util.Base64.getDecoder().decode(key)).hasSizeBetween(24, 64);
        assertThat(created.header("ETag")).isEqualTo("\"0\"");
        UUID id = created.id();
        String path = HOOKS + "/" + id;

        Api.Response without = tenant.admin.patch(path, "application/json", null, json("description", "x"));
        assertThat(without.status()).isEqualTo(428);
        assertThat(without.reason()).isEqualTo("PRECONDITION_REQUIRED");
        Api.Response changed = check(tenant.admin.patch(path, "application/json", "\"0\"", json("description", "ledger",
                "eventTypes", new Api.RawJson("[\"session.ended\"]"))), 200);
        assertThat(changed.header("ETag")).isEqualTo("\"1\"");
        Api.Response stale = tenant.admin.patch(path, "application/json", "\"0\"", json("description", "lost"));
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.reason()).isEqualTo("STALE_VERSION");
        assertThat(stale.body().get("currentVersion").asLong()).isEqualTo(1);
        Api.Response bad = tenant.admin.patch(path, "application/json", "\"1\"", json("url", "https://169.254.169.254/"));
        assertThat(bad.status()).isEqualTo(400);
        Api.Response merged = check(tenant.admin.patch(path, "application/merge-patch+json", "\"1\"",
                "{\"eventTypes\":null,\"enabled\":false}"), 200);
        assertThat(merged.body().get("eventTypes").size()).as("null: every type").isZero();
        assertThat(merged.body().get("disabledReason").asString()).isEqualTo("ADMIN");

        Api.Response rotated = check(tenant.admin.post(path + "/rotate-secret"), 200);
        String second = rotated.body().get("secret").asString();
        assertThat(rotated.header("ETag")).as("a rotation moves the version").isEqualTo("\"3\"");

        // the secrets: never again in an answer, the audit trail, the database in clear, or the logs
        List<String> answers = List.of(check(tenant.admin.get(path), 200).raw(), check(tenant.admin.get(HOOKS), 200).raw(),
                check(tenant.admin.get(path + "/attempts"), 200).raw(),
                check(tenant.admin.get("/api/v1/admin/audit?limit=1000"), 200).raw());
        String audit = String.join("\n", jdbc.sql("select details::text from audit_event where object_id = ?")
                .param(id.toString()).query(String.class).list());
        assertThat(audit).contains("ledger");
        byte[] stored = jdbc.sql("select secret from webhook_secret where subscription_id = ?").param(id)
                .query(byte[].class).single();
        for (String s : List.of(secret, second)) {
            String b64 = s.substring("whsec_".length());
            answers.forEach(a -> assertThat(a).doesNotContain(b64));
            assertThat(audit).doesNotContain(b64);
            assertThat(output.getAll()).doesNotContain(b64);
            assertThat(java.util.Base64.getEncoder().encodeToString(stored)).doesNotContain(b64);
        }
        assertThat(jdbc.sql("select action from audit_event where object_id = ? order by id").param(id.toString())
                .query(String.class).list()).containsExactly("WEBHOOK_CREATED", "WEBHOOK_UPDATED", "WEBHOOK_UPDATED",
                "WEBHOOK_SECRET_ROTATED");

        Api.Response replayBad = tenant.admin.post(path + "/replay", json("after", "not-a-cursor"));
        assertThat(replayBad.status()).isEqualTo(400);
        assertThat(replayBad.reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(tenant.admin.post(path + "/replay", "{}").status()).isEqualTo(400);
        assertThat(tenant.admin.post(path + "/rotate-secret", json("previousSecretValidFor", "P30D")).status())
                .isEqualTo(400);

        // the attempts go with their subscription (no foreign key since V40: a trigger on the delete), others stay
        Api.Response other = check(tenant.admin.post(HOOKS, json("url", PUBLIC + "/other")), 201);
        UUID otherId = UUID.fromString(other.body().get("id").asString());
        attempt(id, "1 day");
        attempt(otherId, "1 day");
        tenant.admin.delete(path);
        assertThat(tenant.admin.get(path).status()).isEqualTo(404);
        assertThat(jdbc.sql("select action from audit_event where object_id = ? order by id desc limit 1")
                .param(id.toString()).query(String.class).single()).isEqualTo("WEBHOOK_DELETED");
        assertThat(attempts(id)).as("the deleted subscription's attempts").isZero();
        assertThat(attempts(otherId)).as("another subscription's").isEqualTo(1);
    }

    @Test
    void attemptsOlderThanTheRetentionAreForgottenTheOthersKept() {
        UUID id = UUID.fromString(check(tenant.admin.post(HOOKS, json("url", PUBLIC)), 201).body().get("id").asString());
        for (int i = 0; i < 3; i++) {
            attempt(id, "40 days");
        }
        // more than one statement's batch of old ones
        jdbc.sql("insert into webhook_attempt (subscription_id, event_seq, event_type, attempt, replay, at, status, latency_ms, "
                + "succeeded) select ?, n, 'session.created', 1, false, now() - interval '35 days', 204, 3, true "
                + "from generate_series(1, ?) n").params(id, WebhookLedger.FORGET_BATCH + 500).update();
        attempt(id, "1 hour");
        attempt(id, "1 minute");
        assertThat(ledger.forgetAttempts(java.time.Duration.ofDays(30), 100)).as("forgotten in one sweep")
                .isEqualTo(WebhookLedger.FORGET_BATCH + 503);
        assertThat(jdbc.sql("select count(*) from webhook_attempt where subscription_id = ? and at < now() - interval '30 days'")
                .param(id).query(Long.class).single()).as("older than the retention").isZero();
        assertThat(attempts(id)).as("the recent ones").isEqualTo(2);
    }

    /** An attempt of the subscription made this long ago (an SQL interval). */
    private void attempt(UUID subscription, String ago) {
        jdbc.sql("insert into webhook_attempt (subscription_id, event_seq, event_type, attempt, replay, at, status, latency_ms, "
                + "succeeded) values (?, 1, 'session.created', 1, false, now() - ?::interval, 204, 3, true)")
                .params(subscription, ago).update();
    }

    private long attempts(UUID subscription) {
        return jdbc.sql("select count(*) from webhook_attempt where subscription_id = ?").param(subscription)
                .query(Long.class).single();
    }

    @Test
    void thePlatformsSubscriptionsAreForPlatformAdminsAndApartFromTheTenants() {
        Api.Response refused = tenant.admin.post(PLATFORM, json("url", PUBLIC));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.reason()).isEqualTo("FORBIDDEN");
        assertThat(tenant.admin.get(PLATFORM).status()).isEqualTo(403);

        Api platform = tenant.platformAdmin(context, "operator");
        JsonNode created = check(platform.post(PLATFORM, json("url", PUBLIC, "description", "operator billing")), 201)
                .body();
        assertThat(created.get("tenantId").isNull()).isTrue();
        String id = created.get("id").asString();
        assertThat(platform.all(PLATFORM)).extracting(n -> n.get("id").asString()).contains(id);
        assertThat(platform.all(HOOKS)).extracting(n -> n.get("id").asString()).doesNotContain(id);
        assertThat(platform.get(HOOKS + "/" + id).status()).as("not a tenant's").isEqualTo(404);
        assertThat(tenant.admin.get(PLATFORM + "/" + id).status()).isEqualTo(403);
        // a platform admin acting in a tenant manages that tenant's, not the platform's
        TestTenant other = TestTenant.create(context, port, 1, 1);
        assertThat(platform.inTenant(other.id).get(PLATFORM).status()).isEqualTo(403);
        assertThat(platform.inTenant(UUID.randomUUID()).get(PLATFORM).status()).as("no such tenant").isEqualTo(404);
    }
}
