package io.deskport.gateway;

import static org.awaitility.Awaitility.await;

import io.deskport.gateway.support.GuacTestClient;
import io.deskport.gateway.support.Ports;
import io.deskport.gateway.support.Processes;
import io.deskport.gateway.support.XvncDesktop;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Streaming cost of a scrolling xterm on a 1280×800 Xvnc desktop: bytes sent to a Guacamole client and
 * CPU used by a gateway running in its own JVM, against the bytes a plain VNC relay (websockify in front
 * of Xvnc, with noVNC's encodings) would carry for the same desktop. Not part of the normal test run:
 * {@code ./mvnw -f gateway/pom.xml test -Dgroups=benchmark -Dgateway.excludedGroups= -Dtest=ScrollingXtermBenchmark}.
 */
@Tag("benchmark")
class ScrollingXtermBenchmark {

    private static final Duration WARM_UP = Duration.ofSeconds(5);
    private static final Duration MEASURE = Duration.ofSeconds(20);

    @Test
    void scrollingXterm() throws Exception {
        Path work = Path.of("target", "benchmark");
        try (XvncDesktop desktop = XvncDesktop.start(work, 1280, 800, null);
             Processes gatewayProcess = new Processes(work)) {
            desktop.launch("xterm-scroll", "xterm", "-geometry", "200x58+0+0", "-e", "sh", "-c",
                    "while true; do cat /etc/services; done");
            await().atMost(Duration.ofSeconds(20)).until(() ->
                    desktop.run(null, "xdotool", "search", "--onlyvisible", "--class", "xterm").exitCode() == 0);

            long relayBytes = vncRelayBytes(desktop.port());
            System.out.printf("VNC relay (noVNC encodings: tight, zrle, hextile, copyrect, raw): %.1f KB/s%n",
                    relayBytes / 1024.0 / MEASURE.toSeconds());

            int port = Ports.ephemeral();
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(javaBin, "-Xmx256m"));
            String extra = System.getProperty("bench.gatewayJvmArgs", "");
            if (!extra.isBlank()) {
                command.addAll(java.util.List.of(extra.trim().split("\\s+")));
            }
            command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"),
                    "io.deskport.gateway.server.GatewayMain", "-l", String.valueOf(port), "-L", "warn"));
            Process gateway = gatewayProcess.start("gateway", Map.of(), command.toArray(String[]::new));
            await().atMost(Duration.ofSeconds(20)).until(() -> !Ports.isFree(port));
            try (GuacTestClient client = GuacTestClient.connect(port, Map.of("hostname", "127.0.0.1",
                    "port", String.valueOf(desktop.port())))) {
                Thread.sleep(WARM_UP.toMillis());
                long bytes0 = client.bytesReceived();
                long frames0 = client.count("sync");
                long cpu0 = cpuMillis(gateway.pid());
                Thread.sleep(MEASURE.toMillis());
                long bytes = client.bytesReceived() - bytes0;
                long frames = client.count("sync") - frames0;
                long cpu = cpuMillis(gateway.pid()) - cpu0;
                System.out.printf("Gateway: %.1f KB/s to the client, %.1f frames/s, CPU %.1f%% of one core "
                                + "(≈ %.1f such sessions per core), copy=%d img=%d rect=%d%n",
                        bytes / 1024.0 / MEASURE.toSeconds(), frames / (double) MEASURE.toSeconds(),
                        100.0 * cpu / MEASURE.toMillis(), MEASURE.toMillis() / (double) Math.max(1, cpu),
                        client.count("copy"), client.count("img"), client.count("rect"));
                System.out.printf("Bytes ratio gateway / VNC relay: %.2f%n", bytes / (double) relayBytes);
            }
        }
    }

    /** Bytes a relay would forward to a noVNC client that asks for updates as fast as they come. */
    private static long vncRelayBytes(int vncPort) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", vncPort));
            s.setTcpNoDelay(true);
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            in.readFully(new byte[12]);
            out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            int n = in.readUnsignedByte();
            in.readFully(new byte[n]);
            out.write(1);
            in.readInt();
            out.write(1);
            int w = in.readUnsignedShort();
            int h = in.readUnsignedShort();
            in.readFully(new byte[16]);
            in.readFully(new byte[in.readInt()]);
            // noVNC's default: 32bpp, encodings tight, zrle, hextile, copyrect, raw, quality 6, compression 2.
            int[] encodings = {7, 16, 5, 1, 0, -32 + 6, -256 + 2, -224, -223, -308, -239};
            java.io.ByteArrayOutputStream m = new java.io.ByteArrayOutputStream();
            m.writeBytes(new byte[] {2, 0, 0, (byte) encodings.length});
            for (int e : encodings) {
                m.writeBytes(new byte[] {(byte) (e >> 24), (byte) (e >> 16), (byte) (e >> 8), (byte) e});
            }
            out.write(m.toByteArray());
            AtomicLong count = new AtomicLong();
            AtomicLong measured = new AtomicLong(-1);
            Thread reader = Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[65536];
                try {
                    int r;
                    while ((r = in.read(buf)) > 0) {
                        count.addAndGet(r);
                    }
                } catch (IOException ignored) {
                    // closed at the end of the measurement
                }
            });
            long end = System.nanoTime() + WARM_UP.toNanos() + MEASURE.toNanos();
            long measureFrom = System.nanoTime() + WARM_UP.toNanos();
            byte[] request = {3, 1, 0, 0, 0, 0, (byte) (w >> 8), (byte) w, (byte) (h >> 8), (byte) h};
            while (System.nanoTime() < end) {
                if (measured.get() < 0 && System.nanoTime() >= measureFrom) {
                    measured.set(count.get());
                }
                out.write(request);
                Thread.sleep(16);
            }
            long total = count.get() - measured.get();
            s.close();
            reader.join(2000);
            return total;
        }
    }

    private static long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return ticks * 10; // USER_HZ = 100
    }

}
