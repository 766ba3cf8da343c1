package io.deskport.broker.shared;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.NimbusJwtEncoder;

import com.nimbusds.jose.jwk.source.ImmutableSecret;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;
import io.deskport.broker.support.TestTenant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.deskport.broker.support.Api.json;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every answer of the broker is problem+json with a stable reason and no Java internals, whatever went
 * wrong and wherever it was noticed: in a controller, while reading the body, in the security firewall
 * or in the web server itself.
 */
@BrokerTest
class ErrorFormatTest {

    /** A Java type or member as it would leak: a package path, an inner class, a method signature. */
    private static final Pattern JAVA_NAMES = Pattern.compile(
            "io\\.deskport|java\\.|jakarta\\.|tools\\.jackson|springframework|\\$[A-Z]|[A-Z][a-z]+Controller|PoolKind|"
                    + "Exception|\\bString\\b|\\bUUID\\b\\)");

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;

    TestTenant tenant;

    @BeforeEach
    void newTenant() {
        tenant = TestTenant.create(context, port, 100, 100);
    }

    @Test
    void aBodyOfTheWrongShapeNamesNoJavaType() {
        Api.Response r = tenant.anonymous.post("/api/v1/auth/login", "[1, 2]");

        assertProblem(r, 400);
        assertThat(r.reason()).isEqualTo("MALFORMED_REQUEST");
    }

    @Test
    void aMissingBodyNamesNoJavaMethod() {
        Api.Response r = tenant.admin.post("/api/v1/admin/pools");

        assertProblem(r, 400);
        assertThat(r.reason()).isEqualTo("MALFORMED_REQUEST");
    }

    @Test
    void anEnumValueOutOfItsSetNamesTheMemberAndTheAllowedValues() {
        Api.Response r = tenant.admin.post("/api/v1/admin/pools", json("name", "p", "kind", "FLOATING"));

        assertProblem(r, 400);
        assertThat(r.reason()).isEqualTo("VALIDATION_FAILED");
        JsonNode error = r.body().get("errors").get(0);
        assertThat(error.get("field").asString()).isEqualTo("kind");
        assertThat(error.get("message").asString()).contains("PERSISTENT", "POOLED", "SHARED");
    }

    @Test
    void anEnumQueryParameterOutOfItsSetNamesTheParameterAndTheAllowedValues() {
        UUID pool = tenant.pool("p", "POOLED", null);

        Api.Response r = tenant.admin.get("/api/v1/admin/pools/" + pool + "/provisioning/tasks?state=SOMEDAY");

        assertProblem(r, 400);
        assertThat(r.reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(r.body().get("errors").get(0).get("field").asString()).isEqualTo("state");
        assertThat(r.body().get("errors").get(0).get("message").asString()).contains("PENDING");
    }

    @Test
    void aParameterOutOfRangeIsNamedWithoutTheJavaMethod() {
        Api.Response r = tenant.admin.get("/api/v1/admin/provisioning/tasks?limit=0");

        assertProblem(r, 400);
        assertThat(r.body().get("errors").get(0).get("field").asString()).as("not tasks.limit").isEqualTo("limit");
    }

    @Test
    void anUnknownMemberIsRefusedNamingIt() {
        Api.Response r = tenant.admin.post("/api/v1/admin/pools", json("name", "p", "kind", "POOLED", "size", -5));

        assertProblem(r, 400);
        assertThat(r.reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(r.body().get("errors").get(0).get("field").asString()).isEqualTo("size");
        assertThat(check(tenant.admin.get("/api/v1/admin/pools"), 200).body().size()).as("no pool created").isZero();
    }

    @Test
    void aNulCharacterInABodyIsAValidationFailureNamingTheMember() {
        Api.Response r = tenant.admin.post("/api/v1/admin/pools", "{\"name\":\"a\\u0000b\",\"kind\":\"POOLED\"}");

        assertProblem(r, 400);
        assertThat(r.reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(r.body().get("errors").get(0).get("field").asString()).isEqualTo("name");
    }

    @Test
    void aNulCharacterInAQueryParameterIsAValidationFailureNamingIt() {
        Api.Response r = tenant.admin.get("/api/v1/admin/audit?action=X%00Y");

        assertProblem(r, 400);
        assertThat(r.reason()).isEqualTo("VALIDATION_FAILED");
        assertThat(r.body().get("errors").get(0).get("field").asString()).isEqualTo("action");
    }

    @Test
    void pathsTheFirewallRejectsAnswerProblemJson() throws IOException {
        for (String path : List.of("/api//v1/pools", "/api/v1/pools;jsessionid=x", "/api/v1/%2e%2e/admin/users")) {
            Raw r = raw("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + tenant.admin.token()
                    + "\r\nConnection: close\r\n\r\n");

            assertThat(r.status()).as(path).isEqualTo(400);
            assertRawProblem(r, path);
        }
    }

    @Test
    void oversizedHeadersAnswerProblemJson() throws IOException {
        Raw r = raw("GET /api/v1/me HTTP/1.1\r\nHost: localhost\r\nX-Padding: " + "a".repeat(40_000)
                + "\r\nConnection: close\r\n\r\n");

        assertThat(r.status()).isEqualTo(400);
        assertRawProblem(r, "oversized header");
    }

    @Test
    void anInvalidUriAnswersProblemJson() throws IOException {
        Raw r = raw("GET /api/v1/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(r.status()).isEqualTo(400);
        assertRawProblem(r, "invalid URI");
    }

    @Test
    void aSignedTokenWithAnUnknownRoleIsUnauthenticated() {
        Api forged = tenant.anonymous.withToken(signed(Map.of("sub", UUID.randomUUID().toString(),
                "tid", tenant.id.toString(), "name", "x", "roles", List.of("SUPERUSER"))));

        Api.Response r = forged.get("/api/v1/me");

        assertProblem(r, 401);
        assertThat(r.reason()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void aSignedTokenWithoutATenantIsUnauthenticated() {
        Api forged = tenant.anonymous.withToken(signed(Map.of("sub", UUID.randomUUID().toString(), "name", "x",
                "roles", List.of("TENANT_ADMIN"))));

        Api.Response r = forged.get("/api/v1/admin/pools");

        assertProblem(r, 401);
        assertThat(r.reason()).isEqualTo("UNAUTHENTICATED");
    }

    @Test
    void aBodyAnnouncedLargerThanTheLimitIsRefusedUnread() throws IOException {
        Raw r = raw("POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + (2 * 1024 * 1024) + "\r\nConnection: close\r\n\r\n{");

        assertThat(r.status()).isEqualTo(413);
        assertRawProblem(r, "announced size");
        assertThat(r.body().get("reason").asString()).isEqualTo("PAYLOAD_TOO_LARGE");
    }

    @Test
    void aChunkedBodyGrowingPastTheLimitIsRefused() throws Exception {
        String chunk = " ".repeat(64 * 1024);
        StringBuilder request = new StringBuilder("POST /api/v1/admin/pools HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + tenant.admin.token() + "\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
        request.append("1\r\n{\r\n");
        for (int i = 0; i < 24; i++) { // 1.5 MiB of white space inside a JSON object
            request.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        request.append("1\r\n}\r\n0\r\n\r\n");

        Raw r = raw(request.toString());

        assertThat(r.status()).isEqualTo(413);
        assertRawProblem(r, "chunked");
        assertThat(r.body().get("reason").asString()).isEqualTo("PAYLOAD_TOO_LARGE");
    }

    @Test
    void aBodyOfAMediaTypeTheEndpointDoesNotTakeIsToldWhatItTakes() throws IOException {
        // the token endpoint takes a form (OAuth 2.0 client credentials), the rest JSON
        Raw token = raw("POST /api/v1/auth/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
        assertThat(token.status()).isEqualTo(415);
        assertRawProblem(token, "token endpoint");
        assertThat(token.body().get("reason").asString()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
        assertThat(token.body().get("detail").asString())
                .isEqualTo("Send application/x-www-form-urlencoded (got application/json)");

        Raw pools = raw("POST /api/v1/admin/pools HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + tenant.admin.token() + "\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");
        assertThat(pools.status()).isEqualTo(415);
        assertThat(pools.body().get("detail").asString()).startsWith("Send application/json (got text/plain");
    }

    @Test
    void aBodyUnderTheLimitIsRead() {
        Api.Response r = tenant.admin.post("/api/v1/admin/pools", json("name", "p", "kind", "POOLED",
                "description", "d".repeat(1900)));

        assertThat(r.status()).isEqualTo(201);
    }

    private void assertProblem(Api.Response r, int status) {
        assertThat(r.status()).as(r.raw()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.reason()).isNotNull();
        assertThat(JAVA_NAMES.matcher(r.raw()).find()).as("Java names in " + r.raw()).isFalse();
    }

    private static void assertRawProblem(Raw r, String what) {
        assertThat(r.contentType()).as(what + ": " + r.text()).startsWith("application/problem+json");
        assertThat(r.body().get("reason")).as(what).isNotNull();
        assertThat(JAVA_NAMES.matcher(r.text()).find()).as("Java names in " + r.text()).isFalse();
    }

    private static Api.Response check(Api.Response r, int status) {
        return TestTenant.check(r, status);
    }

    /** A token signed with the broker's own key, with the given claims (issuer and times added). */
    private String signed(Map<String, Object> claims) {
        byte[] key = jdbc.sql("select value from platform_secret where name = 'access-token-signing-key'")
                .query(byte[].class).single();
        NimbusJwtEncoder encoder = new NimbusJwtEncoder(new ImmutableSecret<>(new SecretKeySpec(key, "HmacSHA256")));
        JwtClaimsSet.Builder b = JwtClaimsSet.builder().issuer("deskport").issuedAt(Instant.now())
                .expiresAt(Instant.now().plusSeconds(600));
        claims.forEach(b::claim);
        return encoder.encode(JwtEncoderParameters.from(JwsHeader.with(MacAlgorithm.HS256).build(), b.build()))
                .getTokenValue();
    }

    /** A raw HTTP exchange, for requests an HTTP client library would not send. */
    private record Raw(int status, String contentType, String text, JsonNode body) {
    }

    private Raw raw(String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException e) {
                    // the server answered and closed before reading everything: that is allowed
                }
            });
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; !complete(all.toString(StandardCharsets.ISO_8859_1)) && (n = in.read(buffer)) > 0; ) {
                    all.write(buffer, 0, n);
                }
            } catch (IOException e) {
                // a reset after the answer
            }
            writer.interrupt();
            String text = all.toString(StandardCharsets.ISO_8859_1);
            int headerEnd = text.indexOf("\r\n\r\n");
            String head = headerEnd < 0 ? text : text.substring(0, headerEnd);
            String body = headerEnd < 0 ? "" : text.substring(headerEnd + 4);
            int status = Integer.parseInt(head.substring(9, 12));
            String type = head.lines().filter(l -> l.regionMatches(true, 0, "Content-Type:", 0, 13))
                    .map(l -> l.substring(13).trim()).findFirst().orElse("");
            if (head.toLowerCase().contains("transfer-encoding: chunked")) {
                body = unchunk(body);
            }
            JsonNode json = null;
            try {
                json = body.isBlank() ? null : JsonMapper.builder().build().readTree(body);
            } catch (RuntimeException e) {
                // not JSON: the assertions say so
            }
            return new Raw(status, type, text, json == null ? JsonMapper.builder().build().createObjectNode() : json);
        }
    }

    /** Whether a whole answer has arrived (the server may keep the connection open to swallow the request). */
    private static boolean complete(String text) {
        int headerEnd = text.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            return false;
        }
        String head = text.substring(0, headerEnd).toLowerCase();
        int length = head.indexOf("content-length:");
        if (length >= 0) {
            int eol = head.indexOf("\r\n", length);
            int n = Integer.parseInt(head.substring(length + 15, eol < 0 ? head.length() : eol).trim());
            return text.length() - headerEnd - 4 >= n;
        }
        return head.contains("transfer-encoding: chunked") && text.endsWith("0\r\n\r\n");
    }

    private static String unchunk(String chunked) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < chunked.length()) {
            int eol = chunked.indexOf("\r\n", i);
            if (eol < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(i, eol).trim(), 16);
            if (size == 0) {
                break;
            }
            sb.append(chunked, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
        return sb.toString();
    }
}
