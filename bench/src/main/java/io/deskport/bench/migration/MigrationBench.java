package io.deskport.bench.migration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The benchmark behind {@code bench/migration}: a simulated drain (10 hosts, 500 desktops, one host with 50 running
 * desktops emptied into the others, {@link SimulatedDrainBench}) and one real live migration of a running TCG
 * desktop between two libvirt daemons on this machine ({@link LibvirtLiveMigrationBench}). Writes its result line to
 * {@code <work>/result.txt}; the script prints it last.
 */
public final class MigrationBench {

    private MigrationBench() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "bench/target/migration-bench").toAbsolutePath();
        Files.createDirectories(work);
        SimulatedDrainBench.Result sim = new SimulatedDrainBench().run();
        LibvirtLiveMigrationBench.Result real = new LibvirtLiveMigrationBench().run();
        String line = String.format(Locale.ROOT,
                "migration: sim_drain_s=%.1f moved=%d stuck=%d libvirt_downtime_ms=%d console_back_ms=%d",
                sim.seconds(), sim.moved(), sim.stuck(), real.downtimeMillis(), real.consoleBackMillis());
        Files.writeString(work.resolve("result.txt"), line + "\n");
        System.err.println(line);
    }
}
