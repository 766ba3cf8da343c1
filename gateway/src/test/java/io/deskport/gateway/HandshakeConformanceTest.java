package io.deskport.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.deskport.gateway.protocol.Instruction;
import io.deskport.gateway.protocol.InstructionParser;
import io.deskport.gateway.server.GatewayConfig;
import io.deskport.gateway.server.GatewayServer;
import io.deskport.gateway.support.FakeVncServer;
import io.deskport.gateway.support.GuacTestClient;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.guacamole.GuacamoleResourceNotFoundException;
import org.apache.guacamole.protocol.GuacamoleConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The handshake as guacd performs it, checked on the wire and with guacamole-common. */
class HandshakeConformanceTest {

    static GatewayServer gateway;

    @BeforeAll
    static void start() throws Exception {
        GatewayConfig config = GatewayConfig.defaults().withListen(InetAddress.getLoopbackAddress(), 0);
        config = config.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(300), Duration.ofSeconds(5));
        gateway = new GatewayServer(config).start();
    }

    @AfterAll
    static void stop() {
        gateway.stop();
    }

    private static final class RawClient implements AutoCloseable {
        final Socket socket;
        final InstructionParser parser;
        final OutputStream out;

        RawClient() throws Exception {
            socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port());
            socket.setSoTimeout(10_000);
            parser = new InstructionParser(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            out = socket.getOutputStream();
        }

        void send(String wire) throws Exception {
            out.write(wire.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        Instruction read() throws Exception {
            return parser.read();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    @Test
    void argsAnnouncesVersion150FirstThenTheVncParametersInGuacdOrder() throws Exception {
        try (RawClient c = new RawClient()) {
            c.send("6.select,3.vnc;");
            Instruction args = c.read();
            assertThat(args.opcode()).isEqualTo("args");
            assertThat(args.args().getFirst()).isEqualTo("VERSION_1_5_0");
            assertThat(args.args().subList(1, 12)).containsExactly("hostname", "port", "read-only", "encodings",
                    "username", "password", "swap-red-blue", "color-depth", "cursor", "autoretry", "clipboard-encoding");
            assertThat(args.args()).containsSubsequence("recording-path", "recording-name", "recording-exclude-output",
                    "recording-exclude-mouse", "recording-include-keys", "create-recording-path", "disable-copy",
                    "disable-paste", "force-lossless");
        }
    }

    @Test
    void joiningAnUnknownConnectionFailsWithResourceNotFound() throws Exception {
        try (RawClient c = new RawClient()) {
            c.send("6.select,37.$00000000-0000-0000-0000-000000000000;");
            assertThat(c.read()).isEqualTo(Instruction.of("error", "No such connection.", "516"));
            assertThat(c.read()).isEqualTo(Instruction.of("disconnect"));
        }
    }

    @Test
    void guacamoleCommonReportsAnUnknownConnectionAsNotFound() {
        GuacamoleConfiguration config = new GuacamoleConfiguration();
        config.setConnectionID("$11111111-2222-3333-4444-555555555555");
        assertThatThrownBy(() -> GuacTestClient.handshake(gateway.port(), config))
                .isInstanceOf(GuacamoleResourceNotFoundException.class);
    }

    private static String connect(List<String> names, int vncPort, String... overrides) {
        StringBuilder b = new StringBuilder("7.connect,13.VERSION_1_5_0");
        for (String name : names) {
            String value = switch (name) {
                case "hostname" -> "127.0.0.1";
                case "port" -> String.valueOf(vncPort);
                default -> "";
            };
            for (int i = 0; i + 1 < overrides.length; i += 2) {
                if (overrides[i].equals(name)) {
                    value = overrides[i + 1];
                }
            }
            b.append(',').append(value.codePointCount(0, value.length())).append('.').append(value);
        }
        return b.append(';').toString();
    }

    @Test
    void handshakeInstructionsMayComeInAnyOrderAndUnknownOnesAreIgnored() throws Exception {
        try (FakeVncServer vnc = new FakeVncServer((in, out) -> FakeVncServer.handshake(in, out, 64, 48));
             RawClient c = new RawClient()) {
            c.send("6.select,3.vnc;");
            Instruction args = c.read();
            List<String> names = args.args().subList(1, args.args().size());
            c.send("8.timezone,13.Europe/Berlin;5.image,9.image/png;7.unknown,1.x;4.size,4.1024,3.768,2.96;4.name,5.alice;");
            c.send(connect(names, vnc.port()));
            Instruction ready = c.read();
            assertThat(ready.opcode()).isEqualTo("ready");
            assertThat(ready.args().getFirst()).matches("\\$[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
            Instruction next;
            do {
                next = c.read();
            } while (!next.opcode().equals("size"));
            assertThat(next).isEqualTo(Instruction.of("size", "0", "64", "48"));
        }
    }

    @Test
    void theWrongNumberOfConnectValuesIsABadRequest() throws Exception {
        try (RawClient c = new RawClient()) {
            c.send("6.select,3.vnc;");
            c.read();
            c.send("7.connect,13.VERSION_1_5_0,9.127.0.0.1;");
            Instruction error = c.read();
            assertThat(error.opcode()).isEqualTo("error");
            assertThat(error.args().get(0)).contains("Incorrect number of connection parameters");
            assertThat(error.args().get(1)).isEqualTo("768");
            assertThat(c.read()).isEqualTo(Instruction.of("disconnect"));
        }
    }

    @Test
    void aSilentClientIsDroppedAfterTheHandshakeTimeout() throws Exception {
        try (RawClient c = new RawClient()) {
            long start = System.nanoTime();
            c.send("6.select,3.vnc;");
            c.read();
            assertThat(c.read()).isEqualTo(Instruction.of("error", "Handshake timed out.", "776"));
            // not before the handshake timeout (1 s here); no upper bound: a loaded machine may be late
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
    }

    @Test
    void garbageInsteadOfSelectIsRefused() throws Exception {
        try (RawClient c = new RawClient()) {
            c.send("GET / HTTP/1.1\r\n\r\n");
            Instruction error = c.read();
            assertThat(error.opcode()).isEqualTo("error");
            assertThat(error.args().get(1)).isEqualTo("768");
        }
    }

    @Test
    void anUnsupportedProtocolIsRefused() throws Exception {
        try (RawClient c = new RawClient()) {
            c.send("6.select,3.rdp;");
            Instruction error = c.read();
            assertThat(error.opcode()).isEqualTo("error");
            assertThat(error.args().get(1)).isEqualTo("256");
        }
    }

    @Test
    void anIdleSessionGetsNopKeepAlivesAndASilentClientIsDropped() throws Exception {
        try (FakeVncServer vnc = new FakeVncServer((in, out) -> FakeVncServer.handshake(in, out, 64, 48));
             RawClient c = new RawClient()) {
            c.send("6.select,3.vnc;");
            Instruction args = c.read();
            c.send(connect(args.args().subList(1, args.args().size()), vnc.port()));
            List<String> opcodes = new java.util.ArrayList<>();
            Instruction i;
            while ((i = c.read()) != null && !i.opcode().equals("disconnect")) {
                opcodes.add(i.opcode());
            }
            // keep-alives (every 300 ms) while the desktop is idle, repeated, then dropped after 2 s without input;
            // how many fit in the 2 s depends on the machine's load: at least two show the repetition
            assertThat(opcodes).contains("ready", "nop");
            assertThat(opcodes.stream().filter("nop"::equals).count()).isGreaterThanOrEqualTo(2);
            assertThat(opcodes.getLast()).isEqualTo("error");
        }
    }

    @Test
    void clipboardTextFromTheDesktopCountsCodePoints() throws Exception {
        String text = "Grüße 😀";
        try (FakeVncServer vnc = new FakeVncServer((in, out) -> {
                FakeVncServer.handshake(in, out, 8, 8);
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                out.write(new byte[] {3, 0, 0, 0});
                out.write(FakeVncServer.u32(utf8.length));
                out.write(utf8);
             });
             RawClient c = new RawClient()) {
            c.send("6.select,3.vnc;");
            Instruction args = c.read();
            c.send(connect(args.args().subList(1, args.args().size()), vnc.port(), "clipboard-encoding", "UTF-8"));
            Instruction i;
            do {
                i = c.read();
            } while (!i.opcode().equals("clipboard"));
            Instruction blob = c.read();
            assertThat(new String(java.util.Base64.getDecoder().decode(blob.args().get(1)), StandardCharsets.UTF_8)).isEqualTo(text);
        }
    }
}
