package io.deskport.bench.provisioning;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import io.deskport.broker.database.EmbeddedPostgres;

/**
 * The provisioning benchmark behind {@code bench/provisioning}: one reconcile cycle over 100 simulated
 * hosts and 10,000 desktops (database reads and writes included), linked clone + define on the real
 * libvirtd, and a connect to a stopped persistent desktop until its VNC console answers. Writes its
 * result line to {@code <work>/result.txt}; the script prints it last.
 */
public final class ProvisioningBench {

    private ProvisioningBench() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "bench/target/provisioning").toAbsolutePath();
        Files.createDirectories(work);
        EmbeddedPostgres postgres = EmbeddedPostgres.start(work.resolve("postgres"), 0);
        String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        try {
            ReconcileCycleBench.Result cycle = new ReconcileCycleBench(postgres, "cycle" + suffix).run();
            double clonesPerSecond = new LibvirtCloneBench(30).run();
            double connectSeconds = new ConnectToConsoleBench(postgres, "connect" + suffix).run();
            String line = String.format(Locale.ROOT,
                    "provisioning: sim_desktops=%d sim_hosts=%d reconcile_cycle_ms=%d libvirt_clones_per_s=%.1f "
                            + "connect_to_console_s=%.2f", cycle.desktops(), cycle.hosts(), cycle.medianMillis(),
                    clonesPerSecond, connectSeconds);
            Files.writeString(work.resolve("result.txt"), line + "\n");
            System.err.println(line);
        } finally {
            postgres.stop();
        }
    }
}
