package io.deskport.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * CPU time (user + system) consumed by processes, read from /proc: lets the benchmark say what one
 * operation costs in CPU, which holds even on a machine busy with other work.
 */
final class ProcessCpu {

    private static final double TICKS_PER_MS = 100.0 / 1000.0; // USER_HZ is 100 on Linux

    private ProcessCpu() {
    }

    /** @return CPU milliseconds used so far by the process and all its descendants alive now */
    static double treeMillis(long pid) {
        double total = 0;
        for (long p : tree(pid)) {
            total += ownMillis(p);
        }
        return total;
    }

    /** @return CPU milliseconds used so far by this JVM */
    static double selfMillis() {
        return ownMillis(ProcessHandle.current().pid());
    }

    static double ownMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields after the command: state(0) ... utime(11) stime(12)
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_MS;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static List<Long> tree(long pid) {
        List<Long> all = new ArrayList<>();
        all.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> all.add(d.pid())));
        return all;
    }
}
