package io.deskport.broker.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.web.server.LocalServerPort;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

/**
 * The request's ids in the log's MDC (and so in the structured JSON logs): the caller's plain request id, or one of the
 * broker's when the caller's could forge a log field; answered in {@code X-Request-Id}.
 */
@ObservabilityTestSettings
class LogContextTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    int port;

    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private Logger root;

    @BeforeEach
    void capture() {
        root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        events.start();
        root.addAppender(events);
    }

    @AfterEach
    void release() {
        root.detachAppender(events);
    }

    @Test
    void aRequestsLogLinesCarryTheCallersRequestId() throws Exception {
        HttpResponse<String> res = refusedSignIn("req-4711.a:b_c");

        assertThat(res.headers().firstValue("X-Request-Id")).contains("req-4711.a:b_c");
        assertThat(signInLines()).isNotEmpty().allSatisfy(e ->
                assertThat(e.getMDCPropertyMap()).containsEntry(LogContext.REQUEST_ID, "req-4711.a:b_c"));
    }

    @Test
    void aRequestIdThatCouldForgeALogFieldIsReplaced() throws Exception {
        HttpResponse<String> res = refusedSignIn("x\",\"user.name\":\"admin");

        String given = res.headers().firstValue("X-Request-Id").orElseThrow();
        assertThat(given).matches("[0-9a-f]{16}");
        assertThat(signInLines()).isNotEmpty().allSatisfy(e ->
                assertThat(e.getMDCPropertyMap()).containsEntry(LogContext.REQUEST_ID, given));
    }

    @Test
    void onlyPlainShortIdsAreTakenAndSessionIdsAreFoundInTheirPaths() {
        assertThat(LogContext.acceptedRequestId("a".repeat(65))).isNull();
        assertThat(LogContext.acceptedRequestId("a b")).isNull();
        assertThat(LogContext.acceptedRequestId("")).isNull();
        String id = "0b7e6c2a-4f1d-4c1e-9a57-3f7f3c1d2e4b";
        assertThat(LogContext.sessionIdInPath("/api/v1/sessions/" + id + "/tunnel-ticket")).isEqualTo(id);
        assertThat(LogContext.sessionIdInPath("/api/v1/admin/sessions/" + id)).isEqualTo(id);
        assertThat(LogContext.sessionIdInPath("/api/v1/admin/sessions/bulk")).isNull();
        assertThat(LogContext.sessionIdInPath("/api/v1/sessions/" + id + "x")).isNull();
    }

    private List<ILoggingEvent> signInLines() {
        return events.list.stream().filter(e -> e.getFormattedMessage().contains("Sign-in refused for user 'mallory'"))
                .toList();
    }

    private HttpResponse<String> refusedSignIn(String requestId) throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/v1/auth/login"))
                .header("Content-Type", "application/json").header("X-Request-Id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString("{\"tenant\":\"demo\",\"username\":\"mallory\","
                        + "\"password\":\"not-her-password-at-all\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(401);
        return res;
    }
}
