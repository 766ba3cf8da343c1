package io.deskport.bench.streaming;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of a process and of its threads grouped by role, from {@code /proc/<pid>/stat} and
 * {@code /proc/<pid>/task/<tid>/stat} (user + system, in clock ticks of 10 ms).
 */
final class ProcessCpu {

    private static final long MS_PER_TICK = 10; // USER_HZ is 100 on Linux

    private final long pid;

    ProcessCpu(long pid) {
        this.pid = pid;
    }

    /** @return user + system CPU milliseconds of the whole process so far */
    long totalMillis() throws IOException {
        return ticks(Path.of("/proc", Long.toString(pid), "stat")) * MS_PER_TICK;
    }

    /** @return CPU milliseconds so far per thread group (threads that ended meanwhile are lost) */
    Map<String, Long> byRole() throws IOException {
        Map<String, Long> roles = new HashMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    roles.merge(role(name), ticks(task.resolve("stat")) * MS_PER_TICK, Long::sum);
                } catch (IOException e) {
                    // the thread ended while we looked
                }
            }
        }
        return roles;
    }

    /** @return {@code after - before} per role */
    static Map<String, Long> difference(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> d = new TreeMap<>();
        after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
        return d;
    }

    private static String role(String thread) {
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

    private static long ticks(Path stat) throws IOException {
        String s = Files.readString(stat);
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime (fields 14 and 15)
    }
}
