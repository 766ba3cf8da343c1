package io.deskport.sessionhost.procfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the kernel's {@code /proc} says about processes on this machine: who this JVM runs as, which account a
 * process runs as, whether it still runs, the fields of its {@code stat} file. The one reader of these files for
 * the session host, the simulated driver, the broker and the benchmarks (all of which depend on this module).
 */
public final class ProcFs {

    private static final Path SELF = Path.of("/proc/self");

    private ProcFs() {
    }

    /** @return the uid this JVM runs as */
    public static int selfUid() throws IOException {
        return (Integer) Files.getAttribute(SELF, "unix:uid");
    }

    /** @return the primary gid this JVM runs as */
    public static int selfGid() throws IOException {
        return (Integer) Files.getAttribute(SELF, "unix:gid");
    }

    /** @return true when this JVM runs as root */
    public static boolean runsAsRoot() throws IOException {
        return selfUid() == 0;
    }

    /** @return the (real) uid the process runs as, or -1 when it is gone */
    public static int uidOf(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return -1;
    }

    /** @return true when the process exists and is not a zombie waiting to be reaped */
    public static boolean running(long pid) {
        try {
            return !statFields(Path.of("/proc/" + pid + "/stat"))[0].equals("Z");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The fields of a process's or thread's stat file ({@code /proc/<pid>/stat}, {@code /proc/<pid>/task/<tid>/stat})
     * after its command name (which may itself hold spaces and parentheses): the state is {@code [0]}, utime
     * {@code [11]}, stime {@code [12]} (fields 3, 14 and 15 of proc(5)).
     */
    public static String[] statFields(Path stat) throws IOException {
        String s = Files.readString(stat);
        return s.substring(s.lastIndexOf(')') + 2).split(" ");
    }
}
