package io.deskport.gateway.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The standalone daemon: {@code java -jar deskport-gateway-<version>-standalone.jar [options]}. Listens
 * on 127.0.0.1:4822 by default, like guacd. Options (environment variables in brackets):
 * <ul>
 *   <li>{@code -b, --bind ADDRESS} [DESKPORT_GATEWAY_BIND] listen address</li>
 *   <li>{@code -l, --port PORT} [DESKPORT_GATEWAY_PORT] listen port</li>
 *   <li>{@code -r, --recording-dir DIR} [DESKPORT_GATEWAY_RECORDING_DIR] allowed root of recordings</li>
 *   <li>{@code -L, --log-level LEVEL} [DESKPORT_GATEWAY_LOG_LEVEL] trace, debug, info, warn or error</li>
 *   <li>{@code -m, --metrics-port PORT} [DESKPORT_GATEWAY_METRICS_PORT] serve Prometheus metrics at {@code /metrics} on
 *       this port of the listen address (default: none)</li>
 * </ul>
 */
public final class GatewayMain {

    private GatewayMain() {
    }

    /** Starts the daemon and blocks until the JVM is asked to stop. */
    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        String bind = env.getOrDefault("DESKPORT_GATEWAY_BIND", "127.0.0.1");
        String port = env.getOrDefault("DESKPORT_GATEWAY_PORT", String.valueOf(GatewayConfig.DEFAULT_PORT));
        String recordingDir = env.get("DESKPORT_GATEWAY_RECORDING_DIR");
        String logLevel = env.getOrDefault("DESKPORT_GATEWAY_LOG_LEVEL", "info");
        String metricsPort = env.get("DESKPORT_GATEWAY_METRICS_PORT");
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-b", "--bind" -> bind = value(args, ++i, a);
                case "-l", "--port" -> port = value(args, ++i, a);
                case "-r", "--recording-dir" -> recordingDir = value(args, ++i, a);
                case "-L", "--log-level" -> logLevel = value(args, ++i, a);
                case "-m", "--metrics-port" -> metricsPort = value(args, ++i, a);
                case "-h", "--help" -> {
                    System.out.println("""
                            Usage: java -jar deskport-gateway-standalone.jar [options]
                              -b, --bind ADDRESS         listen address (default 127.0.0.1)   [DESKPORT_GATEWAY_BIND]
                              -l, --port PORT            listen port (default 4822)           [DESKPORT_GATEWAY_PORT]
                              -r, --recording-dir DIR    recordings must be under DIR         [DESKPORT_GATEWAY_RECORDING_DIR]
                              -L, --log-level LEVEL      trace|debug|info|warn|error          [DESKPORT_GATEWAY_LOG_LEVEL]
                              -m, --metrics-port PORT    Prometheus /metrics on this port     [DESKPORT_GATEWAY_METRICS_PORT]""");
                    return;
                }
                default -> {
                    System.err.println("Unknown option " + a + " (try --help)");
                    System.exit(2);
                }
            }
        }
        StandaloneLogging.configure(logLevel);
        GatewayConfig config = GatewayConfig.defaults().withListen(InetAddress.getByName(bind), Integer.parseInt(port));
        if (recordingDir != null && !recordingDir.isBlank()) {
            config = config.withRecordingRoot(Path.of(recordingDir).toAbsolutePath());
        }
        StandaloneMetrics served = new StandaloneMetrics();
        GatewayMetrics metrics = GatewayMetrics.none();
        if (metricsPort != null && !metricsPort.isBlank()) {
            metrics = served.metrics();
            int bound = served.start(new InetSocketAddress(config.bindAddress(), Integer.parseInt(metricsPort)));
            System.err.println("Gateway metrics at http://" + config.bindAddress().getHostAddress() + ":" + bound + "/metrics");
        }
        GatewayServer server = new GatewayServer(config, metrics).start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            served.close();
            stopped.countDown();
        }, "gateway-shutdown"));
        stopped.await();
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            System.err.println("Option " + option + " needs a value");
            System.exit(2);
        }
        return args[i];
    }
}
