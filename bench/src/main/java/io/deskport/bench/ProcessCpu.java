package io.deskport.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

import io.deskport.sessionhost.procfs.ProcFs;

/**
 * CPU time (user + system) consumed by processes, read from {@code /proc/<pid>/stat} and
 * {@code /proc/<pid>/task/<tid>/stat}: lets a benchmark say what one operation costs in CPU, which holds even on
 * a machine busy with other work. For a process with its descendants or alone, or for its threads in groups.
 */
public final class ProcessCpu {

    private static final long MS_PER_TICK = 10; // USER_HZ is 100 on Linux

    private final long pid;

    /** The CPU time of one process, read anew at each call. */
    public ProcessCpu(long pid) {
        this.pid = pid;
    }

    /**
     * @return CPU milliseconds used so far by the process, its descendants alive now, and the children it has reaped
     *         (whose time the kernel adds to the process's own {@code cutime}/{@code cstime} when it waits for them:
     *         without it, a PostgreSQL backend that ended during a measure took its time out of the sum, and a
     *         phase's CPU per connect read negative — bench/metering, 2026-12-07)
     */
    public static double treeMillis(long pid) {
        double total = reapedMillis(pid);
        for (long p : tree(pid)) {
            total += ownMillis(p);
        }
        return total;
    }

    /** @return CPU milliseconds of the children the process has waited for, 0 when it is gone */
    private static double reapedMillis(long pid) {
        try {
            String[] f = ProcFs.statFields(Path.of("/proc", Long.toString(pid), "stat"));
            return (Long.parseLong(f[13]) + Long.parseLong(f[14])) * MS_PER_TICK; // cutime, cstime
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** @return CPU milliseconds used so far by this JVM */
    public static double selfMillis() {
        return ownMillis(ProcessHandle.current().pid());
    }

    /** @return user + system CPU milliseconds of the whole process so far */
    public long totalMillis() throws IOException {
        return millis(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /**
     * @param group the group of a thread, by its name
     * @return CPU milliseconds so far per group of threads (threads that ended meanwhile are lost)
     */
    public Map<String, Long> byThreadGroup(UnaryOperator<String> group) throws IOException {
        Map<String, Long> groups = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    groups.merge(group.apply(name), millis(task.resolve("stat")), Long::sum);
                } catch (IOException e) {
                    // the thread ended while we looked
                }
            }
        }
        return groups;
    }

    /** @return {@code after - before} per group */
    public static Map<String, Long> difference(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new TreeMap<>();
        after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
        return d;
    }

    /** @return CPU milliseconds used so far by the process alone, 0 when it is gone */
    private static double ownMillis(long pid) {
        try {
            return millis(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static long millis(Path stat) throws IOException {
        String[] f = ProcFs.statFields(stat);
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * MS_PER_TICK; // utime, stime
    }

    private static List<Long> tree(long pid) {
        List<Long> all = new ArrayList<>();
        all.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> all.add(d.pid())));
        return all;
    }
}
