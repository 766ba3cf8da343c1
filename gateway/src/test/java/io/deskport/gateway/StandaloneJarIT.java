package io.deskport.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.deskport.gateway.protocol.Instruction;
import io.deskport.gateway.protocol.InstructionParser;
import io.deskport.gateway.support.Ports;
import io.deskport.gateway.support.Processes;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The standalone jar built by the module starts with {@code java -jar} and speaks the Guacamole handshake. */
class StandaloneJarIT {

    @Test
    void theStandaloneJarServesTheHandshake() throws Exception {
        Path jar = Path.of(System.getProperty("standalone.jar"));
        assertThat(jar).exists();
        int port = Ports.ephemeral();
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (Processes processes = new Processes(Path.of("target", "standalone-it"))) {
            processes.start("gateway", Map.of("DESKPORT_GATEWAY_PORT", String.valueOf(port)), javaBin, "-jar",
                    jar.toString(), "--log-level", "info");
            await().atMost(Duration.ofSeconds(30)).until(() -> !Ports.isFree(port));
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write("6.select,3.vnc;".getBytes(StandardCharsets.UTF_8));
                Instruction args = new InstructionParser(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).read();
                assertThat(args.opcode()).isEqualTo("args");
                assertThat(args.args()).startsWith("VERSION_1_5_0", "hostname", "port");
            }
            assertThat(Files.readString(Path.of("target", "standalone-it", "gateway.log"))).contains("Gateway listening on 127.0.0.1:" + port);
        }
    }
}
