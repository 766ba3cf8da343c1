package io.deskport.broker.shared;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.deskport.broker.BrokerTest;
import io.deskport.broker.support.Api;

import static org.assertj.core.api.Assertions.assertThat;

/** No input can forge a line of the broker's log: control characters in logged values are escaped. */
@BrokerTest
@ExtendWith(OutputCaptureExtension.class)
class LogInjectionTest {

    @LocalServerPort
    int port;

    @Test
    void aUserNameWithANewlineStaysOnItsOwnLogLine(CapturedOutput output) {
        // the JSON escape \n: a real newline in the user name once the body is read
        Api.Response refused = new Api(port).post("/api/v1/auth/login", "{\"tenant\":\"demo\",\"username\":"
                + "\"alice\\n2026-12-05T00:00:00.000Z  INFO 1 --- [main] FORGED : admin granted\",\"password\":\"x\"}");
        assertThat(refused.status()).as(refused.raw()).isEqualTo(401);

        assertThat(output.getOut()).contains("alice\\n2026-12-05T00:00:00.000Z  INFO 1 --- [main] FORGED");
        assertThat(output.getOut().lines()).noneMatch(line -> line.startsWith("2026-12-05T00:00:00.000Z"));
    }

    @Test
    void controlCharactersBecomeVisibleEscapes() {
        assertThat(EscapedLogValues.escape("a\r\nb\tc\u001b[31md\u2028e")).isEqualTo("a\\r\\nb\\tc\\u001b[31md\\u2028e");
        assertThat(EscapedLogValues.escape("plain")).isEqualTo("plain");
    }
}
