package io.deskport.sessionhost;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU and memory load of the machine, from /proc (CPU is the busy share since the previous sample). */
final class HostLoad {

    private long lastBusy = -1;
    private long lastTotal = -1;

    /** @return CPU busy percent since the last call (null on the first call or when unknown) */
    synchronized Double cpuPercent() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + (f.length > 5 ? Long.parseLong(f[5]) : 0);
            long busy = total - idle;
            Double pct = null;
            if (lastTotal >= 0 && total > lastTotal) {
                pct = Math.round(1000.0 * (busy - lastBusy) / (total - lastTotal)) / 10.0;
            }
            lastBusy = busy;
            lastTotal = total;
            return pct;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** @return {totalMb, usedMb} (used = total - available), or null when unknown */
    static long[] memoryMb() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/meminfo"));
            long total = kb(lines, "MemTotal:");
            long available = kb(lines, "MemAvailable:");
            return new long[] {total / 1024, (total - available) / 1024};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long kb(List<String> lines, String key) {
        return lines.stream().filter(l -> l.startsWith(key)).findFirst()
                .map(l -> Long.parseLong(l.substring(key.length()).trim().split("\\s+")[0]))
                .orElseThrow();
    }

    static String os() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring(12).replace("\"", "") + " (" + System.getProperty("os.arch") + ", kernel "
                            + System.getProperty("os.version") + ")";
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return System.getProperty("os.name") + " " + System.getProperty("os.version");
    }
}
