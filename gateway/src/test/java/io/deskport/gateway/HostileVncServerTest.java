package io.deskport.gateway;

import static io.deskport.gateway.support.FakeVncServer.handshake;
import static io.deskport.gateway.support.FakeVncServer.u32;
import static io.deskport.gateway.support.FakeVncServer.updateHeader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.deskport.gateway.server.GatewayConfig;
import io.deskport.gateway.server.GatewayServer;
import io.deskport.gateway.support.FakeVncServer;
import io.deskport.gateway.support.GuacTestClient;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A broken or hostile VNC server never hangs the gateway or makes it allocate without bound: the client
 * gets {@code error} with a clear message and status, then {@code disconnect}, and the desktop
 * connection is closed. The test JVM runs with a 256 MB heap, so honouring any of the huge sizes below
 * would fail it.
 */
class HostileVncServerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    static GatewayServer gateway;

    @BeforeAll
    static void start() throws Exception {
        GatewayConfig config = GatewayConfig.defaults().withListen(InetAddress.getLoopbackAddress(), 0);
        config = config.withTimeouts(config.handshakeTimeout(), config.clientTimeout(), config.keepAlive(), Duration.ofSeconds(2));
        gateway = new GatewayServer(config).start();
    }

    @AfterAll
    static void stop() {
        gateway.stop();
    }

    static Stream<Arguments> hostileServers() {
        return Stream.of(
                Arguments.of("not a VNC server", (FakeVncServer.Script) (in, out) ->
                        out.write("HTTP/1.1 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII)), 515, "Not a VNC server"),
                Arguments.of("closes after the banner", (FakeVncServer.Script) (in, out) -> {
                    out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    in.readNBytes(12);
                    out.close();
                }, 515, "closed"),
                Arguments.of("stalls in the handshake", (FakeVncServer.Script) (in, out) ->
                        out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII)), 514, "handshake"),
                Arguments.of("huge refusal reason", (FakeVncServer.Script) (in, out) -> {
                    out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
                    out.write(0);
                    out.write(u32(0xfffffff0L));
                }, 515, "limit"),
                Arguments.of("only unsupported security", (FakeVncServer.Script) (in, out) -> {
                    out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
                    out.write(new byte[] {2, 16, 19});
                }, 515, "unsupported security"),
                Arguments.of("65535x65535 framebuffer", (FakeVncServer.Script) (in, out) ->
                        handshake(in, out, 65535, 65535), 515, "larger than the 8192x8192 limit"),
                Arguments.of("2 GB desktop name", (FakeVncServer.Script) (in, out) -> {
                    out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
                    in.readNBytes(12);
                    out.write(new byte[] {1, 1});
                    out.flush();
                    in.readNBytes(1);
                    out.write(u32(0));
                    out.flush();
                    in.readNBytes(1);
                    byte[] init = FakeVncServer.serverInit(100, 100, "");
                    System.arraycopy(u32(0x7fffffffL), 0, init, 20, 4);
                    out.write(init, 0, 24);
                }, 515, "desktop name"),
                Arguments.of("rectangle outside the framebuffer", (FakeVncServer.Script) (in, out) -> {
                    handshake(in, out, 100, 100);
                    out.write(updateHeader(90, 90, 20, 20, 0));
                }, 515, "outside"),
                Arguments.of("unrequested encoding", (FakeVncServer.Script) (in, out) -> {
                    handshake(in, out, 100, 100);
                    out.write(updateHeader(0, 0, 10, 10, 7));
                }, 515, "encoding 7"),
                Arguments.of("ZRLE length of 2 GB", (FakeVncServer.Script) (in, out) -> {
                    handshake(in, out, 100, 100);
                    out.write(updateHeader(0, 0, 100, 100, 16));
                    out.write(u32(0x7fffffffL));
                }, 515, "limit"),
                Arguments.of("ZRLE that is not zlib", (FakeVncServer.Script) (in, out) -> {
                    handshake(in, out, 100, 100);
                    out.write(updateHeader(0, 0, 100, 100, 16));
                    out.write(u32(64));
                    out.write(new Random(1).ints(64, 0, 256).collect(ByteArrayOutputStream::new,
                            (b, v) -> b.write(v), (a, b) -> a.writeBytes(b.toByteArray())).toByteArray());
                }, 515, "zlib"),
                Arguments.of("ZRLE with an undefined subencoding", (FakeVncServer.Script) (in, out) -> {
                    handshake(in, out, 100, 100);
                    out.write(updateHeader(0, 0, 10, 10, 16));
                    byte[] z = deflate(new byte[] {17, 0, 0, 0});
                    out.write(u32(z.length));
                    out.write(z);
                }, 515, "subencoding 17"),
                Arguments.of("ZRLE run longer than its tile", (FakeVncServer.Script) (in, out) -> {
                    handshake(in, out, 100, 100);
                    out.write(updateHeader(0, 0, 10, 10, 16));
                    byte[] z = deflate(new byte[] {(byte) 128, 1, 2, 3, (byte) 255, (byte) 255});
                    out.write(u32(z.length));
                    out.write(z);
                }, 515, "overflows"),
                Arguments.of("ZRLE truncated, then silence", (FakeVncServer.Script) (in, out) -> {
                    handshake(in, out, 100, 100);
                    out.write(updateHeader(0, 0, 100, 100, 16));
                    out.write(u32(1000));
                    out.write(new byte[10]);
                }, 514, "stopped sending"),
                Arguments.of("Hextile sub-rectangle outside its tile", (FakeVncServer.Script) (in, out) -> {
                    handshake(in, out, 100, 100);
                    out.write(updateHeader(0, 0, 8, 8, 5));
                    out.write(new byte[] {8 | 2 | 4, 1, 2, 3, 0, 4, 5, 6, 0, 1, (byte) 0xff, (byte) 0xff});
                }, 515, "outside its tile"),
                Arguments.of("10000x10000 cursor", (FakeVncServer.Script) (in, out) -> {
                    handshake(in, out, 100, 100);
                    out.write(updateHeader(0, 0, 10000, 10000, -239));
                }, 515, "cursor"),
                Arguments.of("desktop resized beyond the limit", (FakeVncServer.Script) (in, out) -> {
                    handshake(in, out, 100, 100);
                    out.write(updateHeader(0, 0, 60000, 60000, -223));
                }, 515, "limit"),
                Arguments.of("2 GB clipboard", (FakeVncServer.Script) (in, out) -> {
                    handshake(in, out, 100, 100);
                    out.write(new byte[] {3, 0, 0, 0});
                    out.write(u32(0x7ffffff0L));
                }, 515, "clipboard"),
                Arguments.of("unknown message type", (FakeVncServer.Script) (in, out) -> {
                    handshake(in, out, 100, 100);
                    out.write(99);
                }, 515, "unknown message type 99"),
                Arguments.of("closes in the middle of an update", (FakeVncServer.Script) (in, out) -> {
                    handshake(in, out, 100, 100);
                    out.write(updateHeader(0, 0, 100, 100, 0));
                    out.write(new byte[1000]);
                    out.close();
                }, 515, "closed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileServers")
    void aHostileServerEndsTheConnectionWithAClearError(String name, FakeVncServer.Script script, int status, String message)
            throws Exception {
        try (FakeVncServer server = new FakeVncServer(script);
             GuacTestClient client = GuacTestClient.connect(gateway.port(), Map.of("hostname", "127.0.0.1",
                     "port", String.valueOf(server.port())))) {
            GuacamoleInstruction error = client.awaitOpcode("error", TIMEOUT);
            assertThat(error.getArgs().get(0)).containsIgnoringCase(message);
            assertThat(error.getArgs().get(1)).isEqualTo(String.valueOf(status));
            client.awaitOpcode("disconnect", TIMEOUT);
            assertThat(server.awaitClientClosed(TIMEOUT.toSeconds())).as("gateway closed the VNC connection").isTrue();
            await().atMost(TIMEOUT).until(() -> gateway.connection(client.connectionId()).isEmpty());
        }
    }

    @Test
    void randomBytesAfterTheHandshakeNeverHangTheGateway() throws Exception {
        Random random = new Random(42);
        for (int round = 0; round < 40; round++) {
            byte[] garbage = new byte[1 + random.nextInt(4096)];
            random.nextBytes(garbage);
            FakeVncServer.Script script = (in, out) -> {
                handshake(in, out, 320, 200);
                out.write(garbage);
            };
            try (FakeVncServer server = new FakeVncServer(script);
                 GuacTestClient client = GuacTestClient.connect(gateway.port(), Map.of("hostname", "127.0.0.1",
                         "port", String.valueOf(server.port())))) {
                GuacamoleInstruction error = client.awaitOpcode("error", TIMEOUT);
                assertThat(error.getArgs().get(1)).as("round %d", round).isIn("514", "515");
                client.awaitOpcode("disconnect", TIMEOUT);
                assertThat(server.awaitClientClosed(TIMEOUT.toSeconds())).isTrue();
            }
        }
        Runtime rt = Runtime.getRuntime();
        assertThat(rt.totalMemory() - rt.freeMemory()).isLessThan(200L << 20);
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater();
        d.setInput(data);
        byte[] out = new byte[data.length + 64];
        int n = d.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        d.end();
        return java.util.Arrays.copyOf(out, n);
    }

}
