package io.deskport.bench.streaming;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.deskport.bench.BrokerClient;
import io.deskport.bench.ProcessCpu;
import io.deskport.gateway.support.Ports;

/**
 * The streaming benchmark: one scripted desktop workload (see {@link Desktop}) watched first through
 * websockify by a noVNC-like client ({@link NoVncClient}), then through the broker's tunnel and a
 * standalone Deskport gateway by a guacamole-common-js-like client ({@link GuacamoleViewer}) that also
 * measures input latency ({@link InputProbe}). Prints a breakdown, then the summary as its last line.
 * Started by {@code bench/streaming}, which builds and starts the gateway and the broker.
 */
public final class StreamingBench {

    private final Map<String, String> opt;

    private StreamingBench(Map<String, String> opt) {
        this.opt = opt;
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>(Map.of("seconds", "20", "warmup", "60", "lines-per-s", "1000",
                "novnc-mode", "continuous", "work", "bench/target/streaming", "idle-seconds", "5"));
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        for (String required : List.of("broker", "operator-password", "gateway-pid", "websockify-port")) {
            if (!opt.containsKey(required)) {
                throw new IllegalArgumentException("missing --" + required);
            }
        }
        new StreamingBench(opt).run();
        System.exit(0);
    }

    private int seconds(String name) {
        return Integer.parseInt(opt.get(name));
    }

    private void run() throws Exception {
        Path work = Path.of(opt.get("work"));
        String vncPassword = "v" + Long.toHexString(System.nanoTime()).substring(0, 7);
        long measureNanos = TimeUnit.SECONDS.toNanos(seconds("seconds"));
        int lines = Integer.parseInt(opt.get("lines-per-s"));
        System.out.printf("machine: %d cores, load average %s at start%n", Runtime.getRuntime().availableProcessors(), loadAverage());

        try (Desktop desktop = Desktop.start(work, vncPassword)) {
            desktop.startWorkload(lines);
            Desktop.Area probeArea = desktop.probeArea();
            System.out.printf("desktop: Xvnc :%d %dx%d, openbox; scroll xterm %s lines/s, drag window round a "
                            + "150x260 rectangle at 300 px/s, probe window at %d,%d (%dx%d)%n", desktop.display(),
                    Desktop.WIDTH, Desktop.HEIGHT, lines == 0 ? "unlimited" : Integer.toString(lines), probeArea.x(),
                    probeArea.y(), probeArea.width(), probeArea.height());
            Process websockify = startWebsockify(work, desktop.port());
            try {
                // --capture-rfb FILE: the gateway reaches the desktop through a relay that records what Xvnc sends.
                RfbCapture capture = opt.containsKey("capture-rfb")
                        ? new RfbCapture(desktop.port(), Path.of(opt.get("capture-rfb"))) : null;
                String token = connectThroughBroker(capture != null ? capture.port() : desktop.port(), vncPassword);
                desktop.startDragging();
                ProcessCpu xvnc = new ProcessCpu(desktop.xvncPid());

                // ---- (b) websockify + noVNC
                NoVncClient.Mode mode = NoVncClient.Mode.valueOf(opt.get("novnc-mode").toUpperCase());
                long wsBytes;
                long wsUpdates;
                long xvncWsCpu;
                try (NoVncClient novnc = NoVncClient.open("ws://127.0.0.1:" + opt.get("websockify-port") + "/",
                        vncPassword, mode)) {
                    InputProbe probe = new InputProbe(probeArea);
                    novnc.attach(probe);
                    long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    long end = warmEnd + measureNanos;
                    Thread typing = Thread.ofVirtual().start(() -> {
                        typeQuietly(probe, novnc::typeKey, null, warmEnd, false);
                        typeQuietly(probe, novnc::typeKey, null, end, true);
                    });
                    sleepUntil(warmEnd);
                    long b0 = novnc.bytes;
                    long u0 = novnc.updates;
                    long x0 = xvnc.totalMillis();
                    sleepUntil(end);
                    wsBytes = novnc.bytes - b0;
                    wsUpdates = novnc.updates - u0;
                    xvncWsCpu = xvnc.totalMillis() - x0;
                    typing.join();
                    if (novnc.failure != null) {
                        throw new IllegalStateException("noVNC client failed: " + novnc.failure);
                    }
                    System.out.printf("websockify (noVNC 1.3 encodings, %s updates%s): %.0f bytes/s, %.1f updates/s; "
                                    + "rectangles %s; Xvnc CPU %.0f ms/s%n", mode.name().toLowerCase(),
                            mode == NoVncClient.Mode.CONTINUOUS && !novnc.continuous ? " not offered by the server" : "",
                            wsBytes / sec(measureNanos), wsUpdates / sec(measureNanos), novnc.rectangles,
                            xvncWsCpu / sec(measureNanos));
                    long[] lat = probe.latenciesSorted();
                    System.out.printf("websockify input latency (key sent → end of the first update with a rectangle over "
                                    + "the probe, undecoded): %d keys, p50 %.1f ms, p99 %.1f ms, %d missed%n",
                            lat.length, pct(lat, 50), pct(lat, 99), probe.misses());
                }

                // ---- gateway at rest, before the session
                ProcessCpu gateway = new ProcessCpu(Long.parseLong(opt.get("gateway-pid")));
                Thread.sleep(1000);
                long idle0 = gateway.totalMillis();
                long idleStart = System.nanoTime();
                Thread.sleep(TimeUnit.SECONDS.toMillis(seconds("idle-seconds")));
                double idleMsPerS = (gateway.totalMillis() - idle0) / sec(System.nanoTime() - idleStart);

                // ---- (a) Deskport: broker tunnel + gateway
                ProcessCpu broker = opt.containsKey("broker-pid") ? new ProcessCpu(Long.parseLong(opt.get("broker-pid"))) : null;
                String brokerWs = opt.get("broker").replaceFirst("^http", "ws");
                try (GuacamoleViewer viewer = GuacamoleViewer.open(brokerWs, token, Desktop.WIDTH, Desktop.HEIGHT)) {
                    InputProbe probe = new InputProbe(probeArea);
                    viewer.attach(probe);
                    long warmEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds("warmup"));
                    long end = warmEnd + measureNanos;
                    Thread typing = Thread.ofVirtual().start(() -> {
                        typeQuietly(probe, viewer::typeKey, viewer.screen, warmEnd, false);
                        typeQuietly(probe, viewer::typeKey, viewer.screen, end, true);
                    });
                    sleepUntil(warmEnd);
                    long b0 = viewer.bytes;
                    long f0 = viewer.frames;
                    long c0 = gateway.totalMillis();
                    Map<String, Long> r0 = gateway.byThreadGroup(StreamingBench::gatewayThreadRole);
                    long x0 = xvnc.totalMillis();
                    long k0 = broker == null ? 0 : broker.totalMillis();
                    long img0 = viewer.screen.images;
                    long jpg0 = viewer.screen.jpegImages;
                    long px0 = viewer.screen.imagePixels;
                    long ib0 = viewer.screen.imageBytes;
                    long cp0 = viewer.screen.copies;
                    long fl0 = viewer.screen.fills;
                    long dec0 = viewer.screen.decodeNanos;
                    long t0 = System.nanoTime();
                    sleepUntil(end);
                    double s = sec(System.nanoTime() - t0);
                    long bytes = viewer.bytes - b0;
                    long frames = viewer.frames - f0;
                    long cpu = gateway.totalMillis() - c0;
                    Map<String, Long> roles = ProcessCpu.difference(r0, gateway.byThreadGroup(StreamingBench::gatewayThreadRole));
                    long xvncCpu = xvnc.totalMillis() - x0;
                    long brokerCpu = broker == null ? 0 : broker.totalMillis() - k0;
                    typing.join();
                    if (viewer.isClosed()) {
                        throw new IllegalStateException("tunnel closed during the run: " + viewer.closeReason()
                                + (viewer.error != null ? " (" + viewer.error + ")" : ""));
                    }
                    GuacamoleScreen sc = viewer.screen;
                    double cpuPerS = Math.max(0.1, cpu / s - idleMsPerS);
                    long[] lat = probe.latenciesSorted();
                    System.out.printf("deskport (broker tunnel + standalone gateway): %.0f bytes/s, %.1f frames/s; "
                                    + "%.1f images/s (%d JPEG), %.0f image pixels/s, %.0f image bytes/s, %.1f copies/s, "
                                    + "%.1f fills/s; client decode+draw %.0f ms/s; Xvnc CPU %.0f ms/s%s%n",
                            bytes / s, frames / s, (sc.images - img0) / s, sc.jpegImages - jpg0, (sc.imagePixels - px0) / s,
                            (sc.imageBytes - ib0) / s, (sc.copies - cp0) / s, (sc.fills - fl0) / s,
                            (sc.decodeNanos - dec0) / 1e6 / s, xvncCpu / s,
                            broker == null ? "" : String.format("; broker CPU %.0f ms/s", brokerCpu / s));
                    StringBuilder r = new StringBuilder();
                    roles.forEach((k, v) -> r.append(String.format(" %s=%.1f", k, v / s)));
                    System.out.printf("gateway CPU: %.1f ms/s for the process, %.1f ms/s at rest before the session "
                            + "→ %.1f ms/s for the session; by thread (ms/s):%s%n", cpu / s, idleMsPerS, cpuPerS, r);
                    System.out.printf("input latency: %d keys, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms, %d not "
                                    + "seen within %d ms%n", lat.length, pct(lat, 50), pct(lat, 90), pct(lat, 99),
                            lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6, probe.misses(), InputProbe.TIMEOUT_NANOS / 1_000_000);
                    long[] first = probe.toFrameStartSorted();
                    System.out.printf("  of which key → first message of the frame showing it (desktop, gateway, broker): "
                            + "p50 %.1f ms, p99 %.1f ms; the rest is receiving and drawing that frame%n", pct(first, 50), pct(first, 99));
                    System.out.printf("workload: %d drag laps so far%n", desktop.laps());
                    System.out.printf("machine: load average %s at the end%n", loadAverage());
                    if (lat.length < 10 || probe.misses() > lat.length / 2) {
                        throw new IllegalStateException("the input probe saw too few keys (" + lat.length + ", "
                                + probe.misses() + " missed): is the probe window focused?");
                    }
                    System.out.printf("streaming: fps=%.1f bytes_per_s=%.0f bytes_vs_websockify=%.2f cpu_ms_per_s=%.1f "
                                    + "input_p50_ms=%.1f input_p99_ms=%.1f sessions_per_core=%.1f%n",
                            frames / s, bytes / s, (bytes / s) / (wsBytes / sec(measureNanos)), cpuPerS, pct(lat, 50),
                            pct(lat, 99), 1000.0 / cpuPerS);
                }
            } finally {
                desktop.stopDragging();
                websockify.descendants().forEach(ProcessHandle::destroy);
                websockify.destroy();
                websockify.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private Process startWebsockify(Path work, int vncPort) throws Exception {
        int port = Integer.parseInt(opt.get("websockify-port"));
        Process p = new ProcessBuilder("websockify", "127.0.0.1:" + port, "127.0.0.1:" + vncPort)
                .redirectErrorStream(true).redirectOutput(work.resolve("websockify.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (Ports.isFree(port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("websockify did not start; see " + work.resolve("websockify.log"));
            }
            Thread.sleep(100);
        }
        return p;
    }

    /** Creates a tenant, a pool with the desktop, a user entitled to it; the user connects. @return the tunnel ticket */
    private String connectThroughBroker(int vncPort, String vncPassword) {
        BrokerClient api = new BrokerClient(opt.get("broker"));
        String operator = api.login("platform", "operator", opt.get("operator-password"));
        String slug = "stream-" + Long.toHexString(System.currentTimeMillis());
        UUID tenant = UUID.fromString(api.expect(201, "POST", "/api/v1/admin/tenants", operator, null,
                "{\"slug\":\"" + slug + "\",\"name\":\"Streaming bench\",\"maxConcurrentSessions\":10,\"maxDesktops\":10}")
                .body().get("id").asString());
        String pool = api.expect(201, "POST", "/api/v1/admin/pools", operator, tenant,
                "{\"name\":\"xvnc\",\"kind\":\"POOLED\",\"loadBalancing\":\"BREADTH_FIRST\"}").body().get("id").asString();
        api.expect(201, "POST", "/api/v1/admin/pools/" + pool + "/desktops", operator, tenant,
                "{\"name\":\"xvnc\",\"consoleHost\":\"127.0.0.1\",\"consolePort\":" + vncPort + ",\"consolePassword\":\""
                        + vncPassword + "\"}");
        String password = "bench-" + UUID.randomUUID();
        String user = api.expect(201, "POST", "/api/v1/admin/users", operator, tenant,
                "{\"username\":\"viewer\",\"password\":\"" + password + "\"}").body().get("id").asString();
        api.expect(201, "POST", "/api/v1/admin/pools/" + pool + "/entitlements", operator, tenant,
                "{\"userId\":\"" + user + "\"}");
        String token = api.login(slug, "viewer", password);
        return api.expect(201, "POST", "/api/v1/pools/" + pool + "/connect", token, null, null)
                .body().get("tunnel").get("token").asString();
    }

    private static void typeQuietly(InputProbe probe, InputProbe.Keyboard keyboard, GuacamoleScreen screen, long until,
                                    boolean record) {
        try {
            probe.type(keyboard, screen, until, record);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long wait;
        while ((wait = nanos - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static double sec(long nanos) {
        return nanos / 1e9;
    }

    private static double pct(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
    }

    /** The part of the gateway a thread of it works for, by the thread's name. */
    private static String gatewayThreadRole(String thread) {
        if (thread.startsWith("gateway-rfb")) {
            return "rfb";
        }
        if (thread.startsWith("gateway-frames")) {
            return "frames";
        }
        if (thread.startsWith("ForkJoinPool") || thread.startsWith("gateway-viewer")) {
            return "viewer-io";
        }
        if (thread.startsWith("GC ") || thread.startsWith("G1 ") || thread.startsWith("VM Periodic")
                || thread.startsWith("VM Thread")) {
            return "gc+vm";
        }
        if (thread.startsWith("C1 ") || thread.startsWith("C2 ")) {
            return "jit";
        }
        return "other";
    }

    private static String loadAverage() throws IOException {
        String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
        return f[0] + " " + f[1] + " " + f[2];
    }
}
