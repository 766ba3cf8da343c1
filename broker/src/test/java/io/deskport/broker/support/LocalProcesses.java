package io.deskport.broker.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What runs on this machine: processes of a cgroup, of an account; test accounts cleanup. */
public final class LocalProcesses {

    private LocalProcesses() {
    }

    /** @return true when the process exists and is not a zombie waiting to be reaped */
    public static boolean running(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    /** @return the pids in the cgroup (empty when it does not exist) */
    public static List<Long> inCgroup(Path cgroup) {
        try {
            List<Long> pids = new ArrayList<>();
            for (String l : Files.readAllLines(cgroup.resolve("cgroup.procs"))) {
                if (!l.isBlank()) {
                    pids.add(Long.parseLong(l.strip()));
                }
            }
            return pids;
        } catch (IOException e) {
            return List.of();
        }
    }

    /** @return the uid a process runs as, or -1 */
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

    /** @return the local accounts whose names start with the prefix */
    public static List<String> accounts(String prefix) throws IOException {
        return Files.readAllLines(Path.of("/etc/passwd")).stream().map(l -> l.split(":")[0])
                .filter(n -> n.startsWith(prefix)).toList();
    }

    /** Deletes the accounts a test created (every account with the test's own prefix) and their processes. */
    public static void removeAccounts(String prefix) throws IOException, InterruptedException {
        for (String name : accounts(prefix)) {
            new ProcessBuilder("pkill", "-KILL", "-U", name).start().waitFor(5, TimeUnit.SECONDS);
            new ProcessBuilder("userdel", "--remove", name).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
