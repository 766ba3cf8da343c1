package io.deskport.bench;

import java.nio.file.Files;
import java.nio.file.Path;

import io.deskport.broker.support.RollingRestart;

/**
 * bench/rolling-restart: two broker replicas behind a readiness-following load balancer, N tunnels to real Xvnc
 * desktops kept by portal-like clients, each replica SIGTERMed and restarted in turn ({@link RollingRestart}, the
 * same run as RollingRestartTest's). Last line:
 * {@code rolling-restart: tunnels=N reconnected=R lost=L max_gap_ms=G load=B→E} (targets: lost=0, max_gap_ms ≤ 3000).
 */
public final class RollingRestartBench {

    private RollingRestartBench() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "bench/target/rolling-restart");
        int tunnels = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Files.createDirectories(work);
        String before = LicensingBench.loadAverage();
        System.out.println("load average before: " + before);
        RollingRestart.Result r = RollingRestart.run(work, tunnels, System.out);
        String after = LicensingBench.loadAverage();
        System.out.println("replica shutdowns (SIGTERM to exit): " + r.shutdownMillis() + " ms");
        r.problems().forEach(p -> System.out.println("problem: " + p));
        System.out.println("load average after: " + after);
        System.out.println(r.summary() + " load=" + before.split(" ")[0] + "→" + after.split(" ")[0]);
        System.exit(r.problems().isEmpty() ? 0 : 1);
    }
}
