package io.deskport.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.deskport.gateway.server.GatewayConfig;
import io.deskport.gateway.server.GatewayServer;
import io.deskport.gateway.support.GuacTestClient;
import io.deskport.gateway.support.Ports;
import io.deskport.gateway.support.Processes;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.guacamole.protocol.GuacamoleInstruction;
import org.junit.jupiter.api.Test;

/** The gateway serving the VNC display of a real QEMU virtual machine booting a Linux kernel. */
class QemuSessionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Test
    void aQemuVgaConsoleReachesAGuacamoleClient() throws Exception {
        Path kernel;
        try (Stream<Path> boot = Files.list(Path.of("/boot"))) {
            kernel = boot.filter(p -> p.getFileName().toString().startsWith("vmlinuz-"))
                    .max(Comparator.naturalOrder()).orElseThrow(() -> new IllegalStateException("no kernel in /boot"));
        }
        int display = freeQemuDisplay();
        try (Processes processes = new Processes(Path.of("target", "qemu"));
             GatewayServer gateway = new GatewayServer(GatewayConfig.defaults()
                     .withListen(InetAddress.getLoopbackAddress(), 0)).start()) {
            processes.start("qemu-" + display, Map.of(), "qemu-system-x86_64", "-machine", "accel=tcg", "-m", "256",
                    "-kernel", kernel.toString(), "-append", "console=tty0", "-display", "none", "-vga", "std",
                    "-vnc", "127.0.0.1:" + display, "-no-reboot", "-nodefaults", "-serial", "none",
                    "-monitor", "none");
            await("QEMU VNC listening").atMost(TIMEOUT).pollInterval(Duration.ofMillis(100))
                    .until(() -> listening(5900 + display));
            try (GuacTestClient client = GuacTestClient.connect(gateway.port(), Map.of("hostname", "127.0.0.1",
                    "port", String.valueOf(5900 + display)))) {
                GuacamoleInstruction size = client.await("screen size", TIMEOUT,
                        i -> i.getOpcode().equals("size") && i.getArgs().getFirst().equals("0"));
                assertThat(Integer.parseInt(size.getArgs().get(1))).isPositive();
                client.awaitOpcode("img", TIMEOUT);
                client.awaitOpcode("sync", TIMEOUT);
                assertThat(client.count("blob")).isPositive();
                // The console keeps changing while the firmware and kernel print: frames keep coming.
                long frames = client.count("sync");
                await("more frames while booting").atMost(TIMEOUT).until(() -> client.count("sync") > frames);
                assertThat(client.failure()).isNull();
            }
        }
    }

    private static int freeQemuDisplay() {
        for (int n = 40; n <= 59; n++) {
            if (Ports.isFree(5900 + n) && !Files.exists(Path.of("/tmp/.X11-unix/X" + n))) {
                return n;
            }
        }
        throw new IllegalStateException("no free VNC display number in :40–:59");
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
