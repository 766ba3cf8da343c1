package io.deskport.provisioning.console;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Protocol edge cases against scripted servers; the real QEMU console is probed in the libvirt tests. */
class ConsoleProbeTest {

    private final ConsoleProbe probe = new ConsoleProbe(Duration.ofSeconds(2));

    @Test
    void aClosedPortIsUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        int closed = port;
        assertThatThrownBy(() -> probe.probe("127.0.0.1", closed, "x"))
                .isInstanceOfSatisfying(ConsoleProbeException.class,
                        e -> assertThat(e.failure()).isEqualTo(ConsoleProbeException.Failure.UNREACHABLE));
    }

    @Test
    void aServerThatIsNotVncIsRecognised() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write("HTTP/1.1 400\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } catch (Exception ignored) {
                    // the probe's side of the test reports the outcome
                }
            });
            assertThatThrownBy(() -> probe.probe("127.0.0.1", server.getLocalPort(), "x"))
                    .isInstanceOfSatisfying(ConsoleProbeException.class,
                            e -> assertThat(e.failure()).isEqualTo(ConsoleProbeException.Failure.NOT_RFB));
        }
    }

    @Test
    void aServerWithoutAuthenticationIsProbedWithoutPassword() throws Exception {
        try (ServerSocket server = new ServerSocket(0)) {
            CompletableFuture<Void> serverSide = CompletableFuture.runAsync(() -> {
                try (Socket s = server.accept()) {
                    DataOutputStream out = new DataOutputStream(s.getOutputStream());
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
                    in.readFully(new byte[12]);
                    out.write(new byte[] {1, 1}); // one security type: None
                    assertThat(in.readUnsignedByte()).isEqualTo(1);
                    out.writeInt(0); // SecurityResult OK
                    assertThat(in.readUnsignedByte()).isEqualTo(1); // shared ClientInit
                    out.writeShort(800);
                    out.writeShort(600);
                    out.write(new byte[16]);
                    byte[] name = "scripted".getBytes(StandardCharsets.UTF_8);
                    out.writeInt(name.length);
                    out.write(name);
                    out.flush();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            ConsoleProbe.Result result = probe.probe("127.0.0.1", server.getLocalPort(), null);
            serverSide.join();
            assertThat(result).isEqualTo(new ConsoleProbe.Result("3.8", 800, 600, "scripted"));
        }
    }

    @Test
    void onlyTheFirstEightPasswordCharactersCountLikeInEveryVncServer() {
        byte[] challenge = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

        assertThat(ConsoleProbe.vncAuthResponse("password-and-more", challenge))
                .isEqualTo(ConsoleProbe.vncAuthResponse("password", challenge))
                .isNotEqualTo(ConsoleProbe.vncAuthResponse("passwore", challenge));
    }
}
